"""Ruled tables of a PDF page: edges from path segments, snapped and joined, their intersections,
cells and tables (moved out of readers/pdfium.py; pdfplumber's find_tables with its default settings)."""

from __future__ import annotations

import bisect
import itertools
from operator import attrgetter, itemgetter

from .pdfium_text import Char, _cluster, plain_text

SNAP = 3.0
JOIN = 3.0
EDGE_MIN = 3.0
INTERSECT = 3.0
ALIGN = 2e-3  # slope a segment may have and still be a vertical or horizontal edge (0.11 degrees)
_POS, _LO = attrgetter("pos"), attrgetter("lo")


class Edge:
    """An axis-parallel stretch of ruling: a vertical one at x = pos from top lo to hi, a horizontal
    one at top = pos from x lo to hi."""

    __slots__ = ("vertical", "pos", "lo", "hi")

    def __init__(self, vertical: bool, pos: float, lo: float, hi: float):
        self.vertical, self.pos, self.lo, self.hi = vertical, pos, lo, hi


class Row:
    """A table row: per table column its cell (x0, top, x1, bottom) or None, and the row's box."""

    __slots__ = ("cells", "bbox")

    def __init__(self, cells: list, bbox: tuple):
        self.cells, self.bbox = cells, bbox


class Table:
    """A ruled table: its cells (x0, top, x1, bottom), rows of cells by top, and its text."""

    def __init__(self, cells: list, chars: list):
        self.cells = cells
        self.chars = chars
        self.bbox = (min(b[0] for b in cells), min(b[1] for b in cells), max(b[2] for b in cells),
                     max(b[3] for b in cells))
        xs = sorted({c[0] for c in cells})
        self.rows: list[Row] = []
        for _top, group in itertools.groupby(sorted(cells, key=itemgetter(1, 0)), itemgetter(1)):
            by_x = {c[0]: c for c in group}
            row = [by_x.get(x) for x in xs]
            real = [c for c in row if c]
            self.rows.append(Row(row, (min(c[0] for c in real), min(c[1] for c in real),
                                       max(c[2] for c in real), max(c[3] for c in real))))

    def extract(self) -> list[list[str | None]]:
        """Each row's cell texts: the characters whose centre is inside the cell, as lines joined by
        newlines (None for a column the row has no cell in)."""
        bx0, btop, bx1, bbot = self.bbox
        mine = []  # (vertical centre, index, char, horizontal centre) of the characters inside the table
        for i, c in enumerate(self.chars):
            _, x0, x1, top, bottom, _ = c
            h, v = (x0 + x1) / 2, (top + bottom) / 2
            if bx0 <= h < bx1 and btop <= v < bbot:
                mine.append((v, i, c, h))
        mine.sort(key=itemgetter(0, 1))
        mids = [m[0] for m in mine]
        table = []
        for row in self.rows:
            rx0, rtop, rx1, rbot = row.bbox
            lo, hi = bisect.bisect_left(mids, rtop), bisect.bisect_left(mids, rbot)
            rc = [m for m in sorted(mine[lo:hi], key=itemgetter(1)) if rx0 <= m[3] < rx1 and rtop <= m[0] < rbot]
            real = [(c[0], k) for k, c in enumerate(row.cells) if c is not None]
            starts = [x for x, _ in real]
            per_cell: list[list[Char]] = [[] for _ in row.cells]
            for v, _i, ch, h in rc:  # the cell whose left border is the last at or before the char's centre
                at = bisect.bisect_right(starts, h) - 1
                if at >= 0:
                    k = real[at][1]
                    cell = row.cells[k]
                    if cell[0] <= h < cell[2] and cell[1] <= v < cell[3]:
                        per_cell[k].append(ch)
            texts = [None if cell is None else (plain_text(cc) if cc else "") for cell, cc in zip(row.cells, per_cell)]
            table.append(texts)
        return table


def _inside(c: Char, bbox) -> bool:
    h = (c.x0 + c.x1) / 2
    v = (c.top + c.bottom) / 2
    return bbox[0] <= h < bbox[2] and bbox[1] <= v < bbox[3]


def find_tables(edges: list[Edge], chars: list[Char], spend=None) -> list[Table]:
    """Ruled tables from the page's edges (pdfplumber's find_tables, default settings). `spend`, if
    given, is called with the number of crossings to try before they are tried (it may refuse)."""
    edges = [e for e in _merge(edges) if e.hi - e.lo >= EDGE_MIN]
    if spend is not None:
        spend(crossings(edges))
    inter = _intersections(edges)
    cells = _cells(inter)
    return [Table(t, chars) for t in _tables(cells)]


def _merge(edges: list[Edge]) -> list[Edge]:
    """Edges of each orientation snapped (positions chained within SNAP take their mean), then those
    at one position joined where they overlap or their gap is at most JOIN; shorter than 1 pt dropped
    first. The clusters come in ascending position, so each is one position, in that order."""
    out: list[Edge] = []
    for vertical in (True, False):
        group = [e for e in edges if e.vertical == vertical and e.hi - e.lo >= 1]
        for cl in _cluster(group, _POS, SNAP):
            pos = sum(e.pos for e in cl) / len(cl)
            joined: list[list[float]] = []
            for e in sorted(cl, key=_LO):
                if joined and e.lo <= joined[-1][1] + JOIN:
                    if e.hi > joined[-1][1]:
                        joined[-1][1] = e.hi
                else:
                    joined.append([e.lo, e.hi])
            out.extend(Edge(vertical, pos, lo, hi) for lo, hi in joined)
    return out


