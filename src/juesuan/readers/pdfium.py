"""A PDF's pages as characters, words, text lines and ruled tables, read with PDFium (pypdfium2).

pypdfium2 (the `pdf` extra; its ctypes bindings `pypdfium2_raw`) is imported only here, only when a
PDF is read. Per page:

- characters with their box in page coordinates (x from the left, `top`/`bottom` from the top of the
  displayed page, /Rotate applied): x0/x1 from PDFium's glyph box, the vertical extent from the
  baseline, the font's descent and the font size (the box pdfminer gives, so text assembles the
  same way); text set rotated or mirrored takes PDFium's glyph box as it is;
  characters PDFium generates itself (spaces and line breaks it infers) are left out;
- words: characters of one line (tops within 3 pt) left to right, split at white space and at gaps
  over 3 pt (pdfplumber's `extract_words` defaults);
- ruled tables from the page's path objects: every axis-parallel straight segment (lines and the
  sides of rectangles, also inside form XObjects) is an edge; edges are snapped (within 3 pt) and
  joined (gaps up to 3 pt), those shorter than 3 pt dropped, cells are the smallest rectangles
  whose four corners are intersections connected by edges, and tables are cells sharing corners
  (the algorithm of pdfplumber's `find_tables` with its default settings, after Nurminen's thesis);
- layout text (`layout_text`) for pages without ruled tables: columns kept apart by runs of
  spaces, at x / 2 pt (so no printed text overflows into the next column's positions) and
  y / 13 pt lines.

Before PDFium sees the file, every Flate stream that could expand past the limits is inflated
here in bounded steps (`check_streams`): a content stream or object stream over
MAX_STREAM_BYTES, or a font or image over MAX_FONT_BYTES, refuses the file with one line (a
stream whose filter is given by reference is measured as if it were Flate). Deflate expands at
most 1032:1, so streams too small to reach the limit are not inflated at all. Other filters
(LZW, run-length) are not measured.
"""

from __future__ import annotations

import bisect
import ctypes
import itertools
import math
import re
import zlib
from operator import itemgetter

from ..errors import UnusableInput

MAX_STREAM_BYTES = 16 * 1024 * 1024  # one decompressed content/object stream (a report page: ~100 KB)
MAX_FONT_BYTES = 64 * 1024 * 1024  # one decompressed embedded font or image (a full CJK font: ~20 MB)
MAX_INFLATED_BYTES = 256 * 1024 * 1024  # all checked streams together
_DEFLATE_MAX_RATIO = 1032
_INDIRECT_FILTER = re.compile(rb"/Filter\s*(\d+\s+\d+\s+R|\[[^\]]*\d+\s+\d+\s+R)")  # named elsewhere: measured
X_TOL = 3.0
Y_TOL = 3.0
SNAP = 3.0
JOIN = 3.0
EDGE_MIN = 3.0
INTERSECT = 3.0
Y_DENSITY = 13.0
LAYOUT_DENSITY = 2.0  # points per character position in layout text
LAYOUT_GAP = 1.0  # points: a wider gap between two characters of a line starts a new token



