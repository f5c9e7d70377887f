"""Text for a terminal: Chinese labels (English with lang="en"), columns aligned by display width.

Chinese characters take two terminal cells (East Asian Width W/F), so columns are padded by
`display_width`, not by len().
"""

from __future__ import annotations

import unicodedata

from .model import MODE_NAMES, Change, DiffResult
from .phrasing import amount, header_field, header_value, pct_text, phrase, signed

T = {
    "zh": {
        "title": "决算对比：{mode}{how}",
        "auto": "（按表头判断）",
        "forced": "（按指定模式）",
        "old": "原",
        "new": "新",
        "year": "{y} 年度",
        "layout": "版式 {l}",
        "header_changes": "表头变化",
        "info": "（不计为差异）",
        "summary": "概要：数值变动 {changed} 处，新增 {added} 处，删除 {removed} 处；尾数差异 {rounding} 处{rhidden}；"
                   "新增行 {rows_added} 个，删除行 {rows_removed} 个",
        "summary_findings": "；审核发现新出现 {findings_appeared} 条，已消失 {findings_disappeared} 条",
        "rhidden": "（已按 --ignore-rounding 隐藏）",
        "none": "两份决算没有差异。",
        "key": "【主要指标与上年相比】",
        "key_cols": ("项目", "上年数", "本年数", "增减", "说明"),
        "tables": "【逐表变动】",
        "cols": ("行", "栏", "原值", "新值", "增减", "幅度", "说明"),
        "moved": "原版式位置：{w}",
        "unplaced": "（本版式无此栏）",
        "new_unplaced": "新版式无此栏；",
        "other": "未列入表格的数据",
        "rounding": "【尾数差异】（|差额| 不超过两值小数位的舍入误差，如 0.01 万元；不计入数值变动）",
        "rows": "【新增与删除的行】",
        "row_added": "新增行",
        "row_removed": "删除行",
        "findings": "【审核发现的变化】",
        "appeared": "新出现",
        "disappeared": "已消失",
        "no_findings": "审核发现没有变化。",
        "summary_narrative": "；说明文字变动 {narrative_changed} 段",
        "narrative_skipped": "；说明文字未比较（有一份没有第三部分）",
        "narrative": "【说明文字（第三部分）的变化】（− 原稿中的句子，+ 新稿中的句子）",
        "nkind": {"changed": "改动", "added": "新增", "removed": "删除"},
        "unit": "金额单位：万元",
    },
    "en": {
        "title": "Comparison: {mode}{how}",
        "auto": " (from the headers)",
        "forced": " (mode given)",
        "old": "old",
        "new": "new",
        "year": "FY {y}",
        "layout": "layout {l}",
        "header_changes": "Header changes",
        "info": " (not counted as a difference)",
        "summary": "Summary: {changed} changed, {added} added, {removed} removed; {rounding} rounding differences{rhidden}; "
                   "{rows_added} rows added, {rows_removed} rows removed",
        "summary_findings": "; check findings: {findings_appeared} appeared, {findings_disappeared} disappeared",
        "rhidden": " (hidden by --ignore-rounding)",
        "none": "No differences.",
        "key": "[Key totals, year over year]",
        "key_cols": ("item", "last year", "this year", "change", "wording"),
        "tables": "[Changes table by table]",
        "cols": ("row", "column", "old", "new", "change", "pct", "wording"),
        "moved": "old layout: {w}",
        "unplaced": "(no cell in this layout)",
        "new_unplaced": "no cell in the new layout; ",
        "other": "facts not printed in a table",
        "rounding": "[Rounding differences] (within rounding of the two values' decimals, e.g. 0.01; not counted as changes)",
        "rows": "[Rows added and removed]",
        "row_added": "added",
        "row_removed": "removed",
        "findings": "[Check findings that changed]",
        "appeared": "appeared",
        "disappeared": "disappeared",
        "no_findings": "No change in check findings.",
        "summary_narrative": "; {narrative_changed} narrative blocks changed",
        "narrative_skipped": "; narrative not compared (one report has none)",
        "narrative": "[Narrative (第三部分) changes] (− sentence of the old text, + of the new one)",
        "nkind": {"changed": "changed", "added": "added", "removed": "removed"},
        "unit": "Amounts in 10,000 yuan (万元)",
    },
}
RIGHT = {2, 3, 4, 5}  # numeric columns of the change tables


def display_width(s: str) -> int:
    """Terminal cells taken by s: 2 for East Asian Wide/Fullwidth characters, else 1."""
    if s.isascii():
        return len(s)
    eaw = unicodedata.east_asian_width
    return len(s) + sum(1 for ch in s if eaw(ch) in ("W", "F"))


def pad(s: str, width: int, right: bool = False, have: int | None = None) -> str:
    fill = " " * max(0, width - (display_width(s) if have is None else have))
    return fill + s if right else s + fill


def align(rows: list[tuple[str, ...]], right: set[int], indent: str = "  ") -> list[str]:
    w = [[display_width(c) for c in r] for r in rows]
    widths = [max(x[i] for x in w) for i in range(len(rows[0]))]
    out = []
    for r, wr in zip(rows, w):
        cells = [pad(c, widths[i], i in right, wr[i]) for i, c in enumerate(r)]
        out.append((indent + "  ".join(cells)).rstrip())
    return out


