"""The Excel template (and the filled export) generated from a taxonomy layout.

One sheet per table, laid out like the official table: title, 公开NN表, 部门 and 单位：万元, two-level
headers with merged cells, 行次 and 栏次 where the layout prints them, side-by-side blocks (01, 04,
06), blank code rows after 合计 for the unit's own classification codes. Labels are locked (sheet
protection without a password), input cells are unlocked, tinted and carry a number validation.

A hidden sheet `_juesuan` maps every input cell to its concept (and code, or to the cell where the
unit types the code), so reading our own workbook back is exact; it also holds a digest of each
table sheet's fixed cells, so that a workbook whose labels were changed is noticed (and then read
by its titles like any other workbook). Its lines:

    juesuan-template | 1 | <layout> | <taxonomy>
    sheet   | <sheet> | <table id> | <digest of the fixed cells>
    header  | 封面 | B4 | entity | text                      (cover inputs: entity, fiscal_year, ...)
    facts   | <sheet> | C7=SumIncGeneralBudgetGrant D7=SumExp:201 ...   (fixed cells: concept[:code])
    rows    | <sheet> | <first row> | <last row> | function|economic|class | <code col> | <name col> | C=IncTotal;D=IncGrant

The same builder fills the workbook from an instance (`juesuan export --format xlsx`). Output is
deterministic: fixed document dates, zip members with a fixed timestamp.
"""

from __future__ import annotations

import datetime as _dt
import io
import itertools
import os
import zipfile
from decimal import Decimal

from ..findings import Finding
from ..model import Instance
from ..defaults import DEFAULT_LAYOUT, DEFAULT_TAXONOMY
from ..records import field, record
from ..taxonomy import Block, Layout, Row, Table, Taxonomy, load_taxonomy
from .mapping import COVER_SHEET, MAPPING_SHEET, TEMPLATE_MARK, TEMPLATE_VERSION, sheet_digest
from .xlsx import cell_ref, col_letter