def check_streams(data: bytes, where: str) -> None:
    """Refuse a PDF with a Flate stream that expands past the limits (a decompression bomb), before
    PDFium inflates it in memory. Only streams big enough to pass a limit are inflated, in 1 MB steps."""
    view = memoryview(data)
    total = 0
    for at in _streams(data):
        start = at + 7 if data[at + 6] == 10 else at + 8
        end = data.find(b"endstream", start)
        end = len(data) if end == -1 else end
        head = data[max(0, at - 400): at]
        head = head[head.rfind(b" obj") + 4:]
        if b"/Filter" not in head:
            continue  # stored as it is: it cannot expand
        if b"Flate" not in head and not _INDIRECT_FILTER.search(head):
            continue  # another filter (DCT, LZW, ...): not measured here
        binary = any(k in head for k in (b"/Length1", b"/Length2", b"/Length3", b"/FontFile", b"OpenType", b"Type1C",
                                         b"CIDFontType0C", b"/Image"))
        limit = MAX_FONT_BYTES if binary else MAX_STREAM_BYTES
        nested = head.count(b"Flate") > 1
        if not nested and (end - start) * _DEFLATE_MAX_RATIO <= limit:
            continue
        size = _inflated_size(view[start:end], limit, nested)
        total += size
        if size > limit or total > MAX_INFLATED_BYTES:
            raise UnusableInput.of("input:pdf-bomb", where, offset=at, limit=min(limit, MAX_INFLATED_BYTES) // 2**20)


def _streams(data: bytes):
    """Offsets of the `stream` keywords that open a stream body (not those of `endstream`)."""
    at = data.find(b"stream")
    while at != -1:
        nxt = data[at + 6: at + 8]
        if data[max(0, at - 3): at] != b"end" and (nxt[:1] == b"\n" or nxt == b"\r\n"):
            yield at
        at = data.find(b"stream", at + 6)


def _inflated_size(raw: memoryview, limit: int, nested: bool) -> int:
    d = zlib.decompressobj()
    inner = zlib.decompressobj() if nested else None
    size = 0
    chunk = raw
    try:
        while True:
            out = d.decompress(chunk, 1 << 20)
            if inner is not None:
                out = inner.decompress(out, limit + 1 - size) if not inner.eof else b""
            size += len(out)
            if size > limit:
                return size
            chunk = d.unconsumed_tail
            if not chunk or d.eof:
                return size
    except zlib.error:
        return size  # damaged data: PDFium decodes at most what inflates


_RAW: list = []


def _raw():
    """PDFium's C API (pypdfium2's ctypes bindings, `pypdfium2_raw`), the library initialised once.
    The bindings alone, not pypdfium2's object layer: it is not needed here, and importing it (logging,
    uuid, platform, ...) would double the start-up cost of the engine."""
    if _RAW:
        return _RAW[0]
    try:
        import pypdfium2_raw as raw
    except ImportError:
        raise UnusableInput.of("input:pdf-extra", command="pip install 'juesuan[pdf]'") from None
    # idempotent in PDFium: pypdfium2, if imported later, initialises again without effect
    config = raw.FPDF_LIBRARY_CONFIG(version=2, m_pUserFontPaths=None, m_pIsolate=None, m_v8EmbedderSlot=0)
    raw.FPDF_InitLibraryWithConfig(ctypes.byref(config))
    _RAW.append(raw)
    return raw


class Document:
    """A PDF opened by PDFium from bytes (kept alive as long as the document); a context manager."""

    def __init__(self, data: bytes, where: str):
        raw = _raw()
        self._raw = raw
        self._data = data
        self.where = where
        self.handle = _handles(raw.FPDF_LoadMemDocument64)(data, len(data), None)
        if not self.handle:
            err = raw.FPDF_GetLastError()
            if err == raw.FPDF_ERR_PASSWORD:
                raise UnusableInput.of("input:pdf-encrypted", where)
            if err == raw.FPDF_ERR_SECURITY:
                raise UnusableInput.of("input:pdf-security", where)
            raise UnusableInput.of("input:pdf-damaged", where)

    def __len__(self) -> int:
        return _api(self._raw).page_count(self.handle)

    def close(self) -> None:
        if self.handle:
            _api(self._raw).close_doc(self.handle)
            self.handle = None

    def __enter__(self) -> "Document":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_document(data: bytes, where: str) -> Document:
    """The PDFium document of these bytes; one-line UnusableInput when PDFium cannot open it."""
    return Document(data, where)


class Char:
    """A printed character: its text and box (points; x from the left, top/bottom from the top)."""

    __slots__ = ("text", "x0", "x1", "top", "bottom", "size")

    def __init__(self, text: str, x0: float, x1: float, top: float, bottom: float, size: float):
        self.text, self.x0, self.x1, self.top, self.bottom, self.size = text, x0, x1, top, bottom, size

    def __repr__(self) -> str:
        return f"Char({self.text!r}, {self.x0:.2f}, {self.x1:.2f}, {self.top:.2f}, {self.bottom:.2f}, {self.size:.1f})"


class Word(Char):
    """Characters of one line without a gap: their text and the box around them."""

    __slots__ = ()


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
        mine = sorted(((c.top + c.bottom) / 2, i, c) for i, c in enumerate(self.chars) if _inside(c, self.bbox))
        mids = [m[0] for m in mine]
        table = []
        for row in self.rows:
            lo, hi = bisect.bisect_left(mids, row.bbox[1]), bisect.bisect_left(mids, row.bbox[3])
            rc = [m[2] for m in sorted(mine[lo:hi], key=itemgetter(1)) if _inside(m[2], row.bbox)]
            real = [(c[0], k) for k, c in enumerate(row.cells) if c is not None]
            starts = [x for x, _ in real]
            per_cell: list[list[Char]] = [[] for _ in row.cells]
            for ch in rc:  # the cell whose left border is the last at or before the char's centre
                h = (ch.x0 + ch.x1) / 2
                at = bisect.bisect_right(starts, h) - 1
                if at >= 0:
                    k = real[at][1]
                    if _inside(ch, row.cells[k]):
                        per_cell[k].append(ch)
            texts = [None if cell is None else (plain_text(cc) if cc else "") for cell, cc in zip(row.cells, per_cell)]
            table.append(texts)
        return table


def _inside(c: Char, bbox) -> bool:
    h = (c.x0 + c.x1) / 2
    v = (c.top + c.bottom) / 2
    return bbox[0] <= h < bbox[2] and bbox[1] <= v < bbox[3]


def _cluster(items: list, key, tol: float) -> list[list]:
    """pdfplumber's cluster_objects: the distinct key values chained within `tol`, items grouped by
    their cluster in cluster order, keeping their order inside a cluster."""
    if len(items) < 2:
        return [list(items)] if items else []
    keys = [key(i) for i in items]
    if max(keys) - min(keys) <= tol:
        return [list(items)]  # one cluster (every gap between sorted keys is within tol)
    values = sorted(set(keys))
    index: dict[float, int] = {}
    n = -1
    last = None
    for v in values:
        if last is None or v > last + tol:
            n += 1
        index[v] = n
        last = v
    groups: list[list] = [[] for _ in range(n + 1)]
    for i, k in zip(items, keys):
        groups[index[k]].append(i)
    return groups


def words(chars: list[Char]) -> list[Word]:
    out: list[Word] = []
    for line in _cluster(chars, lambda c: c.top, Y_TOL):
        line.sort(key=lambda c: c.x0)
        cur: list[Char] = []
        for c in line:
            if c.text.isspace():
                if cur:
                    out.append(_word(cur))
                cur = []
            elif cur and (c.x0 < cur[-1].x0 or c.x0 > cur[-1].x1 + X_TOL or abs(c.top - cur[-1].top) > Y_TOL):
                out.append(_word(cur))
                cur = [c]
            else:
                cur.append(c)
        if cur:
            out.append(_word(cur))
    return out


def _word(cs: list[Char]) -> Word:
    first = cs[0]
    if len(cs) == 1:
        return Word(first.text, first.x0, first.x1, first.top, first.bottom, first.size)
    x1, top, bottom = first.x1, first.top, first.bottom
    for c in cs:  # x0 is the first's: the characters are sorted by x0
        if c.x1 > x1:
            x1 = c.x1
        if c.top < top:
            top = c.top
        if c.bottom > bottom:
            bottom = c.bottom
    return Word("".join([c.text for c in cs]), first.x0, x1, top, bottom, first.size)


def plain_text(chars: list[Char]) -> str:
    """pdfplumber's extract_text() without layout: words, lines of words by top, joined."""
    lines = _cluster(words(chars), lambda w: w.top, Y_TOL)
    return "\n".join(" ".join(w.text for w in line) for line in lines)


def layout_text(chars: list[Char], height: float) -> str:
    """The page as layout-spaced text (columns kept apart by runs of spaces, as
    readers/text.layout_grid reads them), from its characters.

    Lines are the characters whose tops are within 3 pt, placed at top / 13 pt (blank lines keep
    the vertical distance, as pdfplumber's extract_text(layout=True) does). Along a line,
    characters form tokens; a new token starts at a space character or at a gap of more than
    1 pt. A token after a space character narrower than the font size continues its phrase (one
    space); any other token starts a column: it is placed at x / 2 pt, and at least two spaces after
    the text before it. At 2 pt per position no printed character is narrower than the positions it
    takes, so a column's text never runs into the next column's start, and two printed cells a
    hair apart (a right-aligned amount against the next cell's label) stay two columns."""
    out: list[str] = []
    newlines = 0
    for i, line in enumerate(_cluster(sorted(chars, key=lambda c: c.top), lambda c: c.top, Y_TOL)):
        prepend = max(int(i > 0), round(line[0].top / Y_DENSITY) - newlines)
        out.append("\n" * prepend)
        newlines += prepend
        line.sort(key=lambda c: c.x0)
        text = ""
        prev: Char | None = None
        spaced = False
        for c in line:
            if c.text.isspace():
                spaced = True
                continue
            if prev is not None and (spaced or c.x0 > prev.x1 + LAYOUT_GAP or c.x0 < prev.x0):
                if spaced and c.x0 - prev.x1 < c.size:
                    text += " "
                else:
                    text += " " * max(2, round(c.x0 / LAYOUT_DENSITY) - len(text))
            elif prev is None:
                text = " " * round(c.x0 / LAYOUT_DENSITY)
            text += c.text
            prev = c
            spaced = False
        out.append(text)
    return "".join(out)


def find_tables(edges: list[Edge], chars: list[Char]) -> list[Table]:
    """Ruled tables from the page's edges (pdfplumber's find_tables, default settings)."""
    edges = [e for e in _merge(edges) if e.hi - e.lo >= EDGE_MIN]
    inter = _intersections(edges)
    cells = _cells(inter)
    return [Table(t, chars) for t in _tables(cells)]


def _merge(edges: list[Edge]) -> list[Edge]:
    out: list[Edge] = []
    for vertical in (True, False):
        group = [e for e in edges if e.vertical == vertical and e.hi - e.lo >= 1]
        snapped = []
        for cl in _cluster(group, lambda e: e.pos, SNAP):
            avg = sum(e.pos for e in cl) / len(cl)
            snapped.extend(Edge(vertical, avg, e.lo, e.hi) for e in cl)
        snapped.sort(key=lambda e: e.pos)
        for _pos, same in itertools.groupby(snapped, key=lambda e: e.pos):
            joined: list[Edge] = []
            for e in sorted(same, key=lambda e: e.lo):
                if joined and e.lo <= joined[-1].hi + JOIN:
                    if e.hi > joined[-1].hi:
                        joined[-1] = Edge(vertical, e.pos, joined[-1].lo, e.hi)
                else:
                    joined.append(e)
            out.extend(joined)
    return out


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
    down-and-right whose four corners are connected by edges."""
    points = sorted(inter)
    by_x: dict[float, list] = {}
    by_y: dict[float, list] = {}
    for p in points:
        by_x.setdefault(p[0], []).append(p)
        by_y.setdefault(p[1], []).append(p)

    def connects(p1, p2) -> bool:
        if p1[0] == p2[0] and inter[p1][0] & inter[p2][0]:
            return True
        return p1[1] == p2[1] and bool(inter[p1][1] & inter[p2][1])

    cells = []
    for pt in points:
        below = [p for p in by_x[pt[0]] if p > pt]
        right = [p for p in by_y[pt[1]] if p > pt]
        found = None
        for b in below:
            if not connects(pt, b):
                continue
            for r in right:
                if not connects(pt, r):
                    continue
                br = (r[0], b[1])
                if br in inter and connects(br, r) and connects(br, b):
                    found = (pt[0], pt[1], br[0], br[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def _tables(cells: list[tuple]) -> list[list[tuple]]:
    """pdfplumber's cells_to_tables: cells grouped while they share a corner; tables of one cell dropped."""
    remaining = list(cells)
    corners: set = set()
    current: list = []
    tables = []
    while remaining:
        before = len(current)
        for cell in list(remaining):
            cc = ((cell[0], cell[1]), (cell[0], cell[3]), (cell[2], cell[1]), (cell[2], cell[3]))
            if not current or any(c in corners for c in cc):
                corners.update(cc)
                current.append(cell)
                remaining.remove(cell)
        if len(current) == before:
            tables.append(list(current))
            corners.clear()
            current.clear()
    if current:
        tables.append(list(current))
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


class Page:
    """One page's characters and edges, in top-down page coordinates."""

    def __init__(self, doc: Document, index: int):
        raw = doc._raw
        self._raw = raw
        api = _api(raw)
        page = api.load_page(doc.handle, index)
        if not page:
            raise UnusableInput.of("input:pdf-page-damaged", doc.where, page=index + 1)
        try:
            box = raw.FS_RECTF()
            l, b, r, t = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
            if api.media_box(page, l, b, r, t):
                self.box = (min(l.value, r.value), min(b.value, t.value), max(l.value, r.value), max(b.value, t.value))
            else:
                self.box = (0.0, 0.0, api.page_width(page), api.page_height(page))
            self.rotation = (api.rotation(page) % 4) * 90
            x0, y0, x1, y1 = self.box
            self.width, self.height = (y1 - y0, x1 - x0) if self.rotation in (90, 270) else (x1 - x0, y1 - y0)
            self.chars = self._chars(page, box)
            self.edges = self._edges(page)
        finally:
            api.close_page(page)

    def _map(self, x: float, y: float) -> tuple[float, float]:
        """PDF user space -> (x from the left, y from the top) of the displayed page."""
        x0, y0, x1, y1 = self.box
        r = self.rotation
        if r == 90:
            return y - y0, x - x0
        if r == 180:
            return x1 - x, y - y0
        if r == 270:
            return y1 - y, x1 - x
        return x - x0, y1 - y

    def _chars(self, page, box) -> list[Char]:
        raw = self._raw
        api = _api(raw)
        tp = api.load_text(page)
        if not tp:
            return []
        try:
            n = api.count_chars(tp)
            ox, oy = ctypes.c_double(), ctypes.c_double()
            desc = ctypes.c_float()
            tm = raw.FS_MATRIX()
            per_obj: dict[int | None, tuple[float, float]] = {}
            out = []
            get_unicode, generated, loose, origin = api.unicode, api.generated, api.loose, api.origin
            text_obj, fsize = api.text_obj, api.font_size
            x0, y0, x1, y1 = self.box
            upright = self.rotation == 0
            codes = None
            if n > 0:  # every character's code in one call, unless a surrogate pair makes them not one per index
                buf = (ctypes.c_ushort * (n + 1))()
                if api.get_text(tp, 0, n, buf) == n + 1 and not any(0xD800 <= v <= 0xDFFF for v in buf):
                    codes = buf
            for i in range(n):
                u = codes[i] if codes is not None else get_unicode(tp, i)
                if u <= 32 or u in (0xFFFE, 0xFFFF):
                    if u != 32 or generated(tp, i) == 1:
                        continue  # PDFium's own spaces and line breaks, and unmapped glyphs
                if not loose(tp, i, box):
                    continue
                obj = text_obj(tp, i)
                known = per_obj.get(obj)
                if known is None:  # a text object has one font at one size and one matrix
                    size = fsize(tp, i)  # as set by Tf; the text and graphics matrices scale it
                    level = True
                    if api.char_matrix(tp, i, tm):
                        size *= math.hypot(tm.c, tm.d) or 1.0
                        level = abs(tm.b) < 1e-6 and abs(tm.c) < 1e-6 and tm.a > 0 and tm.d > 0  # upright
                    d = 0.0
                    font = api.font(obj) if obj else None
                    if font and api.descent(font, size, desc):
                        # PDFium falls back to the font program's metrics where the descriptor
                        # says Descent 0, sometimes with a positive value: pdfminer takes 0
                        d = min(desc.value, 0.0)
                    known = per_obj[obj] = [size, d, level, 0.0, 0]
                size, d, level, y, seen = known
                # the baseline: a text object's characters share it in horizontal writing; it is asked
                # for the first two and, when they agree, taken for the rest (seen: 0 none yet, 1 one,
                # 2 shared, 3 not shared: vertical writing, asked for every character)
                if seen != 2:
                    if not origin(tp, i, ox, oy):
                        continue
                    y = oy.value
                    if seen == 0:
                        known[3], known[4] = y, 1
                    elif seen == 1:
                        known[4] = 2 if abs(y - known[3]) <= 1e-4 else 3
                try:
                    ch = chr(u)
                except ValueError:
                    continue
                if not level:  # rotated or mirrored text: PDFium's box, turned to the displayed page
                    ax, atop = self._map(box.left, box.top)
                    bx, bbot = self._map(box.right, box.bottom)
                    out.append(Char(ch, min(ax, bx), max(ax, bx), min(atop, bbot), max(atop, bbot), size))
                    continue
                base = y + d
                if upright:
                    out.append(Char(ch, box.left - x0, box.right - x0, y1 - base - size, y1 - base, size))
                    continue
                ax, atop = self._map(box.left, base + size)
                bx, bbot = self._map(box.right, base)
                out.append(Char(ch, min(ax, bx), max(ax, bx), min(atop, bbot), max(atop, bbot), size))
            return out
        finally:
            api.close_text(tp)

    def _edges(self, page) -> list[Edge]:
        raw = self._raw
        api = _api(raw)
        out: list[Edge] = []
        m = raw.FS_MATRIX()
        px, py = ctypes.c_float(), ctypes.c_float()
        PATH, FORM, MOVETO, LINETO = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM, raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_LINETO
        get_type, get_matrix, count_segs, get_seg = api.obj_type, api.matrix, api.count_segments, api.segment
        seg_point, seg_type, seg_close = api.seg_point, api.seg_type, api.seg_close
        identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        plain = self.rotation == 0 and self.box[0] == 0 and self.box[1] == 0
        top = self.box[3]

        def walk(count, get, parent):
            for i in range(count):
                obj = get(i)
                kind = get_type(obj)
                if kind != PATH and kind != FORM:
                    continue
                mat = (m.a, m.b, m.c, m.d, m.e, m.f) if get_matrix(obj, m) else identity
                full = mat if parent is identity else _compose(mat, parent)
                if kind == FORM:
                    walk(api.form_count(obj), lambda k, o=obj: api.form_object(o, k), full)
                    continue
                a, b, c, d, e, f = full
                simple = plain and b == 0 and c == 0
                prev = start = None
                for k in range(count_segs(obj)):
                    seg = get_seg(obj, k)
                    if not seg_point(seg, px, py):
                        continue
                    x, y = px.value, py.value
                    if simple:
                        p = (a * x + e, top - (d * y + f))
                    else:
                        p = self._map(a * x + c * y + e, b * x + d * y + f)
                    typ = seg_type(seg)
                    if typ == MOVETO:
                        start = prev = p
                        continue
                    if typ == LINETO and prev is not None:
                        _edge(out, prev, p)
                    prev = p
                    if start is not None and seg_close(seg):
                        _edge(out, p, start)

        walk(api.count_objects(page), lambda k: api.page_object(page, k), identity)
        return out


class _Api:
    """The PDFium functions the page reader calls per character and per path segment, taking and
    returning handles as plain ints (see _handles)."""

    def __init__(self, raw):
        h = _handles
        self.page_count, self.close_doc = h(raw.FPDF_GetPageCount, ctypes.c_int), h(raw.FPDF_CloseDocument, None)
        self.load_page, self.close_page = h(raw.FPDF_LoadPage), h(raw.FPDF_ClosePage, None)
        self.media_box, self.rotation = h(raw.FPDFPage_GetMediaBox, ctypes.c_int), h(raw.FPDFPage_GetRotation, ctypes.c_int)
        self.page_width, self.page_height = h(raw.FPDF_GetPageWidthF, ctypes.c_float), h(raw.FPDF_GetPageHeightF, ctypes.c_float)
        self.load_text, self.close_text = h(raw.FPDFText_LoadPage), h(raw.FPDFText_ClosePage, None)
        self.count_chars = h(raw.FPDFText_CountChars, ctypes.c_int)
        self.get_text = h(raw.FPDFText_GetText, ctypes.c_int)
        self.unicode, self.generated = h(raw.FPDFText_GetUnicode, ctypes.c_uint), h(raw.FPDFText_IsGenerated, ctypes.c_int)
        self.loose, self.origin = h(raw.FPDFText_GetLooseCharBox, ctypes.c_int), h(raw.FPDFText_GetCharOrigin, ctypes.c_int)
        self.font_size, self.text_obj = h(raw.FPDFText_GetFontSize, ctypes.c_double), h(raw.FPDFText_GetTextObject)
        self.char_matrix = h(raw.FPDFText_GetMatrix, ctypes.c_int)
        self.font, self.descent = h(raw.FPDFTextObj_GetFont), h(raw.FPDFFont_GetDescent, ctypes.c_int)
        self.count_objects, self.page_object = h(raw.FPDFPage_CountObjects, ctypes.c_int), h(raw.FPDFPage_GetObject)
        self.form_count, self.form_object = h(raw.FPDFFormObj_CountObjects, ctypes.c_int), h(raw.FPDFFormObj_GetObject)
        self.obj_type, self.matrix = h(raw.FPDFPageObj_GetType, ctypes.c_int), h(raw.FPDFPageObj_GetMatrix, ctypes.c_int)
        self.count_segments, self.segment = h(raw.FPDFPath_CountSegments, ctypes.c_int), h(raw.FPDFPath_GetPathSegment)
        self.seg_point, self.seg_type = h(raw.FPDFPathSegment_GetPoint, ctypes.c_int), h(raw.FPDFPathSegment_GetType, ctypes.c_int)
        self.seg_close = h(raw.FPDFPathSegment_GetClose, ctypes.c_int)


_API: list[_Api] = []


def _api(raw) -> _Api:
    if not _API:
        _API.append(_Api(raw))
    return _API[0]


def _handles(fn, restype=ctypes.c_void_p):
    """`fn` (a pypdfium2 raw function) taking and returning handles as plain ints (its other
    argument types kept; `restype` its result type), so no ctypes pointer object is made per call
    and a handle can be a dict key. Where the calling convention may not be cdecl (32-bit
    Windows), `fn` itself behind casts."""
    import sys

    if sys.platform == "win32" and ctypes.sizeof(ctypes.c_void_p) == 4:
        def call(*a):
            args = [ctypes.cast(x, t) if isinstance(x, int) and issubclass(t, ctypes._Pointer) else x
                    for x, t in zip(a, fn.argtypes)]
            r = fn(*args)
            return ctypes.cast(r, ctypes.c_void_p).value if restype is ctypes.c_void_p else r
        return call
    args = [ctypes.c_void_p if issubclass(t, ctypes._Pointer) and t._type_.__name__.startswith("struct_fpdf")
            else t for t in fn.argtypes]
    return ctypes.CFUNCTYPE(restype, *args)(ctypes.cast(fn, ctypes.c_void_p).value)


def _compose(m, parent):
    a, b, c, d, e, f = m
    A, B, C, D, E, F = parent
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _edge(out: list[Edge], p, q) -> None:
    if abs(p[0] - q[0]) < 1e-6:
        out.append(Edge(True, p[0], min(p[1], q[1]), max(p[1], q[1])))
    elif abs(p[1] - q[1]) < 1e-6:
        out.append(Edge(False, p[1], min(p[0], q[0]), max(p[0], q[0])))
