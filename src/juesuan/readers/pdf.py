"""A report PDF -> Instance: the file bounded, then its pages read (readers/pdfpages.py).

Before PDFium parses anything the file is bounded: ≤ MAX_PDF_BYTES, a %PDF- header, a %%EOF end
marker, and no compressed stream expanding past the limits of pdfium_streams.check_streams (the
streams of a PDF encrypted with an owner password only are measured once PDFium has saved a copy
without its encryption: pdfium.open_document).

(Running that check on a second thread while the page reader's modules load, as inflating releases
the GIL, was tried: in 30 paired runs of the Putuo PDF it gained nothing measurable, so it is not done.)
"""

from __future__ import annotations

from pathlib import Path

from ..errors import UnusableInput
from ..taxonomy import load_taxonomy
from .base import Conversion
from .pdfium_streams import check_streams
from .pdfpages import read_pages

MAX_PDF_BYTES = 100 * 1024 * 1024


def read_pdf(path: Path, layout: str | None = None, entity: str | None = None, year: int | None = None) -> Conversion:
    """The PDF's instance and the reader's findings. The cyclic garbage collector is paused while
    the document is read: reading makes some 100,000 small objects (characters, words, cells, rows)
    that hold no reference cycles, so reference counting frees them, and the collector's passes over
    them and over every object imported before would cost a fifth of the conversion's CPU."""
    import gc

    paused = gc.isenabled()
    gc.disable()
    try:
        return _read_pdf(path, layout, entity, year)
    finally:
        if paused:
            gc.enable()


def _read_pdf(path: Path, layout: str | None, entity: str | None, year: int | None) -> Conversion:
    where = str(path)
    data = _bounded_bytes(path, where)
    check_streams(data, where)
    return read_pages(data, where, load_taxonomy(), layout, entity, year)


def _bounded_bytes(path: Path, where: str) -> bytes:
    size = path.stat().st_size
    if size == 0:
        raise UnusableInput.of("input:pdf-empty", where)
    if size > MAX_PDF_BYTES:
        raise UnusableInput.of("input:pdf-too-large", where, size=size)
    with path.open("rb") as fh:
        data = fh.read(MAX_PDF_BYTES + 1)
    if not data[:1024].lstrip().startswith(b"%PDF-"):
        raise UnusableInput.of("input:not-pdf", where)
    if b"%%EOF" not in data[-2048:]:
        raise UnusableInput.of("input:pdf-truncated", where)
    return data
