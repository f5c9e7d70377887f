"""The PDF reader as it was on pdfplumber (pdfminer), kept only as the baseline the PDFium reader
(src/juesuan/readers/pdf.py) is compared against: tests/test_pdf_reader.py checks both give the
same facts, benchmarks/bench_pdf.py times both in one run. Needs pdfplumber (the test extra).


pdfplumber (the `pdf` extra) is imported only here, only when a PDF is read. Each page becomes
grid rows in reading order (top to bottom):

- ruled tables (`page.find_tables()`, from the drawn cell borders): one grid row per table row,
  one cell per table cell with its physical column (the cell's left border among the table's
  column borders) and its span, so blank cells keep their place and merged header cells cover
  their columns; text wrapped inside a cell is joined. A table continued on the next page (no
  title in between) keeps the columns of its first part, matched by the x position of the
  column borders, so the matcher sees one table; its header repeated there is skipped by the
  matcher;
- the other words (cover, titles, units, notes, 第三部分 text): one single-cell row per text
  line, a line being the words whose vertical extents overlap (so the “ ” of 财政拨款“三公”经费
  and a year set in another font stay on their line);
- pages with text but no ruled table: their `extract_text(layout=True)` lines, whose columns
  readers/text.layout_grid recovers from the spacing.

Locations are `Location(file, sheet="p<page>", line=<line on that page, top to bottom>)`, printed
"p12 line 7". The layout comes from the table titles and the year; entity and year from the cover
and the 第二部分 title; the unit from the "单位：" lines; 第三部分 becomes narrative blocks.
"""

from __future__ import annotations

import bisect
from pathlib import Path

from juesuan.readers.base import Conversion, make_header
from juesuan.errors import UnusableInput
import re
from juesuan.model import Instance, Location
from juesuan.taxonomy import load_taxonomy
from juesuan.readers.grid import Cell, GridRow, match_title, read_document, require_tables
from juesuan.readers.narrative import narrative_blocks
from juesuan.readers.text import has_layout_spacing, regrid

MAX_PDF_BYTES = 100 * 1024 * 1024
_PART3_RE = re.compile(r"^第三部分")
_LATER_RE = re.compile(r"^第[四五六]部分")
MAX_PAGES = 500
X_TOL = 3.0  # points: the same column border on two pages


def _open(path: Path):
    try:
        import pdfplumber
    except ImportError:
        raise UnusableInput("reading PDF needs the pdf extra: pip install 'juesuan[pdf]'", str(path)) from None
    return pdfplumber


def _pdf_errors():
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdftypes import PDFException
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    return (PDFEncryptionError, PDFPasswordIncorrect, PDFException, PSException, MalformedPDFException,
            PdfminerException)


def _why(err: BaseException) -> str:
    seen = err
    while seen is not None:
        name = type(seen).__name__
        if "Password" in name or "Encryption" in name or "encrypt" in str(seen).lower():
            return "the PDF is encrypted (password-protected); save an unprotected copy first"
        seen = seen.__cause__ or seen.__context__ or (seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None)
    return f"not a readable PDF (damaged or truncated: {type(err).__name__})"


def _lines(words: list[dict]) -> list[list[dict]]:
    """Words grouped into text lines: a word joins the line whose first word it overlaps vertically
    by at least half its height; lines top to bottom, words left to right."""
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        h = max(w["bottom"] - w["top"], 0.1)
        for line in reversed(lines[-3:]):
            ref = line[0]
            overlap = min(ref["bottom"], w["bottom"]) - max(ref["top"], w["top"])
            if overlap >= 0.5 * min(h, ref["bottom"] - ref["top"]):
                line.append(w)
                break
        else:
            lines.append([w])
    for line in lines:
        line.sort(key=lambda w: w["x0"])
    return lines


def _join(words: list[dict]) -> str:
    out = ""
    prev = None
    for w in words:
        if prev is not None and w["x0"] - prev["x1"] > 1.0:
            out += " "
        out += w["text"]
        prev = w
    return out


def _cell_text(text: str | None) -> str:
    if not text:
        return ""
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    return "".join(parts) if any(ord(ch) > 0x2e80 for ch in text) else " ".join(parts)


def _is_title(text: str, layouts) -> bool:
    return len(text) <= 60 and any(match_title(text, lay) is not None for lay in layouts)


