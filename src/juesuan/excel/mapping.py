"""What the template writer and the workbook reader share: the mapping sheet's names and the digest
of a sheet's fixed cells (kept apart from template.py so that reading a workbook stays light)."""

from __future__ import annotations

import zlib
from decimal import Decimal
from typing import Iterable

TEMPLATE_MARK = "juesuan-template"
TEMPLATE_VERSION = "1"
MAPPING_SHEET = "_juesuan"
COVER_SHEET = "封面"


def digest_text(v) -> str:
    """How a fixed cell's value enters the sheet digest (the same for what we write and what we read)."""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, Decimal)):
        return format(Decimal(v), "f")
    return str(v)


def sheet_digest(cells: Iterable[tuple[int, int, object]]) -> str:
    """A checksum (CRC-32 and Adler-32) of a sheet's fixed cells: it notices labels edited by hand;
    it is no security boundary (the mapping it guards is validated against the layout anyway)."""
    data = "".join(
        f"{r}\t{c}\t{t}\n" for r, c, t in sorted((r, c, digest_text(v)) for r, c, v in cells if v is not None)
        if t.strip()).encode("utf-8")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"
