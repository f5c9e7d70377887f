"""Text of a whole report as extracted from its PDF (tab-separated, like shared/reference) -> Instance."""

from __future__ import annotations

from pathlib import Path

from ..convert import Conversion, make_header
from ..errors import UnusableInput
from ..model import Instance
from ..taxonomy import load_taxonomy
from .grid import read_document
from .text import tab_rows

MAX_TEXT_BYTES = 20 * 1024 * 1024


def decode_text(data: bytes, where: str) -> str:
    if not data.strip():
        raise UnusableInput("empty file", where)
    if b"\x00" in data[:8192]:
        raise UnusableInput("binary data, not text", where)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            raise UnusableInput(f"not UTF-8 text (byte {e.start})", where) from None
        raise UnusableInput("text is GBK/GB18030-encoded; convert it to UTF-8 (e.g. iconv -f GB18030 -t UTF-8)", where) from None


def read_text_file(path: Path, layout: str | None = None, entity: str | None = None, year: int | None = None) -> Conversion:
    where = str(path)
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise UnusableInput(f"file is {size:,} bytes; a report's text is far smaller", where)
    text = decode_text(path.read_bytes(), where)
    tax = load_taxonomy()
    rows = tab_rows(text, where)
    doc = read_document(rows, tax, tax.layout(layout) if layout else None)
    if not doc.tables:
        raise UnusableInput("no table of the 部门决算 set found (looked for titles like 收入支出决算总表)", where)
    header = make_header(entity or doc.entity, year or doc.year, doc.layout.id, where)
    inst = Instance(header, doc.facts, source=where)
    return Conversion(inst, doc.findings, [t.summary() for t in doc.tables], [t.summary("en") for t in doc.tables])
