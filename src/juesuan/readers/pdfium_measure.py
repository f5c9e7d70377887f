"""What the operators of decoded content would make PDFium do, counted before it parses the content
(readers/pdfium_content.check_content adds them up per page): the forms it draws (draws), the page
objects it paints (painted), the characters it shows (shown), what it adds to the clip and to marked
content (clips); and the two views of content they read: names as PDFium reads them (plain), and
delimiters made spaces (spaced). Each reads content as bytes, as far as its delimiters tell it: an
operator spelt inside a string may be counted too (never fewer than PDFium makes)."""

from __future__ import annotations

import re

_EXACT_CLIPS = 1024  # content of at most this many clips is taken at its worst (each kept): no pass over it
_DELIMITERS = bytes.maketrans(b"\t\n\r\x0c\x00()<>[]{}/%\x01\x02", b" " * 17)  # white space, delimiters: a space
_PAINTING = (b" Tj ", b" TJ ", b" ' ", b' " ', b" S ", b" s ", b" f ", b" F ", b" f* ", b" B ", b" B* ", b" b ", b" b* ",
             b" Do ", b" sh ", b" EI ")
_NAME = rb"/([^\s/\[\]<>(){}%]+)"
_DO = re.compile(_NAME + rb"\s*Do(?![^\s\[\]<>(){}/%])")
_FIRST_DO = re.compile(rb"\s*Do(?![^\s\[\]<>(){}/%])")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


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


def clips(content: bytes) -> tuple[bool, tuple[int, int, int, int], tuple[int, int, int, int]]:
    """How content run from no clip and no marked content adds to both, (clips and marks, paths and
    marks copied, most in effect, in effect at the end): by its W and W* operators, and by those and
    every ET (a text object in a clipping mode, 4 to 7 Tr, adds to the clip where it ends; the mode may
    be set by other content); and by its BMC and BDC (each a mark on the objects painted until its
    EMC, the marks in effect copied for them: 8,000 unended took PDFium 424 MB). Each adds what is in
    effect; q saves and Q restores the clip (an unmatched Q, which restores what content before saved,
    is taken to restore nothing); EMC ends the last mark. And whether the content sets a clipping text
    mode. Content with at most _EXACT_CLIPS of them is taken at its worst (each kept), without a pass
    over its operators."""
    letters = content.translate(None, _NOT_CLIP_LETTERS)  # (a pair counted in it may be two letters apart)
    marks = letters.count(b"BDC") + letters.count(b"BMC")  # at least the operators
    paths = letters.count(b"W") + marks
    ends = paths + letters.count(b"ET")
    if not ends:
        return False, _NO_CLIPS, _NO_CLIPS
    modes = _clip_mode(content)
    if ends > _EXACT_CLIPS:
        text = spaced(content)
        marks = text.count(b" BDC ") + text.count(b" BMC ")
        paths = text.count(b" W ") + text.count(b" W* ") + marks
        ends = paths + text.count(b" ET ")
    if ends <= _EXACT_CLIPS:
        return modes, (paths, paths * (paths + 1) // 2, paths, paths), (ends, ends * (ends + 1) // 2, ends, ends)
    text = text.translate(_FREE_MARKS)  # bytes 3 to 6 of inline image data: not the marks below
    for op, mark in ((b" q ", b" \x01 "), (b" Q ", b" \x02 "), (b" W ", b" \x03 "), (b" W* ", b" \x03 "),
                     (b" ET ", b" \x04 "), (b" BDC ", b" \x05 "), (b" BMC ", b" \x05 "), (b" EMC ", b" \x06 ")):
        text = text.replace(op, mark)
    depth = [0, 0]  # the clip in effect: by paths, by paths and text
    cost, peak, saved, marked = [0, 0], [0, 0], [], 0
    for op in text.translate(None, _NOT_CLIP_OPS):
        if op == 1:
            saved.append(tuple(depth))
        elif op == 2:
            if saved:
                depth = list(saved.pop())
        elif op == 5:
            marked += 1
            for k in (0, 1):
                cost[k] += marked
                peak[k] = max(peak[k], depth[k] + marked)
        elif op == 6:
            marked = max(marked - 1, 0)
        else:
            for k in ((0, 1) if op == 3 else (1,)):
                depth[k] += 1
                cost[k] += depth[k]
                peak[k] = max(peak[k], depth[k] + marked)
    return modes, (paths, cost[0], peak[0], depth[0] + marked), (ends, cost[1], peak[1], depth[1] + marked)


_NO_CLIPS = (0, 0, 0, 0)
_NOT_CLIP_LETTERS = bytes(b for b in range(256) if b not in b"WETBDMC")
_MODE_BEFORE = re.compile(rb"[4-7](?:\.[0-9]*)?[\s\x00]+\Z")  # a clipping text mode before Tr (17 or (5 too)


def _clip_mode(content: bytes) -> bool:
    """Whether content may set a clipping text mode (4 to 7 Tr; counted also where a string or a
    bigger number holds it)."""
    at = content.find(b"Tr")
    while at != -1:
        if _MODE_BEFORE.search(content, max(0, at - 64), at):
            return True
        at = content.find(b"Tr", at + 2)
    return False
_NOT_CLIP_OPS = bytes(b for b in range(256) if b not in (1, 2, 3, 4, 5, 6))
_FREE_MARKS = bytes.maketrans(b"\x03\x04\x05\x06", b"    ")


def shown(content: bytes) -> int:
    """How many character codes content shows, at most: the bytes inside its literal strings (their
    nesting and escapes followed) and half the hex digits of its hex strings (those inside literal
    strings counted twice); content of more than _MAX_MARKS parentheses and backslashes is taken at
    its length."""
    marks = content.count(b"(") + content.count(b")") + content.count(b"\\")
    if marks > _MAX_MARKS:
        return len(content)
    total = sum(end - start for start, end in _strings(content))
    return total + sum(len(m[1]) for m in _HEX_STRING.finditer(content)) // 2 + 1


_MAX_MARKS = 1 << 20
_STRING_MARKS = re.compile(rb"[()\\]")
_HEX_STRING = re.compile(rb"<([0-9A-Fa-f\s]*)>")


def painted(content: bytes) -> int:
    """How many page objects content creates, at most: its operators that paint or show something
    (Tj TJ ' " S s f F f* B B* b b* Do sh, and EI ending an inline image), standing alone between
    delimiters (some spelt inside strings are counted too)."""
    text = spaced(content)
    return sum(text.count(op) for op in _PAINTING)


def unstrung(text: bytes) -> bytes:
    """text with each of its literal strings (their nesting and escapes followed) made ()."""
    out, last = [], 0
    for start, end in _strings(text):
        out.append(text[last:start - 1])
        last = end + 1
    out.append(text[last:])
    return b" () ".join(out)


def _strings(text: bytes):
    """(start, end) of each literal string's bytes in text, nesting and escapes followed: between its
    ( and its ), or to the end of text when it does not end."""
    depth = start = 0
    skip = -1
    for m in _STRING_MARKS.finditer(text):
        at = m.start()
        if at == skip:
            continue  # the character a backslash escapes
        byte = text[at]
        if not depth:
            if byte == 0x28:  # (
                depth, start = 1, at + 1
        elif byte == 0x5C:  # \
            skip = at + 1
        elif byte == 0x28:
            depth += 1
        else:
            depth -= 1
            if not depth:
                yield start, at
    if depth:
        yield start, len(text)
