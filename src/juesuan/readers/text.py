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

import bisect
import re
from typing import TYPE_CHECKING, Sequence

from ..errors import UnusableInput
from ..model import Location
from .grid import Cell, GridRow, TableMatcher, is_amount, is_meta, is_numberish

if TYPE_CHECKING:
    from .tabless import Columns

_GAP_RE = re.compile(r"\S(?:\s?\S)*")  # tokens: runs of text with at most single spaces inside


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


def csv_rows(text: str, file: str = "", delimiter: str = ",", problems: list | None = None) -> list[GridRow]:
    """Rows of a CSV/TSV file (quoted fields may hold "2,001.35"). Line numbers are the file's; a
    line may end in CR LF, LF or CR alone (old Mac exports), and a CR inside a field is a line break.
    A record csv cannot read (a field over its 131,072-character limit, a NUL) is skipped and its
    (Location, reason) added to `problems`; without `problems` it is UnusableInput (one line)."""
    import csv
    import io

    rows = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return rows
        except csv.Error as e:
            if problems is None:
                raise UnusableInput.of("input:csv", file, line=reader.line_num, reason=str(e)) from None
            problems.append((Location(file=file, line=reader.line_num), str(e)))
            continue
        n = reader.line_num
        rows.append(GridRow([Cell(i, f, Location(file=file, line=n)) for i, f in enumerate(fields)],
                            Location(file=file, line=n)))


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
    they are (PDF pages with ruled tables). The plain-text regridding (readers/spaced.py,
    readers/tabless.py) is imported only when a text file needs it."""
    single = [r for r in region if r.nonempty()]
    one_cell = bool(single) and all(len(r.cells) == 1 for r in single)
    lines = [r.cells[0].text if r.cells else "" for r in region]
    if one_cell and plain_fallback:
        from .tabless import tab_columns

        columns = columns or tab_columns(lines)  # a tab-separated text whose tabs became spaces
        if columns is not None:
            from .spaced import plain_regrid

            return plain_regrid(matcher, region, columns)
    if one_cell and has_layout_spacing(lines):
        return layout_grid(region), [], []
    if not plain_fallback:
        return region, [], []
    from .spaced import plain_regrid

    return plain_regrid(matcher, region)


def _one(line: str) -> GridRow:
    return GridRow([Cell(0, line.strip(), Location())])


def _tokens(line: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _GAP_RE.finditer(line)]


def layout_grid(rows: Sequence[GridRow]) -> list[GridRow]:
    """Grid rows from layout-spaced lines (single-cell rows holding the raw line).

    Columns are the runs of character positions used by the data lines (lines with an amount),
    separated by gutters of two or more blank positions. A row with `tokens` (a PDF page's line)
    gives them as printed, in half-points: a right-aligned column's amounts then end together and a
    label takes its printed width; its non-data lines (titles, notes, footers under the table, which
    print across columns) do not make columns. Header tokens lying in a gutter wider than
    themselves (columns that are blank in every data row) make columns of their own; a header token
    spanning several columns gets that span, so group headers cover their columns. Time is linear in
    the text (intervals are looked up by bisection), so a huge line of amounts is read in one pass.
    """
    lines = [r.cells[0].text if r.cells else "" for r in rows]
    body = [i for i, l in enumerate(lines) if l.strip() and not is_meta(_one(l))]
    toks = {i: rows[i].tokens or _tokens(lines[i]) for i in body}
    data = [i for i in body if any(is_amount(t) and "." in t for _, _, t in toks[i])]
    first_data = (data or body or [0])[0]
    is_data = set(data)
    # printed places (a PDF's lines): a note or footer line under the table spans its columns there
    used = [i for i in body if i >= first_data and (rows[i].tokens is None or i in is_data)]
    spans = _data_spans([toks[i] for i in used], max((b for i in body for _, b, _ in toks[i]), default=0))
    head = [toks[i] for i in body if i < first_data]
    labels = _label_spans(spans, [toks[i] for i in used]) if any(rows[i].tokens for i in body) else None
    spans = _with_header_columns(spans, head, labels)
    starts = [s[0] for s in spans]
    out = []
    for r, line in zip(rows, lines):
        loc = r.cells[0].loc if r.cells else r.loc
        cells: dict[int, Cell] = {}
        for a, b, t in r.tokens or _tokens(line):
            hit = _overlapping(spans, starts, a, b)
            col = hit.start if hit else _nearest(starts, a)
            prev = cells.get(col)
            text = f"{prev.text} {t}" if prev else t
            cells[col] = Cell(col, text, loc, max(len(hit) or 1, prev.span if prev else 1))
        out.append(GridRow([cells[k] for k in sorted(cells)], r.loc))
    return out


Span = list[int]  # [start, end) of a column, in character positions
NEAR_LEFT = 24  # printed places: how far (half-points: 12 pt) left of its amounts an unheaded column's header may end
HEADER_LINES = 12  # lines above a table's first amount that _join_under_headers reads (a header has 2-6)


def _data_spans(data_tokens: list[list[tuple[int, int, str]]], width: int) -> list[Span]:
    """The columns of the data lines: runs of used positions; one blank position is a space inside
    a cell, not a gutter."""
    used = bytearray(width + 1)
    for toks in data_tokens:
        for a, b, _ in toks:
            used[a:b] = b"\x01" * (b - a)
    spans: list[Span] = []
    x = used.find(1)
    while 0 <= x < width:
        end = used.find(0, x)
        end = width if end < 0 or end > width else end
        if spans and x - spans[-1][1] < 2:
            spans[-1][1] = end
        else:
            spans.append([x, end])
        x = used.find(1, end)
    return spans


def _overlapping(spans: Sequence[Span], starts: Sequence[int], a: int, b: int) -> range:
    """Indexes of the sorted, disjoint spans overlapping [a, b)."""
    lo = bisect.bisect_right(starts, a) - 1
    if lo < 0 or spans[lo][1] <= a:
        lo += 1
    hi = bisect.bisect_left(starts, b)
    return range(lo, max(lo, hi))


def _nearest(starts: Sequence[int], a: int) -> int:
    """The span whose start is nearest to a (the first of two as near); 0 when there is none."""
    if not starts:
        return 0
    k = bisect.bisect_left(starts, a)
    cands = [j for j in (k - 1, k) if 0 <= j < len(starts)]
    return min(cands, key=lambda j: (abs(starts[j] - a), j))


def _label_spans(spans: list[Span], data_tokens: list[list[tuple[int, int, str]]]) -> set[int]:
    """The indexes of the spans whose data-line tokens are all words (row labels): no amount, code
    or 行次 number among them."""
    starts = [s[0] for s in spans]
    numeric, words = set(), set()
    for toks in data_tokens:
        for a, b, t in toks:
            (numeric if is_numberish(t) else words).update(
                _overlapping(spans, starts, a, b))
    return words - numeric


def _with_header_columns(spans: list[Span], head: list[list[tuple[int, int, str]]],
                         labels: set[int] | None = None) -> list[Span]:
    """Add the header tokens lying in gutters (columns blank in every data row) as columns; a data
    column and a header-only column next to it that no header line tells apart are one column
    (amounts right-aligned under a narrow 栏次 number or a left-aligned label: _join_next_to). With
    `labels` (the label columns, when the tokens are where a PDF prints them) a header centred over
    its column also finds it where the column's text does not reach it (_join_under_headers)."""
    width = max([s[1] for s in spans] + [b for toks in head for _, b, _ in toks] + [0])
    taken = bytearray(width + 1)
    for a, b in spans:
        taken[a:b] = b"\x01" * (b - a)
    extra: list[Span] = []
    for toks in head:
        for a, b, _ in toks:
            if taken.find(1, a, b) < 0:
                extra.append([a, b])
                taken[a:b] = b"\x01" * (b - a)
    order = sorted(range(len(extra)), key=lambda k: extra[k][0])  # extras are disjoint: sorted by start
    alive = [True] * len(extra)
    heads = [([a for a, _, _ in toks], toks) for toks in head]
    _join_next_to(spans, extra, order, alive, heads, labels)
    if labels is not None:
        _join_under_headers(spans, extra, order, alive, heads, labels)
    merged: list[Span] = []
    for s in sorted(spans + [e for k, e in enumerate(extra) if alive[k]]):
        if merged and s[0] < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], s[1])
        else:
            merged.append(list(s))
    return merged


