"""Conversion of source documents into instances: dispatch by file type, then check the result.

Each reader returns a `Conversion`: the instance, the reader's findings (cells it could not read or
place), and per table the account of its numbers (seen = placed + reported), rendered at output time.
`convert_file` is what the CLI calls.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import UnusableInput
from .findings import Finding
from .model import Header, Instance
from .records import field, record

TEXT_SUFFIXES = {".txt", ".text", ".tsv", ".csv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


@record
class Conversion:
    instance: Instance
    findings: list[Finding] = field(default_factory=list)
    accounts: list = field(default_factory=list)  # per table read: readers.accounting.TableAccount
    tables: tuple[str, ...] = ()  # ids of the layout's tables found in the source ("" = unknown: all)

    @classmethod
    def from_tables(cls, instance: Instance, findings: list[Finding], tables) -> "Conversion":
        """From the readers' per-table results (readers.grid.TableResult)."""
        tables = list(tables)
        return cls(instance, findings, [t.account() for t in tables], tuple(t.table.id for t in tables))

    def summaries(self, lang: str = "zh") -> list[str]:
        """One line per table read: numbers seen, placed, not placed (rendered now, in `lang`)."""
        return [a.text(lang) for a in self.accounts]


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
        raise UnusableInput.of("input:missing", str(path))
    if p.is_dir():
        raise UnusableInput.of("input:directory", str(path))
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


def check_converted(conv: Conversion, data: bytes | None = None) -> list[Finding]:
    """Schema-validate the serialized instance (`data`: its bytes, when the caller has them to write),
    then run the table rules (what `validate` does). An instance without a single fact is an error
    (convert:no-amounts): a blank template or a document whose tables hold nothing is not a report.

    Only rules among the tables the source contains are run: a CSV of the 02 表 alone must not fail
    the 01 = 02 rule. A document that lacks some of its layout's tables says so in one warning.
    """
    from .checks import check_instance, rules_for_layout
    from .schema import validate_schema
    from .taxonomy import load_taxonomy
    from .xmlio import instance_to_bytes, parse_xml

    inst = conv.instance
    empty = [] if inst.facts else [Finding.of("convert:no-amounts", file=inst.source)]
    tree = parse_xml(instance_to_bytes(inst) if data is None else data, inst.source)
    found = validate_schema(tree, inst.source)
    if found:
        return empty + found
    if not conv.tables:
        return empty + list(check_instance(inst))
    tax = load_taxonomy(inst.header.taxonomy)
    lay = tax.layout(inst.header.layout)
    present = set(conv.tables)

    def inside(rule) -> bool:
        return all(getattr(lay.table_for_statement(tax.concepts[c].statement), "id", None) in present
                   for c in rule.all_concepts())

    rules = tuple(r for r in rules_for_layout(tax.id, lay.id) if inside(r))
    out = empty + list(check_instance(inst, rules))
    missing = [t.id for t in lay.tables if t.id not in present]
    if missing and len(present) > 1:
        out.append(Finding.of("convert:tables-missing", file=inst.source, tables=missing))
    return out
