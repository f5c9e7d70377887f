"""The bound on how much content PDFium parses, checked with the streams before PDFium is given the
file (readers/pdfium_streams.check_streams gathers the content streams' dictionaries, sizes and `Do`
counts): a stream is parsed once for each page whose /Contents names it, and a form XObject once
for each time it is drawn.

A form XObject is content that other content draws (`/Name Do`); PDFium parses a form each time it
is drawn, as it parses the page (FPDF_LoadPage), forms drawn inside it too. Five levels of forms each
drawing the next twenty times are 3.2 million drawings in a 2 KB file: FPDF_LoadPage took 3.8 s and
1 GB, and a sixth level would take twenty times that. And 400 pages sharing one 15 MB content stream
(of transforms: no objects, so no page-object budget stops it) are a 76 KB file that took PDFium
219 s. So what the pages would parse (each content stream times the pages naming it, and what each
form costs, its content and the forms it draws each time it draws them, times the content drawing it)
is added up: past MAX_PARSED_BYTES of content, or MAX_FORM_BYTES of it for forms, or when forms draw
one another in a loop (which PDFium breaks off, at a depth of its own), the file is refused in one line.

A name drawn is looked up in the form's own resources (/Resources, inline or by reference, its
/XObject dictionary inline or by reference); where a form has none, and for the content of pages
(whose resources may be inherited down the page tree), in every /XObject dictionary of the file:
the most costly form any of them names.

What PDFium makes as it loads a page is bounded the same way, per page, a page's streams and the
forms it draws (each time) added up from what readers/pdfium_measure counts in each: its page objects
(MAX_PAGE_OBJECTS), the characters it shows (MAX_PAGE_CHARS), and the clip paths and marks it copies
(MAX_PAGE_CLIPS, MAX_CLIPS); and the fonts the file's /Font resources name (MAX_FONTS).
"""

from __future__ import annotations

import re

from ..errors import UnusableInput
from .pdfium_measure import _NO_CLIPS, plain, unstrung
from .pdfium_measure import clips, draws, painted, shown, spaced  # noqa: F401  (re-exported)

MAX_FORM_BYTES = 32 * 1024 * 1024  # form content parsed, each form each time drawn (a report's: kilobytes)
MAX_PARSED_BYTES = 128 * 1024 * 1024  # content the pages parse in all (a report's: ~30 KB a page)
MAX_PAGE_OBJECTS = 500_000  # page objects one page's content may create (readers/pdfium.MAX_OBJECTS, in a document)
MAX_PAGE_CHARS = 1_000_000  # characters one page's content may show (readers/pdfium.MAX_CHARS, in a document)
# PDFium loads each font a page's content sets (Tf) the first time, some 170 µs and 8 KB each: 20,000
# font entries on a page took FPDF_LoadPage 3.3 s and 173 MB. Fonts are what /Font resource
# dictionaries name: their distinct objects (and dictionaries written in them) are counted, in all.
MAX_FONTS = 5_000  # fonts the resources name (a report's: a few; Putuo: 6)
# And it parses a Type 3 font's glyph (a content stream in its /CharProcs) for each character code the
# text shows, as it places the text: one glyph of 600,000 strokes named four times (a 17 KB file) took
# FPDF_LoadPage 3.4 s and 650 MB. The page objects of every glyph each time /CharProcs names it are
# counted (glyphs are kept with the font, for the whole document), against MAX_PAGE_OBJECTS.
# PDFium keeps a page's clipping path as the list of the paths and text clipped to (W, W*, or text in
# a clipping mode): each clip copies the list in effect, so that the objects painted before keep theirs,
# and each copy stays while an object holds it. 8,000 clips with a line stroked after each (a 3 KB
# file) took FPDF_LoadPage 0.9 s and 1 GB; 16,000, four times that. Marked content (BMC, BDC) is kept
# so too. What the copies hold at most, the clip paths and marks in effect at each clip or mark summed
# (q and Q followed: Q restores the clip q saved; EMC ends a mark), is counted for each page, with the
# forms it draws (each time, from what is in effect where drawn):
MAX_PAGE_CLIPS = 2_000_000  # clip paths and marks copied on one page (~32 bytes each; a report's page: < 25,000)
MAX_CLIPS = 300_000_000  # and in all pages (PDFium: ~30 ns each; 500 pages each at the worst of 1,024 clips: 262 million)
_MAX_BODY = 1 << 16  # bytes of an object's body searched for its dictionary
_MAX_NESTING = 100  # forms drawn within forms (a report's: a few)
_NAME = rb"/([^\s/\[\]<>(){}%]+)"
_FORM = re.compile(rb"/Subtype\s*/Form(?![^\s\[\]<>(){}/%])")
_XOBJECTS = re.compile(rb"/XObject\s*(?:<<([^<>]*)>>|(\d+)\s+\d+\s+R)")
_STRUCTURE = re.compile(rb"<<|>>|\[|\]|<[0-9A-Fa-f\s]*>|/[^\s/\[\]<>(){}%]*|[^\s/\[\]<>(){}%]+|[^\s]")
_REF_VALUE = re.compile(rb"\s*(\d+)\s+\d+\s+R(?![^\s\[\]<>(){}/%])")
_REF_AHEAD = re.compile(rb"\s+\d+\s+R(?![^\s\[\]<>(){}/%])")
_NUMBER = re.compile(rb"\d+")
# found in one pass over the file: a page's /Contents (groups 1, 2); a /Font resource dictionary (3,
# 4) or the font of a graphics state (5); a Type 3 font's /CharProcs (6, 7)
_KEYS = re.compile(rb"/(?:Contents\s*(?:(\d+)\s+\d+\s+R|\[([^\]]*)\])|"
                   rb"Font(?![^\s\[\]<>(){}/%])\s*(?:(<<)|(\d+)\s+\d+\s+R|\[\s*(\d+)\s+\d+\s+R)|"
                   rb"CharProcs\s*(?:(<<)|(\d+)\s+\d+\s+R))")
