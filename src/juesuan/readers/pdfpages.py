"""A report PDF's pages -> Instance, through the shared table matcher (readers/grid.py); readers/pdf.py
bounds the file first.

The pages are read with PDFium (readers/pdfium.py: characters, words, ruled tables; pypdfium2 is
the `pdf` extra, imported only when a PDF is read). Each page becomes grid rows in reading order
(top to bottom):

- ruled tables (from the drawn cell borders, found as pdfplumber's find_tables does): one grid
  row per table row, one cell per table cell with its physical column (the cell's left border among the table's
  column borders) and its span, so blank cells keep their place and merged header cells cover
  their columns; text wrapped inside a cell is joined. A table continued on the next page (no
  title in between) keeps the columns of its first part, matched by the x position of the
  column borders, so the matcher sees one table; its header repeated there is skipped by the
  matcher;
- the other words (cover, titles, units, notes, 第三部分 text): one single-cell row per text
  line, a line being the words whose vertical extents overlap (so the “ ” of 财政拨款“三公”经费
  and a year set in another font stay on their line);
- pages with text and a table title but no ruled table: their layout-spaced lines
  (readers/pdfium.layout_text), each with its tokens where they are printed (GridRow.tokens), by
  which readers/text.layout_grid finds the columns. That is a page without ruling, and also one
  whose ruling forms no cells: rules between the rows only, or lines drawn slightly off the axes
  (which are not edges).

Locations are `Location(file, sheet="p<page>", line=<line on that page, top to bottom>)`, printed
"p12 line 7". The layout comes from the table titles and the year; entity and year from the cover
and the 第二部分 title; the unit from the "单位：" lines; 第三部分 becomes narrative blocks, its
lines wrapped at the right margin joined into paragraphs (`paragraphs`).

Before PDFium parses anything readers/pdf.py has bounded the file (its size, a %PDF- header, a
%%EOF end marker, no compressed stream expanding past the limits of pdfium_streams.check_streams); here the
document may have ≤ MAX_PAGES pages, and pdfium.Document.spend bounds what its pages hold.
"""

from __future__ import annotations

import bisect
import math
import operator
import re

from ..errors import UnusableInput
from ..findings import Finding
from ..model import Instance, Location
from .base import Conversion, make_header
from .cells import has_cjk
from .grid import Cell, GridRow, match_title, read_document, require_tables
from .pdfium import Page, Word, find_tables, layout_text, open_document
from .pdfium import words as page_words
from .narrative import narrative_blocks
from .text import has_layout_spacing, regrid

_PART3_RE = re.compile(r"^第三部分")
_LATER_RE = re.compile(r"^第[四五六]部分")
MAX_PAGES = 500
X_TOL = 3.0  # points: the same column border on two pages


def _lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped into text lines: a word joins the line whose first word it overlaps vertically
    by at least half its height; lines top to bottom, words left to right."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        h = max(w.bottom - w.top, 0.1)
        for line in reversed(lines[-3:]):
            ref = line[0]
            overlap = min(ref.bottom, w.bottom) - max(ref.top, w.top)
            if overlap >= 0.5 * min(h, ref.bottom - ref.top):
                line.append(w)
                break
        else:
            lines.append([w])
    for line in lines:
        line.sort(key=lambda w: w.x0)
    return lines


def _join(words: list[Word]) -> str:
    out = ""
    prev = None
    for w in words:
        if prev is not None and w.x0 - prev.x1 > 1.0:
            out += " "
        out += w.text
        prev = w
    return out


def _cell_text(text: str | None) -> str:
    if not text:
        return ""
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    return "".join(parts) if any(ord(ch) > 0x2e80 for ch in text) else " ".join(parts)


def _is_title(text: str, layouts) -> bool:
    """Whether the text is a table title of one of the layouts. A text without 表 is not one of a
    layout whose every title key has it (match_title's normalisation drops characters, never adds
    any), so most text lines are told apart without normalising them."""
    if len(text) > 60:
        return False
    plain = "表" not in text
    return any(not (plain and all("表" in k for k in lay.title_index)) and match_title(text, lay) is not None
               for lay in layouts)


class _Reading:
    """What reading a document carries from page to page: the column borders of the table being read
    (its first part), whether a title was just seen, and the stage (1: a table under a title seen, 2:
    then 第三部分, 3: a later part, which ends what needs reading)."""

    def __init__(self):
        self.borders: list[float] = []
        self.titled = False
        self.stage = 0


