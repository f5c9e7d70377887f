"""Multi-year series: the carry-over rule between consecutive years of one entity.

This year's 年初 (opening) balance must be last year's 年末 (closing) balance. The pairs come from the
taxonomy: every ``period = "instant"`` concept whose id holds ``Opening`` is paired with the concept of
the same id with ``Closing`` (SumOpeningBalance ↔ SumClosingBalance, GrantOpeningTotal ↔
GrantClosingTotal, FundOpening ↔ FundClosing by function code, …).

Both figures are printed amounts of one balance, each standing for [v − 0.005, v + 0.005], so they
agree when the two intervals overlap (|difference| ≤ 0.01 for two-decimal amounts). A blank figure is
0 (the tables print zero as blank); a pair is compared only where both years' layouts have a cell
for it.

``balances(inst)`` extracts the few instant facts a comparison needs (a small dict, cheap to keep per
report in a batch); ``carry_over(prior, current)`` compares two such dicts (or two Instances) and
returns one ``batch:carry-over`` finding per mismatch. The narrative checks may reuse both.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Mapping

from .findings import Finding
from .model import Instance, format_amount

TOLERANCE = Decimal("0.01")  # two printed amounts, each ± 0.005


_PAIRS: dict[str, list[tuple[str, str]]] = {}


def opening_pairs(tax=None) -> list[tuple[str, str]]:
    """(opening concept, closing concept) pairs of the taxonomy, in concept order."""
    from .taxonomy import load_taxonomy

    tax = tax or load_taxonomy()
    if tax.id in _PAIRS:
        return _PAIRS[tax.id]
    out = []
    for cid, c in tax.concepts.items():
        if getattr(c, "period", "") == "instant" and "Opening" in cid:
            closing = cid.replace("Opening", "Closing", 1)
            if closing in tax.concepts:
                out.append((cid, closing))
    _PAIRS[tax.id] = sorted(out)
    return _PAIRS[tax.id]


def balances(inst: Instance, tax=None) -> dict:
    """The instant (年初 / 年末) facts of an instance plus what a comparison needs to know about it:
    ``{"year": 2021, "layout": "2021-hunan", "values": {"SumOpeningBalance": "48.03",
    "FundOpening|2120801": "3.00", …}}`` (plain str/int, so it pickles and serialises as JSON)."""
    from .taxonomy import load_taxonomy

    tax = tax or load_taxonomy(inst.header.taxonomy)
    wanted = _wanted(tax)
    values = {}
    for f in inst.facts:
        if f.concept in wanted:
            values[f.concept + ("|" + f.code if f.code else "")] = format_amount(f.value)
    return {"year": inst.header.fiscal_year, "layout": inst.header.layout, "taxonomy": inst.header.taxonomy,
            "values": dict(sorted(values.items()))}


_WANTED: dict[str, frozenset] = {}


def _wanted(tax) -> frozenset:
    if tax.id not in _WANTED:
        _WANTED[tax.id] = frozenset(c for pair in opening_pairs(tax) for c in pair)
    return _WANTED[tax.id]


def _by_concept(values: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """{"FundOpening|2120801": "3.00"} -> {"FundOpening": {"2120801": "3.00"}}"""
    out: dict[str, dict[str, str]] = {}
    for k, v in values.items():
        concept, _, code = k.partition("|")
        out.setdefault(concept, {})[code] = v
    return out


def _as_balances(x, tax) -> dict:
    return balances(x, tax) if isinstance(x, Instance) else x


def carry_over(prior, current, tax=None, file: str = "") -> list[Finding]:
    """Findings where ``current``'s opening balances differ from ``prior``'s closing balances.

    ``prior`` and ``current`` are Instances or ``balances()`` dicts of one entity's consecutive years.
    Each finding is placed at the opening fact's cell in the current layout and carries both values.
    """
    from .taxonomy import load_taxonomy

    if isinstance(current, Instance):
        tax = tax or load_taxonomy(current.header.taxonomy)
    tax = tax or load_taxonomy()
    prior, current = _as_balances(prior, tax), _as_balances(current, tax)
    lay_now, lay_before = tax.layout(current["layout"]), tax.layout(prior["layout"])
    pv, cv = _by_concept(prior["values"]), _by_concept(current["values"])
    out: list[Finding] = []
    for opening, closing in opening_pairs(tax):
        now_codes, before_codes = cv.get(opening, {}), pv.get(closing, {})
        for code in sorted(now_codes.keys() | before_codes.keys()):
            place = lay_now.place(opening, code or None)
            if place is None or lay_before.place(closing, code or None) is None:
                continue  # one year's layout has no cell for it: nothing to compare
            now = Decimal(now_codes.get(code, "0"))
            before = Decimal(before_codes.get(code, "0"))
            if abs(now - before) <= TOLERANCE:
                continue
            out.append(Finding.of(
                "batch:carry-over", None, table=place.table, section=place.section, row=place.row,
                column=place.column, file=file, fact=(tax.id, lay_now.id, opening, code), concept=opening, closing_concept=closing, fcode=code,
                year=int(current["year"]), prior_year=int(prior["year"]), opening=format_amount(now),
                closing=format_amount(before), difference=format_amount(now - before)))
    return out
