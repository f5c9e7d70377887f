"""Checks against last year's instance (`juesuan validate --prior PRIOR.xml`).

Carry-over: this year's 年初结转和结余 (01, and 04 per fund, 08/09 per code) is last year's 年末,
compared as rounding intervals like the table rules. The pairs are data ([[carry]] in
narrative.toml). Year-over-year claims of the narrative are checked by juesuan.narrative.checks
with the same prior instance.
"""

from __future__ import annotations

from ..checks.rounding import Interval
from ..findings import Finding
from ..model import Instance, Location, format_amount
from .phrases import catalogue_of


def check_prior(inst: Instance, prior: Instance) -> list[Finding]:
    from ..taxonomy import load_taxonomy

    tax = load_taxonomy(inst.header.taxonomy)
    lay = tax.layout(inst.header.layout)
    try:
        prior_lay = tax.layout(prior.header.layout)
    except Exception:  # noqa: BLE001 - another taxonomy's layout: nothing to place it in
        prior_lay = None
    out: list[Finding] = []
    src = inst.source
    if prior.header.fiscal_year != inst.header.fiscal_year - 1:
        out.append(Finding.of("prior:not-prior-year", Location(file=src), file=src,
                              prior_year=prior.header.fiscal_year, expected=inst.header.fiscal_year - 1))
    if prior.header.entity != inst.header.entity:
        out.append(Finding.of("prior:other-entity", Location(file=src), file=src,
                              prior_entity=prior.header.entity, entity=inst.header.entity))
    if prior_lay is None:
        return out
    cat = catalogue_of(tax)
    for opening, closing in cat.carry:
        codes = {f.code for f in inst.by_concept(opening)} | {f.code for f in prior.by_concept(closing)}
        for code in sorted(codes, key=lambda c: c or ""):
            p = lay.place(opening, code)
            if p is None or prior_lay.place(closing, code) is None:
                continue
            a, b = inst.get(opening, code), prior.get(closing, code)
            if a is None and b is None:
                continue
            ai = Interval.of(a.value, a.decimals) if a else Interval.exact()
            bi = Interval.of(b.value, b.decimals) if b else Interval.exact()
            if ai.overlaps(bi):
                continue
            av = a.value if a else 0
            bv = b.value if b else 0
            loc = a.location if a else Location(file=src)
            if not loc.file:
                loc = Location(file=src, line=loc.line, xpath=loc.xpath)
            out.append(Finding.of(
                "prior:carry-over", loc, table=p.table, section=p.section, row=p.row, column=p.column, file=src,
                fact=(tax.id, lay.id, opening, code or ""),
                opening=format_amount(av), closing=format_amount(bv), difference=format_amount(av - bv),
                opening_interval=f"[{ai.as_strings()[0]}, {ai.as_strings()[1]}]", closing_interval=f"[{bi.as_strings()[0]}, {bi.as_strings()[1]}]", concept=opening,
                prior_concept=closing, fact_code=code or "", prior_file=prior.source,
                source=a.origin if a else "", prior_line=b.location.line if b else None))
    return out