def pdf_rows(doc, file: str, layouts, geometry: dict | None = None, aside: list | None = None,
             unmapped: list | None = None, hidden: list | None = None) -> tuple[list[GridRow], bool]:
    """Grid rows of the whole document, and whether any page had text at all. Pages after the part
    that follows 第三部分 (第四部分 名词解释, 附件) are not read. `geometry`, if given, gets each
    text-line row's (x0, x1, size, page width) by id(row) (for joining wrapped narrative lines);
    `aside`, if given, (page, characters) of each page whose characters not upright as the page is
    shown were set aside (readers/pdfium.Page.aside); `unmapped`, if given, (page, count) of each page
    with glyphs mapped to no character (Page.unmapped); `hidden`, if given, (page, characters) of each
    page with characters read off the page as shown (`hidden_chars`)."""
    rows: list[GridRow] = []
    any_text = False
    state = _Reading()
    for pno in range(1, len(doc) + 1):
        if state.stage == 3:
            break  # 第四部分 (名词解释) and later: nothing to read, and parsing pages is the cost
        page = Page(doc, pno - 1)
        if page.aside and aside is not None:
            aside.append((pno, page.aside))
        if page.unmapped and unmapped is not None:
            unmapped.append((pno, page.unmapped))
        if hidden is not None and (outside := hidden_chars(page)):
            hidden.append((pno, outside))
        words = page_words(page.chars)
        if not words:
            continue
        any_text = True
        sheet = f"p{pno}"
        tables = find_tables(page.edges, page.chars, lambda n: doc.spend("crossings", n, pno)) if page.edges else []
        lines = _lines(words)
        spend = lambda n: doc.spend("layout", n, pno)  # noqa: E731
        spaced = None if tables else _layout_rows(page, lines, layouts, file, sheet, spend)
        if spaced is not None:
            rows.extend(spaced)
            continue
        tops = [l[0].top for l in lines]
        items = _text_items(lines, tables, tops, file, sheet, page.width, geometry)
        _table_items(tables, items, tops, layouts, state, file, sheet)
        items.sort(key=lambda x: x[0])
        rows.extend(r for _, r in items)
        _advance(state, items, layouts)
    return rows, any_text


def hidden_chars(page) -> list[str]:
    """The characters of a page that lie (by their centre) off the part a viewer shows and a printer
    prints: its media box cut to its crop box, its own or inherited (Page.shown, from PDFium). They
    are read as the file holds them (so the old reader and PDFium agree), and the caller says so
    when amounts are among them."""
    l, b, r, t = page.shown or page.box  # in PDF user space, as the page is drawn
    if not (l < r and b < t):  # a crop box off the media box: nothing shows
        return [c.text for c in page.chars]
    (ox, oy), (ux, uy), (vx, vy) = (page.place(x, y) for x, y in ((l, b), (r, b), (l, t)))  # as read
    ux, uy, vx, vy = ux - ox, uy - oy, vx - ox, vy - oy  # its sides (turned, on a deskewed page)
    uu, vv = ux * ux + uy * uy, vx * vx + vy * vy
    chars = page.chars
    if not chars or not (uu > 0 and vv > 0):
        return []
    if not page.skew:  # square to the page as read: every box inside is the usual page, seen in C
        x0, x1 = min(ox, ox + ux, ox + vx) - 0.5, max(ox, ox + ux, ox + vx) + 0.5
        y0, y1 = min(oy, oy + uy, oy + vy) - 0.5, max(oy, oy + uy, oy + vy) + 0.5
        if (min(map(_X0, chars)) >= x0 and max(map(_X1, chars)) <= x1
                and min(map(_TOP, chars)) >= y0 and max(map(_BOTTOM, chars)) <= y1):
            return []
    eu, ev = 0.5 / math.sqrt(uu), 0.5 / math.sqrt(vv)  # half a point of slack
    out = []
    for c in chars:
        dx, dy = (c.x0 + c.x1) / 2 - ox, (c.top + c.bottom) / 2 - oy
        s, w = (dx * ux + dy * uy) / uu, (dx * vx + dy * vy) / vv
        if not (-eu <= s <= 1 + eu and -ev <= w <= 1 + ev):
            out.append(c.text)
    return out


_X0, _X1, _TOP, _BOTTOM = (operator.itemgetter(i) for i in (1, 2, 3, 4))  # Char fields


def _garbled(rows: list[GridRow]) -> bool:
    """Text that is neither Chinese nor words: of its first 4,000 characters that are not spaces or
    numbers (at least 100 of them), under a tenth are Chinese and under half ASCII letters. Glyphs of
    fonts without a Unicode map come out as their glyph numbers' characters, mostly marks (Putuo's:
    '!"#$ %!"& #$' ()'); numbers (digits with their separators, sign and per cent: '-1,234.56',
    '12.5%') are left out, for a font of digits may keep its map, and a page of amounts alone is
    no garbled text."""
    text = [ch for r in rows[:400] for c in r.cells for ch in _NUMBER_RE.sub("", c.text)
            if not (ch.isspace() or ch.isdigit())][:4000]
    cjk = sum(map(has_cjk, text))
    letters = sum(ch.isascii() and ch.isalpha() for ch in text)
    return len(text) >= 100 and 10 * cjk < len(text) and 2 * letters < len(text)


