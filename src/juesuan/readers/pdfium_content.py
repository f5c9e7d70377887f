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
"""

from __future__ import annotations

import re

from ..errors import UnusableInput

MAX_FORM_BYTES = 32 * 1024 * 1024  # form content parsed, each form each time drawn (a report's: kilobytes)
MAX_PARSED_BYTES = 128 * 1024 * 1024  # content the pages parse in all (a report's: ~30 KB a page)
MAX_PAGE_OBJECTS = 500_000  # page objects one page's content may create (readers/pdfium.MAX_OBJECTS, in a document)
_DELIMITERS = bytes.maketrans(b"\t\n\r\x0c\x00()<>[]{}/%\x01\x02", b" " * 17)  # white space, delimiters: a space
_PAINTING = (b" Tj ", b" TJ ", b" ' ", b' " ', b" S ", b" s ", b" f ", b" F ", b" f* ", b" B ", b" B* ", b" b ", b" b* ",
             b" Do ", b" sh ", b" EI ")
_MAX_BODY = 1 << 16  # bytes of an object's body searched for its dictionary
_MAX_NESTING = 100  # forms drawn within forms (a report's: a few)
_NAME = rb"/([^\s/\[\]<>(){}%]+)"
_DO = re.compile(_NAME + rb"\s*Do(?![^\s\[\]<>(){}/%])")
_FORM = re.compile(rb"/Subtype\s*/Form(?![^\s\[\]<>(){}/%])")
_XOBJECTS = re.compile(rb"/XObject\s*(?:<<([^<>]*)>>|(\d+)\s+\d+\s+R)")
_STRUCTURE = re.compile(rb"<<|>>|\[|\]|<[0-9A-Fa-f\s]*>|/[^\s/\[\]<>(){}%]*|[^\s/\[\]<>(){}%]+|[^\s]")
_REF_VALUE = re.compile(rb"\s*(\d+)\s+\d+\s+R(?![^\s\[\]<>(){}/%])")
_REF_AHEAD = re.compile(rb"\s+\d+\s+R(?![^\s\[\]<>(){}/%])")
_NUMBER = re.compile(rb"\d+")
_CONTENTS = re.compile(rb"/Contents\s*(?:(\d+)\s+\d+\s+R|\[([^\]]*)\])")
_REFERENCE = re.compile(rb"(\d+)\s+\d+\s+R")
_ENTRY = re.compile(_NAME + rb"\s*(\d+)\s+\d+\s+R")
_FIRST_DO = re.compile(rb"\s*Do(?![^\s\[\]<>(){}/%])")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_HEADER = re.compile(rb"(?<![0-9])(\d{1,10})\s+\d+\s+obj(?![^\s\[\]<>(){}/%])")


def draws(content: bytes) -> dict[bytes | None, int]:
    """How many times the content draws each XObject name (`/Name Do`, the name as PDFium reads it:
    #xx spelt out); a `Do` first in the content counts for None (any name: a page's streams are parsed
    as one, so its name may end the stream before)."""
    if b"Do" not in content:
        return {}
    out: dict[bytes | None, int] = {}
    for m in _DO.finditer(content):
        name = plain(m[1])
        out[name] = out.get(name, 0) + 1
    if _FIRST_DO.match(content):
        out[None] = out.get(None, 0) + 1
    return out


def plain(name: bytes) -> bytes:
    """Names as PDFium reads them: each #xx the character it spells."""
    return _ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), name) if b"#" in name else name


def spaced(content: bytes) -> bytes:
    """Content with white space and delimiters made spaces, each doubled and one at either end, so
    an operator standing alone is ` op ` however it was written (and bytes 1 and 2 are free to mark)."""
    return b" " + content.translate(_DELIMITERS).replace(b" ", b"  ") + b" "


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


def painted(content: bytes) -> int:
    """How many page objects content creates, at most: its operators that paint or show something
    (Tj TJ ' " S s f F f* B B* b b* Do sh, and EI ending an inline image), standing alone between
    delimiters (some spelt inside strings are counted too)."""
    text = spaced(content)
    return sum(text.count(op) for op in _PAINTING)


def is_form(head: bytes) -> bool:
    """Whether a stream's dictionary is a form XObject's (/Subtype /Form)."""
    return _FORM.search(head) is not None


