"""A PDF's pages as characters, words, text lines and ruled tables, read with PDFium (pypdfium2).

pypdfium2 (the `pdf` extra: the PDFium library it ships, bound in readers/pdfium_lib.py) is loaded only when a
PDF is read. Per page:

- characters with their box in page coordinates (x from the left, `top`/`bottom` from the top of the
  displayed page, /Rotate applied): x0/x1 from PDFium's glyph box, the vertical extent from the
  baseline, the font's descent and the font size (the box pdfminer gives, so text assembles the
  same way). Where most of a page's characters are drawn a quarter or a half turn against the page
  as /Rotate shows it (a landscape sheet drawn sideways on a portrait page with no /Rotate,
  upside-down content, or upright text that /Rotate turns), the page is read turned so that they
  stand upright, their boxes taken the same way along their baselines. Where most are drawn a few
  degrees (at most MAX_SKEW) off a quarter turn, as the OCR text over a scan that lies askew or a
  page printed off true, the page is read deskewed: characters and ruling turned back about the
  page's centre by the characters' median angle (Page.skew). Characters that then do not stand
  upright (turned otherwise, skewed by more than a ten-thousandth, or SKEW_TOL off a deskewed page's
  angle, or mirrored) are set aside (Page.aside), not read into lines where their boxes would make
  wrong words and amounts; the page is the media box (Page.shown: the part a viewer shows, cut to the crop box);
  characters PDFium generates itself (spaces and line breaks it infers) are left out; glyphs whose
  font maps them to no character (PDFium gives their glyph numbers) are read as U+FFFD, so that a
  cell of them is no amount (counted: Page.unmapped);
- words: characters of one line (tops within 3 pt) left to right, split at white space and at gaps
  over 3 pt (pdfplumber's `extract_words` defaults);
- ruled tables from the page's path objects: every axis-parallel straight segment (within ALIGN; lines and the
  sides of rectangles, also inside form XObjects) is an edge; edges are snapped (within 3 pt) and
  joined (gaps up to 3 pt), those shorter than 3 pt dropped, cells are the smallest rectangles
  whose four corners are intersections connected by edges, and tables are cells sharing corners
  (the algorithm of pdfplumber's `find_tables` with its default settings, after Nurminen's thesis);
- layout text (`layout_text`) for pages without ruled tables: columns kept apart by runs of
  spaces, at x / 2 pt (so no printed text overflows into the next column's positions) and
  y / 13 pt lines.

A document encrypted with an owner password only is read from the copy PDFium saves of it without
its encryption, once that copy's streams are measured (`open_document`).

The characters, words and text live in readers/pdfium_text.py, edges and ruled tables in
readers/pdfium_tables.py, the check of compressed streams PDFium is not yet given
(`check_streams`) in readers/pdfium_streams.py; their names are importable from here.
"""

from __future__ import annotations

import bisect
import ctypes
import math

from ..errors import UnusableInput
from .cells import UNREADABLE
from .pdfium_lib import (
    FPDF_ERR_PASSWORD, FPDF_ERR_SECURITY, FPDF_PAGEOBJ_FORM, FPDF_PAGEOBJ_PATH, FPDF_PAGEOBJ_TEXT, FPDF_REMOVE_SECURITY,
    FPDF_SEGMENT_LINETO, FPDF_SEGMENT_MOVETO, FS_MATRIX, FS_RECTF, WRITE_BLOCK, FileWrite, api,
)
from .pdfium_lib import api as _pdfium
from .pdfium_filters import _inflated_size, _inflater  # noqa: F401  (re-exported)
from .pdfium_streams import MAX_FONT_BYTES, MAX_INFLATED_BYTES, MAX_STREAM_BYTES, check_streams  # noqa: F401
from .pdfium_tables import (  # noqa: F401  (re-exported)
    EDGE_MIN, INTERSECT, JOIN, SNAP, Edge, Row, Table, _cells, _compose, _edge, _inside, _intersections, _merge,
    _tables, find_tables,
)
from .pdfium_text import (  # noqa: F401  (re-exported)
    LAYOUT_DENSITY, LAYOUT_GAP, MAX_SKEW, X_TOL, Y_DENSITY, Y_TOL, Char, Word, _cluster, _quarter_turn, _skew, layout_text,
    plain_text, words,
)