def _join_next_to(spans: list[Span], extra: list[Span], order: list[int], alive: list[bool], heads,
                  labels: set[int] | None) -> None:
    """Each data column (span) takes the nearest live header-only column (extra) next to it that no
    header line tells apart from it: within 6 positions (3 pt on printed places). With `labels`
    (printed places), a column that is no label column (amounts, codes, 行次) takes none on its
    right, where a header is the next cell's however near (07 表 printed at 0.6: 1 pt), and, when no
    header token is over it, one ending up to NEAR_LEFT on its left: its header, centred in the cell
    whose amounts are right-aligned, ends that far left of short ones (06 表's 决算数 over 39.04:
    5 pt; 07 表's 合计 over 5.00: 9 pt). A column with a header of its own over it has a blank
    column's header that near."""
    ex_starts = [extra[k][0] for k in order]
    starts = [d[0] for d in spans]
    headed = {i for _, toks in heads for a, b, _ in toks for i in _overlapping(spans, starts, a, b)}
    for i, d in enumerate(spans):
        amounts = labels is not None and i not in labels
        left, right = (NEAR_LEFT if i not in headed else 6, 0) if amounts else (6, 6)
        lo = max(0, bisect.bisect_left(ex_starts, d[0]) - 1)
        near = []
        for j in range(lo, len(order)):
            k = order[j]
            e = extra[k]
            if e[0] - d[1] > right:
                break
            if alive[k] and e[0] - d[1] <= right and d[0] - e[1] <= left and not _told_apart(heads, d, e):
                near.append(k)
        while lo > 0 and d[0] - extra[order[lo - 1]][1] <= left:  # wide extras ending close to d
            lo -= 1
            k = order[lo]
            e = extra[k]
            if alive[k] and not _told_apart(heads, d, e):
                near.append(k)
        if near:
            k = min(near, key=lambda k: (max(extra[k][0] - d[1], d[0] - extra[k][1]), k))
            alive[k] = False
            e = extra[k]
            d[0], d[1] = min(e[0], d[0]), max(e[1], d[1])