def check_content(data: bytes, streams: list[tuple[int | None, bytes | None, int, dict]], packed: dict[int, bytes],
                  where: str, objects: dict[int, int] | None = None) -> None:
    """Refuse the file when its pages would make PDFium parse more than MAX_PARSED_BYTES of content
    (each content stream once for each page naming it), or more than MAX_FORM_BYTES of form content
    (each form each time it is drawn), or forms drawing one another in a loop. streams: (object
    number, dictionary or None when it was not read, decoded size, draws) of each content stream;
    packed: the objects found inside object streams, by number; objects: the page objects counted in
    the biggest streams and in forms (painted), by number: a page whose content would create more than
    MAX_PAGE_OBJECTS, with those of the forms it draws each time drawn (a stream not counted, one in
    two of its bytes), is refused too, for PDFium makes them all as it loads the page (24 KB of
    "(x)Tj" in one 15 MB stream: 7 s and 1.6 GB), before the reader's own count of them
    (readers/pdfium.MAX_OBJECTS, the same number) could stop it."""
    pages: dict[int, int] = {}  # content stream -> the pages naming it in their /Contents
    listed: list[set[int]] = []  # each page's content streams
    sizes = {num: size for num, _head, size, _drawn in streams if num is not None}
    objects = objects or {}

    def made(page: set[int], forms: dict[int, int]) -> None:
        count = sum((objects[n] if n in objects else sizes.get(n, 0) // 2) + forms.get(n, 0) for n in page)
        if count > MAX_PAGE_OBJECTS:
            raise UnusableInput.of("input:pdf-page-objects", where, count=count, limit=MAX_PAGE_OBJECTS)

    for text in (data, *packed.values()):
        for m in _CONTENTS.finditer(text):
            page = [int(n) for n in ([m[1]] if m[1] is not None else _REFERENCE.findall(m[2]))]
            for num in page:
                pages[num] = pages.get(num, 0) + 1
            listed.append(set(page))
            made(listed[-1], {})
    parsed = 0
    for num, _head, size, _drawn_names in streams:
        parsed += size * max(1, pages.get(num, 0) if num is not None else 1)
        if parsed > MAX_PARSED_BYTES:
            raise UnusableInput.of("input:pdf-parsed", where, limit=MAX_PARSED_BYTES // 2**20)
    if any(d for *_, d in streams):
        forms = _check_forms(data, streams, packed, pages, where, objects)
        for page in listed:
            if any(n in forms for n in page):
                made(page, forms)


def _check_forms(data: bytes, streams: list[tuple[int | None, bytes | None, int, dict]], packed: dict[int, bytes],
                 pages: dict[int, int], where: str, objects: dict[int, int]) -> dict[int, int]:
    """Past MAX_FORM_BYTES of form content drawn (each time, times the pages naming the content that
    draws it), or forms drawing one another in a loop, refuse the file. The page objects the forms
    each content stream draws would create (each form's own, painted, else one in two of its bytes,
    and those of the forms it draws, each time drawn), by the stream's number."""
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
    cost: dict[int, tuple[int, int]] = {}
    pending: set[int] = set()

    def of(num: int) -> tuple[int, int]:  # (content, page objects) of a form and the forms it draws each time
        if num in cost:
            return cost[num]
        if num in pending:
            raise UnusableInput.of("input:pdf-forms-loop", where, number=num)
        if len(pending) >= _MAX_NESTING:  # deeper than any report's (and than this recursion may go)
            raise UnusableInput.of("input:pdf-forms-deep", where, limit=_MAX_NESTING)
        pending.add(num)
        size, drawn, head = forms[num]
        more, made = _drawn(drawn, None if head is None else _own_xobjects(head, parts), everywhere, forms, of)
        pending.discard(num)
        cost[num] = total = (size + more, (objects[num] if num in objects else size // 2) + made)
        return total

    again = 0
    drawing: dict[int, int] = {}
    for num, _head, _size, drawn in streams:
        if drawn and num not in forms:
            more, made = _drawn(drawn, None, everywhere, forms, of)
            again += more * max(1, pages.get(num, 0) if num is not None else 1)
            if again > MAX_FORM_BYTES:
                raise UnusableInput.of("input:pdf-forms", where, limit=MAX_FORM_BYTES // 2**20)
            if num is not None and made:
                drawing[num] = drawing.get(num, 0) + made
    return drawing


def _drawn(drawn: dict[bytes | None, int], own: dict[bytes, int] | None, everywhere: dict[bytes, set[int]],
           forms: dict, of) -> tuple[int, int]:
    """What drawing these names costs, (content parsed, page objects made): each the costliest form it
    may name, times it is drawn."""
    content = made = 0
    for name, times in drawn.items():
        if name is None:  # any name
            targets = set(forms)
        else:
            targets = {own[name]} if own is not None and name in own else everywhere.get(name, set())
        costs = [of(t) for t in targets if t in forms]
        content += times * max((c for c, _ in costs), default=0)
        made += times * max((o for _, o in costs), default=0)
    return content, made


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
