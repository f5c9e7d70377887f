"""Conversion of source documents into instances: dispatch by file type, then check the result.

Each reader returns a `Conversion`: the instance, the reader's findings (cells it could not read or
place), and per table the account of its numbers (seen = placed + reported), rendered at output time. `convert_file` is what the CLI calls.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import UnusableInput
from .findings import Finding
from .readers.base import Conversion, make_header  # noqa: F401 - the readers' result, re-exported

TEXT_SUFFIXES = {".txt", ".text", ".tsv", ".csv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


def convert_file(path: str | os.PathLike, layout: str | None = None, entity: str | None = None,
                 year: int | None = None) -> Conversion:
    from .limits import regular_file, xml_unsafe

    p = Path(path)
    regular_file(p, str(path))  # a FIFO, device or socket (or a symlink to one) is refused in one line
    if entity is not None and xml_unsafe(entity):
        raise UnusableInput.of("input:control-character", str(path))
    return _xml_safe(_convert(p, str(path), layout, entity, year))


def _convert(p: Path, path: str, layout: str | None, entity: str | None, year: int | None) -> Conversion:
    suffix = p.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        from .readers.textdoc import read_text_file

        return read_text_file(p, layout=layout, entity=entity, year=year)
    if suffix in EXCEL_SUFFIXES:
        from .readers.excel import read_workbook

        return read_workbook(p, layout=layout, entity=entity, year=year)
    if suffix == ".xls":
        raise UnusableInput.of("input:xls", str(path))
    if suffix == ".pdf":
        from .readers.pdf import read_pdf

        return read_pdf(p, layout=layout, entity=entity, year=year)
    raise UnusableInput.of("input:unknown-type" if suffix else "input:no-suffix", str(path), suffix=suffix)


def _xml_safe(conv: Conversion) -> Conversion:
    """Remove the characters XML cannot hold (control characters such as \\x08 in the source's text)
    from the header and the narrative, with one warning per field or block that had any."""
    from .limits import xml_clean
    from .model import Location
    from .records import replace

    inst = conv.instance
    changes, notes = {}, []
    for name in ("entity", "uscc", "preparer", "date", "note", "status"):
        v = getattr(inst.header, name)
        if isinstance(v, str):
            clean, n = xml_clean(v)
            if n:
                changes[name] = clean
                notes.append(Finding.of("convert:control-characters", Location(file=inst.source), n=n))
    if changes.get("entity") == "":
        raise UnusableInput.of("input:entity-control-characters", inst.source, option="--entity")
    if changes:
        inst.header = replace(inst.header, **changes)
    for i, b in enumerate(inst.narrative):
        text, n = xml_clean(b.text)
        title, m = xml_clean(b.title)
        if n or m:
            inst.narrative[i] = replace(b, text=text, title=title)
            notes.append(Finding.of("convert:control-characters", b.location, n=n + m))
    conv.findings.extend(notes)
    return conv


def check_converted(conv: Conversion, data: bytes | None = None, xml_file: str | None = None) -> list[Finding]:
    """Schema-validate the serialized instance (`data`: its bytes, when the caller has them to write),
    then run the table rules over the tables the source contained: what `validate` does on the XML
    written (juesuan.loader, juesuan.validate.check_present). `xml_file`: where `data` is written; the
    schema findings' locations name it, for their lines are the XML's, not the source's (the findings
    stay the source's: Finding.file).
    """
    from .schema import validate_schema, validate_unique_facts
    from .validate import check_present
    from .xmlio import instance_to_bytes, parse_xml

    inst = conv.instance
    # an instance without a single fact is an error: a blank template is not a report
    empty = [] if inst.facts else [Finding.of("convert:no-amounts", file=inst.source)]
    tree = parse_xml(instance_to_bytes(inst) if data is None else data, inst.source)
    # the loader's XSD step (the model is `inst` itself): Facts holds each (concept, code) once, made sure of here
    unique = len({(f.concept, f.code or "") for f in inst.facts}) == len(inst.facts)
    found = (validate_unique_facts if unique else validate_schema)(tree, inst.source)
    if found:
        if xml_file is not None:
            from .records import replace

            found = [replace(f, location=replace(f.location, file=xml_file)) for f in found]
        return empty + found
    return empty + check_present(inst, unreadable=conv.unreadable)