_REFERENCE = re.compile(rb"(\d+)\s+\d+\s+R")
_ESCAPED_NAME = re.compile(rb"/[^\s/\[\]<>(){}%#]*#[0-9A-Fa-f]{2}[^\s/\[\]<>(){}%]*")
_ENTRY = re.compile(_NAME + rb"\s*(\d+)\s+\d+\s+R")
_HEADER = re.compile(rb"(?<![0-9])(\d{1,10})\s+\d+\s+obj(?![^\s\[\]<>(){}/%])")


class _Objects:
    """The file's objects by number, for the dictionaries forms refer to: those packed in object
    streams, else the body after the last `N G obj` in the file (an update appended redefines an
    object), up to its endobj; the headers found once, when the first is asked for."""

    def __init__(self, data: bytes, packed: dict[int, bytes]):
        self.data, self.packed = data, packed
        self.places: dict[int, int] | None = None

    def body(self, num: int) -> bytes | None:
        if num in self.packed:
            return self.packed[num]
        if self.places is None:
            self.places = {int(m[1]): m.end() for m in _HEADER.finditer(self.data)}
        at = self.places.get(num)
        if at is None:
            return None
        end = self.data.find(b"endobj", at, at + _MAX_BODY)
        return self.data[at: end if end != -1 else at + _MAX_BODY]


def is_form(head: bytes) -> bool:
    """Whether a stream's dictionary is a form XObject's (/Subtype /Form)."""
    return _FORM.search(head) is not None


