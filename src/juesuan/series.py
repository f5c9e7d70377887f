"""Multi-year series: the carry-over rule between consecutive years of one entity, for a batch.

This year's 年初 (opening) balance must be last year's 年末 (closing). The rule is the narrative
checks' (``juesuan.narrative.prior.check_prior``, as ``validate --prior`` runs it); a batch cannot keep
every instance, so ``balances(inst)`` extracts the few instant facts it needs (a small, picklable
dict kept per report) and ``carry_over(prior, current)`` rebuilds two small instances from such dicts
(or takes Instances) and returns the rule's ``prior:carry-over`` findings.
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
    """Every instant (年初 / 年末) concept: whatever pairs the carry-over rule compares."""
    if tax.id not in _WANTED:
        _WANTED[tax.id] = frozenset(cid for cid, c in tax.concepts.items() if getattr(c, "period", "") == "instant")
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


def _instance_of(b: dict, source: str) -> Instance:
    from .model import Fact, Header

    facts = []
    for key, v in b["values"].items():
        concept, _, code = key.partition("|")
        facts.append(Fact(concept, code or None, Decimal(v)))
    return Instance(Header(entity="", fiscal_year=int(b["year"]), layout=b["layout"], taxonomy=b["taxonomy"]),
                    facts, source=source)


def carry_over(prior, current, tax=None, file: str = "", prior_file: str = "") -> list[Finding]:
    """Findings where ``current``'s opening balances differ from ``prior``'s closing balances.

    ``prior`` and ``current`` are Instances or ``balances()`` dicts of one entity's consecutive years.
    The rule itself is the narrative checks' (juesuan.narrative.prior.check_prior: pairs from
    narrative.toml, rounding intervals); this keeps its ``prior:carry-over`` findings."""
    from .narrative.prior import check_prior

    cur = current if isinstance(current, Instance) else _instance_of(current, file)
    before = prior if isinstance(prior, Instance) else _instance_of(prior, prior_file)
    return [f for f in check_prior(cur, before) if f.code == "prior:carry-over"]
