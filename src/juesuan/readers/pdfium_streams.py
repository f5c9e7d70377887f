"""The check of a PDF's compressed streams before PDFium is given the file (moved out of
readers/pdfium.py, which re-exports its names).

Before PDFium sees the file, every stream whose filters could expand it past the limits is decoded
here (`check_streams`): a content stream or object stream over MAX_STREAM_BYTES, or a font or image
over MAX_FONT_BYTES, refuses the file with one line. The filters are read as PDFium reads them:
abbreviated names (/Fl), names spelt with #xx, chains (ASCII85 or ASCIIhex before Flate), a /Filter
given by reference measured as if Flate (_chains). Flate expands at most 1032:1, LZW 2,731:1,
run-length 64:1, ASCII85 4:1, so streams too small to reach the limit are not decoded at all; Flate
is inflated in bounded 64 KB steps, with isal (ISA-L's inflate, about twice zlib's speed; in the
pdf extra) when it is installed, else with zlib (the Putuo PDF's embedded CJK font: 3.4 MB, 4.4 MB
inflated); the others, seen in no report and decoded here in Python, only when they could pass a
limit. Image codecs (DCT, JPX, JBIG2, CCITT) are not decoded to read text, and end what is measured.
Streams that are not fonts or images are decoded whatever their size, for page content is parsed
by PDFium with what it holds: inline images (BI ... ID) with filters of their own, which it decodes
(_inline_images); graphics states saved (q), which it keeps (_saves); and the forms it draws and the
pages naming it, which have it parse content again (readers/pdfium_content.py). The decoders are in
readers/pdfium_filters.py.
A stream's dictionary is read from its object's header, its strings and comments left out (a string
may spell `1 0 obj` or `/Filter /DCTDecode`: _dictionary), and its data from the end of the
keyword's line to the later of its /Length and the next `endstream` (one its data spells must not
cut it short), as PDFium takes it.
"""

from __future__ import annotations

import math
import re

from ..errors import UnusableInput
from .pdfium_filters import _A85, _FLATE, _HEX, _KINDS, _LZW, _RATIO, _SLOW_BYTES, _decoded, _decoded_size
from .pdfium_content import check_content, is_form
from .pdfium_measure import clips, draws, painted, plain, shown, spaced

MAX_STREAM_BYTES = 16 * 1024 * 1024  # one decompressed content/object stream (a report page: ~100 KB)
MAX_FONT_BYTES = 64 * 1024 * 1024  # one decompressed embedded font or image (a full CJK font: ~20 MB)
MAX_INFLATED_BYTES = 256 * 1024 * 1024  # all checked streams together
MAX_SAVES = 1_000_000  # graphics states page content may leave saved at once (a report's: tens)
_EXACT_SAVES = 4096  # q bytes in one stream past which its saves are counted operator by operator
_MAX_DICT = 65536  # bytes before `stream` searched for its object's start (a stream dictionary is far shorter)
_FILTER = re.compile(rb"/Filter\s*(/[^\s/\[\]<>()%]*|\[[^\]]*\]|\d+\s+\d+\s+R)")
_NAME = re.compile(rb"/([^\s/\[\]<>()%]+)")
_REFERENCE = re.compile(rb"\d+\s+\d+\s+R")
_LENGTH = re.compile(rb"/Length\s+(\d{1,12})\b(?!\s+\d+\s+R)")
_HEADER_BEFORE = re.compile(rb"(\d{1,10})\s+\d+\s+$")  # what stands before `obj` in an object's header
_MAX_HEADERS = 16  # `N G obj` tried per stream (inside strings a dictionary may spell more)
_LINE_END = re.compile(rb"\r\n|\n|\r")
_MAX_LINE = 256  # bytes after `stream` searched for its line's end
_COUNT_FROM = 1 << 18  # decoded bytes of content past which its page objects are counted (between: a byte in 2)
_COUNT_SMALL = 1 << 14  # and up to which, in a file with Type 3 fonts (a glyph's, counted each time its font names it)
_TOKEN_BYTES = 1 << 20  # lexed for dictionaries with strings, and an eighth of the file's size more
_TOKEN = re.compile(rb"\s+|%[^\r\n]*|\(|<<|>>|<[0-9A-Fa-f\s]*>|/[^\s/\[\]<>(){}%]*|[\[\]{}]|[^\s/\[\]<>(){}%]+")
_STRING_MARK = re.compile(rb"\\.|[()]", re.S)


