"""What reading one table gives (facts, findings, the cells not placed) and the findings about cells
that every reader reports the same way (rounded, duplicate, not placed)."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from ..findings import Finding
from ..model import Fact, Location
from ..records import field, record
from ..taxonomy import Table
from .accounting import TableAccount, is_number_token
from .cells import Cell, GridRow, _where


@record
class TableResult:
    table: Table
    facts: list[Fact] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    unplaced: list[Cell] = field(default_factory=list)
    rows_matched: int = 0
    rows: list[GridRow] = field(default_factory=list)  # the region read
    unit: str = "万元"  # as printed; amounts in 元 / 千元 were converted to 万元
    rounded: list[tuple[Cell, Decimal, Decimal]] = field(default_factory=list)  # (cell, exact, rounded)
    placed: list[Cell] = field(default_factory=list)  # the cells that became facts
    bad: list[Cell] = field(default_factory=list)  # cells reported as not amounts
    # cells in a fact's place that hold no amount (each has its finding): (concept, code or "", cell);
    # the checks skip the rules that need them (readers.base.Conversion.unreadable)
    unreadable: list[tuple[str, str, Cell]] = field(default_factory=list)

    def account(self) -> TableAccount:
        """Seen = placed + reported (readers/accounting.py reports what a reader left over)."""
        reported = [*self.unplaced, *self.bad]
        bad = set(self.bad)  # a set: a mangled table may hold thousands of each (a list made this quadratic)
        reported += [c for _, _, c in self.unreadable if c not in bad]  # typed cells (readers/excel.py)
        n = sum(max(1, sum(1 for t in c.text.split() if is_number_token(t))) for c in reported)  # numbers, not cells
        return TableAccount(self.table.id, self.table.title, len(self.facts) + n, len(self.facts), n, self.unit,
                            tuple(str(_where(c.loc)) for c in reported))

    def summary(self, lang: str = "zh") -> str:
        return self.account().text(lang)


def rounding_finding(loc: Location, exact: Decimal, q: Decimal, table: str) -> Finding:
    """One amount with more than two decimals, rounded half-up."""
    return Finding.of("convert:rounded", loc, table=table, where=_where(loc), exact=exact, rounded=q)


def duplicate_finding(table: str, key: str, loc: Location, key_en: str = "") -> Finding:
    """A (concept, code) read a second time: `key` names the row (`key_en` is no longer used: the
    row is named the same in both languages)."""
    return Finding.of("convert:duplicate", loc, table=table, where=_where(loc), table_id=table, key=key)


PER_PLACE = 50  # cell-not-placed findings at one place before the rest are counted in one


def unplaced_findings(results: Iterable[TableResult], already: Iterable[Finding] | None = None) -> list[Finding]:
    """One warning per cell of a recognised table that became no fact (no silent loss); past
    PER_PLACE cells at one place (a line of text), one more for the rest of that place. With
    `already`, none for a cell whose location has a finding there (or here) already."""
    seen = None if already is None else {f.location for f in already}
    out = []
    for r in results:
        count: dict = {}
        for c in r.unplaced:
            if seen is not None:
                if c.loc in seen:
                    continue
                seen.add(c.loc)
            k = count[c.loc] = count.get(c.loc, 0) + 1
            if k > PER_PLACE:
                continue
            out.append(Finding.of("convert:cell-not-placed", c.loc, table=r.table.id, where=_where(c.loc),
                                  table_id=r.table.id, text=c.text.strip()))
        for loc, k in count.items():
            if k > PER_PLACE:
                out.append(Finding.of("convert:more-not-placed", loc, table=r.table.id, where=_where(loc),
                                      table_id=r.table.id, n=k - PER_PLACE))
    return out