def crossings(edges: list[Edge]) -> int:
    """How many (vertical, horizontal) pairs of edges _intersections tries: the horizontal edges
    within INTERSECT of each vertical edge's extent, counted without trying them."""
    h_tops = sorted(e.pos for e in edges if not e.vertical)
    return sum(bisect.bisect_right(h_tops, v.hi + INTERSECT) - bisect.bisect_left(h_tops, v.lo - INTERSECT)
               for v in edges if v.vertical)


def _intersections(edges: list[Edge]) -> dict[tuple, tuple[set, set]]:
    v_edges = sorted((e for e in edges if e.vertical), key=lambda e: (e.pos, e.lo))
    h_edges = sorted((e for e in edges if not e.vertical), key=lambda e: (e.pos, e.lo))
    h_tops = [h.pos for h in h_edges]
    inter: dict[tuple, tuple[set, set]] = {}
    for vi, v in enumerate(v_edges):
        lo = bisect.bisect_left(h_tops, v.lo - INTERSECT)
        hi = bisect.bisect_right(h_tops, v.hi + INTERSECT)
        for hidx in range(lo, hi):
            h = h_edges[hidx]
            if v.lo <= h.pos + INTERSECT and v.hi >= h.pos - INTERSECT and h.lo - INTERSECT <= v.pos <= h.hi + INTERSECT:
                pt = (v.pos, h.pos)
                if pt not in inter:
                    inter[pt] = (set(), set())
                inter[pt][0].add(vi)
                inter[pt][1].add(hidx)
    return inter


def _cells(inter: dict[tuple, tuple[set, set]]) -> list[tuple]:
    """pdfplumber's intersections_to_cells: from each intersection (sorted), the first cell
    down-and-right whose four corners are connected by edges. Two intersections on one vertical
    line are connected when a vertical edge passes through both (their sets of vertical edges
    meet), two on one horizontal line likewise; pdfplumber's test of both is written out here
    for the one that applies to each pair (the point below shares x, the point to the right y)."""
    points = sorted(inter)
    by_x: dict[float, list] = {}
    by_y: dict[float, list] = {}
    for p in points:
        by_x.setdefault(p[0], []).append(p)
        by_y.setdefault(p[1], []).append(p)
    at_x = {p: j for ps in by_x.values() for j, p in enumerate(ps)}  # each list is sorted: the points
    at_y = {p: j for ps in by_y.values() for j, p in enumerate(ps)}  # after pt are those greater than pt
    cells = []
    for pt in points:
        x, y = pt
        down, across = inter[pt]
        right = by_y[y][at_y[pt] + 1:]
        for b in by_x[x][at_x[pt] + 1:]:
            b_down, b_across = inter[b]
            if down.isdisjoint(b_down):
                continue
            for r in right:
                r_down, r_across = inter[r]
                if across.isdisjoint(r_across):
                    continue
                corner = inter.get((r[0], b[1]))
                if corner is not None and not corner[0].isdisjoint(r_down) and not corner[1].isdisjoint(b_across):
                    cells.append((x, y, r[0], b[1]))
                    break
            else:
                continue
            break
    return cells


def _tables(cells: list[tuple]) -> list[list[tuple]]:
    """pdfplumber's cells_to_tables: cells grouped while they share a corner (each group the cells
    reachable from its first through shared corners), tables by their top-left corner; tables of one
    cell dropped. A table's cells are in the order of `cells` (its rows are sorted apart anyway)."""
    corners = [((c[0], c[1]), (c[0], c[3]), (c[2], c[1]), (c[2], c[3])) for c in cells]
    by_corner: dict[tuple, list[int]] = {}
    for i, cs in enumerate(corners):
        for corner in cs:
            by_corner.setdefault(corner, []).append(i)
    seen = [False] * len(cells)
    tables = []
    for first in range(len(cells)):
        if seen[first]:
            continue
        seen[first] = True
        todo, group = [first], [first]
        while todo:
            for corner in corners[todo.pop()]:
                for j in by_corner[corner]:
                    if not seen[j]:
                        seen[j] = True
                        todo.append(j)
                        group.append(j)
        if len(group) > 1:
            tables.append([cells[j] for j in sorted(group)])
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return tables


def _compose(m, parent):
    a, b, c, d, e, f = m
    A, B, C, D, E, F = parent
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _edge(out: list[Edge], p, q) -> None:
    """The segment p-q as an edge when it is vertical or horizontal: within ALIGN of it (a page drawn a
    hair askew, or read deskewed) at its mean position; a slanted segment is none."""
    dx, dy = abs(p[0] - q[0]), abs(p[1] - q[1])
    if dx <= ALIGN * dy or dx < 1e-6:
        out.append(Edge(True, p[0] if dx < 1e-6 else (p[0] + q[0]) / 2, min(p[1], q[1]), max(p[1], q[1])))
    elif dy <= ALIGN * dx or dy < 1e-6:
        out.append(Edge(False, p[1] if dy < 1e-6 else (p[1] + q[1]) / 2, min(p[0], q[0]), max(p[0], q[0])))
