"""A PDF page's characters as words, plain text and layout-spaced text, and how a text matrix turns
(moved out of readers/pdfium.py; see its docstring for how characters are read and grouped)."""

from __future__ import annotations

import math
from collections import namedtuple
from operator import attrgetter

from .cells import has_cjk

X_TOL = 3.0
Y_TOL = 3.0
Y_DENSITY = 13.0
LAYOUT_DENSITY = 2.0  # points per character position in layout text
LAYOUT_GAP = 1.0  # points: a wider gap between two characters of a line starts a new token
# points from the page's top left within which layout text places characters (Acrobat's largest page):
# one drawn further off, at 1e8 pt, would take 50 million spaces or 7.7 million blank lines
LAYOUT_EXTENT = 14_400.0
MAX_SKEW = 10.0  # degrees: a page whose text is drawn at most this far from a quarter turn is read deskewed
_TOP, _X0 = attrgetter("top"), attrgetter("x0")


class Char(namedtuple("_Char", "text x0 x1 top bottom size")):
    """A printed character: its text and box (points; x from the left, top/bottom from the top).
    A named tuple: the reader makes one per character, and tuple.__new__(Char, fields) costs a
    tenth of a class's __init__."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Char({self.text!r}, {self.x0:.2f}, {self.x1:.2f}, {self.top:.2f}, {self.bottom:.2f}, {self.size:.1f})"


class Word(Char):
    """Characters of one line without a gap: their text and the box around them."""

    __slots__ = ()


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
    for line in _cluster(chars, _TOP, Y_TOL):
        line.sort(key=_X0)
        _line_words(line, out)
    return out


def _line_words(line: list[Char], out: list) -> None:  # long: the reader's hottest loop, kept in one piece
    """The words of one line of characters (sorted by x0), appended to `out`: the line split at white
    space and at gaps (a character starting before the previous one, more than X_TOL past its end,
    or with its top more than Y_TOL off), each word's text joined, its box around its characters
    (x0 its first's: they are sorted by x0) and its size its first character's."""
    new = tuple.__new__
    parts: list[str] = []
    x0 = x1 = top = bottom = size = lx0 = lx1 = ltop = 0.0
    for c in line:
        text, cx0, cx1, ctop, cbottom, csize = c
        if text.isspace():
            if parts:
                out.append(new(Word, ("".join(parts), x0, x1, top, bottom, size)))
                parts = []
            continue
        if parts and (cx0 < lx0 or cx0 > lx1 + X_TOL or abs(ctop - ltop) > Y_TOL):
            out.append(new(Word, ("".join(parts), x0, x1, top, bottom, size)))
            parts = []
        if parts:
            parts.append(text)
            if cx1 > x1:
                x1 = cx1
            if ctop < top:
                top = ctop
            if cbottom > bottom:
                bottom = cbottom
        else:
            parts = [text]
            x0, x1, top, bottom, size = cx0, cx1, ctop, cbottom, csize
        lx0, lx1, ltop = cx0, cx1, ctop
    if parts:
        out.append(new(Word, ("".join(parts), x0, x1, top, bottom, size)))


def plain_text(chars: list[Char]) -> str:
    """pdfplumber's extract_text() without layout: words, lines of words by top, joined. Characters
    whose tops are all within Y_TOL (a table cell's one line) are one line of words: their texts
    are joined without making the words."""
    top = bottom = chars[0].top if chars else 0.0
    for c in chars:
        if c.top < top:
            top = c.top
        elif c.top > bottom:
            bottom = c.top
    if bottom - top <= Y_TOL:
        line: list[Word] = []
        _line_words(sorted(chars, key=_X0), line)
        return " ".join([w[0] for w in line])
    lines = _cluster(words(chars), _TOP, Y_TOL)
    return "\n".join(" ".join(w.text for w in line) for line in lines)


def _cell_break(prev: Char, c: Char, token: str) -> bool:
    """Two cells a hair apart (a gap over a tenth of the font size) in a small print, such as a
    right-aligned amount and the next cell's label or code: a digit and a CJK character side by side
    ("6.20" and "八、社会保障和就业支出" 1 pt apart at 4.7 pt), or an amount's two decimals (`token`,
    the text so far, ends in .dd) and a digit ("2,082.85" and "302" 0.9 pt apart at 4.3 pt). Not one
    word: "2021年" prints its glyphs touching, and so does a number (gaps of at most a hundredth of
    the size in every print tried); a number set letter-spaced stays whole, for only an amount's
    decimals end it."""
    if c.x0 - prev.x1 <= 0.1 * c.size:
        return False
    a, b = prev.text, c.text
    if a.isdigit():
        return has_cjk(b) or (b.isdigit() and len(token) > 3 and token[-3] == "." and token[-2].isdigit())
    return b.isdigit() and has_cjk(a)


def layout_text(chars: list[Char], height: float, extents: dict | None = None, spend=None) -> str:  # long: one pass
    """The page as layout-spaced text (columns kept apart by runs of spaces, as
    readers/text.layout_grid reads them), from its characters.

    Lines are the characters whose tops are within 3 pt, placed at top / 13 pt (blank lines keep
    the vertical distance, as pdfplumber's extract_text(layout=True) does). Along a line,
    characters form tokens; a new token starts at a space character or at a gap of more than
    1 pt. A token after a space character narrower than the font size continues its phrase (one
    space); any other token starts a column: it is placed at x / 2 pt, and at least two spaces after
    the text before it. At 2 pt per position no printed character is narrower than the positions it
    takes, so a column's text never runs into the next column's start, and two printed cells a
    hair apart (a right-aligned amount against the next cell's label) stay two columns.

    `extents`, if given, gets each text line's tokens where they are printed: line index (0-based,
    as in the text) -> [x0, x1, text] per token, in points. A position in the text stands for 2 pt
    whatever a character's width, so a CJK label (10 pt a character) takes a fifth of its printed
    width there, and a header centred over its column lands beyond the column's text; the extents
    keep both where they are.

    Characters are placed within LAYOUT_EXTENT of the page's top left (those further off, or left of or
    above it, at its edge), so a line takes at most LAYOUT_EXTENT / 2 pt positions and the blank lines
    of a page LAYOUT_EXTENT / 13 pt; `spend`, if given, is called with each line's length (with its
    line breaks) before the next is made (the document's limit on layout text: pdfium.MAX_LAYOUT)."""
    out: list[str] = []
    newlines = 0
    for i, line in enumerate(_cluster(sorted(chars, key=_TOP), _TOP, Y_TOL)):
        prepend = max(int(i > 0), round(_placed(line[0].top) / Y_DENSITY) - newlines)
        out.append("\n" * prepend)
        newlines += prepend
        line.sort(key=lambda c: c.x0)
        text = ""
        prev: Char | None = None
        spaced = False
        toks: list[list] = []  # [x0, x1, text] of the line's tokens, in points
        for c in line:
            if c.text.isspace():
                spaced = True
                continue
            if prev is not None and (spaced or c.x0 > prev.x1 + LAYOUT_GAP or c.x0 < prev.x0 or _cell_break(prev, c, toks[-1][2])):
                if spaced and c.x0 - prev.x1 < c.size:
                    text += " "
                    toks[-1][2] += " "
                else:
                    text += " " * max(2, round(_placed(c.x0) / LAYOUT_DENSITY) - len(text))
                    toks.append([_placed(c.x0), 0.0, ""])
            elif prev is None:
                text = " " * round(_placed(c.x0) / LAYOUT_DENSITY)
                toks.append([_placed(c.x0), 0.0, ""])
            text += c.text
            toks[-1][1] = max(toks[-1][1], _placed(c.x1))
            toks[-1][2] += c.text
            prev = c
            spaced = False
        out.append(text)
        if spend is not None:
            spend(prepend + len(text))
        if extents is not None:
            extents[newlines] = toks
    return "".join(out)


def _placed(v: float) -> float:
    """A coordinate as layout text places it: within [0, LAYOUT_EXTENT] (not a number: 0)."""
    return min(v, LAYOUT_EXTENT) if v >= 0 else 0.0



def _skew(a: float, b: float, c: float, d: float) -> tuple[int, float] | None:
    """(quarter turn, degrees past it): a text matrix turned within MAX_SKEW of a quarter turn (as an
    OCR layer over a scan that lies askew is drawn), neither mirrored nor sheared; None otherwise."""
    if not a * d - b * c > 0 or not math.isfinite(a * d - b * c):
        return None  # mirrored, flat, or not a number (a matrix past float range)
    along = math.degrees(math.atan2(b, a))
    if abs((math.degrees(math.atan2(d, c)) - 90 - along + 180) % 360 - 180) > 1:
        return None  # sheared: the glyphs' upright is not square to their baseline
    quarter = round(along / 90) * 90
    past = along - quarter
    return (quarter % 360, past) if abs(past) <= MAX_SKEW + 1e-4 else None  # (10.0 in float32 comes out a hair over)


def _quarter_turn(a: float, b: float, c: float, d: float) -> int | None:
    """0, 90, 180 or 270: the counter-clockwise quarter turn of a text matrix's (a b c d), its off
    entries within a ten-thousandth of |a| + |b| + |c| + |d|; None when it is skewed past that, mirrored or
    turned some other way."""
    tol = 1e-4 * (abs(a) + abs(b) + abs(c) + abs(d))
    if abs(b) <= tol and abs(c) <= tol:
        return 0 if a > 0 and d > 0 else 180 if a < 0 and d < 0 else None
    if abs(a) <= tol and abs(d) <= tol:
        return 90 if b > 0 and c < 0 else 270 if b < 0 and c > 0 else None
    return None