_AMOUNT_RE = re.compile(r"\d\.\d\d")  # an amount's decimals, as a table prints every amount
_NUMBER_RE = re.compile(r"[-+]?\d[\d,.]*%?")  # a number as printed, which _garbled leaves out


def _sample(chars, n: int = 16) -> str:
    """The first n printable characters (one line: no line or paragraph separators)."""
    out = []
    for ch in chars:
        if ch.isprintable():
            out.append(ch)
            if len(out) == n:
                break
    return "".join(out)


def _line_no(tops: list[float], top: float) -> int:
    return max(1, bisect.bisect_left(tops, top - 1.0) + 1)


def _layout_rows(page, lines, layouts, file: str, sheet: str, spend) -> list[GridRow] | None:
    """A page without a ruled table holding a table title: its layout-spaced lines (no title among its
    text lines, as on the pages of 第三部分: no table, and no layout text to build: None)."""
    if not any(_is_title(_join(line), layouts) for line in lines):
        return None
    extents: dict[int, list] = {}
    raw = [l.rstrip() for l in layout_text(page.chars, page.height, extents, spend).splitlines()]
    if not (has_layout_spacing(raw) and any(_is_title(l.strip(), layouts) for l in raw)):
        return None
    out = []
    for n, l in enumerate(raw, start=1):
        loc = Location(file=file, sheet=sheet, line=n)
        toks = tuple((round(2 * x0), max(round(2 * x0) + 1, round(2 * x1)), t) for x0, x1, t in extents.get(n - 1, ()))
        out.append(GridRow([Cell(0, l, loc)], loc, toks or None))
    return out


def _inside(w, bbox) -> bool:
    cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
    return bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]


def _text_items(lines, tables, tops, file: str, sheet: str, width: float, geometry) -> list[tuple[float, GridRow]]:
    """One single-cell row per text line, of the words outside every table, by the line's top."""
    items: list[tuple[float, GridRow]] = []
    boxes = [t.bbox for t in tables]
    for line in lines:
        free = [w for w in line if not any(_inside(w, b) for b in boxes)] if boxes else line
        if free:
            loc = Location(file=file, sheet=sheet, line=_line_no(tops, line[0].top))
            row = GridRow([Cell(0, _join(free), loc)], loc)
            if geometry is not None:
                geometry[id(row)] = (free[0].x0, free[-1].x1, free[0].size, width)
            items.append((line[0].top, row))
    return items


def _table_items(tables, items, tops, layouts, state: _Reading, file: str, sheet: str) -> None:
    """The tables' rows added to `items`: each cell placed at its column among the borders of the
    table being read (a table under a new title, or whose borders differ, starts a new one)."""
    for t in tables:
        texts = t.extract()
        xs = sorted({round(c[0], 1) for r in t.rows for c in r.cells if c is not None})
        state.titled = any(top < t.bbox[1] and _is_title(r.text(), layouts) for top, r in items)
        borders = state.borders
        if not borders or state.titled or not all(any(abs(x - b) <= X_TOL for b in borders) for x in xs):
            borders = state.borders = xs
        for r, tr in zip(t.rows, texts):
            loc = Location(file=file, sheet=sheet, line=_line_no(tops, r.bbox[1]))
            cells = [Cell(_nearest(borders, bbox[0]), _cell_text(text), loc, _span(borders, bbox))
                     for bbox, text in zip(r.cells, tr) if bbox is not None]
            items.append((r.bbox[1], GridRow(cells, loc)))


def _nearest(borders: list[float], x: float) -> int:
    """The index of the border nearest to x (the first of two as near); borders sorted, distinct."""
    i = bisect.bisect_left(borders, x)
    if i == len(borders) or (i > 0 and abs(borders[i - 1] - x) <= abs(borders[i] - x)):
        return i - 1
    return i


def _span(borders: list[float], bbox) -> int:
    """How many column borders the cell covers (at least one)."""
    return (bisect.bisect_left(borders, bbox[2] - X_TOL) - bisect.bisect_left(borders, bbox[0] - X_TOL)) or 1


def _advance(state: _Reading, items, layouts) -> None:
    for _, r in items:
        text = r.text()
        if state.stage == 0 and len(r.cells) == 1 and _is_title(text, layouts):
            state.titled = True
        elif state.stage == 0 and state.titled and len(r.nonempty()) >= 2:
            state.stage = 1  # a table under a title (the table of contents has titles only)
        elif state.stage == 1 and _PART3_RE.match(text):
            state.stage = 2
        elif state.stage == 2 and _LATER_RE.match(text):
            state.stage = 3