def _hdr(r: DiffResult, which: str, t: dict, lang: str) -> str:
    h, path = (r.old, r.old_file) if which == "old" else (r.new, r.new_file)
    parts = [path, h.entity, t["year"].format(y=h.fiscal_year), header_value("status", h.status, lang),
             t["layout"].format(l=h.layout)]
    sep = " | " if lang == "en" else "｜"
    return f"{t[which]}{': ' if lang == 'en' else '：'}" + sep.join(p for p in parts if p)


def _change_rows(changes: list[Change], t: dict, lang: str) -> list[tuple[str, ...]]:
    rows = [t["cols"]]
    for c in changes:
        p = c.place
        row = "/".join(x for x in (p.section, p.row_label()) if x) if p else c.code
        col = p.column if p else c.label(lang)
        rows.append((row or "—", col or "—", amount(c.old), amount(c.new), signed(c.delta), pct_text(c.pct),
                     phrase(c.kind, c.old, c.new, c.delta, c.pct, lang)))
    return rows


def _table_block(r: DiffResult, changes: list[Change], t: dict, lang: str) -> list[str]:
    lines = []
    for tid, title, lst in r.by_table(changes):
        lines.append((f"Table {tid} {title}" if lang == "en" else f"{tid}表 {title}") if tid else t["other"])
        body = align(_change_rows(lst, t, lang), RIGHT)
        lines.append(body[0])
        for c, line in zip(lst, body[1:]):
            lines.append(line)
            if c.moved():
                if c.old_place is None:
                    lines.append("      " + t["moved"].format(w=t["unplaced"]))
                else:
                    w = c.old_place.where(lang) + f" [{c.old_place.layout}]"
                    lines.append("      " + (t["new_unplaced"] if c.new_place is None else "")
                                 + t["moved"].format(w=w))
    return lines


def render_text(r: DiffResult, lang: str = "zh") -> str:
    t = T["en" if lang == "en" else "zh"]
    mode = MODE_NAMES[r.mode][1 if lang == "en" else 0]
    out = [t["title"].format(mode=mode, how=t["auto"] if r.mode_auto else t["forced"]),
           _hdr(r, "old", t, lang), _hdr(r, "new", t, lang)]
    colon = ": " if lang == "en" else "："
    for h in r.header_changes:
        out.append(f"{t['header_changes']}{colon}{header_field(h.field, lang)} "
                   f"{header_value(h.field, h.old, lang, 24)} → {header_value(h.field, h.new, lang, 24)}"
                   + ("" if h.material else t["info"]))
    if any(r.tables_absent):  # tables one report's source did not contain: not compared, not "removed"
        from ..catalogue import render as _render

        for side, ids in zip(({"zh": "原", "en": "old"}, {"zh": "新", "en": "new"}), r.tables_absent):
            if ids:
                out.append(_render("instance:tables-absent", {"side": side, "tables": list(ids)}, lang))
    counts = r.counts()
    s = t["summary"].format(rhidden=t["rhidden"] if r.rounding_hidden else "", **counts)
    if r.checked:
        s += t["summary_findings"].format(**counts)
    if r.narrative_compared:
        s += t["summary_narrative"].format(**counts)
    elif r.checked:
        s += t["narrative_skipped"]
    out.append(s + ("." if lang == "en" else "。"))
    out.append(t["unit"])
    if not r.different:
        out.append(t["none"])
    if r.key_totals:
        out += ["", t["key"]]
        rows = [t["key_cols"]]
        for k in r.key_totals:
            rows.append((k.label_en if lang == "en" else k.label_zh, amount(k.old), amount(k.new), signed(k.delta),
                         phrase("changed", k.old, k.new, k.delta, k.pct, lang) if k.delta is not None else "—"))
        out += align(rows, {1, 2, 3})
    if r.changes:
        out += ["", t["tables"]]
        out += _table_block(r, r.changes, t, lang)
    if r.rows:
        out += ["", t["rows"]]
        rows = [(t["row_added"] if x.kind == "added" else t["row_removed"],
                 f"Table {x.table} {x.table_title}" if lang == "en" else f"{x.table}表 {x.table_title}", x.code, x.name)
                for x in r.rows]
        out += align(rows, set())
    if r.shown_rounding():
        out += ["", t["rounding"]]
        out += _table_block(r, r.shown_rounding(), t, lang)
    if r.checked:
        out += ["", t["findings"]]
        if not (r.findings_appeared or r.findings_disappeared):
            out.append("  " + t["no_findings"])
        for label, lst in ((t["appeared"], r.findings_appeared), (t["disappeared"], r.findings_disappeared)):
            for f in lst:
                where = f.where(lang)
                out.append(f"  {label} [{f.code}] {where + colon if where else ''}{f.text(lang)}")
    if r.narrative:
        out += ["", t["narrative"]]
        for n in r.narrative:
            out.append(f"  {n.key} {n.title}（{t['nkind'][n.kind]}）" if lang != "en"
                       else f"  {n.key} {n.title} ({t['nkind'][n.kind]})")
            out += [f"    {'−' if op == '-' else '+'} {text}" for op, text in n.pieces() if op != "="]
    return "\n".join(out) + "\n"
