"""Property-based test (hypothesis) of the ruled-table finder (readers/pdfium_tables.py) against the one
it reimplements: pdfplumber's table functions with its default settings, on random rulings.

A ruling is a few grids (rows and columns at random positions) plus loose strokes. Line ends are
jittered by up to ±2 pt and some lines broken with gaps of 0–4 pt, so that gaps up to 3 pt are
joined, ends falling short of a crossing line by up to 3 pt still intersect it, and short strokes
are dropped (under 1 pt before merging, under 3 pt after). Line positions lie 4 pt apart or
coincide: where positions within 3 pt are snapped to their mean, pdfplumber moves each edge by
(mean - position), which can leave two edges of one cluster a bit apart (0.08333333333333331 and
0.08333333333333333) and so make zero-height cells this reader does not; snapping is tested on
positions whose means are exact (`test_snapped_lines_make_one_table`). Both finders get the same
edges; their tables must be the same cells, in the same order.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from juesuan.readers.pdfium_tables import EDGE_MIN, Edge, _cells, _intersections, _merge, _tables

from .test_pdf_reader import need_pdfplumber

SETTINGS = dict(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])

position = st.integers(0, 100).map(lambda k: k * 4.0)  # 0..400 pt, 4 pt apart
end = st.integers(0, 1600).map(lambda k: k / 4)  # 0..400 pt in quarter points
jitter = st.integers(-8, 8).map(lambda k: k / 4)  # ±2 pt


@st.composite
def grid(draw) -> list[Edge]:
    """A table's rulings: horizontal lines at its rows' tops across its width, vertical lines at its
    columns' lefts down its height, each end jittered, some lines broken in two."""
    xs = sorted(draw(st.sets(position, min_size=2, max_size=6)))
    ys = sorted(draw(st.sets(position, min_size=2, max_size=6)))
    out = []
    for vertical, at, span in ((False, ys, xs), (True, xs, ys)):
        for pos in at:
            lo, hi = sorted((span[0] + draw(jitter), span[-1] + draw(jitter)))
            if draw(st.booleans()) and hi - lo > 4:  # broken, with a gap of 0 to 4 pt
                mid = lo + draw(st.integers(1, int(hi - lo) - 1))
                gap = draw(st.integers(0, 16)) / 4
                out += [Edge(vertical, pos, lo, mid), Edge(vertical, pos, mid + gap, max(hi, mid + gap))]
            else:
                out.append(Edge(vertical, pos, lo, hi))
    return out


@st.composite
def stroke(draw) -> Edge:
    lo = draw(end)
    return Edge(draw(st.booleans()), draw(position), lo, lo + draw(st.integers(0, 200)) / 4)


rulings = st.tuples(st.lists(grid(), min_size=1, max_size=3), st.lists(stroke(), max_size=6)).map(
    lambda t: [e for g in t[0] for e in g] + t[1])


def ours(edges: list[Edge]) -> list[list[tuple]]:
    merged = [e for e in _merge(edges) if e.hi - e.lo >= EDGE_MIN]
    return _tables(_cells(_intersections(merged)))


def pdfplumbers(edges: list[Edge]) -> list[list[tuple]]:
    from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges
    from pdfplumber.utils import filter_edges

    objs = []
    for e in edges:
        if e.vertical:
            objs.append({"x0": e.pos, "x1": e.pos, "top": e.lo, "bottom": e.hi, "width": 0.0,
                         "height": e.hi - e.lo, "orientation": "v", "object_type": "line"})
        else:
            objs.append({"x0": e.lo, "x1": e.hi, "top": e.pos, "bottom": e.pos, "width": e.hi - e.lo,
                         "height": 0.0, "orientation": "h", "object_type": "line"})
    # TableFinder.get_edges with the default settings: prefilter 1 pt, merge (snap 3, join 3), keep >= 3 pt
    merged = merge_edges(filter_edges(objs, "v", min_length=1) + filter_edges(objs, "h", min_length=1), 3, 3, 3, 3)
    merged = filter_edges(merged, min_length=EDGE_MIN)
    return cells_to_tables(intersections_to_cells(edges_to_intersections(merged, 3, 3)))


@settings(**SETTINGS)
@given(rulings)
def test_the_table_finder_finds_pdfplumbers_tables(edges):
    need_pdfplumber()
    got, want = ours(edges), pdfplumbers(edges)
    assert [sorted(t) for t in got] == [sorted(t) for t in want]


def test_the_property_sees_tables():
    """The strategy draws rulings that make tables (a property of empty results would prove nothing):
    a 3 x 3 grid with one line broken by a 2 pt gap is one table of 4 cells in both finders."""
    need_pdfplumber()
    edges = [Edge(False, y, 10.0, 110.0) for y in (10.0, 60.0)] + [Edge(False, 110.0, 10.0, 50.0),
                                                                  Edge(False, 110.0, 52.0, 110.0)]
    edges += [Edge(True, x, 10.0, 110.0) for x in (10.0, 60.0, 110.0)]
    got = ours(edges)
    assert got == pdfplumbers(edges) and [len(t) for t in got] == [4]


def test_snapped_lines_make_one_table():
    """Lines 1 pt apart (within the 3 pt snap) are one line at their mean; the mean here is exact in
    both finders. Without snapping the two halves would be two tables of one row each."""
    need_pdfplumber()
    edges = [Edge(False, 10.0, 10.0, 110.0), Edge(False, 60.0, 10.0, 110.0), Edge(False, 110.0, 10.0, 60.0),
             Edge(False, 111.0, 60.0, 110.0)]
    edges += [Edge(True, x, 10.0, 110.5) for x in (10.0, 60.0, 110.0)]
    got = ours(edges)
    assert got == pdfplumbers(edges) and [len(t) for t in got] == [4]
    assert max(c[3] for c in got[0]) == 110.5