def read_pages(data: bytes, where: str, tax, layout: str | None, entity: str | None, year: int | None) -> Conversion:
    """The instance and findings of a PDF's bytes, once readers/pdf.py has bounded the file and measured
    its compressed streams."""
    doc = open_document(data, where)
    try:
        if len(doc) > MAX_PAGES:
            raise UnusableInput.of("input:pdf-pages", where, pages=len(doc))
        geometry: dict = {}
        aside: list = []
        unmapped: list = []
        hidden: list = []
        rows, any_text = pdf_rows(doc, where, list(tax.layouts.values()), geometry, aside, unmapped, hidden)
    finally:
        doc.close()
    if not any_text:
        if aside:  # text there is, but all of it at an angle, turned or mirrored against the rest
            raise UnusableInput.of("input:pdf-text-aside", where, n=sum(len(a) for _, a in aside),
                                   sample=_sample(ch for _, a in aside for ch in a))
        raise UnusableInput.of("input:pdf-no-text", where)
    # each table's own 单位 line decides its unit (the summary line says when it is not 万元)
    # pages without ruled tables hold layout-spaced lines: their columns are recovered
    found = read_document(rows, tax, tax.layout(layout) if layout else None, regrid=regrid)
    if not found.tables and _garbled(rows):
        raise UnusableInput.of("input:pdf-no-unicode", where,
                               sample=_sample(ch for r in rows[:50] for c in r.cells for ch in c.text + " "))
    require_tables(found.tables, where)
    for pno, chars in aside:  # amounts among them would be lost: said, with the page (not a date stamp)
        if _AMOUNT_RE.search("".join(chars)):
            found.findings.append(Finding.of("convert:pdf-text-aside", Location(file=where), page=pno,
                                             n=len(chars), sample=_sample(chars)))
    for pno, chars in hidden:  # read, but not on the page as shown: amounts among them are said
        text = "".join(chars)
        if m := _AMOUNT_RE.search(text):  # the sample from the first amount's line of figures
            found.findings.append(Finding.of("convert:pdf-text-hidden", Location(file=where), page=pno,
                                             n=len(chars), sample=_sample(text[max(0, m.start() - 8):])))
    for pno, n in unmapped:  # read as U+FFFD: amounts among them are lost, said with the page
        found.findings.append(Finding.of("convert:pdf-unmapped", Location(file=where), page=pno, n=n))
    header = make_header(entity or found.entity, year or found.year, found.layout.id, where)
    texts, sheets, segments = paragraphs(rows, geometry)
    narrative = narrative_blocks(texts, where, [s[0][1] for s in segments], sheets, segments)
    inst = Instance(header, found.facts, narrative, source=where)
    return Conversion.from_tables(inst, found.findings, found.tables)


_HEADING_RE = re.compile(r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+(?:[、．]|\.(?!\d)))")


def paragraphs(rows: list[GridRow], geometry: dict) -> tuple[list[str], list[str], list]:
    """The rows' texts with the lines of a paragraph wrapped at the right margin joined into one
    (so a sentence reads whole: "一般公共服务支出（类）2106.66万元，占71.73%"): a text line that
    ends near the page's right text margin (within 4 characters: a figure like 1511.89 is not
    broken, so ragged lines end short) continues on the next text line of the page when that one
    starts at the left margin (an indented line opens a paragraph) and is not a heading. Each joined line keeps
    its page and the (offset, line) of each printed line joined into it, its first line's first."""
    right: dict[str, float] = {}
    left: dict[str, float] = {}
    for r in rows:
        g = geometry.get(id(r))
        if g and len(r.text()) >= 10:  # margins of the running text, not of page numbers or short notes
            right[r.loc.sheet] = max(right.get(r.loc.sheet, 0.0), g[1])
            left[r.loc.sheet] = min(left.get(r.loc.sheet, g[0]), g[0])
    texts: list[str] = []
    sheets: list[str] = []
    segments: list[list[tuple[int, int]]] = []
    prev = None
    for r in rows:
        g = geometry.get(id(r))
        text = r.text()
        if (g and prev is not None and prev[0] == r.loc.sheet and r.loc.sheet in right
                and g[0] <= left[r.loc.sheet] + 0.5 * g[2]
                and prev[1] >= right[r.loc.sheet] - 4 * prev[2] and not _HEADING_RE.match(text.strip())):
            segments[-1].append((len(texts[-1]), r.loc.line or 0))
            texts[-1] += text.strip()
        else:
            texts.append(text)
            sheets.append(r.loc.sheet)
            segments.append([(0, r.loc.line or 0)])
        prev = (r.loc.sheet, g[1], g[2]) if g else None
    return texts, sheets, segments