# What reading one document may take, counted page by page (the shared Putuo PDF: 5,384 objects,
# 10,241 characters, 2,010 crossings in 25 pages). A 16 MB content stream can hold a million tiny
# strokes, and 500 pages can share it: PDFium parses such a page in a second, but walking its
# objects would take the reader seconds a page, and a dense grid of n x n lines n² crossings (a
# 40 KB page of 600 x 600 lines took 8 s and 400 MB).
MAX_OBJECTS = 500_000  # page objects walked (inside form XObjects too)
MAX_SEGMENTS = 1_000_000  # the segments of their paths (one path of a million took the walk 5 s; Putuo: 7,150)
MAX_CHARS = 1_000_000  # characters
MAX_CROSSINGS = 100_000  # a vertical and a horizontal ruling edge within 3 pt of crossing
# PDFium's text page (FPDFText_LoadPage) inserts each text object of a line after those left of it,
# stepping back over those right of it: a line drawn back costs it the square of its objects (40,000
# one-letter objects, a 40 KB file: 9 s). It steps over at most the objects before it on the page
# further right (pairs out of order, counted before the text page is made, Page._edges): Putuo's pages
# have at most 12,515, the blank 2024 template's 116,121, 10,000 objects in reading order 25 million.
MAX_TEXT_ORDER = 100_000_000  # pairs of text objects out of left-to-right order (PDFium: ~25 ns each)
# And it marks, for each text object on the page itself, the points of the page's width and height its
# box covers, one by one: 100 in a 20,000,000 pt font on a page 100,000,000 pt wide (1 KB) took 4.8 s;
# a page 2,000,000,000 pt on a side took 0.35 s and 500 MB for its two rows of marks alone.
MAX_TEXT_SPAN = 1_000_000_000  # points of width and height marked, each text object's box (~2.5 ns a point)
MAX_LAYOUT = 20_000_000  # characters of layout text of the pages without ruling (a printed report's: ~11,000 a page)
MAX_PAGE_SIDE = 1_000_000  # points: the largest page (a report's: 842; Acrobat makes none over 14,400)
SKEW_TOL = 0.5  # degrees: characters within this of the page's skew are read with it
MAX_DECRYPTED_BYTES = 256 * 1024 * 1024  # the copy of an encrypted document PDFium saves without its encryption


