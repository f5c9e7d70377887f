"""Conversion of source documents into instances: dispatch by file type, then check the result.

Each reader returns a `Conversion`: the instance, the reader's findings (cells it could not read or
place), and a per-table summary. `convert_file` is what the CLI calls.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UnusableInput
from .findings import Finding
from .model import Header, Instance

TEXT_SUFFIXES = {".txt", ".text", ".tsv", ".csv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


@dataclass
class Conversion:
    instance: Instance
    findings: list[Finding] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)  # one line per table, Chinese
    summaries_en: list[str] = field(default_factory=list)


def make_header(entity: str | None, year: int | None, layout: str, where: str, status: str = "final") -> Header:
    if not entity:
        raise UnusableInput("entity name not found in the document; give it with --entity", where)
    if not year:
        raise UnusableInput("fiscal year not found in the document; give it with --year", where)
    return Header(entity=entity, fiscal_year=year, layout=layout, status=status)


def convert_file(path: str | os.PathLike, layout: str | None = None, entity: str | None = None,
                 year: int | None = None) -> Conversion:
    p = Path(path)
    if not p.exists():
        raise UnusableInput("no such file", str(path))
    if p.is_dir():
        raise UnusableInput("is a directory", str(path))
    suffix = p.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        from .readers.textdoc import read_text_file

        return read_text_file(p, layout=layout, entity=entity, year=year)
    if suffix in EXCEL_SUFFIXES:
        from .readers.excel import read_workbook

        return read_workbook(p, layout=layout, entity=entity, year=year)
    if suffix == ".xls":
        raise UnusableInput("old binary .xls workbooks are not supported; save it as .xlsx in Excel or LibreOffice", str(path))
    if suffix == ".pdf":
        from .readers.pdf import read_pdf

        return read_pdf(p, layout=layout, entity=entity, year=year)
    raise UnusableInput(f"unknown input type {suffix or '(no suffix)'}: expected .xlsx, .xlsm, .txt, .csv, .tsv or .pdf", str(path))


def check_converted(inst: Instance) -> list[Finding]:
    """Schema-validate the serialized instance, then run the table rules (what `validate` does)."""
    from .checks import check_instance
    from .schema import validate_schema
    from .xmlio import instance_to_bytes, parse_xml

    tree = parse_xml(instance_to_bytes(inst), inst.source)
    found = validate_schema(tree, inst.source)
    if found:
        return found
    return list(check_instance(inst))
