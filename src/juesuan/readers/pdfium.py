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

The characters, words and text live in readers/pdfium_text.py, edges and ruled tables in
readers/pdfium_tables.py; their names are importable from here.
"""

from __future__ import annotations

import ctypes
import math
import re
import zlib

from ..errors import UnusableInput
from .pdfium_tables import (  # noqa: F401  (re-exported)
    EDGE_MIN, INTERSECT, JOIN, SNAP, Edge, Row, Table, _cells, _compose, _edge, _inside, _intersections, _merge,
    _tables, find_tables,
)
from .pdfium_text import (  # noqa: F401  (re-exported)
    LAYOUT_DENSITY, LAYOUT_GAP, X_TOL, Y_DENSITY, Y_TOL, Char, Word, _cluster, _word, layout_text, plain_text, words,
)

MAX_STREAM_BYTES = 16 * 1024 * 1024  # one decompressed content/object stream (a report page: ~100 KB)
MAX_FONT_BYTES = 64 * 1024 * 1024  # one decompressed embedded font or image (a full CJK font: ~20 MB)
MAX_INFLATED_BYTES = 256 * 1024 * 1024  # all checked streams together
_DEFLATE_MAX_RATIO = 1032
_INDIRECT_FILTER = re.compile(rb"/Filter\s*(\d+\s+\d+\s+R|\[[^\]]*\d+\s+\d+\s+R)")  # named elsewhere: measured


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

    def _chars(self, page, box) -> list[Char]:  # long: hot per-character loop, inline for speed
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
