"""Text of a report as extracted from its PDF, or a CSV/TSV of one table -> Instance.

Which reader: `.csv` is comma-separated and `.tsv` tab-separated cells; a `.txt` with tabs in
its lines is tab-separated (like shared/reference); other `.txt` is space-separated
extract_text() output, with layout spacing (columns kept apart by runs of spaces) or plain (see
readers/spaced.py). A CSV/TSV holding one table (no title line) is matched to the layout table
whose column labels its header row names best; put the table's title on the first line to say
which table it is.

Encoding: UTF-8 (with or without BOM). Text that is not UTF-8 but decodes as GB18030 (the superset
of GBK/GB2312 that Chinese Windows tools write) and reads as Chinese is decoded as GB18030 and an
info finding says so; anything else is refused with one line.
"""

from __future__ import annotations

import functools
from pathlib import Path

from ..errors import UnusableInput
from ..findings import Finding
from ..model import Instance, Where
from ..taxonomy import Layout, Taxonomy, load_taxonomy, normalize_label
from .base import Conversion, make_header
from .grid import GridRow, TableMatcher, document_unit, read_document, require_tables, unit_of, unplaced_findings
from .accounting import account
from .narrative import narrative_blocks
from .tabless import tab_columns
from .text import csv_rows, line_rows, regrid, tab_rows

MAX_TEXT_BYTES = 20 * 1024 * 1024


def decode_text(data: bytes, where: str) -> tuple[str, str]:
    """(text, encoding). Raises UnusableInput for empty, binary or undecodable input."""
    if not data.strip():
        raise UnusableInput.of("input:empty", where)
    if b"\x00" in data[:8192] or data[:5] == b"%PDF-" or data[:4] == b"PK\x03\x04":
        raise UnusableInput.of("input:binary", where)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as e:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise UnusableInput.of("input:not-utf8", where, byte=e.start) from None
        visible = [ch for ch in text if not ch.isspace()]
        if not visible or _ideographs(text) < 0.2 * len(visible):
            raise UnusableInput.of("input:not-utf8-not-chinese", where, byte=e.start) from None
        return text, "gb18030"


def _ideographs(text: str) -> int:
    """How many CJK ideographs (U+4E00–U+9FFF) the text holds. A loop, not a regex: compiling that
    character class costs ~3 ms of every text conversion's start-up."""
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


def read_text_file(path: Path, layout: str | None = None, entity: str | None = None, year: int | None = None) -> Conversion:
    where = str(path)
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise UnusableInput.of("input:text-too-large", where, size=size)
    text, encoding = decode_text(path.read_bytes(), where)
    notes: list[Finding] = []  # the decoding, then the CSV records that could not be read
    if encoding != "utf-8":
        notes.append(Finding.of("convert:encoding", file=where, where=where))
    tax = load_taxonomy()
    suffix = path.suffix.lower()
    respace = None
    problems: list = []
    if suffix == ".csv":
        rows = csv_rows(text, where, ",", problems)
    elif suffix == ".tsv":
        rows = csv_rows(text, where, "\t", problems)
    elif sum(1 for l in text.splitlines() if "\t" in l) >= 3:
        rows = tab_rows(text, where)
    else:
        rows = line_rows(text, where)
        # tabs lost to spaces are recognised over the whole text (a table may hold no telling line)
        respace = functools.partial(regrid, plain_fallback=True, columns=tab_columns(text.splitlines()))
    notes += [_csv_problem(loc, why) for loc, why in problems]
    lay = tax.layout(layout) if layout else None
    # each table's own 单位 line decides its unit (the summary line says when it is not 万元)
    doc = read_document(rows, tax, lay, regrid=respace)
    tables, facts, findings = doc.tables, doc.facts, doc.findings
    used_layout = doc.layout
    if not tables and suffix in (".csv", ".tsv"):
        unit = unit_of(rows) or document_unit([r.text() for r in rows])
        used_layout, tables = _single_table(rows, tax, lay, year or doc.year, unit)
        facts = [f for t in tables for f in t.facts]
        findings = [f for t in tables for f in t.findings] + unplaced_findings(tables)
    require_tables(tables, where)
    header = make_header(entity or doc.entity, year or doc.year, used_layout.id, where)
    narrative = narrative_blocks([r.text() for r in rows], where, [r.loc.line or 0 for r in rows])
    inst = Instance(header, facts, narrative, source=where)
    return Conversion.from_tables(inst, notes + findings, tables)


def _single_table(rows: list[GridRow], tax: Taxonomy, layout: Layout | None, year: int | None, unit: str):
    """A CSV/TSV of one table without a title: the table whose column labels the header names."""
    head = [normalize_label(c.text) for r in rows[:6] for c in r.nonempty()]
    best = None
    layouts = [layout] if layout else sorted(tax.layouts.values(), key=lambda l: (year not in l.years, l.id))
    for lay in layouts:
        for t in lay.tables:
            labels = {n for b in t.blocks for c in b.columns for n in c.names}
            labels |= {normalize_label(x) for b in t.blocks for c in b.columns for x in (c.group, c.section) if x}
            score = len(set(head) & labels)
            score += sum(1 for b in t.blocks for h in b.header if normalize_label(h) in head)
            if best is None or score > best[0]:
                best = (score, lay, t)
    if best is None or best[0] < 2:
        return layout, []
    _, lay, t = best
    res = TableMatcher(tax, t, unit).read(rows)
    if not res.facts and not res.rows_matched:
        return lay, []
    account(res, rows)
    return lay, [res]


def _csv_problem(loc, why: str) -> Finding:
    """A CSV record that could not be read (csv's reason kept in the values, in English)."""
    import csv

    if "field limit" in why:
        return Finding.of("convert:csv-field-too-long", loc, where=Where(loc, full=True), limit=csv.field_size_limit(), reason=why)
    return Finding.of("convert:csv-line-unreadable", loc, where=Where(loc, full=True), reason=why)