DEFAULT_CODE_ROWS = 30  # blank 功能分类 rows after 合计 in 02/03/05/08/09
DEFAULT_CLASS_ROWS = 5  # blank 类 rows after the printed 类 of 01/04
# an export pads less: its codes plus EXPORT_SPARE blank rows, at least EXPORT_CODE_ROWS / EXPORT_CLASS_ROWS,
# so that a filled table prints on one page instead of spilling its blank rows onto the next
EXPORT_CODE_ROWS, EXPORT_CLASS_ROWS, EXPORT_SPARE = 3, 1, 1
FIXED_TIME = _dt.datetime(2000, 1, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# cover fields: (header field, label as the cover prints it, kind)
COVER_FIELDS = (
    ("entity", "部门（单位）名称", "text"),
    ("fiscal_year", "决算年度", "year"),
    ("uscc", "统一社会信用代码", "text"),
    ("preparer", "编制人", "text"),
    ("date", "编制日期", "date"),
    ("status", "状态（正式 / 草稿）", "status"),
    ("note", "备注", "text"),
)
STATUS_ZH = {"final": "正式", "draft": "草稿"}

_CN = "零一二三四五六七八九"


def cn_ordinal(n: int) -> str:
    """1 -> '一', 12 -> '十二', 24 -> '二十四'."""
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def _ranges(cells: list[tuple[int, int]]) -> str:
    """[(7, 3), (8, 3), (9, 3)] -> 'C7:C9': runs of consecutive rows per column."""
    out = []
    for col in sorted({c for _, c in cells}):
        rows = sorted(r for r, c in cells if c == col)
        start = prev = rows[0]
        for r in rows[1:] + [None]:
            if r is not None and r == prev + 1:
                prev = r
                continue
            a, b = cell_ref(start, col), cell_ref(prev, col)
            out.append(a if a == b else f"{a}:{b}")
            if r is not None:
                start = prev = r
    return " ".join(out)


def sheet_name(table: Table) -> str:
    name = table.title
    for ch in "[]:*?/\\":
        name = name.replace(ch, "_")
    return name[:31]


# ------------------------------------------------------------------ row plan


@record
class _Spec:
    kind: str  # label | code | std | class | group | blank
    row: Row | None = None
    code: str = ""
    number: int | None = None


@record
class _Group:
    """Rows a block fills with codes (function/economic codes, or 类 beyond the printed ones)."""

    kind: str  # function | economic | class
    rows: list[int] = field(default_factory=list)  # sheet rows
    code_col: int = 0
    name_col: int = 0
    values: dict[int, str] = field(default_factory=dict)  # sheet column -> concept
    slot: int = -1  # its line in the mapping


def _expand(block: Block, codes_needed: dict[int, list[str]], n_code: int, n_class: int,
            spare: int = 0) -> tuple[list[_Spec], int, int]:
    """Visual rows of one block; also (index where extra rows start, how many) for side-by-side padding."""
    specs: list[_Spec] = []
    ext_at, ext_n = 0, 0
    for ri, r in enumerate(block.rows):
        if r.is_group:
            need = codes_needed.get(ri, [])
            if r.codes == "class" and r.standard:
                for i, code in enumerate(r.standard):
                    specs.append(_Spec("std", r, code, (r.number + i) if r.number else None))
                extra = [c for c in need if c not in r.standard]
                n = max(n_class, len(extra) + spare)
                ext_at, ext_n = len(specs), n
                specs.extend(_Spec("class", r) for _ in range(n))
            else:
                n = max(n_code if r.codes != "class" else n_class, len(need) + spare)
                ext_at, ext_n = len(specs), n
                specs.extend(_Spec("class" if r.codes == "class" else "group", r) for _ in range(n))
        elif r.code:
            specs.append(_Spec("code", r, r.code, r.number))
        elif r.filler:
            specs.append(_Spec("blank", r, number=r.number))
        else:
            specs.append(_Spec("label", r, number=r.number))
    return specs, ext_at, ext_n


# ------------------------------------------------------------------ workbook


def _finish_sheet(ws, **print_kw) -> None:
    """Sheet protection (no password), row heights for wrapped text, and the print set-up (see
    printing.page_setup: orientation by size, one page wide, title rows, header and footer)."""
    from .printing import fit_row_heights, page_setup

    ws.protection.sheet = True
    fit_row_heights(ws, 1)
    page_setup(ws, **print_kw)


class _Styles:
    def __init__(self):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

        thin = Side(style="thin", color="808080")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.title_font = Font(name="SimSun", size=16, bold=True)
        self.bold = Font(name="SimSun", size=10, bold=True)
        self.font = Font(name="SimSun", size=10)
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        self.right = Alignment(horizontal="right", vertical="center")
        self.head_fill = PatternFill("solid", fgColor="DDEBF7")
        self.input_fill = PatternFill("solid", fgColor="FFF2CC")
        self.na_fill = PatternFill("solid", fgColor="E7E6E6")
        self.unlocked = Protection(locked=False)
        self.locked = Protection(locked=True)


class _Builder:
    def __init__(self, tax: Taxonomy, layout: Layout, inst: Instance | None, code_rows: int, class_rows: int,
                 spare: int = 0):
        from openpyxl import Workbook

        self.tax, self.layout, self.inst = tax, layout, inst
        self.code_rows, self.class_rows, self.spare = code_rows, class_rows, spare
        self.wb = Workbook()
        self.st = _Styles()
        self.mapping: list[list] = []
        self.digests: list[list] = []
        self.findings: list[Finding] = []
        self.placed: set[tuple[str, str]] = set()
        self.cells: dict[tuple[str, str], tuple[str, str]] = {}  # (concept, code) -> (sheet, cell) of a filled value
        self.facts = {(f.concept, f.code or ""): f.value for f in inst.facts} if inst else {}

    # -- cells
    def _static(self, ws, r, c, value, *, font=None, align=None, fill=None, border=True):
        cell = ws.cell(row=r, column=c, value=value)
        cell.font = font or self.st.font
        cell.alignment = align or self.st.left
        if fill is not None:
            cell.fill = fill
        if border:
            cell.border = self.st.border
        if value not in (None, ""):
            self._fixed.append((r, c, value))
        return cell

    def _input(self, ws, r, c, value=None, *, text=False, amount=True):
        cell = ws.cell(row=r, column=c, value=value)
        cell.font = self.st.font
        cell.fill = self.st.input_fill
        cell.border = self.st.border
        cell.protection = self.st.unlocked
        if text:
            cell.number_format = "@"
            cell.alignment = self.st.left
        elif amount:
            cell.number_format = "#,##0.00"
            cell.alignment = self.st.right
            self._amount_cells.append((r, c))
        return cell

    def _na(self, ws, r, c):
        cell = ws.cell(row=r, column=c)
        cell.fill = self.st.na_fill
        cell.border = self.st.border
        return cell

    def _merge(self, ws, r1, c1, r2, c2):
        if (r1, c1) != (r2, c2):
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)

    def _value(self, concept: str, code: str | None) -> Decimal | None:
        key = (concept, code or "")
        v = self.facts.get(key)
        if v is not None:
            self.placed.add(key)
        return v

    # -- cover
    def cover(self) -> None:
        ws = self.wb.active
        ws.title = COVER_SHEET
        self._fixed = []
        st = self.st
        h = self.inst.header if self.inst else None
        title = f"{h.entity} {h.fiscal_year} 年度部门决算" if h else "部门决算公开表"
        self._static(ws, 1, 1, title, font=st.title_font, align=st.center, border=False)
        self._merge(ws, 1, 1, 1, 2)
        self._static(ws, 2, 1, f"表样：{self.layout.zh}（{self.layout.id}）", border=False)
        self._merge(ws, 2, 1, 2, 2)
        from openpyxl.worksheet.datavalidation import DataValidation

        r = 4
        for key, label, kind in COVER_FIELDS:
            self._static(ws, r, 1, label, font=st.bold, fill=st.head_fill)
            value = None
            if h is not None:
                value = getattr(h, key) or None
                if key == "status":
                    value = STATUS_ZH.get(h.status, h.status)
                elif key == "date" and value:
                    try:
                        value = _dt.date.fromisoformat(value)
                    except ValueError:
                        pass
            cell = self._input(ws, r, 2, value, text=kind in ("text", "status"), amount=False)
            if kind == "year":
                cell.number_format = "0"
                cell.alignment = st.left
                dv = DataValidation(type="whole", operator="between", formula1="2000", formula2="2100", allow_blank=True,
                                    showErrorMessage=True, errorTitle="决算年度", error="请输入四位年度，如 2021")
            elif kind == "date":
                cell.number_format = "yyyy-mm-dd"
                dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True,
                                    showErrorMessage=True, errorTitle="编制日期", error="请输入日期，如 2022-08-31")
            elif kind == "status":
                dv = DataValidation(type="list", formula1='"正式,草稿"', allow_blank=True)
            else:
                dv = None
            if dv is not None:
                dv.add(cell_ref(r, 2))
                ws.add_data_validation(dv)
            self.mapping.append(["header", COVER_SHEET, cell_ref(r, 2), key, kind])
            r += 1
        notes = [
            "填写说明：",
            "1. 在浅黄色单元格中填写；灰色单元格不填。金额单位为万元，保留两位小数。",
            "2. 各表“合计”行下的空行供填写本单位的功能分类科目编码（类 3 位、款 5 位、项 7 位）及科目名称，每个编码一行。",
            "3. 收入支出决算总表、财政拨款收入支出决算总表中未列出的支出功能分类（类），在其下方空行的“项目”栏填写编码或名称。",
            "4. 工作表已保护（无密码）以免误改表样；请勿增删行列或改动表名，隐藏的 _juesuan 工作表供程序读取，请勿删除。",
            "5. 填好后在命令行转换：juesuan convert 本文件.xlsx -o 报表.xml",
        ]
        for i, t in enumerate(notes):
            self._static(ws, r + 1 + i, 1, t, border=False)
            self._merge(ws, r + 1 + i, 1, r + 1 + i, 2)
        ws.column_dimensions["A"].width = 24
        ws.column_dimensions["B"].width = 96
        _finish_sheet(ws, center=title, left=self.layout.zh)
        from .printing import no_print

        no_print(ws, "D1")  # the printed tables carry entity, year, status, preparer and date themselves

    # -- a table sheet
    def table_sheet(self, table: Table) -> None:
        ws = self.wb.create_sheet(sheet_name(table))
        self._fixed = []
        self._amount_cells = []
        codes = self.tax.codes_for(table.dim)
        need = self._codes_needed(table)
        specs = self._plan_rows(table, need)
        starts, c = [], 1
        for b in table.blocks:
            starts.append(c)
            c += len(b.header) + len(b.columns)
        self._title_rows(ws, table, c - 1)
        first_data = self._header_rows(ws, table, starts)

        facts_here: list[str] = []  # "C7=SumIncOther" / "D7=SumExp:201", one mapping line per sheet
        groups: list[_Group] = []
        height = max(len(s) for s in specs)
        for b, s, bspecs, bneed in zip(table.blocks, starts, specs, need):
            group: _Group | None = None
            queue: dict[int, list[str]] = {
                ri: [c_ for c_ in v if not (b.rows[ri].codes == "class" and c_ in b.rows[ri].standard)]
                for ri, v in bneed.items()}
            for i in range(height):
                spec = bspecs[i] if i < len(bspecs) else _Spec("blank")
                if spec.kind not in ("class", "group"):
                    group = None
                    facts_here += self._fixed_row(ws, b, s, first_data + i, spec, codes)
                    continue
                if group is None:
                    group = self._new_group(b, s, spec)
                    groups.append(group)
                self._group_row(ws, b, s, first_data + i, spec, group, queue, codes)
        if facts_here:
            self.mapping.append(["facts", ws.title, " ".join(facts_here)])
        for g in groups:
            vals = ";".join(f"{col_letter(cc)}={cpt}" for cc, cpt in sorted(g.values.items()))
            self.mapping[g.slot] = ["rows", ws.title, str(g.rows[0]), str(g.rows[-1]), g.kind, col_letter(g.code_col),
                                    col_letter(g.name_col) if g.name_col else "", vals]

        # validation, widths, freeze, protection, print set-up
        if self._amount_cells:
            from openpyxl.worksheet.cell_range import MultiCellRange
            from openpyxl.worksheet.datavalidation import DataValidation

            dv = DataValidation(type="decimal", operator="between", formula1="-999999999999", formula2="999999999999",
                                allow_blank=True, showErrorMessage=True, errorTitle="金额",
                                error="请输入金额（万元，最多两位小数），不要输入文字")
            dv.sqref = MultiCellRange(_ranges(self._amount_cells))
            ws.add_data_validation(dv)
        for b, s in zip(table.blocks, starts):
            for k, lab in enumerate(b.header):
                w = 6 if lab == "行次" else (12 if "编码" in lab else (34 if lab == "项目" else 26))
                ws.column_dimensions[col_letter(s + k)].width = w
            for k in range(len(b.columns)):
                ws.column_dimensions[col_letter(s + len(b.header) + k)].width = 13 if len(b.columns) > 1 else 15
        ws.freeze_panes = cell_ref(first_data, 1)
        h = self.inst.header if self.inst else None
        _finish_sheet(ws, title_rows=(1, first_data - 1), last_col=c - 1,
                      left=h.entity if h else "部门决算公开表", center=f"{table.title}（公开{table.id}表）",
                      right=(f"{h.fiscal_year} 年度决算" + ("（草稿）" if h.status == "draft" else "")) if h else "",
                      footer_left=f"编制人：{h.preparer}" if h and h.preparer else "",
                      footer_right=f"编制日期：{h.date}" if h and h.date else "")
        self.digests.append(["sheet", ws.title, table.id, sheet_digest(self._fixed)])

    def _codes_needed(self, table: Table) -> list[dict[int, list[str]]]:
        """Per block: the codes the instance has for each group row (export); empty for a template."""
        need: list[dict[int, list[str]]] = []
        for b in table.blocks:
            d: dict[int, list[str]] = {}
            for ri, r in enumerate(b.rows):
                if r.is_group and self.inst is not None:
                    concepts = set(b.row_cells(r).values())
                    d[ri] = sorted({f.code for f in self.inst.facts if f.code and f.concept in concepts
                                    and (r.codes != "class" or len(f.code) == 3)})
            need.append(d)
        return need

    def _plan_rows(self, table: Table, need: list[dict[int, list[str]]]) -> list[list[_Spec]]:
        """Visual rows of each block; side-by-side blocks get blank rows where another block grows."""
        plans = [_expand(b, need[bi], self.code_rows, self.class_rows, self.spare) for bi, b in enumerate(table.blocks)]
        specs = [p[0] for p in plans]
        for bi, (_, at, n) in enumerate(plans):
            if not n:
                continue
            for bj in range(len(specs)):
                if bj != bi and at < len(specs[bj]):
                    specs[bj][at:at] = [_Spec("blank") for _ in range(n)]
        return specs

    def _title_rows(self, ws, table: Table, last_col: int) -> None:
        """Title, 公开NN表 mark, department and unit."""
        st = self.st
        self._static(ws, 1, 1, table.title, font=st.title_font, align=st.center, border=False)
        self._merge(ws, 1, 1, 1, last_col)
        ws.row_dimensions[1].height = 30
        self._static(ws, 2, last_col, f"公开{table.id}表", align=st.right, border=False)
        dept = f"部门：{self.inst.header.entity}" if self.inst else "部门："
        self._static(ws, 3, 1, dept, border=False)
        if last_col > 2:
            self._merge(ws, 3, 1, 3, max(1, last_col // 2))
        self._static(ws, 3, last_col, "单位：万元", align=st.right, border=False)

    def _header_rows(self, ws, table: Table, starts: list[int]) -> int:
        """The header levels (block sections, column sections, groups, leaves) and the 栏次 row; returns
        the first data row."""
        st = self.st
        levels = []
        if len(table.blocks) > 1 and any(b.section for b in table.blocks):
            levels.append("bsec")
        allcols = [col for b in table.blocks for col in b.columns]
        if any(col.section for col in allcols):
            levels.append("csec")
        if any(col.group for col in allcols):
            levels.append("group")
        levels.append("leaf")
        top = 4
        leaf_row = top + len(levels) - 1
        first_head = top + (1 if "bsec" in levels else 0)
        for b, s in zip(table.blocks, starts):
            width = len(b.header) + len(b.columns)
            if "bsec" in levels:
                self._static(ws, top, s, b.section, font=st.bold, align=st.center, fill=st.head_fill)
                for k in range(1, width):
                    self._head_blank(ws, top, s + k)
                self._merge(ws, top, s, top, s + width - 1)
            for k, lab in enumerate(b.header):
                self._static(ws, first_head, s + k, lab, font=st.bold, align=st.center, fill=st.head_fill)
                for rr in range(first_head + 1, leaf_row + 1):
                    self._head_blank(ws, rr, s + k)
                self._merge(ws, first_head, s + k, leaf_row, s + k)
            self._column_heads(ws, b, s + len(b.header), levels, first_head)
        row = leaf_row + 1
        if not any(col.number for col in allcols):
            return row
        for b, s in zip(table.blocks, starts):
            if b.header:
                self._static(ws, row, s, "栏次", font=st.bold, align=st.center, fill=st.head_fill)
                for k in range(1, len(b.header)):
                    self._head_blank(ws, row, s + k)
                self._merge(ws, row, s, row, s + len(b.header) - 1)
            for k, col in enumerate(b.columns):
                self._static(ws, row, s + len(b.header) + k, int(col.number) if col.number.isdigit() else col.number,
                             font=st.bold, align=st.center, fill=st.head_fill)
        return row + 1

    def _column_heads(self, ws, b: Block, vstart: int, levels: list[str], first_head: int) -> None:
        """A block's value-column headers: each header text starts one level below the previous text of
        its column and is merged down to its own level; equal group/section texts side by side are merged
        across. Sections (预算数 / 决算数) head their columns when each section's columns are side by
        side, else (interleaved under each item) they are printed below the item."""
        st = self.st
        secs = [col.section for col in b.columns]
        runs = [x for i, x in enumerate(secs) if i == 0 or secs[i - 1] != x]
        sec_below = "csec" in levels and len(runs) != len(set(runs))
        paths = []
        for col in b.columns:
            p = []
            if "csec" in levels and not sec_below:
                p.append(col.section)
            if "group" in levels:
                p.append(col.group)
            p.append(col.label)
            if sec_below:
                p.append(col.section)
            paths.append(p)
        n_levels = len([lv for lv in levels if lv != "bsec"])
        placed: list[dict[int, tuple[int, str]]] = []
        for p in paths:
            d, prev = {}, -1
            for j, text in enumerate(p):
                if text:
                    d[prev + 1] = (j, text)
                    prev = j
            placed.append(d)
        for li in range(n_levels):
            k = 0
            while k < len(paths):
                if li not in placed[k]:
                    k += 1
                    continue
                end_level, text = placed[k][li]
                k2 = k
                if end_level < n_levels - 1:
                    while (k2 + 1 < len(paths) and placed[k2 + 1].get(li) == (end_level, text)
                           and paths[k2 + 1][:li] == paths[k][:li]):
                        k2 += 1
                r1, r2 = first_head + li, first_head + end_level
                self._static(ws, r1, vstart + k, text, font=st.bold, align=st.center, fill=st.head_fill)
                for kk, rr in itertools.product(range(k, k2 + 1), range(r1, r2 + 1)):
                    if (kk, rr) != (k, r1):
                        self._head_blank(ws, rr, vstart + kk)
                self._merge(ws, r1, vstart + k, r2, vstart + k2)
                k = k2 + 1

    def _new_group(self, b: Block, s: int, spec: _Spec) -> _Group:
        """A run of code rows; its mapping line is a placeholder until its rows are known."""
        cells = b.row_cells(spec.row)
        group = _Group(spec.row.codes if spec.kind == "group" else "class", [], s,
                       s + 1 if len(b.header) > 1 and "行次" not in b.header else 0,
                       {s + len(b.header) + b.columns.index(b.column(k)): cpt for k, cpt in cells.items()})
        self.mapping.append(None)
        group.slot = len(self.mapping) - 1
        return group

    def _group_row(self, ws, b: Block, s: int, r: int, spec: _Spec, group: _Group, queue: dict[int, list[str]],
                   codes) -> None:
        """A row the unit fills with a code (or a 类 beyond the printed ones); an export fills it."""
        vstart = s + len(b.header)
        rowno_col = s + b.header.index("行次") if "行次" in b.header else None
        cells = b.row_cells(spec.row)
        group.rows.append(r)
        pending = queue.get(b.rows.index(spec.row), [])
        code = pending.pop(0) if pending else None
        if spec.kind == "class":
            label = f"{code} {codes.name(code) or ''}".strip() if code else None
            self._input(ws, r, s, label, text=True)
            for k in range(1, len(b.header)):
                if s + k == rowno_col:
                    self._static(ws, r, s + k, None)
                else:
                    self._input(ws, r, s + k, None, text=True)
        else:
            self._input(ws, r, s, code, text=True)
            if group.name_col:
                self._input(ws, r, group.name_col, (codes.name(code) or None) if code else None, text=True)
            for k in range(2 if group.name_col else 1, len(b.header)):
                self._static(ws, r, s + k, None)
        for k, col in enumerate(b.columns):
            cpt = cells.get(col.key)
            if cpt:
                self._input(ws, r, vstart + k, self._value(cpt, code) if code else None)
                if code:
                    self.cells[(cpt, code)] = (ws.title, cell_ref(r, vstart + k))
            else:
                self._na(ws, r, vstart + k)

    def _fixed_row(self, ws, b: Block, s: int, r: int, spec: _Spec, codes) -> list[str]:
        """A printed row (label, code, standard 类 or blank); returns its mapping entries."""
        st = self.st
        vstart = s + len(b.header)
        rowno_col = s + b.header.index("行次") if "行次" in b.header else None
        code_header = bool(b.header) and "编码" in b.header[0]
        cells = b.row_cells(spec.row) if spec.row is not None else {}
        label = ""
        code = spec.code or None
        if spec.kind == "code":
            self._static(ws, r, s, spec.code, align=st.left)
            if len(b.header) > 1:
                self._static(ws, r, s + 1, codes.name(spec.code) or "")
        elif spec.kind == "std":
            cname = codes.name(spec.code) or spec.code
            if code_header:
                self._static(ws, r, s, spec.code)
                if len(b.header) > 1:
                    self._static(ws, r, s + 1, cname)
            else:
                label = f"{cn_ordinal(spec.row.standard.index(spec.code) + 1)}、{cname}"
        elif spec.kind == "label" and spec.row is not None:
            label = spec.row.label
        if spec.kind in ("std", "label", "blank") and b.header and not (spec.kind == "std" and code_header):
            self._static(ws, r, s, label or None)
            for k in range(1, len(b.header)):
                if rowno_col is not None:
                    self._static(ws, r, s + k, spec.number if s + k == rowno_col else None, align=st.center)
                else:
                    self._static(ws, r, s + k, None)
            if rowno_col is None and label and len(b.header) > 1:
                self._merge(ws, r, s, r, s + len(b.header) - 1)
        mapped = []
        for k, col in enumerate(b.columns):
            cpt = cells.get(col.key) if spec.kind != "blank" else None
            if cpt:
                self._input(ws, r, vstart + k, self._value(cpt, code))
                self.cells[(cpt, code or "")] = (ws.title, cell_ref(r, vstart + k))
                mapped.append(f"{cell_ref(r, vstart + k)}={cpt}" + (f":{code}" if code else ""))
            else:
                self._na(ws, r, vstart + k)
        return mapped

    def _head_blank(self, ws, r, c):
        cell = ws.cell(row=r, column=c)
        cell.fill = self.st.head_fill
        cell.border = self.st.border

    def mapping_sheet(self) -> None:
        ws = self.wb.create_sheet(MAPPING_SHEET)
        ws.append([TEMPLATE_MARK, TEMPLATE_VERSION, self.layout.id, self.tax.id])
        for line in self.digests:
            ws.append(line)
        for line in self.mapping:
            ws.append(line)
        ws.sheet_state = "hidden"
        ws.protection.sheet = True

    def build(self):
        self.cover()
        for t in self.layout.tables:
            self.table_sheet(t)
        self.mapping_sheet()
        self.wb.active = 0
        props = self.wb.properties
        props.creator = "juesuan"
        props.lastModifiedBy = "juesuan"
        props.title = f"部门决算公开表 {self.layout.id}"
        from openpyxl.workbook.protection import WorkbookProtection

        self.wb.security = WorkbookProtection(lockStructure=True)
        if self.inst is not None:
            for f in self.inst.facts:
                if (f.concept, f.code or "") not in self.placed:
                    self.findings.append(Finding.of(
                        "export:not-placed", file="", concept=f.concept, code=f.code or "",
                        item=f"{f.concept} {f.code}" if f.code else f.concept, layout=self.layout.id))
        return self.wb


def workbook_bytes(wb) -> bytes:
    """Serialize with fixed document dates, zip timestamps and modes (0644, system 0), so identical
    input gives identical bytes."""
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.created = wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr, zi.create_system = 0o644 << 16, 0
            dst.writestr(zi, src.read(info.filename), compresslevel=6)
    return out.getvalue()


def build_workbook(layout_id: str | None = None, inst: Instance | None = None, tax: Taxonomy | None = None,
                   code_rows: int | None = None, class_rows: int | None = None):
    """(openpyxl Workbook, findings): the template for a layout, filled from `inst` when given (an
    export pads each code group with EXPORT_SPARE blank rows instead of the template's 30)."""
    tax = tax or load_taxonomy(inst.header.taxonomy if inst else DEFAULT_TAXONOMY)
    lay = tax.layout(layout_id or (inst.header.layout if inst else DEFAULT_LAYOUT))
    if inst is None:
        b = _Builder(tax, lay, inst, DEFAULT_CODE_ROWS if code_rows is None else code_rows,
                     DEFAULT_CLASS_ROWS if class_rows is None else class_rows)
    else:
        b = _Builder(tax, lay, inst, EXPORT_CODE_ROWS if code_rows is None else code_rows,
                     EXPORT_CLASS_ROWS if class_rows is None else class_rows, EXPORT_SPARE)
    wb = b.build()
    return wb, b.findings


def export_workbook(inst: Instance, layout_id: str | None = None):
    """(openpyxl Workbook, findings, cells) of an export, cells mapping (concept, code) to the
    (sheet, cell) its value was written to, for callers that mark cells (validate's workbook)."""
    tax = load_taxonomy(inst.header.taxonomy)
    b = _Builder(tax, tax.layout(layout_id or inst.header.layout), inst, EXPORT_CODE_ROWS, EXPORT_CLASS_ROWS,
                 EXPORT_SPARE)
    wb = b.build()
    return wb, b.findings, b.cells


def template_bytes(layout_id: str = DEFAULT_LAYOUT) -> bytes:
    wb, _ = build_workbook(layout_id)
    return workbook_bytes(wb)


def export_bytes(inst: Instance, layout_id: str | None = None) -> tuple[bytes, list[Finding]]:
    wb, findings = build_workbook(layout_id or inst.header.layout, inst)
    return workbook_bytes(wb), findings


def write_template(path: str | os.PathLike, layout_id: str = DEFAULT_LAYOUT) -> None:
    from ..xmlio import atomic_write

    atomic_write(path, template_bytes(layout_id))


def export_xlsx(inst: Instance, path: str | os.PathLike, layout_id: str | None = None) -> list[Finding]:
    """Write `inst` as a filled template workbook; returns findings for facts the layout has no cell for."""
    from ..xmlio import atomic_write

    data, findings = export_bytes(inst, layout_id)
    atomic_write(path, data)
    return findings
