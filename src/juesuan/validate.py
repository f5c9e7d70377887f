"""Validation of instance files: the XSD first (through the one loader), then the table rules.

`iter_findings` is the core (like xmlschema's iter_errors); `validate_file` and `is_valid` wrap it.
"""

from __future__ import annotations

import os
from typing import Iterator

from .findings import Finding, Report
from .model import Instance


def iter_findings(path: str | os.PathLike, prior: Instance | None = None, verbose: bool = False) -> Iterator[Finding]:
    """Findings for one instance file. Raises UnusableInput when it is not XML at all.

    After the table rules: the narrative checks when the instance has a narrative (第三部分), and with
    `prior` (last year's instance) the carry-over rules and year-over-year claims
    (juesuan.narrative; `verbose` lists the figures the narrative checks could not bind)."""
    from .loader import gc_paused, load  # noqa: PLC0415 - convert checks an instance it holds, not a file

    loaded = load(path)
    yield from loaded.findings
    if loaded.findings or loaded.instance is None:
        return
    with gc_paused():  # the findings of a large instance: as many objects again (see gc_paused)
        found = check_present(loaded.instance, prior, verbose)
    yield from found


def check_present(inst: Instance, prior: Instance | None = None, verbose: bool = False,
                  unreadable: dict | None = None, keep=None) -> list[Finding]:
    """The table rules over the tables the instance's source contained (`Instance.tables`), then the
    narrative checks (juesuan.narrative) when all tables are there. `unreadable`: convert's
    Conversion.unreadable (source cells that held no amount: the rules needing them say they were
    not checked).

    A rule involving an absent table is not run (absent is not blank: a CSV of the 02 表 alone must not
    fail the 01 = 02 rule), and a document that lacks some of its layout's tables says so in one warning.
    What `convert` checks after reading and what `validate` checks on the written XML are the same.
    `keep(key)`: only the findings whose (code, table, section, row, column) it accepts (the rule
    findings it refuses are never built: juesuan.checks.check_instance).
    """
    out = _header(inst) + _check_present(inst, prior, verbose, unreadable, keep)
    if keep is None:
        return out
    return [f for f in out if f.code.startswith("rule:") or keep((f.code, f.table, f.section, f.row, f.column))]


def _header(inst: Instance) -> list[Finding]:
    """What the XSD cannot check in the header: the USCC's check character (its shape is the XSD's)."""
    from .model import Location, uscc_check_char

    uscc = inst.header.uscc
    expected = uscc_check_char(uscc) if uscc else None
    if expected is None or expected == uscc[17]:
        return []
    return [Finding.of("instance:uscc-check", Location(file=inst.source), file=inst.source, value=uscc,
                       expected=expected, got=uscc[17])]


def _check_present(inst: Instance, prior: Instance | None, verbose: bool, unreadable: dict | None,
                   keep) -> list[Finding]:
    from .checks import check_instance, rules_for_layout  # noqa: PLC0415 - checks are optional for schema-only callers

    if not inst.tables:
        return list(check_instance(inst, unreadable=unreadable, keep=keep)) + _narrative(inst, prior, verbose)
    from .taxonomy import load_taxonomy  # noqa: PLC0415

    tax = load_taxonomy(inst.header.taxonomy)
    lay = tax.layout(inst.header.layout)
    present = set(inst.tables)

    def inside(rule) -> bool:
        return all(getattr(lay.table_for_statement(tax.concepts[c].statement), "id", None) in present
                   for c in rule.all_concepts())

    rules = tuple(r for r in rules_for_layout(tax.id, lay.id) if inside(r))
    out = list(check_instance(inst, rules, unreadable=unreadable, keep=keep))
    missing = [t.id for t in lay.tables if t.id not in present]
    if missing and len(present) > 1:
        out.append(Finding.of("convert:tables-missing", file=inst.source, tables=missing))
    if not missing:
        out.extend(_narrative(inst, prior, verbose))
    return out


def _narrative(inst: Instance, prior: Instance | None, verbose: bool) -> list[Finding]:
    if not (inst.narrative or prior is not None):
        return []
    from .narrative import run_checks  # noqa: PLC0415 - only instances with a narrative or a prior

    return run_checks(inst, prior, verbose)


def validate_file(path: str | os.PathLike) -> Report:
    report = Report(files=[str(path)])
    report.extend(iter_findings(path))
    return report


def is_valid(path: str | os.PathLike) -> bool:
    return validate_file(path).valid
