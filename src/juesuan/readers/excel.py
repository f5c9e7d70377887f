"""Workbooks (.xlsx / .xlsm) -> Instance.

Two kinds of workbook are read:

(a) our own template (`juesuan template`), filled in: its hidden `_juesuan` sheet maps every input
    cell to a concept (and code, or the cell holding the code), so reading is exact. Each table
    sheet's fixed cells are checked against a digest written with the template; a sheet whose labels
    were changed is read by (b) instead, with a note.
(b) workbooks laid out like the official published tables but made elsewhere (finance software
    exports): every sheet becomes grid rows (merged cells keep their value in the top-left cell and
    span their columns for header matching) and the shared table matcher (`readers.grid`) finds the
    tables by title, in any sheet order, and reads them.

Amount cells may be numbers or text ("2,001.35", "0.00", "—", "-" or blank). A table whose unit
line says 元 (or 千元) is converted to 万元; amounts then having more than two decimals are rounded
half-up, with one warning per table (the 决算 software rounds the same way when it prints 万元).
An amount with more than two decimals in a 万元 table is rounded half-up too, with a warning naming
the cell. A formula whose value was never computed is an error naming the cell.
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from pathlib import Path

from ..errors import UnusableInput
from ..excel.mapping import MAPPING_SHEET, TEMPLATE_MARK, digest_text, sheet_digest
from ..excel.xlsx import RawCell, Sheet, Workbook, cell_ref, col_index, open_workbook, parse_ref
from ..findings import Finding
from ..model import Fact, Facts, Instance, Location
from ..records import replace
from ..taxonomy import ECONOMIC_CODE_RE, FUNCTION_CODE_RE, Layout, Taxonomy, load_taxonomy, normalize_label
from .base import Conversion, make_header
from .grid import (Cell, GridRow, TableResult, cell_code, duplicate_finding, is_blank, read_amount, read_document,
                   require_tables, round_amount, rounding_finding, unplaced_findings)

RECALC = "recalculate and save it in Excel or LibreOffice"
RECALC_ZH = "请在 Excel 或 LibreOffice 中重新计算并保存"
_COL_RE = re.compile(r"^[A-Z]{1,3}$")


def cell_text(c: RawCell) -> str:
    """What a cell shows, as text for the table matcher: numbers keep the decimals their format shows."""
    v = c.value
    if v is None:
        return ""
    if isinstance(v, Decimal):
        if c.decimals is not None and -v.as_tuple().exponent < c.decimals:
            v = v.quantize(Decimal(1).scaleb(-c.decimals))
        return format(v, "f")
    return v


# ------------------------------------------------------------------ (b) official layout


def sheet_rows(sheet: Sheet, where: str) -> tuple[list[GridRow], dict[int, list[tuple[int, int]]]]:
    """Grid rows of a sheet, and per sheet row the cells holding a formula with no computed value."""
    spans: dict[tuple[int, int], int] = {}
    for r1, c1, r2, c2 in sheet.merges:
        if c2 > c1:
            spans[(r1, c1)] = c2 - c1 + 1
    by_row: dict[int, list[tuple[int, RawCell]]] = {}
    for (r, c), cell in sheet.cells.items():
        by_row.setdefault(r, []).append((c, cell))
    rows: list[GridRow] = []
    uncomputed: dict[int, list[tuple[int, int]]] = {}
    for r in sorted(by_row):
        cells = []
        for c, cell in sorted(by_row[r], key=lambda x: x[0]):
            if cell.formula and cell.value is None:
                uncomputed.setdefault(len(rows), []).append((r, c))
                continue
            text = cell_text(cell)
            if not text.strip():
                continue
            loc = Location(file=where, sheet=sheet.name, cell=cell_ref(r, c))
            cells.append(Cell(c, text, loc, spans.get((r, c), 1)))
        rows.append(GridRow(cells, Location(file=where, sheet=sheet.name, cell=cell_ref(r, 1))))
    return rows, uncomputed


def read_official(wb: Workbook, tax: Taxonomy, layout: Layout | None, sheets: list[Sheet] | None = None):
    """Read the sheets by table titles with the shared matcher. Returns (DocumentResult, extra findings)."""
    where = wb.path
    sections, uncomputed_by_sheet = [], []
    for sh in (sheets if sheets is not None else wb.sheets):
        if sh.name == MAPPING_SHEET or not sh.cells:
            continue
        rows, unc = sheet_rows(sh, where)
        sections.append(rows)
        uncomputed_by_sheet.append((sh.name, rows, unc))
    doc = read_document([], tax, layout, sections=sections)
    extra: list[Finding] = []
    # formulas without a computed value inside a recognised table
    for res in doc.tables:
        ids = {id(r) for r in res.rows}
        for name, rows, unc in uncomputed_by_sheet:
            for idx, cells in unc.items():
                if id(rows[idx]) in ids:
                    for r, c in cells:
                        loc = Location(file=where, sheet=name, cell=cell_ref(r, c))
                        extra.append(_uncomputed(loc, res.table.id))
    return doc, extra


def _uncomputed(loc: Location, table: str) -> Finding:
    return Finding.at("convert:formula-not-computed", "error",
                      f"{loc.source}：公式没有计算结果，{RECALC_ZH}",
                      f"{loc.source}: the formula has no computed value; {RECALC}", loc, table)


# ------------------------------------------------------------------ (a) our template


class _NotOurs(Exception):
    """The mapping sheet cannot be trusted: read the workbook by its titles instead."""


def _amount(cell: RawCell | None, loc: Location, table: str, findings: list[Finding]) -> Decimal | None:
    if cell is None:
        return None
    if cell.formula and cell.value is None:
        findings.append(_uncomputed(loc, table))
        return None
    value = cell.value
    if not isinstance(value, Decimal):
        if is_blank(value or ""):
            return None
        value, bad = read_amount(value, loc, table)
        if bad is not None:
            findings.append(bad)
            return None
    q, rounded = round_amount(value)
    if rounded:
        findings.append(rounding_finding(loc, value.normalize(), q, table))
    return q


def _code_text(cell: RawCell | None) -> str:
    if cell is None or cell.value is None:
        return ""
    v = cell.value
    if isinstance(v, Decimal):
        return format(v, "f") if v == v.to_integral_value() else str(v)
    return v.strip()


def _parse_mapping(sheet: Sheet, wb: Workbook, tax: Taxonomy) -> dict:
    rows: dict[int, list[str]] = {}
    for (r, c), cell in sheet.cells.items():
        if cell.value is None:
            continue
        rows.setdefault(r, [])
        line = rows[r]
        while len(line) < c:
            line.append("")
        line[c - 1] = digest_text(cell.value)
    first = rows.get(1, [])
    if len(first) < 3 or first[0] != TEMPLATE_MARK:
        raise _NotOurs("the _juesuan sheet is not a juesuan template mapping")
    if first[1] != "1":
        raise _NotOurs(f"template mapping version {first[1]!r} is not known to this juesuan")
    if first[2] not in tax.layouts:
        raise _NotOurs(f"template layout {first[2]!r} is not in taxonomy {tax.id}")
    lay = tax.layouts[first[2]]
    out: dict = {"layout": lay, "sheets": {}, "header": [], "facts": [], "rows": []}
    for n in sorted(rows):
        if n == 1:
            continue
        line = rows[n] + [""] * 8
        kind = line[0]
        try:
            if kind == "sheet":
                name, tid, digest = line[1], line[2], line[3]
                lay.table(tid)
                if wb.sheet(name) is None:
                    raise _NotOurs(f"sheet {name!r} of the template is missing")
                out["sheets"][name] = (tid, digest)
            elif kind == "header":
                out["header"].append((line[1], parse_ref(line[2]), line[3], line[4]))
            elif kind == "facts":
                name = line[1]
                for item in line[2].split():
                    ref, _, rest = item.partition("=")
                    concept, _, code = rest.partition(":")
                    p = lay.place(concept, code or None)
                    if p is None or out["sheets"].get(name, ("",))[0] != p.table:
                        raise _NotOurs(f"line {n}: {concept} {code} is not a cell of table sheet {name!r}")
                    out["facts"].append((name, parse_ref(ref), concept, code or None))
            elif kind == "rows":
                name, first_row, last_row, gkind = line[1], int(line[2]), int(line[3]), line[4]
                code_col = col_index(line[5]) if _COL_RE.match(line[5]) else 0
                name_col = col_index(line[6]) if _COL_RE.match(line[6]) else 0
                if gkind not in ("function", "economic", "class") or not code_col or not 0 < first_row <= last_row <= 10_000:
                    raise ValueError
                values = {}
                for part in line[7].split(";"):
                    col, _, concept = part.partition("=")
                    if not _COL_RE.match(col) or concept not in tax.concepts:
                        raise ValueError
                    p = lay.place(concept, "30101" if gkind == "economic" else "201")
                    if p is None or out["sheets"].get(name, ("",))[0] != p.table:
                        raise _NotOurs(f"line {n}: {concept} is not a code column of table sheet {name!r}")
                    values[col_index(col)] = concept
                out["rows"].append((name, first_row, last_row, gkind, code_col, name_col, values))
            else:
                raise ValueError
        except (ValueError, KeyError, IndexError):
            raise _NotOurs(f"line {n} of the _juesuan sheet is damaged") from None
    return out


def _header_value(kind: str, cell: RawCell | None, loc: Location, date1904: bool, findings: list[Finding]):
    if cell is None or cell.value is None:
        return None
    v = cell.value
    if kind == "year":
        try:
            return int(Decimal(str(v).strip().removesuffix("年度").removesuffix("年")))
        except (ArithmeticError, ValueError, TypeError):  # Decimal's InvalidOperation is an ArithmeticError
            findings.append(Finding.at("convert:bad-header", "error", f"{loc.source}：“{v}”不是年度",
                                       f"{loc.source}: {v!r} is not a year", loc))
            return None
    if kind == "date":
        if isinstance(v, Decimal):
            base = _dt.date(1904, 1, 1) if date1904 else _dt.date(1899, 12, 30)
            return (base + _dt.timedelta(days=int(v))).isoformat()
        m = re.match(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$", v.strip())
        if m:
            return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        findings.append(Finding.at("convert:bad-header", "warning", f"{loc.source}：“{v}”不是日期（应为 2022-08-31），未读取",
                                   f"{loc.source}: {v!r} is not a date (expected 2022-08-31); not read", loc))
        return None
    if kind == "status":
        t = str(v).strip()
        return {"正式": "final", "草稿": "draft", "final": "final", "draft": "draft"}.get(t, t)
    return digest_text(v).strip() or None


def read_template(wb: Workbook, tax: Taxonomy, mapping: dict):
    """(instance header values, table results, findings, sheets that must be read by title)."""
    lay: Layout = mapping["layout"]
    where = wb.path
    findings: list[Finding] = []
    inputs: dict[str, set[tuple[int, int]]] = {}
    for name, ref, _, _ in mapping["facts"]:
        inputs.setdefault(name, set()).add(ref)
    for name, r1, r2, _, code_col, name_col, values in mapping["rows"]:
        cols = {code_col, *values} | ({name_col} if name_col else set())
        inputs.setdefault(name, set()).update((r, c) for r in range(r1, r2 + 1) for c in cols)
    changed: list[str] = []
    for name, (tid, digest) in mapping["sheets"].items():
        sh = wb.sheet(name)
        fixed = [(r, c, cell.value) for (r, c), cell in sh.cells.items() if (r, c) not in inputs.get(name, set())]
        if any(cell.formula for (r, c), cell in sh.cells.items() if (r, c) not in inputs.get(name, set())) or \
                sheet_digest(fixed) != digest:
            changed.append(name)
    results: dict[str, TableResult] = {}
    for name, (tid, _) in mapping["sheets"].items():
        if name not in changed:
            results[tid] = TableResult(lay.table(tid))
    seen = Facts()

    def add(tid: str, concept: str, code: str | None, value: Decimal, loc: Location) -> None:
        res = results[tid]
        fact = Fact(concept, code, value, loc, origin=loc.source)
        if seen.add(fact) is not None:
            findings.append(duplicate_finding(tid, code or concept, loc))
            res.unplaced.append(Cell(0, format(value, "f"), loc))
            return
        res.facts.append(fact)

    for name, ref, concept, code in mapping["facts"]:
        tid = mapping["sheets"][name][0]
        if name in changed:
            continue
        sh = wb.sheet(name)
        loc = Location(file=where, sheet=name, cell=cell_ref(*ref))
        v = _amount(sh.cells.get(ref), loc, tid, findings)
        if v is not None:
            add(tid, concept, code, v, loc)
    for name, r1, r2, gkind, code_col, name_col, values in mapping["rows"]:
        tid = mapping["sheets"][name][0]
        if name in changed:
            continue
        sh = wb.sheet(name)
        res = results[tid]
        codes = tax.codes_for("economic" if gkind == "economic" else "function")
        for r in range(r1, r2 + 1):
            code_loc = Location(file=where, sheet=name, cell=cell_ref(r, code_col))
            code_cell = sh.cells.get((r, code_col))
            if code_cell is not None and code_cell.formula and code_cell.value is None:
                findings.append(_uncomputed(code_loc, tid))
            text = _code_text(code_cell)
            vals = []
            for col, concept in sorted(values.items()):
                cell = sh.cells.get((r, col))
                if cell is None:  # most input cells are blank: no Location to make
                    continue
                loc = Location(file=where, sheet=name, cell=cell_ref(r, col))
                v = _amount(cell, loc, tid, findings)
                if v is not None:
                    vals.append((concept, v, loc))
            name_text = _code_text(sh.cells.get((r, name_col))) if name_col else ""
            if not text:
                if vals:
                    findings.append(Finding.at("convert:code-missing", "error",
                                               f"{code_loc.source}：该行有金额但没有填写科目编码，金额未读取",
                                               f"{code_loc.source}: the row has amounts but no classification code; its amounts were not read",
                                               code_loc, tid))
                    res.unplaced.extend(Cell(0, format(v, "f"), loc) for _, v, loc in vals)
                elif name_text:
                    nloc = Location(file=where, sheet=name, cell=cell_ref(r, name_col))
                    res.unplaced.append(Cell(name_col, name_text, nloc))
                continue
            code = _parse_code(text, gkind, codes)
            if code is None:
                what = {"class": "支出功能分类（类）编码或名称", "function": "功能分类科目编码", "economic": "经济分类科目编码"}[gkind]
                findings.append(Finding.at("convert:bad-code", "error",
                                           f"{code_loc.source}：“{text}”不是{what}，该行未读取",
                                           f"{code_loc.source}: {text!r} is not a {'class (类) code or name' if gkind == 'class' else gkind + ' classification code'}; the row was not read",
                                           code_loc, tid))
                res.unplaced.extend(Cell(0, format(v, "f"), loc) for _, v, loc in vals)
                continue
            for concept, v, loc in vals:
                add(tid, concept, code, v, loc)
    # header
    hdr: dict[str, object] = {}
    for name, ref, key, kind in mapping["header"]:
        sh = wb.sheet(name)
        if sh is None:
            continue
        loc = Location(file=where, sheet=name, cell=cell_ref(*ref))
        v = _header_value(kind, sh.cells.get(ref), loc, wb.date1904, findings)
        if v is not None:
            hdr[key] = v
    ordered = [results[t.id] for t in lay.tables if t.id in results]
    return hdr, ordered, findings, changed


def _parse_code(text: str, kind: str, codes) -> str | None:
    cc = cell_code(text)
    code = cc[0] if cc else None
    if kind == "class":
        if code and len(code) == 3:
            return code
        if code is None:
            found = [c for c in codes.by_name.get(normalize_label(text), []) if len(c) == 3]
            return found[0] if found else None
        return None
    if code is None:
        return None
    if kind == "economic":
        return code if ECONOMIC_CODE_RE.match(code) else None
    return code if FUNCTION_CODE_RE.match(code) else None


# ------------------------------------------------------------------ entry point


def read_workbook(path: str | Path, layout: str | None = None, entity: str | None = None,
                  year: int | None = None) -> Conversion:
    where = str(path)
    wb = open_workbook(path, where)
    tax = load_taxonomy()
    lay = tax.layout(layout) if layout else None
    notes: list[Finding] = []
    mapping_sheet = wb.sheet(MAPPING_SHEET)
    if mapping_sheet is not None:
        try:
            mapping = _parse_mapping(mapping_sheet, wb, tax)
        except _NotOurs as e:
            notes.append(Finding.at("convert:template-mapping-ignored", "warning",
                                    f"{where}：模板映射表 _juesuan 无法使用（{e}），按表名读取各表",
                                    f"{where}: the template mapping sheet _juesuan cannot be used ({e}); tables read by their titles",
                                    Location(file=where)))
            mapping = None
        if mapping is not None:
            if lay is not None and lay.id != mapping["layout"].id:
                raise UnusableInput(f"this workbook is the juesuan template for layout {mapping['layout'].id}; "
                                    f"--layout {lay.id} does not apply to it", where)
            return _convert_template(wb, tax, mapping, entity, year, notes)
    doc, extra = read_official(wb, tax, lay)
    require_tables(doc.tables, where, sheets=True)
    header = make_header(entity or doc.entity, year or doc.year, doc.layout.id, where)
    inst = Instance(header, doc.facts, source=where)
    return Conversion.from_tables(inst, [*notes, *doc.findings, *extra], doc.tables)


def _convert_template(wb: Workbook, tax: Taxonomy, mapping: dict, entity: str | None, year: int | None,
                      notes: list[Finding]) -> Conversion:
    where = wb.path
    lay: Layout = mapping["layout"]
    hdr, results, findings, changed = read_template(wb, tax, mapping)
    facts = [f for r in results for f in r.facts]
    if changed:
        sheets = [wb.sheet(n) for n in changed]
        for n in changed:
            notes.append(Finding.at("convert:template-changed", "warning",
                                    f"{where}：工作表“{n}”的表样已被改动，改按表名和行列标题读取",
                                    f"{where}: sheet {n!r} no longer has the template's labels; read by its title and headers instead",
                                    Location(file=where, sheet=n)))
        doc, extra = read_official(wb, tax, lay, sheets)
        have = {r.table.id for r in results}
        for t in doc.tables:
            if t.table.id not in have:
                results.append(t)
                facts.extend(t.facts)
        findings.extend(doc.findings)
        findings.extend(extra)
        order = {t.id: i for i, t in enumerate(lay.tables)}
        results.sort(key=lambda r: order[r.table.id])
    findings += unplaced_findings(results, findings, "未能读取", "was not read")
    header = make_header(entity or hdr.get("entity"), year or hdr.get("fiscal_year"), lay.id, where,
                         status=str(hdr.get("status") or "final"))
    extras = {k: str(hdr[k]) for k in ("uscc", "preparer", "date", "note") if hdr.get(k)}
    if extras:
        header = replace(header, **extras)
    inst = Instance(header, facts, source=where)
    return Conversion.from_tables(inst, [*notes, *findings], results)
