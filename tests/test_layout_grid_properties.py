"""Property-based test (hypothesis) of readers/text.layout_grid on a PDF page's lines as printed
(GridRow.tokens, half-points): random tables without ruling, as a report printed without borders
lays them out.

A table is a label column and 1-8 amount columns of random widths (40-200 pt). Its header line
holds each column's name centred over it, a 栏次 line each column's number centred, and each data
row a left-aligned label and, in any of the columns, an amount right-aligned 2 pt inside the
column's right border (digits 5.5 pt wide, CJK 10 pt, as the Noto CJK fonts print them). Whatever
the widths, lengths and blanks: the amounts printed in one column get one grid column, amounts in
different columns different ones, and the labels a column of their own left of them all.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from juesuan.readers.cells import Cell, GridRow
from juesuan.readers.text import layout_grid

NAMES = ["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入", "合计"]


def _row(toks) -> GridRow:
    toks = tuple((round(2 * a), max(round(2 * a) + 1, round(2 * b)), t) for a, b, t in toks)
    return GridRow([Cell(0, "  ".join(t for _, _, t in toks), None)], None, toks)


def _centred(left: float, right: float, text: str, width: float) -> tuple[float, float, str]:
    mid = (left + right) / 2
    return mid - width / 2, mid + width / 2, text


@st.composite
def table(draw):
    n = draw(st.integers(1, 8))
    widths = [draw(st.integers(60, 200))] + [draw(st.integers(40, 200)) for _ in range(n)]
    borders = [36.0]
    for w in widths:
        borders.append(borders[-1] + w)
    rows = [_row([_centred(borders[0], borders[1], "项目", 20)]
                 + [_centred(borders[j], borders[j + 1], NAMES[j - 1], 10 * len(NAMES[j - 1]))
                    for j in range(1, n + 1) if 10 * len(NAMES[j - 1]) <= widths[j] - 4]),
            _row([_centred(borders[0], borders[1], "栏次", 20)]
                 + [_centred(borders[j], borders[j + 1], str(j), 5.5 * len(str(j))) for j in range(1, n + 1)])]
    where = []  # per data row: {printed column: amount text}
    for r in range(draw(st.integers(1, 8))):
        label = "一般公共服务支出"[:draw(st.integers(2, min(8, (widths[0] - 4) // 10)))]
        toks = [(borders[0] + 2, borders[0] + 2 + 10 * len(label), label)]
        cells = {}
        for j in range(1, n + 1):
            digits = draw(st.integers(0, max(0, min(9, int((widths[j] - 6) / 5.5) - 3))))
            if draw(st.booleans()):
                continue
            text = f"{draw(st.integers(0, 10 ** digits - 1)) if digits else 0}.{j}{draw(st.integers(0, 9))}"  # unique in its row
            right = borders[j + 1] - 2
            toks.append((right - 5.5 * len(text), right, text))
            cells[j] = text
        rows.append(_row(toks))
        where.append(cells)
    return rows, where


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(table())
def test_each_printed_column_of_amounts_is_one_grid_column(t):
    rows, where = t
    grid = layout_grid(rows)
    seen: dict[int, int] = {}  # printed column -> grid column
    for g, cells in zip(grid[2:], where):
        col_of = {c.text: c.col for c in g.cells}
        label_col = g.cells[0].col
        for j, text in cells.items():
            assert col_of[text] > label_col
            assert seen.setdefault(j, col_of[text]) == col_of[text], (j, text, seen)
    assert len(set(seen.values())) == len(seen)  # different printed columns, different grid columns
