"""A narrative given apart from the tables (`juesuan convert FILE --narrative 说明.docx|.txt|.md`).

.txt and .md are read as lines (Markdown heading and emphasis marks dropped); .docx with python-docx
(`pip install 'juesuan[docx]'`), one line per paragraph (table cells of the document are not text
of the narrative). The lines are cut into blocks like part 3 of a report
(juesuan.readers.narrative): a text without a 第三部分 heading is taken as part 3 as a whole.
Positions: text line numbers; for .docx the paragraph as an XPath into word/document.xml
(`/w:document/w:body/w:p[12]`).
"""

from __future__ import annotations

import os

from ..errors import UnusableInput
from ..model import Location, NarrativeBlock

MAX_BYTES = 32 * 1024 * 1024


def read_narrative(path: str | os.PathLike) -> list[NarrativeBlock]:
    from ..readers.narrative import narrative_blocks

    where = str(path)
    if not os.path.isfile(where):
        raise UnusableInput.of("input:missing", where)
    if os.path.getsize(where) > MAX_BYTES:
        raise UnusableInput.of("input:narrative-too-large", where, limit=32)
    suffix = os.path.splitext(where)[1].lower()
    if suffix == ".docx":
        lines, numbers = _docx_lines(where)
    elif suffix in (".txt", ".md", ".text", ".markdown"):
        with open(where, "rb") as fh:
            data = fh.read()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise UnusableInput.of("input:narrative-encoding", where) from None
        lines = text.splitlines()
        if suffix in (".md", ".markdown"):
            lines = [_unmark(line) for line in lines]
        numbers = list(range(1, len(lines) + 1))
    else:
        raise UnusableInput.of("input:narrative-type" if suffix else "input:narrative-no-suffix", where, suffix=suffix)
    if not any(line.strip().startswith("第三部分") for line in lines):
        lines, numbers = ["第三部分", *lines], [numbers[0] if numbers else 1, *numbers]
    blocks = narrative_blocks(lines, where, line_numbers=numbers)
    if not blocks:
        raise UnusableInput.of("input:narrative-no-headings", where, example="一、… 二、…")
    if suffix == ".docx":
        blocks = [NarrativeBlock(b.key, b.title, b.text,
                                 Location(file=where, xpath=f"/w:document/w:body/w:p[{b.location.line}]"), b.sources)
                  for b in blocks]
    return blocks


def _unmark(line: str) -> str:
    s = line.strip()
    s = s.lstrip("#").strip() if s.startswith("#") else s
    if s.startswith(("- ", "* ", "> ")):
        s = s[2:]
    return s.replace("**", "").replace("__", "")


def _check_zip(where: str) -> None:
    """Refuse what is not a plain .docx before python-docx inflates it (zip bombs, encrypted files)."""
    import zipfile  # noqa: PLC0415

    try:
        with zipfile.ZipFile(where) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UnusableInput.of("input:docx-not-zip", where) from None
    if len(infos) > 1000 or "word/document.xml" not in {i.filename for i in infos}:
        raise UnusableInput.of("input:docx-no-document", where, part="word/document.xml")
    total = 0
    for i in infos:
        total += i.file_size
        if i.file_size > 64 * 1024 * 1024 or total > 256 * 1024 * 1024 or (
                i.file_size > 1024 * 1024 and i.file_size > 100 * max(i.compress_size, 1)):
            raise UnusableInput.of("input:docx-bomb", where, part=i.filename)


def _docx_lines(where: str) -> tuple[list[str], list[int]]:
    try:
        import docx  # noqa: PLC0415 - python-docx, optional
    except ImportError:
        raise UnusableInput.of("input:docx-extra", where, package="python-docx", command="pip install 'juesuan[docx]'") from None
    _check_zip(where)
    try:
        doc = docx.Document(where)
    except Exception as e:  # noqa: BLE001 - python-docx raises many kinds on a bad package
        raise UnusableInput.of("input:docx-unreadable", where, error=type(e).__name__) from None
    lines, numbers = [], []
    n = 0
    for p in doc.element.body.iterchildren():
        if p.tag.endswith("}p"):  # body paragraphs; tables of the document are not narrative text
            n += 1
            lines.append("".join(t.text or "" for t in p.iter() if t.tag.endswith("}t")))
            numbers.append(n)
    return lines, numbers
