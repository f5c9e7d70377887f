"""XLSX: a summary sheet, then one sheet per table with old / new / change for every changed cell
(positions in both layouts), then the rounding differences and the findings that changed.

openpyxl is imported here only, so that the CLI does not pay for it unless xlsx is asked for. The
workbook is made byte-reproducible: fixed document timestamps and fixed zip entry dates.
"""

from __future__ import annotations

import re

from .model import MODE_NAMES, Change, DiffResult
from .phrasing import header_field, header_value, phrase

COLS = {
    "zh": ("区域", "行", "科目名称", "栏", "原值", "新值", "增减", "增减幅度(%)", "类型", "说明", "原版式位置", "概念", "编码"),
    "en": ("section", "row", "row name", "column", "old", "new", "change", "change (%)", "kind", "wording",
           "place in old layout", "concept", "code"),
}
KIND = {"zh": {"changed": "变动", "added": "新增", "removed": "删除", "rounding": "尾数差异"},
        "en": {"changed": "changed", "added": "added", "removed": "removed", "rounding": "rounding"}}
FILLS = {"changed": "FFE08A", "added": "B9F0C0", "removed": "F9C0C0", "rounding": "DDE6FB"}
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(text: str, used: set[str]) -> str:
    base = _BAD_SHEET.sub("_", text)[:31] or "sheet"
    name, i = base, 2
    while name.lower() in used:
        suffix = f"~{i}"
        name, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(name.lower())
    return name


def render_xlsx(r: DiffResult, lang: str = "zh") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    L = "en" if lang == "en" else "zh"
    bold = Font(bold=True)
    fills = {k: PatternFill("solid", fgColor=v) for k, v in FILLS.items()}
    wb = Workbook()
    used: set[str] = set()
    ws = wb.active
    ws.title = _sheet_name("Summary" if L == "en" else "概要", used)
    mode = MODE_NAMES[r.mode][1 if L == "en" else 0]
    ws.append(["Comparison" if L == "en" else "决算对比", mode])
    ws["A1"].font = bold
    ws.append([])
    ws.append(["", "old" if L == "en" else "原", "new" if L == "en" else "新"])
    ws.append(["file" if L == "en" else "文件", r.old_file, r.new_file])
    for f in ("entity", "fiscal_year", "status", "layout", "unit"):
        ws.append([header_field(f, L), header_value(f, str(getattr(r.old, f)), L),
                   header_value(f, str(getattr(r.new, f)), L)])
    ws.append([])
    for k, v in r.counts().items():
        ws.append([k, v])
    if r.key_totals:
        ws.append([])
        ws.append(["key total" if L == "en" else "主要指标", "last year" if L == "en" else "上年数",
                   "this year" if L == "en" else "本年数", "change" if L == "en" else "增减",
                   "change (%)" if L == "en" else "增减幅度(%)", "wording" if L == "en" else "说明"])
        for k in r.key_totals:
            ws.append([k.label_en if L == "en" else k.label_zh, k.old, k.new, k.delta, k.pct,
                       phrase("changed", k.old, k.new, k.delta, k.pct, L) if k.delta is not None else ""])
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 40

    def table_sheets(changes: list[Change], prefix: str = "") -> None:
        for tid, title, lst in r.by_table(changes):
            name = f"{prefix}{tid} {title}" if tid else f"{prefix}{'other' if L == 'en' else '其他'}"
            sh = wb.create_sheet(_sheet_name(name, used))
            sh.append([f"{tid} {title}".strip()])
            sh["A1"].font = bold
            sh.append(list(COLS[L]))
            for cell in sh[2]:
                cell.font = bold
            for c in lst:
                p = c.place
                kind = "rounding" if c.rounding else c.kind
                old_w = f"{c.old_place.where(L)} [{c.old_place.layout}]" if c.old_place else ""
                sh.append([p.section if p else "", p.row if p else c.code, p.row_name if p else "",
                           p.column if p else c.label(L), c.old, c.new, c.delta, c.pct, KIND[L][kind],
                           phrase(c.kind, c.old, c.new, c.delta, c.pct, L), old_w, c.concept, c.code])
                row = sh.max_row
                for col in (5, 6, 7):
                    sh.cell(row, col).number_format = "0.00"
                sh.cell(row, 8).number_format = "0.00"
                for col in (5, 6, 7):
                    sh.cell(row, col).fill = fills[kind]
            for col, width in zip("ABCDEFGHIJKLM", (6, 28, 24, 18, 12, 12, 12, 12, 8, 34, 40, 26, 10)):
                sh.column_dimensions[col].width = width
            sh.freeze_panes = "A3"
            sh["A1"].alignment = Alignment(horizontal="left")

    table_sheets(r.changes)
    table_sheets(r.shown_rounding(), prefix="Rounding " if L == "en" else "尾数 ")
    if r.checked and (r.findings_appeared or r.findings_disappeared):
        sh = wb.create_sheet(_sheet_name("Findings" if L == "en" else "审核发现", used))
        sh.append(["", "code", "table", "section", "row", "column", "message"])
        for label, lst in (("appeared" if L == "en" else "新出现", r.findings_appeared),
                           ("disappeared" if L == "en" else "已消失", r.findings_disappeared)):
            for f in lst:
                sh.append([label, f.code, f.table, f.section, f.row, f.column, f.text(L)])
    if r.narrative:
        sh = wb.create_sheet(_sheet_name("Narrative" if L == "en" else "说明文字", used))
        sh.append(["key", "title", "kind", "old", "new"] if L == "en" else ["段落", "标题", "类型", "原文", "新文"])
        kinds = {"changed": "改动", "added": "新增", "removed": "删除"}
        for n in r.narrative:
            sh.append([n.key, n.title, n.kind if L == "en" else kinds[n.kind], n.old or "", n.new or ""])
    wb.properties.creator = "juesuan"
    from ..excel.template import workbook_bytes

    return workbook_bytes(wb)
