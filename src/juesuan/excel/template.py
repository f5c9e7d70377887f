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
import os
import zipfile
from decimal import Decimal

from ..findings import Finding
from ..model import Instance
from ..defaults import DEFAULT_LAYOUT, DEFAULT_TAXONOMY
from ..taxonomy import Layout, Table, Taxonomy, load_taxonomy
from .mapping import COVER_SHEET, MAPPING_SHEET, TEMPLATE_MARK, TEMPLATE_VERSION, sheet_digest
from .sheetplan import _Group, _Planner, _Spec, cn_ordinal, sheet_name  # noqa: F401 - re-exported
from .sheetwrite import _finish_sheet, _ranges, _Styles, _Writer
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


class _Builder(_Planner, _Writer):
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

    def _value(self, concept: str, code: str | None) -> Decimal | None:
        key = (concept, code or "")
        v = self.facts.get(key)
        if v is not None:
            self.placed.add(key)
        return v

    # -- cover
    # long: the cover top to bottom: title, one input per header field with its validation, the filling notes
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
    # long: one table sheet top to bottom: rows, mapping lines, validation, widths, print set-up
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