class Document:
    """A PDF opened by PDFium from bytes (kept alive as long as the document); a context manager."""

    def __init__(self, data: bytes, where: str):
        lib = api()
        self._data = data
        self.where = where
        self.spent = dict.fromkeys(_LIMITS, 0)
        self.handle = lib.load_doc(data, len(data), None)
        if not self.handle:
            err = lib.last_error()
            if err == FPDF_ERR_PASSWORD:
                raise UnusableInput.of("input:pdf-encrypted", where)
            if err == FPDF_ERR_SECURITY:
                raise UnusableInput.of("input:pdf-security", where)
            raise UnusableInput.of("input:pdf-damaged", where)

    def __len__(self) -> int:
        return api().page_count(self.handle)

    def spend(self, what: str, n: int, page: int) -> None:
        """Count n more objects, path segments, chars, crossings, text objects out of order, points of
        text span or characters of layout text read at page (1-based); past its limit (MAX_OBJECTS,
        MAX_SEGMENTS, MAX_CHARS, MAX_CROSSINGS, MAX_TEXT_ORDER, MAX_TEXT_SPAN, MAX_LAYOUT) the file is
        refused with one line."""
        total = self.spent[what] = self.spent[what] + n
        limit = _LIMITS[what]
        if total > limit:
            raise UnusableInput.of(f"input:pdf-{what}", self.where, page=page, count=total, limit=limit)

    def decrypted(self, limit: int) -> bytes:
        """The document as PDFium saves it without its encryption (FPDF_SaveAsCopy): its bytes, or
        a one-line refusal when the copy would be over `limit` bytes or PDFium cannot save it."""
        out = bytearray()
        over = []

        def write(_this, data, size: int) -> int:
            if len(out) + size > limit:
                over.append(size)
                return 0  # PDFium stops saving: refused below
            out.extend(ctypes.string_at(data, size))
            return 1

        sink = FileWrite(1, WRITE_BLOCK(write))
        if not api().save_copy(self.handle, ctypes.byref(sink), FPDF_REMOVE_SECURITY):
            if over:
                raise UnusableInput.of("input:pdf-decrypted-too-large", self.where, limit=limit // 2**20)
            raise UnusableInput.of("input:pdf-damaged", self.where)
        return bytes(out)

    def close(self) -> None:
        if self.handle:
            api().close_doc(self.handle)
            self.handle = None

    def __enter__(self) -> "Document":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_document(data: bytes, where: str) -> Document:
    """The PDFium document of these bytes; one-line UnusableInput when PDFium cannot open it.

    A document encrypted without a user password (an owner password only, as restricts copying or
    editing a published report) opens, but its streams are encrypted in the file, so the stream check
    made before PDFium was given it (check_streams) could inflate none of them. Such a document is
    read from the copy PDFium saves of it without its encryption (its streams still compressed: no
    stream is inflated to save it), once check_streams has measured that copy's streams. The object
    streams PDFium inflates to open and save the document are measured before (check_streams refuses
    an encrypted one it cannot measure)."""
    doc = Document(data, where)
    if api().security_revision(doc.handle) < 0:
        return doc
    try:
        plain = doc.decrypted(MAX_DECRYPTED_BYTES)
    finally:
        doc.close()
    check_streams(plain, where, decrypted=True)
    return Document(plain, where)


_LIMITS = {"objects": MAX_OBJECTS, "segments": MAX_SEGMENTS, "chars": MAX_CHARS, "crossings": MAX_CROSSINGS,
           "text-order": MAX_TEXT_ORDER, "text-span": MAX_TEXT_SPAN, "layout": MAX_LAYOUT}
_NONE = object()  # no text object


class Page:
    """One page's characters and edges, in top-down page coordinates of the page as read: turned by
    `rotation` (0, 90, 180 or 270, clockwise as /Rotate turns) and, if `skew` is not 0, turned back
    by `skew` degrees first (counter-clockwise: the angle its text was drawn at past that turn);
    `tilted`: read deskewed, every character within SKEW_TOL of `skew` (which may be 0).
    `aside`: the characters not read (not upright on the page as read); `unmapped`: how many glyphs
    were read as U+FFFD, for their fonts map them to no character."""

    def __init__(self, doc: Document, index: int):
        lib = api()
        page = lib.load_page(doc.handle, index)
        if not page:
            raise UnusableInput.of("input:pdf-page-damaged", doc.where, page=index + 1)
        try:
            box = FS_RECTF()
            l, b, r, t = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
            self.shown = (box.left, box.bottom, box.right, box.top) if lib.shown_box(page, box) else None
            if lib.media_box(page, l, b, r, t):  # the page's own (else inherited: what it shows, unturned)
                self.box = (min(l.value, r.value), min(b.value, t.value), max(l.value, r.value), max(b.value, t.value))
            else:
                self.box = self.shown or (0.0, 0.0, lib.page_width(page), lib.page_height(page))
            self._size = lib.page_width(page), lib.page_height(page)  # as PDFium sizes it (its crop box)
            if not (0 <= self._size[0] <= MAX_PAGE_SIDE and 0 <= self._size[1] <= MAX_PAGE_SIDE):
                raise UnusableInput.of("input:pdf-page-size", doc.where, page=index + 1, limit=MAX_PAGE_SIDE)
            self._turn((lib.rotation(page) % 4) * 90)
            self._tilt(0.0, False)
            turns: dict[int, int] = {}
            skews: dict[int, list[float]] = {}
            self.aside: list[str] = []  # characters not upright as the page is shown: not read
            self.unmapped = 0  # glyphs mapped to no character (fonts without a Unicode map): read as U+FFFD
            self.edges = self._edges(page, doc, index + 1)  # and the order of its text objects, before the text page
            self.chars = self._chars(page, box, doc, index + 1, turns, skews)
            if self._settle(turns, skews, len(self.chars) + len(self.aside)):
                self.aside = []
                self.chars = self._chars(page, box, None, index + 1, {}, {})  # the same characters: not spent again
                self.edges = self._edges(page, None, index + 1)  # turned as the characters: not spent again
        finally:
            lib.close_page(page)

    def _settle(self, turns: dict[int, int], skews: dict[int, list[float]], total: int) -> bool:
        """How the page is read, from how its characters stand (turns: characters per quarter turn,
        drawn square to it; skews: the degrees past it of those drawn askew); True when it is to be
        read again so. Most characters around one quarter turn (square or askew within MAX_SKEW):
        the page is read at that turn (sideways content with no /Rotate to turn it back, or upside
        down), and, when a tenth of them or more are askew (the OCR layer of a scan that lies askew,
        each line at its own angle; a page printed off true), deskewed by their median angle (those
        square counting 0), reading every character within SKEW_TOL of it. total: the characters
        read and set aside (those mirrored or sheared too)."""
        around = {q: turns.get(q, 0) + len(skews.get(q, ())) for q in {*turns, *skews}}
        quarter, most = max(around.items(), key=lambda kv: (kv[1], kv[0] == self.rotation, -kv[0]), default=(0, 0))
        if 2 * most <= total:
            return False
        past = skews.get(quarter, [])
        if 10 * len(past) >= most:
            angles = sorted(past + [0.0] * turns.get(quarter, 0))
            self._turn(quarter)
            self._tilt(angles[len(angles) // 2], True)
            return True
        if quarter != self.rotation:
            self._turn(quarter)
            return True
        return False

    def _turn(self, rotation: int) -> None:
        """Show the page turned clockwise by rotation (0, 90, 180 or 270), as /Rotate does."""
        self.rotation = rotation
        x0, y0, x1, y1 = self.box
        self.width, self.height = (y1 - y0, x1 - x0) if rotation in (90, 270) else (x1 - x0, y1 - y0)

    def _tilt(self, degrees: float, tilted: bool) -> None:
        """Read the page deskewed (tilted): turned back by `degrees` (counter-clockwise) about its
        centre, reading the characters drawn within SKEW_TOL of that angle."""
        self.skew, self.tilted = degrees, tilted
        self._cos, self._sin = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))

    def place(self, x: float, y: float) -> tuple[float, float]:
        """PDF user space -> (x from the left, y from the top) of the displayed page (deskewed: turned
        back by self.skew degrees about the page's centre first)."""
        x0, y0, x1, y1 = self.box
        if self.skew:
            cx, cy, cos, sin = (x0 + x1) / 2, (y0 + y1) / 2, self._cos, self._sin
            x, y = cx + (x - cx) * cos + (y - cy) * sin, cy - (x - cx) * sin + (y - cy) * cos
        r = self.rotation
        if r == 90:
            return y - y0, x - x0
        if r == 180:
            return x1 - x, y - y0
        if r == 270:
            return y1 - y, x1 - x
        return x - x0, y1 - y

    def _chars(self, page, box, doc: Document | None, pno: int, turns: dict[int, int],  # long: hot loop
               skews: dict[int, list[float]]) -> list[Char]:
        """The page's characters that stand upright as it is shown (drawn at the quarter turn of its
        rotation, within a ten-thousandth): x0/x1 from PDFium's glyph box, top and bottom from the baseline,
        the font's descent and size; on a deskewed page (self.skew), those drawn within SKEW_TOL of its
        angle, their boxes turned back with it. The others (turned otherwise, skewed or mirrored) go to
        self.aside: mixed into the lines they would give wrong words and numbers. turns counts
        characters by the quarter turn they are drawn at (0 upright in user space, 90 counter-clockwise,
        ...), skews the angles past it of those drawn askew (within MAX_SKEW), per quarter turn: enough
        to tell whether one turn, or one skew, holds most of the page's characters (those of an upright
        page's fast path, and text mirrored or sheared, are not counted)."""
        api = _pdfium()
        tp = api.load_text(page)
        if not tp:
            return []
        try:
            n = api.count_chars(tp)
            if doc is not None:
                doc.spend("chars", max(n, 0), pno)
            ox, oy = ctypes.c_double(), ctypes.c_double()
            tpv, rbox, rx, ry = ctypes.c_void_p(tp), ctypes.byref(box), ctypes.byref(ox), ctypes.byref(oy)
            desc = ctypes.c_float()
            tm = FS_MATRIX()
            per_obj: dict[int | None, list] = {}  # text object -> [size, descent, baseline y, seen, turn]
            out = []
            get_unicode, generated, loose, origin = api.unicode, api.generated, api.raw_loose, api.raw_origin
            text_obj, fsize, map_error = api.raw_text_obj, api.font_size, api.raw_map_error
            x0, y0, x1, y1 = self.box
            rotation, aside, skew, tilted = self.rotation, self.aside, self.skew, self.tilted
            upright = rotation == 0 and not tilted
            if tilted:  # a rotated glyph's box is W = w cos + h sin wide and H = w sin + h cos tall: w from both
                cos, sin = self._cos, abs(self._sin)
                cos2 = cos * cos - sin * sin
            codes, text = None, ""
            if n > 0:  # every character's code in one call, unless a surrogate makes them not one per index
                buf = (ctypes.c_ushort * (n + 1))()
                if api.get_text(tp, 0, n, buf) == n + 1:
                    try:  # a pair decodes to one character (fewer than n), a lone surrogate not at all
                        text = bytes(buf)[:2 * n].decode("utf-16-le")
                    except UnicodeDecodeError:
                        text = ""
                    if len(text) == n:
                        codes = buf
                    else:
                        text = ""
            # the text object of the characters just read, when upright with one shared baseline: the
            # next of its characters needs no more than its box (top, bottom and size are the object's)
            fast, fast_top, fast_bottom, fast_size = _NONE, 0.0, 0.0, 0.0
            unmapped = 0
            new = tuple.__new__
            for i in range(n):
                u = codes[i] if codes is not None else get_unicode(tp, i)
                if u <= 32 or u in (0xFFFE, 0xFFFF):
                    if generated(tp, i) == 1:
                        continue  # PDFium's own spaces and line breaks
                    if u != 32:
                        u = 0xFFFD  # a glyph its font maps to no character: its glyph number came out
                if not loose(tpv, i, rbox):
                    continue
                obj = text_obj(tpv, i)
                if obj == fast and u != 0xFFFD:
                    out.append(new(Char, (text[i], box.left - x0, box.right - x0, fast_top, fast_bottom, fast_size)))
                    continue
                known = per_obj.get(obj)
                if known is None:  # a text object has one font at one size and one matrix
                    size = fsize(tp, i)  # as set by Tf; the text and graphics matrices scale it
                    turn, tilt = 0, None
                    if api.char_matrix(tp, i, tm):
                        size *= math.hypot(tm.c, tm.d) or 1.0
                        turn = _quarter_turn(tm.a, tm.b, tm.c, tm.d)
                        if turn is None or tilted:  # askew: counted, or read when at the page's skew
                            tilt = _skew(tm.a, tm.b, tm.c, tm.d)
                            if tilted:
                                ok = tilt is not None and tilt[0] == rotation and abs(tilt[1] - skew) <= SKEW_TOL
                                turn, tilt = (rotation if ok else None), None
                    # a font without a Unicode map: PDFium gives the glyph numbers, which read as
                    # marks and wrong digits ('!"#$', '7'), so each of its glyphs is read as U+FFFD
                    bad = map_error(tpv, i) == 1
                    d = 0.0
                    font = api.font(obj) if obj else None
                    if font and api.descent(font, size, desc):
                        # PDFium falls back to the font program's metrics where the descriptor
                        # says Descent 0, sometimes with a positive value: pdfminer takes 0
                        d = min(desc.value, 0.0)
                    known = per_obj[obj] = [size, d, 0.0, 0, turn, tilt, bad]
                size, d, y, seen, turn, tilt, bad = known
                # the baseline: a text object's characters share it in horizontal writing; it is asked
                # for the first two and, when they agree, taken for the rest (seen: 0 none yet, 1 one,
                # 2 shared, 3 not shared: vertical writing, asked for every character). Text a quarter
                # turn round runs along user y: its baseline is the origin's x, asked for every character
                if seen != 2 or turn == 90 or turn == 270 or tilted:
                    if not origin(tpv, i, rx, ry):
                        continue
                    y = oy.value
                    if seen == 0:
                        known[2], known[3] = y, 1
                    elif seen == 1:
                        known[3] = 2 if abs(y - known[2]) <= 1e-4 else 3
                if bad or u == 0xFFFD:
                    ch, unmapped = UNREADABLE, unmapped + 1
                else:
                    try:
                        ch = chr(u)
                    except ValueError:
                        continue
                if turn is not None:
                    turns[turn] = turns.get(turn, 0) + 1
                elif tilt is not None:
                    skews.setdefault(tilt[0], []).append(tilt[1])
                if turn != rotation:  # not upright as shown (turned otherwise, skewed or mirrored)
                    aside.append(ch)
                    continue
                if upright:
                    base = y + d
                    out.append(new(Char, (ch, box.left - x0, box.right - x0, y1 - base - size, y1 - base, size)))
                    if known[3] == 2 and codes is not None and not bad:
                        base = known[2] + d
                        fast, fast_top, fast_bottom, fast_size = obj, y1 - base - size, y1 - base, size
                    continue
                if tilted:  # deskewed: along the line the width inside PDFium's box about its centre
                    mid = self.place((box.left + box.right) / 2, (box.top + box.bottom) / 2)[0]
                    w, h = box.right - box.left, abs(box.top - box.bottom)
                    if rotation == 90 or rotation == 270:
                        w, h = h, w
                    half = max((w * cos - h * sin) / cos2, 0.0) / 2
                    bottom = self.place(ox.value, y)[1] - d
                    out.append(Char(ch, mid - half, mid + half, bottom - size, bottom, size))
                    continue
                # upright on a turned page: along the line PDFium's box, across it the baseline (PDFium's
                # box of a turned glyph can be twice its height: Putuo's 12 pt digits are 22 pt tall)
                ax = self.place(box.left, box.top)[0]
                bx = self.place(box.right, box.bottom)[0]
                bottom = self.place(ox.value, y)[1] - d
                out.append(Char(ch, min(ax, bx), max(ax, bx), bottom - size, bottom, size))
            self.unmapped = unmapped
            return out
        finally:
            api.close_text(tp)

    def _edges(self, page, doc: Document | None, pno: int) -> list[Edge]:  # long: the walk inlined for speed
        """The page's edges (pdfium_tables._edge) from its path objects, inside form XObjects too, mapped
        as the page is read. With doc: the objects walked are spent, and so are the pairs of text objects
        out of left-to-right order (MAX_TEXT_ORDER): each text object's position, as PDFium's text page
        places it (the page shown as /Rotate turns it), against those before it further right; and the
        points of the page's width and height the boxes of the text objects on the page itself cover
        (MAX_TEXT_SPAN), as PDFium marks them."""
        api = _pdfium()
        out: list[Edge] = []
        m = FS_MATRIX()
        px, py = ctypes.c_float(), ctypes.c_float()
        rm, rx, ry = ctypes.byref(m), ctypes.byref(px), ctypes.byref(py)
        PATH, FORM, TEXT = FPDF_PAGEOBJ_PATH, FPDF_PAGEOBJ_FORM, FPDF_PAGEOBJ_TEXT
        MOVETO, LINETO = FPDF_SEGMENT_MOVETO, FPDF_SEGMENT_LINETO
        get_type, get_matrix, count_segs, get_seg = api.raw_obj_type, api.raw_matrix, api.raw_count_segments, api.raw_segment
        seg_point, seg_type, seg_close = api.raw_seg_point, api.raw_seg_type, api.raw_seg_close
        form_count, form_object = api.raw_form_count, api.raw_form_object
        identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        plain = self.rotation == 0 and not self.skew and self.box[0] == 0 and self.box[1] == 0
        top = self.box[3]
        # text positions along the line as PDFium's text page orders them (x of the page shown, /Rotate applied)
        along = {0: (0, 1.0), 90: (1, 1.0), 180: (0, -1.0), 270: (1, -1.0)}[self.rotation]
        placed: list[float] = []  # those of the text objects so far, sorted
        order = [0, _LIMITS["text-order"] - doc.spent["text-order"] if doc is not None else -1]  # [pairs, what may be]
        width, height = self._size
        span = [0.0]
        segments = [0, _LIMITS["segments"] - doc.spent["segments"] if doc is not None else -1]  # [walked, may be]
        left, bottom, right, upper = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
        corners = ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(upper)
        bounds = api.raw_bounds

        def walk(count, get, owner, parent):
            if doc is not None:
                doc.spend("objects", count, pno)
            for i in range(count):
                obj = get(owner, i)
                kind = get_type(obj)
                if kind != PATH and kind != FORM:
                    if kind == TEXT and order[1] >= 0 and parent is identity and bounds(obj, *corners):
                        x0, x1, y0, y1 = left.value, right.value, bottom.value, upper.value
                        if x0 == x0 and x1 == x1 and y0 == y0 and y1 == y1:  # (each clamped to the page, as PDFium does)
                            span[0] += (abs(min(max(x1, 0.0), width) - min(max(x0, 0.0), width)) + 2
                                        + abs(min(max(y1, 0.0), height) - min(max(y0, 0.0), height)))
                        else:  # not a number: taken at the whole page
                            span[0] += width + height + 2
                    if kind == TEXT and order[1] >= 0 and get_matrix(obj, rm):
                        pos = (m.e, m.f) if parent is identity else _compose((1.0, 0.0, 0.0, 1.0, m.e, m.f), parent)[4:]
                        x = pos[along[0]] * along[1]
                        at = bisect.bisect_right(placed, x)
                        order[0] += len(placed) - at
                        if order[0] > order[1]:
                            doc.spend("text-order", order[0], pno)
                        placed.insert(at, x)
                    continue
                mat = (m.a, m.b, m.c, m.d, m.e, m.f) if get_matrix(obj, rm) else identity
                full = mat if parent is identity else _compose(mat, parent)
                if kind == FORM:
                    walk(form_count(obj), form_object, obj, full)
                    continue
                a, b, c, d, e, f = full
                simple = plain and b == 0 and c == 0
                prev = start = None
                n = count_segs(obj)
                if segments[1] >= 0:
                    segments[0] += max(n, 0)
                    if segments[0] > segments[1]:
                        doc.spend("segments", segments[0], pno)
                for k in range(n):
                    seg = get_seg(obj, k)
                    if not seg_point(seg, rx, ry):
                        continue
                    x, y = px.value, py.value
                    if simple:
                        p = (a * x + e, top - (d * y + f))
                    else:
                        p = self.place(a * x + c * y + e, b * x + d * y + f)
                    typ = seg_type(seg)
                    if typ == MOVETO:
                        start = prev = p
                        continue
                    if typ == LINETO and prev is not None:
                        _edge(out, prev, p)
                    prev = p
                    if start is not None and seg_close(seg):
                        _edge(out, p, start)

        walk(api.count_objects(page), api.raw_page_object, ctypes.c_void_p(page), identity)
        del walk  # it refers to itself (and so to this page): a cycle that only the collector would free
        if doc is not None:
            doc.spend("segments", segments[0], pno)
            doc.spend("text-order", order[0], pno)
            doc.spend("text-span", round(span[0]), pno)
        return out