def pdf_rows(pdf, file: str, layouts) -> tuple[list[GridRow], bool]:
    """Grid rows of the whole document, and whether any page had text at all. Pages after the part
    that follows 第三部分 (第四部分 名词解释, 附件) are not read."""
    rows: list[GridRow] = []
    borders: list[float] = []  # column borders of the table being read (its first part)
    any_text = False
    stage = 0  # 1: a table under a title seen, 2: then 第三部分; a later part ends what needs reading
    titled = False
    for pno, page in enumerate(pdf.pages, start=1):
        if stage == 3:
            break  # 第四部分 (名词解释) and later: nothing to read, and parsing pages is the cost
        sheet = f"p{pno}"
        words = page.extract_words(use_text_flow=False, keep_blank_chars=False)
        if not words:
            continue
        any_text = True
        tables = page.find_tables() if (page.lines or page.rects) else []
        lines = _lines(words)
        tops = [l[0]["top"] for l in lines]

        def line_no(top: float) -> int:
            return max(1, bisect.bisect_left(tops, top - 1.0) + 1)

        def inside(w, bbox) -> bool:
            cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
            return bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]

        items: list[tuple[float, GridRow]] = []
        if not tables and not page.lines and not page.rects:
            text = page.extract_text(layout=True) or ""
            raw = [l.rstrip() for l in text.splitlines()]
            if has_layout_spacing(raw) and any(_is_title(l.strip(), layouts) for l in raw):
                for n, l in enumerate(raw, start=1):
                    loc = Location(file=file, sheet=sheet, line=n)
                    rows.append(GridRow([Cell(0, l, loc)], loc))
                continue
        for line in lines:
            free = [w for w in line if not any(inside(w, t.bbox) for t in tables)]
            if free:
                text = _join(free)
                loc = Location(file=file, sheet=sheet, line=line_no(line[0]["top"]))
                items.append((line[0]["top"], GridRow([Cell(0, text, loc)], loc)))
        for t in tables:
            texts = t.extract()
            xs = sorted({round(c[0], 1) for r in t.rows for c in r.cells if c is not None})
            titled = any(top < t.bbox[1] and _is_title(r.text(), layouts) for top, r in items)
            if not borders or titled or not all(any(abs(x - b) <= X_TOL for b in borders) for x in xs):
                borders = xs
            for r, tr in zip(t.rows, texts):
                loc = Location(file=file, sheet=sheet, line=line_no(r.bbox[1]))
                cells = []
                for bbox, text in zip(r.cells, tr):
                    if bbox is None:
                        continue
                    col = min(range(len(borders)), key=lambda k: abs(borders[k] - bbox[0]))
                    span = sum(1 for b in borders if bbox[0] - X_TOL <= b < bbox[2] - X_TOL) or 1
                    cells.append(Cell(col, _cell_text(text), loc, span))
                items.append((r.bbox[1], GridRow(cells, loc)))
        items.sort(key=lambda x: x[0])
        rows.extend(r for _, r in items)
        for _, r in items:
            text = r.text()
            if stage == 0 and len(r.cells) == 1 and _is_title(text, layouts):
                titled = True
            elif stage == 0 and titled and len(r.nonempty()) >= 2:
                stage = 1  # a table under a title (the table of contents has titles only)
            elif stage == 1 and _PART3_RE.match(text):
                stage = 2
            elif stage == 2 and _LATER_RE.match(text):
                stage = 3
    return rows, any_text


def read_pdf_pdfplumber(path: Path, layout: str | None = None, entity: str | None = None, year: int | None = None) -> Conversion:
    where = str(path)
    pdfplumber = _open(path)
    size = path.stat().st_size
    if size == 0:
        raise UnusableInput("empty file", where)
    if size > MAX_PDF_BYTES:
        raise UnusableInput(f"file is {size:,} bytes; a report PDF is far smaller", where)
    with path.open("rb") as fh:
        if not fh.read(1024).lstrip().startswith(b"%PDF-"):
            raise UnusableInput("not a PDF (no %PDF- header)", where)
    tax = load_taxonomy()
    errors = _pdf_errors()
    try:
        with pdfplumber.open(path) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise UnusableInput(f"{len(pdf.pages)} pages; a report has far fewer", where)
            rows, any_text = pdf_rows(pdf, where, list(tax.layouts.values()))
    except UnusableInput:
        raise
    except errors as e:
        raise UnusableInput(_why(e), where) from None
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, OverflowError, ZeroDivisionError) as e:
        # pdfminer raises plain Python errors on some damaged files
        raise UnusableInput(f"not a readable PDF (damaged or truncated: {type(e).__name__})", where) from None
    if not any_text:
        raise UnusableInput("the PDF has no text layer (scanned images?); run OCR on it first", where)
    texts = [r.text() for r in rows]
    # each table's own 单位 line decides its unit (the summary line says when it is not 万元)
    # pages without ruled tables hold layout-spaced lines: their columns are recovered
    doc = read_document(rows, tax, tax.layout(layout) if layout else None, regrid=regrid)
    require_tables(doc.tables, where)
    header = make_header(entity or doc.entity, year or doc.year, doc.layout.id, where)
    narrative = narrative_blocks(texts, where, [r.loc.line or 0 for r in rows], [r.loc.sheet for r in rows])
    inst = Instance(header, doc.facts, narrative, source=where)
    return Conversion.from_tables(inst, doc.findings, doc.tables)



def main(argv: list[str]) -> None:
    """`juesuan ARGS...` with this reader in place of the PDFium one (the whole-process baseline of
    benchmarks/bench_pdf.py): python -m tests.pdfplumber_reader convert FILE.pdf -o OUT.xml"""
    import gc
    import sys

    gc.set_threshold(50_000, 50, 50)  # as juesuan.__main__ does
    import juesuan.readers.pdf

    juesuan.readers.pdf.read_pdf = read_pdf_pdfplumber
    from juesuan.cli import console

    sys.argv = ["juesuan", *argv]
    console()


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
