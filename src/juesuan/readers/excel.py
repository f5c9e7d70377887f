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
the cell. A cell that is not an amount although it sits in a fact's place is an error naming the cell,
and the fact is unreadable (the checks then say which rules they could not run, instead of reading
it as blank): text that is no amount ('1,9x0'), a date (a number in a date format, or a t="d"
cell), an error value (#DIV/0!), a boolean, a formula whose value was never computed, an amount
out of range (|x| ≥ 1E16).
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from pathlib import Path

from ..errors import UnusableInput
from ..excel.mapping import MAPPING_SHEET, digest_text, sheet_digest
from ..excel.xlsx import RawCell, Sheet, Workbook, cell_ref, open_workbook
from ..findings import Finding
from ..model import Fact, Facts, Instance, Location, Where
from ..records import replace
from ..taxonomy import ECONOMIC_CODE_RE, FUNCTION_CODE_RE, Layout, Taxonomy, load_taxonomy, normalize_label
from .base import Conversion, make_header
from .grid import (MAX_AMOUNT, Cell, GridRow, TableResult, cell_code, duplicate_finding, is_blank, read_amount, read_document,
                   require_tables, round_amount, rounding_finding, unplaced_findings)
from .template_mapping import NotATemplate, parse_mapping

UNCOMPUTED = "=?"  # what the table matcher sees of a formula with no computed value (not an amount)
_TYPED = {"date": "convert:date-not-amount", "error": "convert:error-value", "bool": "convert:bool-not-amount"}


def excel_date(serial: Decimal, date1904: bool = False) -> str:
    """An Excel date serial as ISO 8601 ('44270' -> '2021-03-15'); the serial itself when out of range."""
    try:
        base = _dt.date(1904, 1, 1) if date1904 else _dt.date(1899, 12, 30)
        return (base + _dt.timedelta(days=int(serial))).isoformat()
    except (ArithmeticError, OverflowError, ValueError):
        return format(serial, "f")


def cell_text(c: RawCell, date1904: bool = False) -> str:
    """What a cell shows, as text for the table matcher: numbers keep the decimals their format shows,
    a date shows as 2021-03-15 (so it is never taken for an amount)."""
    v = c.value
    if v is None:
        return UNCOMPUTED if c.formula else ""
    if isinstance(v, Decimal):
        if c.kind == "date":
            return excel_date(v, date1904)
        if c.decimals is not None and -v.as_tuple().exponent < c.decimals:
            v = v.quantize(Decimal(1).scaleb(-c.decimals))
        return format(v, "f")
    return v


def typed_finding(cell: RawCell, loc: Location, table: str, date1904: bool = False) -> Finding | None:
    """The finding for a cell that can never be an amount (date, error value, boolean, formula
    without a computed value); None for text and numbers."""
    if cell.formula and cell.value is None:
        return Finding.of("convert:formula-not-computed", loc, table=table, cell=Where(loc))
    code = _TYPED.get(cell.kind)
    if code is None:
        return None
    return Finding.of(code, loc, table=table, cell=Where(loc), text=cell_text(cell, date1904))


# ------------------------------------------------------------------ (b) official layout


def sheet_rows(sheet: Sheet, where: str, date1904: bool = False) -> tuple[list[GridRow], dict[int, list[tuple[int, int]]]]:
    """Grid rows of a sheet, and per grid row the typed cells (date, error value, boolean, formula
    without a computed value: never amounts; the matcher sees them as text that is no amount)."""
    spans: dict[tuple[int, int], int] = {}
    for r1, c1, r2, c2 in sheet.merges:
        if c2 > c1:
            spans[(r1, c1)] = c2 - c1 + 1
    by_row: dict[int, list[tuple[int, RawCell]]] = {}
    for (r, c), cell in sheet.cells.items():
        by_row.setdefault(r, []).append((c, cell))
    rows: list[GridRow] = []
    typed: dict[int, list[tuple[int, int]]] = {}
    for r in sorted(by_row):
        cells = []
        for c, cell in sorted(by_row[r], key=lambda x: x[0]):
            if cell.kind or (cell.formula and cell.value is None):
                typed.setdefault(len(rows), []).append((r, c))
            text = cell_text(cell, date1904)
            if not text.strip():
                continue
            loc = Location(file=where, sheet=sheet.name, cell=cell_ref(r, c))
            cells.append(Cell(c, text, loc, spans.get((r, c), 1)))
        rows.append(GridRow(cells, Location(file=where, sheet=sheet.name, cell=cell_ref(r, 1))))
    return rows, typed


def read_official(wb: Workbook, tax: Taxonomy, layout: Layout | None, sheets: list[Sheet] | None = None):
    """Read the sheets by table titles with the shared matcher. Returns (DocumentResult, extra findings)."""
    where = wb.path
    sections, typed_by_sheet = [], []
    for sh in (sheets if sheets is not None else wb.sheets):
        if sh.name == MAPPING_SHEET or not sh.cells:
            continue
        rows, typed = sheet_rows(sh, where, wb.date1904)
        sections.append(rows)
        typed_by_sheet.append((sh, rows, typed))
    doc = read_document([], tax, layout, sections=sections)
    # typed cells inside a recognised table: one finding each, saying what the cell holds, in place of
    # the matcher's "not an amount" / "not placed" for the same cell
    mine: dict[Location, Finding] = {}
    for res in doc.tables:
        ids = {id(r) for r in res.rows}
        for sh, rows, typed in typed_by_sheet:
            for idx, cells in typed.items():
                if id(rows[idx]) in ids:
                    for r, c in cells:
                        loc = Location(file=where, sheet=sh.name, cell=cell_ref(r, c))
                        f = typed_finding(sh.cells[(r, c)], loc, res.table.id, wb.date1904)
                        if f is not None:
                            mine.setdefault(loc, f)
    if mine:
        replaced = ("convert:not-an-amount", "convert:cell-not-placed")
        doc.findings[:] = [f for f in doc.findings if not (f.code in replaced and f.location in mine)]
        for res in doc.tables:
            res.findings[:] = [f for f in res.findings if not (f.code in replaced and f.location in mine)]
    return doc, list(mine.values())


# ------------------------------------------------------------------ (a) our template


def _amount(cell: RawCell | None, loc: Location, table: str, findings: list[Finding],
            date1904: bool = False) -> Decimal | None:
    """The amount of a template input cell; None for a blank one, or with a finding appended (the
    cell is unreadable) for one that holds no amount."""
    if cell is None:
        return None
    typed = typed_finding(cell, loc, table, date1904)
    if typed is not None:
        findings.append(typed)
        return None
    value = cell.value
    if isinstance(value, Decimal):
        if abs(value) >= MAX_AMOUNT:
            findings.append(Finding.of("convert:amount-out-of-range", loc, table=table, cell=Where(loc),
                                       text=format(value, "E") if value.adjusted() > 30 else format(value, "f")))
            return None
    else:
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


def _header_value(kind: str, cell: RawCell | None, loc: Location, date1904: bool, findings: list[Finding]):
    if cell is None or cell.value is None:
        return None
    v = cell.value
    if kind == "year":
        try:
            return int(Decimal(str(v).strip().removesuffix("年度").removesuffix("年")))
        except (ArithmeticError, ValueError, TypeError):  # Decimal's InvalidOperation is an ArithmeticError
            findings.append(Finding.of("convert:bad-year", loc, cell=Where(loc), text=str(v)))
            return None
    if kind == "date":
        if isinstance(v, Decimal):
            iso = excel_date(v, date1904)
            if len(iso) == 10 and iso[4] == "-":
                return iso
            v = iso
        text = v.strip()[:10] if cell.kind == "date" else v.strip()  # t="d": 2022-08-31T00:00:00
        m = re.match(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$", text)
        if m:
            return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        findings.append(Finding.of("convert:bad-date", loc, cell=Where(loc), text=v))
        return None
    if kind == "status":
        t = str(v).strip()
        return {"正式": "final", "草稿": "draft", "final": "final", "draft": "draft"}.get(t, t)
    return digest_text(v).strip() or None


def read_template(wb: Workbook, tax: Taxonomy, mapping: dict):
    """(instance header values, table results, findings, sheets that must be read by title)."""
    changed = _changed_sheets(wb, mapping)
    reader = _TemplateReader(wb, tax, mapping, changed)
    reader.read_facts()
    reader.read_code_rows()
    hdr = reader.read_header()
    lay: Layout = mapping["layout"]
    ordered = [reader.results[t.id] for t in lay.tables if t.id in reader.results]
    return hdr, ordered, reader.findings, changed


def _changed_sheets(wb: Workbook, mapping: dict) -> list[str]:
    """The table sheets whose fixed cells (all but the input cells the mapping names) are no longer the
    template's, or hold a formula: they are read by their titles and headers instead."""
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
    return changed


class _TemplateReader:
    """Reads the input cells of an unchanged template's sheets, as the mapping names them, into one
    TableResult per table (findings in reading order: fact cells, code rows, header)."""

    def __init__(self, wb: Workbook, tax: Taxonomy, mapping: dict, changed: list[str]) -> None:
        self.wb, self.tax, self.mapping, self.changed = wb, tax, mapping, changed
        self.where = wb.path
        self.findings: list[Finding] = []
        lay: Layout = mapping["layout"]
        self.results: dict[str, TableResult] = {tid: TableResult(lay.table(tid))
                                                for name, (tid, _) in mapping["sheets"].items() if name not in changed}
        self.seen = Facts()

    def add(self, tid: str, concept: str, code: str | None, value: Decimal, loc: Location) -> None:
        res = self.results[tid]
        fact = Fact(concept, code, value, loc, origin=loc.source)
        if self.seen.add(fact) is not None:
            self.findings.append(duplicate_finding(tid, code or concept, loc))
            res.unplaced.append(Cell(0, format(value, "f"), loc))
            return
        res.facts.append(fact)

    def read_facts(self) -> None:
        """The single fact cells (01, 04, 07 … and the totals)."""
        wb, findings = self.wb, self.findings
        for name, ref, concept, code in self.mapping["facts"]:
            tid = self.mapping["sheets"][name][0]
            if name in self.changed:
                continue
            sh = wb.sheet(name)
            loc = Location(file=self.where, sheet=name, cell=cell_ref(*ref))
            n = len(findings)
            v = _amount(sh.cells.get(ref), loc, tid, findings, wb.date1904)
            if v is not None:
                self.add(tid, concept, code, v, loc)
            elif len(findings) > n:  # a cell in a fact's place that holds no amount
                self.results[tid].unreadable.append((concept, code or "", Cell(0, cell_text(sh.cells[ref]), loc)))

    def read_code_rows(self) -> None:
        """The rows keyed by a classification code the user fills in (02, 03, 05, 06 …)."""
        for name, r1, r2, gkind, code_col, name_col, values in self.mapping["rows"]:
            if name in self.changed:
                continue
            tid = self.mapping["sheets"][name][0]
            sh = self.wb.sheet(name)
            codes = self.tax.codes_for("economic" if gkind == "economic" else "function")
            for r in range(r1, r2 + 1):
                self._code_row(sh, tid, r, gkind, code_col, name_col, values, codes)

    def _code_row(self, sh: Sheet, tid: str, r: int, gkind: str, code_col: int, name_col: int,
                  values: dict[int, str], codes) -> None:
        wb, findings, where = self.wb, self.findings, self.where
        name, res = sh.name, self.results[tid]
        code_loc = Location(file=where, sheet=name, cell=cell_ref(r, code_col))
        code_cell = sh.cells.get((r, code_col))
        if code_cell is not None:
            typed = typed_finding(code_cell, code_loc, tid, wb.date1904)
            if typed is not None:
                findings.append(typed)
        text = _code_text(code_cell)
        vals, bad = [], []
        for col, concept in sorted(values.items()):
            cell = sh.cells.get((r, col))
            if cell is None:  # most input cells are blank: no Location to make
                continue
            loc = Location(file=where, sheet=name, cell=cell_ref(r, col))
            n = len(findings)
            v = _amount(cell, loc, tid, findings, wb.date1904)
            if v is not None:
                vals.append((concept, v, loc))
            elif len(findings) > n:
                bad.append((concept, Cell(0, cell_text(cell), loc)))
        name_text = _code_text(sh.cells.get((r, name_col))) if name_col else ""
        if not text:
            if vals:
                findings.append(Finding.of("convert:code-missing", code_loc, table=tid, cell=Where(code_loc)))
                res.unplaced.extend(Cell(0, format(v, "f"), loc) for _, v, loc in vals)
            elif name_text:
                nloc = Location(file=where, sheet=name, cell=cell_ref(r, name_col))
                res.unplaced.append(Cell(name_col, name_text, nloc))
            return
        code = _parse_code(text, gkind, codes)
        if code is None:
            findings.append(Finding.of("convert:bad-code", code_loc, table=tid, cell=Where(code_loc), text=text))
            res.unplaced.extend(Cell(0, format(v, "f"), loc) for _, v, loc in vals)
            return
        for concept, v, loc in vals:
            self.add(tid, concept, code, v, loc)
        res.unreadable.extend((concept, code, c) for concept, c in bad)

    def read_header(self) -> dict[str, object]:
        hdr: dict[str, object] = {}
        for name, ref, key, kind in self.mapping["header"]:
            sh = self.wb.sheet(name)
            if sh is None:
                continue
            loc = Location(file=self.where, sheet=name, cell=cell_ref(*ref))
            v = _header_value(kind, sh.cells.get(ref), loc, self.wb.date1904, self.findings)
            if v is not None:
                hdr[key] = v
        return hdr


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
            mapping = parse_mapping(mapping_sheet, wb, tax)
        except NotATemplate as e:
            notes.append(Finding.of("convert:template-mapping-ignored", Location(file=where), path=where,
                                    why=e.reason))
            mapping = None
        if mapping is not None:
            if lay is not None and lay.id != mapping["layout"].id:
                raise UnusableInput.of("input:template-layout", where, layout=mapping["layout"].id, asked=lay.id)
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
            notes.append(Finding.of("convert:template-changed", Location(file=where, sheet=n), path=where, sheet=n))
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
    findings += unplaced_findings(results, findings)
    header = make_header(entity or hdr.get("entity"), year or hdr.get("fiscal_year"), lay.id, where,
                         status=str(hdr.get("status") or "final"))
    extras = {k: str(hdr[k]) for k in ("uscc", "preparer", "date", "note") if hdr.get(k)}
    if extras:
        header = replace(header, **extras)
    inst = Instance(header, facts, source=where)
    return Conversion.from_tables(inst, [*notes, *findings], results)
