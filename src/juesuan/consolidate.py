"""部门汇总: a department's instance as the fact-by-fact sum of its units' instances, and the check of a
published department report against that sum.

Units must share fiscal year, taxonomy and layout (a mix is refused with one line). The sum keeps
every (concept, code) any unit reports; a fact a unit does not report counts as 0 (the tables print
zero as blank). The department's header lists its units (决算单位构成) in its note.

Rounding, as in the table rules (XBRL Calculation 1.1): a sum of n printed figures stands for the sum
of their intervals, ± n × 0.005, and the published figure for its own ± 0.005; they agree when the
intervals overlap, so a difference up to (n + 1) × 0.005 is rounding, not an error.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Sequence

from .errors import UnusableInput
from .findings import Finding
from .model import UNITS_NOTE, Fact, Header, Instance, Location, format_amount

HALF_CENT = Decimal("0.005")


def _require_same(units: Sequence[Instance]) -> None:
    if not units:
        raise UnusableInput.of("input:no-units")
    first = units[0]
    for u in units[1:]:
        for attr in ("fiscal_year", "taxonomy", "layout", "unit"):
            a, b = getattr(first.header, attr), getattr(u.header, attr)
            if a != b:
                raise UnusableInput.of(f"input:units-differ-{attr.replace('_', '-')}", first=first.source or first.header.entity,
                                       a=str(a), second=u.source or u.header.entity, b=str(b))


def sums(units: Sequence[Instance]) -> dict[tuple[str, str], tuple[Decimal, int]]:
    """(concept, code) → (sum over the units, how many units report it), in canonical order."""
    out: dict[tuple[str, str], list] = {}
    for u in units:
        for f in u.facts:
            s = out.setdefault(f.key, [Decimal(0), 0])
            s[0] += f.value
            s[1] += 1
    return {k: (v[0], v[1]) for k, v in sorted(out.items())}


def consolidate(units: Sequence[Instance], entity: str | None = None, uscc: str = "") -> Instance:
    """The department instance: every fact the sum of the units' facts, the units named in the note."""
    _require_same(units)
    h = units[0].header
    names = [u.header.entity for u in units]
    note = UNITS_NOTE + "；".join(names)
    header = Header(entity=entity or f"{names[0]}等{len(names)}个单位汇总", fiscal_year=h.fiscal_year,
                    layout=h.layout, taxonomy=h.taxonomy, unit=h.unit,
                    status="final" if all(u.header.status == "final" for u in units) else "draft",
                    uscc=uscc, note=note)
    facts = [Fact(c, code or None, v) for (c, code), (v, _) in sums(units).items()]
    return Instance(header, facts)


def check(published: Instance, units: Sequence[Instance]) -> list[Finding]:
    """Every fact where the published department report and the sum of its units differ beyond rounding."""
    from .taxonomy import load_taxonomy

    _require_same([published, *units])
    lay = load_taxonomy(published.header.taxonomy).layout(published.header.layout)
    expected = sums(units)
    out: list[Finding] = []
    keys = sorted(set(expected) | {f.key for f in published.facts})
    for key in keys:
        concept, code = key
        fact = published.get(concept, code or None)
        total, n = expected.get(key, (Decimal(0), 0))
        place = lay.place(concept, code or None)
        where = dict(table=place.table, section=place.section, row=place.row, column=place.column) if place else {}
        loc = fact.location if fact is not None else Location(file=published.source)
        common = dict(concept=concept, fcode=code, n=n,
                      fact=(published.header.taxonomy, published.header.layout, concept, code))
        tolerance = (n + 1) * HALF_CENT
        value = fact.value if fact is not None else Decimal(0)
        diff = value - total
        if abs(diff) <= tolerance:
            continue
        if fact is None:
            out.append(Finding.of("consolidate:missing", loc, **where, expected=format_amount(total), **common))
        elif n == 0:
            out.append(Finding.of("consolidate:extra", loc, **where, published=format_amount(value), **common))
        else:
            out.append(Finding.of("consolidate:differs", loc, **where, published=format_amount(value),
                                  expected=format_amount(total), difference=format_amount(diff),
                                  tolerance=str(tolerance.normalize()), **common))
    return out
