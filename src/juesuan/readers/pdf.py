"""A report PDF -> Instance: the file bounded, then its pages read (readers/pdfpages.py).

Before PDFium parses anything the file is bounded: ≤ MAX_PDF_BYTES, a %PDF- header, a %%EOF end
marker, and no compressed stream expanding past the limits of pdfium.check_streams. That check
inflates the streams big enough to pass a limit (the Putuo PDF's 3.4 MB embedded font: a tenth of
its conversion), and inflating releases the GIL: so it runs on a second thread while this one
imports the page reader and the table matcher and loads the taxonomy, and PDFium is given the file
only once it has passed. On one core the two simply take turns.
"""

from __future__ import annotations

import threading
from pathlib import Path

from ..errors import UnusableInput
from .base import Conversion
from .pdfium import check_streams

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
    check = _StreamCheck(data, where)
    check.start()
    try:
        from ..taxonomy import load_taxonomy
        from .pdfpages import read_pages

        tax = load_taxonomy()
    finally:
        check.join()
    check.raise_refusal()
    return read_pages(data, where, tax, layout, entity, year)


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


class _StreamCheck(threading.Thread):
    """pdfium.check_streams(data) on a thread of its own; raise_refusal() (after join()) raises what it
    raised, a refusal (UnusableInput) or anything else, in the reading thread."""

    def __init__(self, data: bytes, where: str):
        super().__init__(name="juesuan-pdf-stream-check", daemon=True)
        self.data, self.where = data, where
        self.raised: BaseException | None = None

    def run(self) -> None:
        try:
            check_streams(self.data, self.where)
        except BaseException as e:  # noqa: BLE001 - handed to the reading thread, which raises it
            self.raised = e

    def raise_refusal(self) -> None:
        if self.raised is not None:
            raise self.raised
