"""What every reader returns and builds on: `Conversion` and `make_header`.

convert.py dispatches to the readers and the readers import these from here (not from convert.py), so
the package has no import cycle (tests/test_imports.py walks the imports).
"""

from __future__ import annotations

from ..errors import UnusableInput
from ..findings import Finding
from ..model import Header, Instance
from ..records import field, record


@record
class Conversion:
    instance: Instance
    findings: list[Finding] = field(default_factory=list)
    accounts: list = field(default_factory=list)  # per table read: readers.accounting.TableAccount
    tables: tuple[str, ...] = ()  # ids of the layout's tables found in the source ("" = unknown: all)
    # source cells in a fact's place that held no amount, each with its finding already:
    # {(concept, code or ""): (Location, table id)}; the checks skip the rules that need them
    unreadable: dict = field(default_factory=dict)

    @classmethod
    def from_tables(cls, instance: Instance, findings: list[Finding], tables) -> "Conversion":
        """From the readers' per-table results (readers.grid.TableResult). The instance records which
        of its layout's tables the source contained (Instance.tables), so that validate and diff
        never read an absent table as a blank one."""
        tables = list(tables)
        ids = tuple(t.table.id for t in tables)
        instance.tables = tables_present(instance, ids)
        unreadable = {}
        for t in tables:
            for concept, code, cell in getattr(t, "unreadable", ()):
                unreadable.setdefault((concept, code), (cell.loc, t.table.id))
        return cls(instance, findings, [t.account() for t in tables], ids, unreadable)

    def summaries(self, lang: str = "zh") -> list[str]:
        """One line per table read: numbers seen, placed, not placed (rendered now, in `lang`)."""
        return [a.text(lang) for a in self.accounts]


def tables_present(instance: Instance, ids) -> tuple[str, ...]:
    """`ids` in layout order, or () when the source held every table of the instance's layout."""
    from ..taxonomy import load_taxonomy

    lay = load_taxonomy(instance.header.taxonomy).layout(instance.header.layout)
    found = set(ids)
    present = tuple(t.id for t in lay.tables if t.id in found)
    return () if len(present) == len(lay.tables) else present


def make_header(entity: str | None, year: int | None, layout: str, where: str, status: str = "final") -> Header:
    if not entity:
        raise UnusableInput.of("input:no-entity", where, option="--entity")
    if not year:
        raise UnusableInput.of("input:no-year", where, option="--year")
    return Header(entity=entity, fiscal_year=year, layout=layout, status=status)
