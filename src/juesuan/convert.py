"""Conversion of source documents into instances: dispatch by file type, then check the result.

Each reader returns a `Conversion`: the instance, the reader's findings (cells it could not read or
place), and a per-table summary. `convert_file` is what the CLI calls.
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
    summaries: list[str] = field(default_factory=list)  # one line per table, Chinese
    summaries_en: list[str] = field(default_factory=list)
    tables: tuple[str, ...] = ()  # ids of the layout's tables found in the source ("" = unknown: all)
    # source cells in a fact's place that held no amount, each with its finding already:
    # {(concept, code or ""): (Location, table id)}; the checks skip the rules that need them
    unreadable: dict = field(default_factory=dict)

    @classmethod
    def from_tables(cls, instance: Instance, findings: list[Finding], tables) -> "Conversion":
        """From the readers' per-table results (readers.grid.TableResult)."""
        tables = list(tables)
        unreadable = {}
        for t in tables:
            for concept, code, cell in getattr(t, "unreadable", ()):
                unreadable.setdefault((concept, code), (cell.loc, t.table.id))
        return cls(instance, findings, [t.summary() for t in tables], [t.summary("en") for t in tables],
                   tuple(t.table.id for t in tables), unreadable)


def make_header(entity: str | None, year: int | None, layout: str, where: str, status: str = "final") -> Header:
    if not entity:
        raise UnusableInput("entity name not found in the document; give it with --entity", where)
    if not year:
        raise UnusableInput("fiscal year not found in the document; give it with --year", where)
    return Header(entity=entity, fiscal_year=year, layout=layout, status=status)


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
        raise UnusableInput("the entity name holds only control characters; give it with --entity", inst.source)
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


def check_converted(conv: Conversion, data: bytes | None = None) -> list[Finding]:
    """Schema-validate the serialized instance (`data`: its bytes, when the caller has them to write),
    then run the table rules (what `validate` does).

    Only rules among the tables the source contains are run: a CSV of the 02 表 alone must not fail
    the 01 = 02 rule. A document that lacks some of its layout's tables says so in one warning.
    """
    from .checks import check_instance, rules_for_layout
    from .schema import validate_schema
    from .taxonomy import load_taxonomy
    from .xmlio import instance_to_bytes, parse_xml

    inst = conv.instance
    tree = parse_xml(instance_to_bytes(inst) if data is None else data, inst.source)
    found = validate_schema(tree, inst.source)
    if found:
        return found
    if not conv.tables:
        return list(check_instance(inst, unreadable=conv.unreadable))
    tax = load_taxonomy(inst.header.taxonomy)
    lay = tax.layout(inst.header.layout)
    present = set(conv.tables)

    def inside(rule) -> bool:
        return all(getattr(lay.table_for_statement(tax.concepts[c].statement), "id", None) in present
                   for c in rule.all_concepts())

    rules = tuple(r for r in rules_for_layout(tax.id, lay.id) if inside(r))
    out = list(check_instance(inst, rules, unreadable=conv.unreadable))
    missing = [t.id for t in lay.tables if t.id not in present]
    if missing and len(present) > 1:
        out.append(Finding.of("convert:tables-missing", file=inst.source, tables=missing))
    return out
