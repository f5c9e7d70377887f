"""Text extracted from a report PDF -> grid rows for the shared matcher (readers/grid.py).

Three shapes of extracted text are read:

- tab-separated (like shared/reference/*.txt): one cell per tab, `tab_rows`;
- CSV / TSV of one table: `csv_rows`;
- space-separated, as pdfplumber's `extract_text()` gives it. With layout spacing
  (`extract_text(layout=True)`, or any text whose columns are kept apart by runs of two or more
  spaces) the columns are recovered from the page geometry the spacing keeps: `layout_grid`
  (whitespace gutters of the data lines, refined by the header labels). Without it (plain
  `extract_text()`, single spaces, blank cells vanish) the columns are resolved by
  readers/spaced.py.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Sequence

from ..lazyre import lazy
from ..model import Location
from .grid import Cell, GridRow, TableMatcher, is_amount, is_meta
from .spaced import plain_regrid
from .tabless import Columns, tab_columns

_GAP_RE = lazy(r"\S(?:\s?\S)*")  # tokens: runs of text with at most single spaces inside


def tab_rows(text: str, file: str = "") -> list[GridRow]:
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        loc = Location(file=file, line=n)
        cells = [Cell(i, t, Location(file=file, line=n)) for i, t in enumerate(line.split("\t"))]
        rows.append(GridRow(cells, loc))
    return rows


def line_rows(text: str, file: str = "") -> list[GridRow]:
    """One single-cell row per line, the line kept as is (layout spacing included)."""
    return [GridRow([Cell(0, line.rstrip(), Location(file=file, line=n))], Location(file=file, line=n))
            for n, line in enumerate(text.splitlines(), start=1)]


def csv_rows(text: str, file: str = "", delimiter: str = ",") -> list[GridRow]:
    """Rows of a CSV/TSV file (quoted fields may hold "2,001.35"). Line numbers are the file's."""
    rows = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    for fields in reader:
        n = reader.line_num
        rows.append(GridRow([Cell(i, f, Location(file=file, line=n)) for i, f in enumerate(fields)],
                            Location(file=file, line=n)))
    return rows


def has_layout_spacing(lines: Sequence[str]) -> bool:
    """Do these lines keep columns apart by runs of spaces (pdfplumber layout=True style)?"""
    inner = [l.strip() for l in lines if l.strip() and not is_meta(_one(l))]
    if not inner:
        return False
    spaced = sum(1 for l in inner if re.search(r"\S\s{2,}\S", l))
    return spaced >= max(2, len(inner) // 3)


def regrid(matcher: TableMatcher, region: list[GridRow], plain_fallback: bool = False, columns: Columns | None = None):
    """A table region of single-cell text lines -> (grid rows, findings, cells not placed): layout-spaced
    lines by layout_grid; other lines by readers/spaced.py when `plain_fallback` (text files), else as
    they are (PDF pages with ruled tables)."""
    single = [r for r in region if r.nonempty()]
    one_cell = bool(single) and all(len(r.cells) == 1 for r in single)
    lines = [r.cells[0].text if r.cells else "" for r in region]
    if one_cell and plain_fallback:
        columns = columns or tab_columns(lines)  # a tab-separated text whose tabs became spaces
        if columns is not None:
            return plain_regrid(matcher, region, columns)
    if one_cell and has_layout_spacing(lines):
        return layout_grid(region), [], []
    return plain_regrid(matcher, region) if plain_fallback else (region, [], [])


def _one(line: str) -> GridRow:
    return GridRow([Cell(0, line.strip(), Location())])


def _tokens(line: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _GAP_RE.finditer(line)]


def layout_grid(rows: Sequence[GridRow]) -> list[GridRow]:
    """Grid rows from layout-spaced lines (single-cell rows holding the raw line).

    Columns are the runs of character positions used by the data lines (lines with an amount),
    separated by gutters of two or more blank positions. Header tokens lying in a gutter wider than
    themselves (columns that are blank in every data row) make columns of their own; a header token
    spanning several columns gets that span, so group headers cover their columns.
    """
    lines = [r.cells[0].text if r.cells else "" for r in rows]
    body = [i for i, l in enumerate(lines) if l.strip() and not is_meta(_one(l))]
    data = [i for i in body if any(is_amount(t) and "." in t for _, _, t in _tokens(lines[i]))]
    if not data:
        data = body
    first_data = data[0] if data else 0
    width = max((len(lines[i]) for i in body), default=0)
    used = [False] * (width + 1)
    for i in body:
        if i < first_data:
            continue
        for a, b, _ in _tokens(lines[i]):
            for x in range(a, b):
                used[x] = True
    runs: list[list[int]] = []
    x = 0
    while x < width:
        if used[x]:
            a = x
            while x < width and used[x]:
                x += 1
            runs.append([a, x])
        else:
            x += 1
    spans: list[list[int]] = []
    for a, b in runs:  # one blank position is a space inside a cell, not a gutter
        if spans and a - spans[-1][1] < 2:
            spans[-1][1] = b
        else:
            spans.append([a, b])
    # header tokens in the gutters: columns blank in every data row
    extra: list[list[int]] = []
    for i in body:
        if i >= first_data:
            break
        for a, b, _ in _tokens(lines[i]):
            if not any(a < s[1] and s[0] < b for s in spans + extra):
                extra.append([a, b])
    # a data column and a header-only column next to it that no header line tells apart are one
    # column (amounts right-aligned under a narrow 栏次 number or a left-aligned label)
    head_tokens = [_tokens(lines[i]) for i in body if i < first_data]

    def told_apart(x: list[int], y: list[int]) -> bool:
        for toks in head_tokens:
            over_x = {k for k, (a, b, _) in enumerate(toks) if a < x[1] and x[0] < b}
            over_y = {k for k, (a, b, _) in enumerate(toks) if a < y[1] and y[0] < b}
            if over_x - over_y and over_y - over_x:
                return True
        return False

    for d in spans:
        near = [e for e in extra if max(e[0] - d[1], d[0] - e[1]) <= 6 and not told_apart(d, e)]
        if near:
            e = min(near, key=lambda e: max(e[0] - d[1], d[0] - e[1]))
            extra.remove(e)
            d[0], d[1] = min(e[0], d[0]), max(e[1], d[1])
    merged: list[list[int]] = []
    for s in sorted(spans + extra):
        if merged and s[0] < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], s[1])
        else:
            merged.append(list(s))
    spans = merged
    out = []
    for r, line in zip(rows, lines):
        loc = r.cells[0].loc if r.cells else r.loc
        cells: dict[int, Cell] = {}
        for a, b, t in _tokens(line):
            hit = [k for k, s in enumerate(spans) if a < s[1] and s[0] < b]
            if not hit:
                hit = [min(range(len(spans)), key=lambda k: abs(spans[k][0] - a))] if spans else [0]
            col = hit[0]
            prev = cells.get(col)
            text = f"{prev.text} {t}" if prev else t
            cells[col] = Cell(col, text, loc, max(len(hit), prev.span if prev else 1))
        out.append(GridRow([cells[k] for k in sorted(cells)], r.loc))
    return out