def check_streams(data: bytes, where: str, decrypted: bool = False) -> None:  # long: one pass over the streams
    """Refuse a PDF with a compressed stream that expands past the limits (a decompression bomb),
    before PDFium decodes it in memory. Only streams big enough to pass a limit are decoded, Flate
    in 64 KB steps (see _chains for the filters measured).

    In an encrypted file (one naming an /Encrypt dictionary) the streams are encrypted and do not
    decode here: pdfium.open_document measures them in the copy PDFium saves without its encryption.
    But PDFium inflates object streams to open and save the document at all, so an object stream
    big enough to pass the limit that does not decode to its end here (encrypted) refuses the file.
    `decrypted`: data is that copy, whose offsets are not the file's (a bomb is refused without one)."""
    view = memoryview(data)
    total = 0
    budget = _Budget(tokens=_TOKEN_BYTES + len(data) // 8, slow=_SLOW_BYTES)
    contents: list[tuple[int | None, bytes, int, dict]] = []  # (number, dictionary, size, draws) of content
    objects: dict[int, int] = {}  # page objects the content of the biggest streams creates, by number
    bodies: dict[int, bytes] = {}  # the objects of object streams, by number
    clipping: dict[int, tuple] = {}  # what content adds to the clip (pdfium_content.clips), by number
    letters: dict[int, int] = {}  # characters the biggest streams and forms show (pdfium_content.shown), by number
    glyphs = b"/CharProcs" in data  # Type 3 fonts (in object streams: their glyphs taken at a byte in 2)
    for at, start in _streams(data):
        head, number = _dictionary(data, at, budget)
        if head is not None and b"#" in head:  # a name may spell a character #xx (/Fl#61teDecode): as PDFium reads it
            head = plain(head)
        end = data.find(b"endstream", start)
        end = len(data) if end == -1 else end
        length = _LENGTH.search(head) if head is not None else None
        if length:  # PDFium takes /Length when it is right: "endstream" within the data must not cut it short
            end = max(end, min(len(data), start + int(length[1])))
        binary = head is None or any(k in head for k in (b"/Length1", b"/Length2", b"/Length3", b"/FontFile",
                                                         b"OpenType", b"Type1C", b"CIDFontType0C", b"/Image"))
        limit = MAX_FONT_BYTES if binary else MAX_STREAM_BYTES
        if head is not None and b"/Filter" not in head:  # stored as it is: it cannot expand, but its inline images may
            size, whole = (0, True) if binary else (_content(data[start:end], limit, budget, where), True)
        else:
            size, whole = _measured(view[start:end], _chains(head), limit, budget, where, not binary)
        total += size
        if size > limit or total > MAX_INFLATED_BYTES:
            mb = min(limit, MAX_INFLATED_BYTES) // 2**20
            if decrypted:
                raise UnusableInput.of("input:pdf-bomb-decrypted", where, limit=mb)
            raise UnusableInput.of("input:pdf-bomb", where, offset=at, limit=mb)
        if not whole and head is not None and b"/ObjStm" in head and b"/Encrypt" in data:
            raise UnusableInput.of("input:pdf-encrypted-objstm", where, offset=at)
        if budget.content is not None and head is not None:
            drawn = draws(budget.content)
            clip = clips(budget.content)
            if not whole:  # its filters did not decode it: what PDFium makes of it may be the data as it is
                raw = draws(data[start:end])
                drawn = {name: max(drawn.get(name, 0), raw.get(name, 0)) for name in {*drawn, *raw}}
                clip = _worse(clip, clips(data[start:end]))
            if number is not None:
                clipping[number] = _worse(clip, clipping[number]) if number in clipping else clip
            contents.append((number, head, max(len(budget.content), end - start), drawn))
            size = len(budget.content)
            if number is not None and (size > _COUNT_FROM or (glyphs and size <= _COUNT_SMALL) or is_form(head)):
                objects[number] = objects.get(number, 0) + painted(budget.content)
                if size > _COUNT_FROM or is_form(head):  # else a character a byte
                    letters[number] = letters.get(number, 0) + shown(budget.content)
            if b"/ObjStm" in head and b"/XObject" in budget.content:
                bodies.update(_packed(head, budget.content))
        elif head is None and number is not None:  # a dictionary not read: PDFium may read it as content
            if b"Do" in data[start:end]:  # a form, as best it can (pdfium_content)
                contents.append((number, None, end - start, draws(data[start:end])))
            clipping[number] = clips(data[start:end])
        budget.content = None
    check_content(data, contents, bodies, where, objects, clipping, letters)


def _worse(one: tuple, other: tuple) -> tuple:
    """Of two readings of what content adds to the clip (pdfium_content.clips), the most of each."""
    return (one[0] or other[0], *(tuple(map(max, x, y)) for x, y in zip(one[1:], other[1:])))


def _packed(head: bytes, content: bytes) -> dict[int, bytes]:
    """The objects of an object stream (its /N pairs of number and offset from /First), by number."""
    first = re.search(rb"/First\s+(\d+)", head)
    if first is None or int(first[1]) > len(content):
        return {}
    at = int(first[1])
    pairs = [int(x) for x in content[:at].split()[:2 * 100_000] if x.isdigit()]
    offsets = pairs[1::2] + [len(content) - at]
    return {pairs[2 * i]: content[at + offsets[i]: at + offsets[i + 1]] for i in range(len(pairs) // 2)}


class _Budget:
    """What one check may spend on the slow parts: bytes lexed for dictionaries with strings in them
    (past it a dictionary is taken as unknown), and bytes of LZW and run-length data decoded in
    Python (past it the file is refused: no report is written with them)."""

    def __init__(self, tokens: int, slow: int):
        self.tokens, self.slow = tokens, slow
        self.saves = 0  # graphics states page content may save at once (q unmatched by Q), at most
        self.content: bytes | None = None  # the decoded content of the stream just measured


def _measured(raw: memoryview, chains: list[list[str]], limit: int, budget: _Budget, where: str,
              content: bool) -> tuple[int, bool]:
    """The most a stream decodes to under its filter chains, and whether it decoded to its end. A
    chain that cannot reach the limit is not decoded, unless the stream is `content` (not a font or
    image): content may hold inline images whose own filters PDFium decodes as it parses the page (a
    400 KB page of one took it 218 s and 23 GB), so it is decoded and they are measured too."""
    size, whole = 0, True
    for chain in chains:
        if not chain:
            if content:
                size = max(size, _content(bytes(raw), limit, budget, where))
            continue
        big = len(raw) * math.prod(_RATIO[k] for k in chain) > limit
        if content:
            got, ok = _decoded(raw, chain, limit, budget, where)
            if not isinstance(got, int):
                got = len(got) + _content(got, limit, budget, where)
        elif big:
            got, ok = _decoded_size(raw, chain, limit, budget, where)
        else:
            continue
        size, whole = max(size, got), whole and ok
    return size, whole


def _content(content: bytes, limit: int, budget: _Budget, where: str) -> int:
    """What page content holds that PDFium may decode or keep as it parses it: saved graphics states
    counted (_saves), and its inline images' decoded size (kept as budget.content for the forms it
    draws: readers/pdfium_content.py)."""
    budget.content = content
    _saves(content, budget, where)
    return _inline_images(content, limit, budget, where)


def _saves(content: bytes, budget: _Budget, where: str) -> None:
    """Count the graphics states the content may leave saved at once (q operators, each unmatched Q
    taking one off, their most at any point): PDFium keeps every one (a 14 KB file of seven million
    nested q took it 1.2 GB). The page's streams follow one another, so their counts add up; past
    MAX_SAVES the file is refused. Content of at most a few thousand q is counted by its q bytes."""
    bound = content.count(b"q")
    left = MAX_SAVES - budget.saves
    if bound > _EXACT_SAVES:  # the operators: q and Q standing alone between delimiters, as bytes 1 and 2
        ops = spaced(content).replace(b" q ", b"\x01").replace(b" Q ", b"\x02").translate(None, _NOT_OPS)
        saves = ops.count(1)
        if saves > left and saves - ops.count(2) <= left:  # balanced enough: the most saved at once
            depth = bound = 0
            for op in ops:
                if op == 1:
                    depth += 1
                    if depth > bound:
                        bound = depth
                        if bound > left:
                            break
                elif depth:
                    depth -= 1
        else:
            bound = saves  # at most all of them; when over, at least the unmatched ones are
    budget.saves += bound
    if budget.saves > MAX_SAVES:
        raise UnusableInput.of("input:pdf-nesting", where, limit=MAX_SAVES)


_NOT_OPS = bytes(b for b in range(256) if b not in (1, 2))
_INLINE = re.compile(rb"(?<![^\s\[\]()<>{}/%])BI(?=[\s/%])")  # the operator that opens an inline image
_INLINE_DATA = re.compile(rb"(?<=[\s\]>)])ID(?=\s)")  # the one its data follows (after one white space)
_INLINE_FILTER = re.compile(rb"/F(?:ilter)?\s*(/[^\s/\[\]<>()%]*|\[[^\]]*\])")


def _inline_images(content: bytes, limit: int, budget: _Budget, where: str) -> int:
    """What the inline images of decoded page content (BI /F /Fl ... ID data EI) decode to in all
    (their filters named as in a stream's dictionary, or abbreviated: /F /Fl); each decoded from its
    data on, as its filters end it (Flate at its end, ASCII85 at ~>...), for its EI may be in its
    data. Past the limit, the file is refused as a bomb; and when its filters do not end within the
    stream, for PDFium parses a page's streams as one and would decode on into the next."""
    total = 0
    if b"BI" not in content or b"ID" not in content:
        return 0
    for m in _INLINE.finditer(content):
        opened = _INLINE_DATA.search(content, m.end(), m.end() + _MAX_DICT)
        if opened is None:
            continue
        head = content[m.end(): opened.start()]
        if b"#" in head:
            head = plain(head)
        named = _INLINE_FILTER.search(head)
        if named is None:
            continue
        chain = _chains(b"/Filter " + named[1])[0]
        if chain:
            size, whole = _decoded_size(memoryview(content)[opened.end() + 1:], chain, limit, budget, where)
            total += size
            if size > limit:
                raise UnusableInput.of("input:pdf-inline-bomb", where, limit=limit // 2**20)
            if not whole:
                raise UnusableInput.of("input:pdf-inline-unended", where)
    return total


def _dictionary(data: bytes, at: int, budget: _Budget) -> tuple[bytes | None, int | None]:
    """The dictionary of the stream whose `stream` keyword is at `at`, its strings and comments left
    out (a string may spell anything: "(/Filter /DCTDecode)", "(1 0 obj)"): from the nearest
    `N G obj` before it whose tokens run to `at` (one inside a string or comment does not), within
    _MAX_DICT bytes; None when there is none (a dictionary longer, or not one PDFium reads). And the
    object's number N (with no dictionary, the nearest header's: the object PDFium may take it for)."""
    lo, tried, pos, nearest = max(0, at - _MAX_DICT), 0, at, None
    while tried < _MAX_HEADERS:
        pos = data.rfind(b"obj", lo, pos)
        if pos == -1:
            return None, nearest
        header = _HEADER_BEFORE.search(data, max(0, pos - 24), pos)
        if not header:
            continue
        tried += 1
        if tried == 1:  # most often no string or comment in it: taken as it is
            nearest = int(header[1])
            plain = data[pos + 3: at]
            if b"(" not in plain and b")" not in plain and b"%" not in plain and plain.rstrip().endswith(b">>"):
                return plain, nearest
        budget.tokens -= at - pos
        if budget.tokens < 0:
            return None, nearest
        kept = _tokens(data, pos + 3, at)
        if kept is not None:
            return kept, int(header[1])
    return None, nearest


def _tokens(data: bytes, pos: int, at: int) -> bytes | None:
    """data[pos:at] without its strings and comments, or None when they do not end before `at` or
    no dictionary closes right before it."""
    kept = []
    while True:
        m = _TOKEN.match(data, pos, at)
        if m is None:
            break
        pos = m.end()
        tok = m[0]
        if tok == b"(":
            pos = _string_end(data, pos, at)
            if pos < 0:
                return None
        elif tok[:1] == b"%":
            continue
        else:
            kept.append(tok)
    if pos != at or not kept or kept[-1].strip() != b">>" and not (len(kept) > 1 and kept[-2].strip() == b">>"):
        return None
    return b"".join(kept)


def _string_end(data: bytes, pos: int, at: int) -> int:
    """Where the literal string opened just before pos ends (after its closing parenthesis, its
    nested ones balanced and escaped ones skipped), or -1 when it does not end before `at`."""
    depth = 1
    for m in _STRING_MARK.finditer(data, pos, at):
        c = m[0][:1]
        if c == b"\\":
            continue
        depth += 1 if c == b"(" else -1
        if depth == 0:
            return m.end()
    return -1


def _chains(head: bytes | None) -> list[list[str]]:
    """The filter chains a stream's dictionary names (one per /Filter key in it, so a nested one in
    /DecodeParms cannot hide the stream's own), each the decoders PDFium runs that can expand data,
    by the names it reads (full and abbreviated: /Fl is /FlateDecode): Flate, LZW, run-length,
    ASCII85 and ASCIIhex, up to the first image codec (DCT, JPX, JBIG2, CCITT: not decoded to read
    text); /Crypt passes data through. A chain named by reference is measured as if Flate; a stream
    whose dictionary cannot be told (past _MAX_DICT bytes, or not lexed within the budget) as if
    Flate, ASCIIhex or ASCII85 before Flate, or LZW."""
    if head is None:  # PDFium decodes what the dictionary says: each filter Flate may follow is tried
        return [[_FLATE], [_HEX, _FLATE], [_A85, _FLATE], [_LZW]]
    out = []
    for m in _FILTER.finditer(head):
        value = m[1]
        if value.endswith(b"R") and not value.startswith((b"/", b"[")) or (b"[" in value and _REFERENCE.search(value)):
            out.append([_FLATE])
            continue
        chain = []
        for name in _NAME.findall(value):
            if name in _KINDS:
                chain.append(_KINDS[name])
            elif name != b"Crypt":
                break  # an image codec, or a filter PDFium does not know: nothing expands past it
        out.append(chain)
    return out


def _streams(data: bytes):
    """(offset of the keyword, offset of the data) of each `stream` keyword (not `endstream`) that
    may open a stream body as PDFium reads one: its data starts after the end of the keyword's line
    (CR LF, LF or CR alone, after whatever else the line holds: PDFium skips to the next line)."""
    at = data.find(b"stream")
    while at != -1:
        if data[max(0, at - 3): at] != b"end":
            line = _LINE_END.search(data, at + 6, at + 6 + _MAX_LINE)
            if line:
                yield at, line.end()
        at = data.find(b"stream", at + 6)
