"""The check of a PDF's compressed streams before PDFium is given the file (moved out of
readers/pdfium.py, which re-exports its names).

Before PDFium sees the file, every Flate stream that could expand past the limits is inflated
here in bounded 64 KB steps (`check_streams`): a content stream or object stream over
MAX_STREAM_BYTES, or a font or image over MAX_FONT_BYTES, refuses the file with one line (a
stream whose filter is given by reference is measured as if it were Flate). Deflate expands at
most 1032:1, so streams too small to reach the limit are not inflated at all; those that are (the
Putuo PDF's embedded CJK font: 3.4 MB, 4.4 MB inflated) are inflated with isal (ISA-L's inflate,
about twice zlib's speed; in the pdf extra) when it is installed, else with zlib. Other filters
(LZW, run-length) are not measured.
"""

from __future__ import annotations

import re
import zlib

from ..errors import UnusableInput

MAX_STREAM_BYTES = 16 * 1024 * 1024  # one decompressed content/object stream (a report page: ~100 KB)
MAX_FONT_BYTES = 64 * 1024 * 1024  # one decompressed embedded font or image (a full CJK font: ~20 MB)
MAX_INFLATED_BYTES = 256 * 1024 * 1024  # all checked streams together
_DEFLATE_MAX_RATIO = 1032
_STEP = 1 << 16  # input and output per inflate step
_INDIRECT_FILTER = re.compile(rb"/Filter\s*(\d+\s+\d+\s+R|\[[^\]]*\d+\s+\d+\s+R)")  # named elsewhere: measured


def check_streams(data: bytes, where: str, decrypted: bool = False) -> None:
    """Refuse a PDF with a Flate stream that expands past the limits (a decompression bomb), before
    PDFium inflates it in memory. Only streams big enough to pass a limit are inflated, in 64 KB steps.

    In an encrypted file (one naming an /Encrypt dictionary) the streams are encrypted and do not
    inflate here: pdfium.open_document measures them in the copy PDFium saves without its encryption.
    But PDFium inflates object streams to open and save the document at all, so an object stream
    big enough to pass the limit that does not inflate to its end here (encrypted) refuses the file.
    `decrypted`: data is that copy, whose offsets are not the file's (a bomb is refused without one)."""
    view = memoryview(data)
    total = 0
    encrypted = b"/Encrypt" in data
    for at in _streams(data):
        start = at + 7 if data[at + 6] == 10 else at + 8
        end = data.find(b"endstream", start)
        end = len(data) if end == -1 else end
        head = data[max(0, at - 400): at]
        head = head[head.rfind(b" obj") + 4:]
        if b"/Filter" not in head:
            continue  # stored as it is: it cannot expand
        if b"Flate" not in head and not _INDIRECT_FILTER.search(head):
            continue  # another filter (DCT, LZW, ...): not measured here
        binary = any(k in head for k in (b"/Length1", b"/Length2", b"/Length3", b"/FontFile", b"OpenType", b"Type1C",
                                         b"CIDFontType0C", b"/Image"))
        limit = MAX_FONT_BYTES if binary else MAX_STREAM_BYTES
        nested = head.count(b"Flate") > 1
        if not nested and (end - start) * _DEFLATE_MAX_RATIO <= limit:
            continue
        size, whole = _inflated_size(view[start:end], limit, nested)
        total += size
        if size > limit or total > MAX_INFLATED_BYTES:
            mb = min(limit, MAX_INFLATED_BYTES) // 2**20
            if decrypted:
                raise UnusableInput.of("input:pdf-bomb-decrypted", where, limit=mb)
            raise UnusableInput.of("input:pdf-bomb", where, offset=at, limit=mb)
        if encrypted and not whole and b"/ObjStm" in head:
            raise UnusableInput.of("input:pdf-encrypted-objstm", where, offset=at)


def _streams(data: bytes):
    """Offsets of the `stream` keywords that open a stream body (not those of `endstream`)."""
    at = data.find(b"stream")
    while at != -1:
        nxt = data[at + 6: at + 8]
        if data[max(0, at - 3): at] != b"end" and (nxt[:1] == b"\n" or nxt == b"\r\n"):
            yield at
        at = data.find(b"stream", at + 6)


def _inflater():
    """isal's zlib (ISA-L: the same inflate, about twice as fast) when installed, else zlib."""
    try:
        from isal import isal_zlib
    except ImportError:
        return zlib, (zlib.error,)
    return isal_zlib, (zlib.error, isal_zlib.error)


def _inflated_size(raw: memoryview, limit: int, nested: bool) -> tuple[int, bool]:
    """The stream's inflated size, or the first size over limit, and whether it inflated to its end
    (False: damaged or encrypted data, of which PDFium decodes at most what inflates here): fed 64 KB
    of input at a time (zlib copies what a step leaves unconsumed) for at most 64 KB of output a step
    (buffers that small are reused, not mapped afresh each step)."""
    z, errors = _inflater()
    d = z.decompressobj()
    inner = z.decompressobj() if nested else None
    size = 0
    pos, end = 0, len(raw)
    chunk = raw[:0]
    try:
        while True:
            if not chunk and pos < end:
                chunk, pos = raw[pos:pos + _STEP], pos + _STEP
            out = d.decompress(chunk, _STEP)
            got = len(out)
            if inner is not None:
                out = inner.decompress(out, limit + 1 - size) if not inner.eof else b""
            size += len(out)
            if size > limit:
                return size, False
            chunk = d.unconsumed_tail
            if d.eof or (not chunk and pos >= end and not got):
                return size, d.eof
    except errors:
        return size, False  # damaged (or encrypted) data: PDFium decodes at most what inflates