def check_content(data: bytes, streams: list[tuple[int | None, bytes | None, int, dict]], packed: dict[int, bytes],
                  where: str, objects: dict[int, int] | None = None, clipping: dict[int, tuple] | None = None,
                  letters: dict[int, int] | None = None) -> None:
    """Refuse the file when its pages would make PDFium parse more than MAX_PARSED_BYTES of content
    (each content stream once for each page naming it), or more than MAX_FORM_BYTES of form content
    (each form each time it is drawn), or forms drawing one another in a loop. streams: (object
    number, dictionary or None when it was not read, decoded size, draws) of each content stream;
    packed: the objects found inside object streams, by number; objects: the page objects counted in
    the biggest streams and in forms (painted), by number: a page whose content would create more than
    MAX_PAGE_OBJECTS, with those of the forms it draws each time drawn (a stream not counted, one in
    two of its bytes), is refused too, for PDFium makes them all as it loads the page (24 KB of
    "(x)Tj" in one 15 MB stream: 7 s and 1.6 GB), before the reader's own count of them
    (readers/pdfium.MAX_OBJECTS, the same number) could stop it; and so is one that would show more
    than MAX_PAGE_CHARS characters (letters: those the biggest streams and forms show, by number; a
    stream not counted, one a byte), for PDFium's text page makes them all before the reader counts
    them (13 million, from a 15 KB file: 5.8 s and 860 MB). clipping: what each content stream
    adds to the clip (clips), by number: a page copying more than MAX_PAGE_CLIPS clip paths, its
    streams one after another (each from the clip the one before left) and the forms they draw (each
    from the deepest clip of the page), or the pages more than MAX_CLIPS, refuse the file."""
    pages: dict[int, int] = {}  # content stream -> the pages naming it in their /Contents
    listed: list[list[int]] = []  # each page's content streams, in order
    sizes = {num: size for num, _head, size, _drawn in streams if num is not None}
    objects = objects or {}
    clipping = clipping or {}
    letters = letters or {}
    by_text = 2 if any(modes for modes, *_ in clipping.values()) else 1  # a clipping text mode: every ET a clip

    def made(page: list[int], forms: dict[int, tuple[int, int, int, int]]) -> None:
        count = sum((objects[n] if n in objects else sizes.get(n, 0) // 2) + forms.get(n, _NO_DRAWS)[0] for n in page)
        if count > MAX_PAGE_OBJECTS:
            raise UnusableInput.of("input:pdf-page-objects", where, count=count, limit=MAX_PAGE_OBJECTS)
        chars = sum((letters[n] if n in letters else sizes.get(n, 0)) + forms.get(n, _NO_DRAWS)[3] for n in page)
        if chars > MAX_PAGE_CHARS:
            raise UnusableInput.of("input:pdf-page-chars", where, count=chars, limit=MAX_PAGE_CHARS)

    fonts, glyphs = [], []
    for whole in (data, *packed.values()):
        for text, m in _keys(whole):
            if m[1] is None and m[2] is None:
                (fonts if m[6] is None and m[7] is None else glyphs).append((text, m))
                continue
            page = [int(n) for n in ([m[1]] if m[1] is not None else _REFERENCE.findall(m[2]))]
            for num in page:
                pages[num] = pages.get(num, 0) + 1
            listed.append(page)
            made(page, {})
    _check_fonts(data, packed, fonts, where)
    _check_glyphs(data, packed, glyphs, where, lambda n: objects[n] if n in objects else sizes.get(n, 0) // 2)
    parsed = 0
    for num, _head, size, _drawn_names in streams:
        parsed += size * max(1, pages.get(num, 0) if num is not None else 1)
        if parsed > MAX_PARSED_BYTES:
            raise UnusableInput.of("input:pdf-parsed", where, limit=MAX_PARSED_BYTES // 2**20)
    forms = _check_forms(data, streams, packed, pages, where, objects, clipping, by_text, letters) if any(
        d for *_, d in streams) else {}
    for page in listed:
        if forms and any(n in forms for n in page):
            made(page, forms)
    _check_clips(listed, clipping, by_text, forms, where)


def _check_clips(listed: list[list[int]], clipping: dict[int, tuple], by_text: int,
                 forms: dict[int, tuple[int, int, int, int]], where: str) -> None:
    """Past MAX_PAGE_CLIPS clip paths and marks copied on a page (listed: each page's content streams),
    or MAX_CLIPS on all, refuse the file (see check_content)."""
    copied = 0
    for page in listed:
        carried = cost = deepest = 0
        for n in page:
            count, own, most, left = clipping[n][by_text] if n in clipping else _NO_CLIPS
            cost += own + count * carried
            deepest = max(deepest, carried + most)
            carried += left
        for n in page:
            _, a, b, _ = forms.get(n, _NO_DRAWS)
            cost += a + b * deepest
        copied += cost
        if cost > MAX_PAGE_CLIPS or copied > MAX_CLIPS:
            raise UnusableInput.of("input:pdf-clips", where, count=cost if cost > MAX_PAGE_CLIPS else copied,
                                   limit=MAX_PAGE_CLIPS if cost > MAX_PAGE_CLIPS else MAX_CLIPS)


_NO_DRAWS = (0, 0, 0, 0)


def _keys(text: bytes):
    """(text, match) of each _KEYS in text, also where the key is spelt with #xx escapes (/Cont#65nts,
    which PDFium reads as /Contents): matched in the key spelt out and the bytes after it."""
    for m in _KEYS.finditer(text):
        yield text, m
    if b"#" in text:
        for m in _ESCAPED_NAME.finditer(text):
            name = plain(m[0])
            if name in _KEY_NAMES:
                window = name + text[m.end(): m.end() + _MAX_BODY]
                key = _KEYS.match(window)
                if key:
                    yield window, key


_KEY_NAMES = (b"/Contents", b"/Font", b"/CharProcs")


def _check_fonts(data: bytes, packed: dict[int, bytes], found: list[tuple[bytes, re.Match]], where: str) -> None:
    """Past MAX_FONTS fonts named by the file's /Font resource dictionaries (found: each in the text it
    is in; inline, or the object it refers to; each font object once, each dictionary written in them
    once), refuse the file."""
    named: set[int] = set()
    inline = 0
    state = [m for _, m in found if m[5] is not None]  # a graphics state's /Font [font size]
    named.update(int(m[5]) for m in state)
    for refs, written in _dictionaries([f for f in found if f[1][5] is None], 3, data, packed, where):
        named.update(refs)
        inline += written
        if len(named) + inline > MAX_FONTS:
            raise UnusableInput.of("input:pdf-fonts", where, count=len(named) + inline, limit=MAX_FONTS)


def _check_glyphs(data: bytes, packed: dict[int, bytes], found: list[tuple[bytes, re.Match]], where: str,
                  made) -> None:
    """Past MAX_PAGE_OBJECTS page objects made by the glyphs of the file's Type 3 fonts (found: each
    /CharProcs in the text it is in; made: the page objects of a content stream by its number), each
    glyph counted each time a /CharProcs names it, refuse the file."""
    count = 0
    for refs, _written in _dictionaries(found, 6, data, packed, where):
        count += sum(made(n) for n in refs)
        if count > MAX_PAGE_OBJECTS:
            raise UnusableInput.of("input:pdf-glyph-objects", where, count=count, limit=MAX_PAGE_OBJECTS)


def _dictionaries(found: list[tuple[bytes, re.Match]], group: int, data: bytes, packed: dict[int, bytes], where: str):
    """(_font_entries' references, dictionaries written in) of each dictionary found: written in the
    text at match group `group` (<<), or the object group + 1 refers to; one not ending within
    _MAX_BODY (a report's: a few hundred bytes), or not a dictionary, refuses the file."""
    objects = None
    for text, m in found:
        if m[group] is not None:
            body = text[m.start(group): m.start(group) + _MAX_BODY]
        else:
            objects = objects or _Objects(data, packed)
            body = objects.body(int(m[group + 1])) or b""
        refs, written, closed = _font_entries(body)
        if not closed:
            raise UnusableInput.of("input:pdf-font-resources", where, limit=_MAX_BODY // 1024)
        yield refs, written


def _font_entries(text: bytes, strings: bool = True) -> tuple[list[int], int, bool]:
    """The object numbers a dictionary's own entries refer to (one for each), how many of its entries are
    dictionaries written in it, and whether it ends in text; a literal string in it (whose bytes may
    spell >>) and it is read again with its strings left out."""
    refs: list[int] = []
    inline = depth = 0
    key = None
    for m in _STRUCTURE.finditer(text):
        tok = m[0]
        if tok == b"(" and strings:
            return _font_entries(unstrung(text), False)
        if tok == b"<<" or tok == b"[":
            if depth == 1 and key is not None and tok == b"<<":
                inline += 1
            depth += 1
            key = None
        elif tok == b">>" or tok == b"]":
            depth -= 1
            if depth <= 0:
                return refs, inline, depth == 0
        elif depth == 0:
            break  # no dictionary
        elif depth == 1:
            if key is None and tok.startswith(b"/"):
                key = tok
                ref = _REF_VALUE.match(text, m.end())
                if ref:
                    refs.append(int(ref[1]))
            else:
                key = None
    return refs, inline, False


def _check_forms(data: bytes, streams: list[tuple[int | None, bytes | None, int, dict]], packed: dict[int, bytes],
                 pages: dict[int, int], where: str, objects: dict[int, int], clipping: dict[int, tuple],
                 by_text: int, letters: dict[int, int]) -> dict[int, tuple[int, int, int, int]]:
    """Past MAX_FORM_BYTES of form content drawn (each time, times the pages naming the content that
    draws it), or forms drawing one another in a loop, refuse the file. What the forms each content
    stream draws would make, by the stream's number: (page objects: each form's own, painted, else
    one in two of its bytes, and those of the forms it draws, each time drawn; the clip paths they
    copy, drawn from a clip of L paths: a + b * L; and the characters they show, each form's own a
    byte each unless counted in letters)."""
    parts = _Objects(data, packed)
    forms: dict[int, tuple[int, dict, bytes | None]] = {}
    for num, head, size, drawn in streams:  # a dictionary not read (None) may be a form's
        if num is None or (head is not None and not _FORM.search(head)):
            continue
        if num in forms:  # two streams taken for one object (a header damaged): both, its names anywhere
            had_size, had, _ = forms[num]
            drawn = {name: had.get(name, 0) + drawn.get(name, 0) for name in {*had, *drawn}}
            size, head = max(size, had_size), None
        forms[num] = (size, drawn, head)
    everywhere: dict[bytes, set[int]] = {}
    for text in (data, *packed.values()):
        for m in _XOBJECTS.finditer(text):
            for name, num in _entries(m, parts).items():
                everywhere.setdefault(name, set()).add(num)
    cost: dict[int, tuple[int, int, int, int, int]] = {}
    pending: set[int] = set()

    def of(num: int) -> tuple[int, int, int, int, int]:  # (content, objects, clip a, clip b, chars) each time
        if num in cost:
            return cost[num]
        if num in pending:
            raise UnusableInput.of("input:pdf-forms-loop", where, number=num)
        if len(pending) >= _MAX_NESTING:  # deeper than any report's (and than this recursion may go)
            raise UnusableInput.of("input:pdf-forms-deep", where, limit=_MAX_NESTING)
        pending.add(num)
        size, drawn, head = forms[num]
        more, made, a, b, chars = _drawn(drawn, None if head is None else _own_xobjects(head, parts), everywhere, forms,
                                         of)
        pending.discard(num)
        count, own, most, _left = clipping[num][by_text] if num in clipping else _NO_CLIPS
        cost[num] = total = (size + more, (objects[num] if num in objects else size // 2) + made,
                             own + a + most * b, count + b,  # its own clips, and those of the forms it draws
                             (letters[num] if num in letters else size) + chars)
        return total

    again = 0
    drawing: dict[int, tuple[int, int, int, int]] = {}
    for num, _head, _size, drawn in streams:
        if drawn and num not in forms:
            more, made, a, b, chars = _drawn(drawn, None, everywhere, forms, of)
            again += more * max(1, pages.get(num, 0) if num is not None else 1)
            if again > MAX_FORM_BYTES:
                raise UnusableInput.of("input:pdf-forms", where, limit=MAX_FORM_BYTES // 2**20)
            if num is not None and (made or a or b or chars):
                had = drawing.get(num, _NO_DRAWS)
                drawing[num] = (had[0] + made, had[1] + a, had[2] + b, had[3] + chars)
    return drawing


def _drawn(drawn: dict[bytes | None, int], own: dict[bytes, int] | None, everywhere: dict[bytes, set[int]],
           forms: dict, of) -> tuple[int, int, int, int, int]:
    """What drawing these names costs, (content parsed, page objects made, clip a, clip b, characters
    shown: see of): each the costliest form it may name, times it is drawn."""
    total = [0, 0, 0, 0, 0]
    for name, times in drawn.items():
        if name is None:  # any name
            targets = set(forms)
        else:
            targets = {own[name]} if own is not None and name in own else everywhere.get(name, set())
        costs = [of(t) for t in targets if t in forms]
        for k in range(5):
            total[k] += times * max((c[k] for c in costs), default=0)
    return total[0], total[1], total[2], total[3], total[4]


def _own_xobjects(head: bytes, objects: _Objects) -> dict[bytes, int] | None:
    """A form's own XObject names: from the /XObject entry of its /Resources (inline, or the object it
    refers to), each a key of its own dictionary (not a name inside an array or a nested dictionary,
    such as one an unclosed /BBox array swallows); None when it has no such /Resources, or they
    cannot be read (PDFium then draws its names from the resources of what draws it: they are looked
    up everywhere)."""
    value = _top_value(head, b"/Resources")
    if value is None:
        return None
    ref = _REF_VALUE.match(value)
    resources = objects.body(int(ref[1])) if ref else value
    if resources is None:
        return None
    entry = _top_value(resources, b"/XObject")
    if entry is None:
        return {}
    ref = _REF_VALUE.match(entry)
    return _top_entries((objects.body(int(ref[1])) or b"") if ref else entry)


def _top_entries(text: bytes) -> dict[bytes, int]:
    """The names of a dictionary's own entries whose values are references (N G R), by name; an
    /XObject dictionary's names and objects (a value of another kind, or a nested one, is none)."""
    out: dict[bytes, int] = {}
    depth, key = 0, None
    for m in _STRUCTURE.finditer(text):
        tok = m[0]
        if tok == b"<<" or tok == b"[":
            depth += 1
            key = None
        elif tok == b">>" or tok == b"]":
            depth -= 1
            if depth <= 0:
                break
        elif depth == 1:
            if key is None and tok.startswith(b"/"):
                key = tok
                ref = _REF_VALUE.match(text, m.end())
                if ref:
                    out[plain(key[1:])] = int(ref[1])
            else:
                key = None
    return out


def _top_value(text: bytes, key: bytes) -> bytes | None:
    """The value of `key` in the dictionary text opens with (strings already left out), when it is a
    key of that dictionary itself: its bytes (a reference `N G R` whole); None when the key is not
    there at its top, or the dictionary is not well formed up to it."""
    depth, expect_key, want, skip, start = 0, False, False, 0, 0
    for m in _STRUCTURE.finditer(text):
        tok = m[0]
        if skip:  # the generation number and R of a reference
            skip -= 1
            if not skip:
                if want:
                    return text[start: m.end()]
                expect_key = True
            continue
        if tok == b"<<" or tok == b"[":
            if depth == 0:
                if tok == b"[":
                    return None
                expect_key = True
            elif depth == 1:
                if expect_key:
                    return None  # a key must be a name
                start = m.start()
            depth += 1
            continue
        if tok == b">>" or tok == b"]":
            depth -= 1
            if depth <= 0:
                return None
            if depth == 1:
                if want:
                    return text[start: m.end()]
                expect_key = True
            continue
        if depth != 1:
            continue
        if expect_key:
            if not tok.startswith(b"/"):
                return None
            want, expect_key = tok == key, False
        elif _NUMBER.fullmatch(tok) and _REF_AHEAD.match(text, m.end()):
            skip, start = 2, m.start()
        elif want:
            return tok
        else:
            expect_key = True
    return None


def _entries(m: re.Match, objects: _Objects) -> dict[bytes, int]:
    """The names and object numbers of an /XObject dictionary, inline or the object it refers to."""
    text = m[1] if m[1] is not None else objects.body(int(m[2])) or b""
    return {plain(name): int(num) for name, num in _ENTRY.findall(text)}