def _join_under_headers(spans: list[Span], extra: list[Span], order: list[int], alive: list[bool], heads,
                        labels: set[int]) -> None:
    """Printed places: a live header-only column (extra) that no header line tells apart from a data
    column (span) joins it when
    - a header token covers both, and no other data column (其他收入 over its short amounts,
      right-aligned, and its 栏次 number 7, centred, which the amounts do not reach); or
    - the data column is a label column just left of it, and it lies in the left half of the gap
      to the next data column (项目 centred over short left-aligned labels). Only a label column:
      a header right of an amount column is as often the next, blank column's.
    A column's header has a few lines and covers a number or two below it: a token over more than
    two header-only columns, or a header of more than HEADER_LINES lines, is left as it is (so the
    work stays linear in the tokens whatever the text)."""
    if len(heads) > HEADER_LINES:
        return
    d_starts = [d[0] for d in spans]
    ex_starts = [extra[k][0] for k in order]
    for _, toks in heads:
        for a, b, _ in toks:
            over = _overlapping(spans, d_starts, a, b)
            lo, hi = max(0, bisect.bisect_left(ex_starts, a) - 1), bisect.bisect_left(ex_starts, b)
            if len(over) != 1 or hi - lo > 3:
                continue
            d = spans[over.start]
            for j in range(lo, hi):
                k = order[j]
                e = extra[k]
                if alive[k] and e[1] > a and e[0] < b and not _told_apart(heads, d, e):
                    alive[k] = False
                    d[0], d[1] = min(e[0], d[0]), max(e[1], d[1])
                    d_starts[over.start] = d[0]
    ends = {i: spans[i][1] for i in labels}  # the labels' own ends: the left half of the gap they leave
    for k in order:
        e = extra[k]
        i = bisect.bisect_right(d_starts, e[0]) - 1
        if not alive[k] or i not in labels or i + 1 == len(spans) or spans[i][1] > e[0]:
            continue
        d, right = spans[i], spans[i + 1][0]
        if e[1] <= right and e[0] - ends[i] < (right - ends[i]) / 2 and not _told_apart(heads, d, e):
            alive[k] = False
            d[1] = max(d[1], e[1])


def _told_apart(heads: list[tuple[list[int], list[tuple[int, int, str]]]], x: Span, y: Span) -> bool:
    """Does some header line have a token over x and not y, and one over y and not x?"""
    for starts, toks in heads:
        over_x = _token_ids(starts, toks, x)
        over_y = _token_ids(starts, toks, y)
        if over_x - over_y and over_y - over_x:
            return True
    return False


def _token_ids(starts: list[int], toks: list[tuple[int, int, str]], x: Span) -> set[int]:
    """Indexes of a line's (sorted, disjoint) tokens overlapping x."""
    lo = max(0, bisect.bisect_right(starts, x[0]) - 1)
    if lo < len(toks) and toks[lo][1] <= x[0]:
        lo += 1
    return set(range(lo, max(lo, bisect.bisect_left(starts, x[1]))))
