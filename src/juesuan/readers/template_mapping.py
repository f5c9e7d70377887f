"""The `_juesuan` sheet of a workbook made by `juesuan template` (juesuan.excel.template writes it): which
layout, which table sheets (with the digest of their fixed cells), and which cell holds which header
field, fact or classification code. `parse_mapping` reads it back, or says why it cannot be trusted
(NotATemplate: the workbook is then read by its tables' titles, readers/excel.py)."""

from __future__ import annotations

import re

from ..excel.mapping import TEMPLATE_MARK, digest_text
from ..excel.xlsx import Sheet, Workbook, col_index, parse_ref
from ..taxonomy import Layout, Taxonomy

_COL_RE = re.compile(r"^[A-Z]{1,3}$")


class NotATemplate(Exception):
    """The mapping sheet cannot be trusted: read the workbook by its titles instead. `reason` is the
    catalogue text saying why (report:mapping-*), str() its English."""

    def __init__(self, key: str, **values) -> None:
        from ..catalogue import Text

        self.reason = Text(f"report:mapping-{key}", **values)
        super().__init__(str(self.reason))


def _mapping_lines(sheet: Sheet) -> dict[int, list[str]]:
    """The mapping sheet's rows as lists of cell texts (column A first), by row number."""
    rows: dict[int, list[str]] = {}
    for (r, c), cell in sheet.cells.items():
        if cell.value is None:
            continue
        rows.setdefault(r, [])
        line = rows[r]
        while len(line) < c:
            line.append("")
        line[c - 1] = digest_text(cell.value)
    return rows


def parse_mapping(sheet: Sheet, wb: Workbook, tax: Taxonomy) -> dict:
    """The template mapping of the _juesuan sheet: its layout and the sheets, header cells, fact cells
    and code rows it names; NotATemplate when it is not one this version wrote."""
    rows = _mapping_lines(sheet)
    first = rows.get(1, [])
    if len(first) < 3 or first[0] != TEMPLATE_MARK:
        raise NotATemplate("not-ours")
    if first[1] != "1":
        raise NotATemplate("version", version=first[1])
    if first[2] not in tax.layouts:
        raise NotATemplate("layout", layout=first[2], taxonomy=tax.id)
    lay = tax.layouts[first[2]]
    out: dict = {"layout": lay, "sheets": {}, "header": [], "facts": [], "rows": []}
    for n in sorted(rows):
        if n == 1:
            continue
        try:
            _mapping_line(out, n, rows[n] + [""] * 8, wb, tax)
        except (ValueError, KeyError, IndexError):
            raise NotATemplate("damaged", line=n) from None
    return out


def _mapping_line(out: dict, n: int, line: list[str], wb: Workbook, tax: Taxonomy) -> None:
    """Line `n` of the mapping into `out`; ValueError (KeyError, IndexError) when it is damaged."""
    lay: Layout = out["layout"]
    kind = line[0]
    if kind == "sheet":
        name, tid, digest = line[1], line[2], line[3]
        lay.table(tid)
        if wb.sheet(name) is None:
            raise NotATemplate("sheet-missing", sheet=name)
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
                raise NotATemplate("not-a-cell", line=n, concept=concept, code=code, sheet=name)
            out["facts"].append((name, parse_ref(ref), concept, code or None))
    elif kind == "rows":
        out["rows"].append(_mapping_code_rows(out, n, line, tax))
    else:
        raise ValueError


def _mapping_code_rows(out: dict, n: int, line: list[str], tax: Taxonomy) -> tuple:
    """A "rows" line: (sheet, first row, last row, code kind, code column, name column, {column: concept})."""
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
        p = out["layout"].place(concept, "30101" if gkind == "economic" else "201")
        if p is None or out["sheets"].get(name, ("",))[0] != p.table:
            raise NotATemplate("not-a-code-column", line=n, concept=concept, sheet=name)
        values[col_index(col)] = concept
    return (name, first_row, last_row, gkind, code_col, name_col, values)
