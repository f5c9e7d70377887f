"""Which of the catalogue's sum rules become XBRL calculation relationships, and why the others do not.

A calculation relationship (XBRL 2.1 / Calculation 1.1) adds facts of ONE context: same entity, same
period, same dimensions. A juesuan rule of kind "sum" qualifies only when applying it to every
context where its concepts meet means exactly what the rule means:

- all its concepts share one period type (the instant 年初结转和结余 plus duration flows is not one
  context);
- scope "rows" (every code row and the 合计 row) over concepts of one classification, or scope
  "plain" over concepts that never carry a code (a "plain" rule over coded concepts holds for the
  合计 row only, but a calculation would also apply it to every code row);
- items name concepts only (an item pinned to a code is another context);
- weights agree with the concepts' balance attributes (XBRL 2.1 §5.1.1.2).

The rules are the Rule objects juesuan.checks.catalogue parses once (taxonomies/<id>/rules.toml); this
module only classifies them.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ..checks.catalogue import Rule, Term
from ..errors import TaxonomyError
from ..records import record
from ..taxonomy import Taxonomy


@record(frozen=True)
class SumRule:
    id: str
    total: str
    items: tuple[tuple[str, Decimal], ...]  # (concept, weight)
    scope: str
    zh: str = ""
    en: str = ""
    pinned: bool = False  # some item or the total names more than a concept (a code, a table ...)


@record(frozen=True)
class Excluded:
    rule: str
    kind: str
    reason: str  # stable key, see REASONS
    detail: str = ""


REASONS = {
    "mixed-periods": ("混合时点与时期（年初/年末余额与本年发生额），不在同一 context",
                      "mixes instants (opening/closing balances) with durations: not one context"),
    "plain-coded": ("仅约束合计行，而计算关系会施加于每个编码行",
                    "holds for the 合计 row only, a calculation would apply it to every code row"),
    "mixed-dims": ("各项的分类维度不同，不在同一 context", "items have different classifications: not one context"),
    "pinned": ("某项指定了编码或表，属于另一个 context", "an item is pinned to a code: another context"),
    "balance": ("权重与借贷方向（balance）不一致（XBRL 2.1 §5.1.1.2）",
                "weights disagree with the balance attributes (XBRL 2.1 §5.1.1.2)"),
    "hierarchy": ("下级编码之和 = 上级编码：跨维度成员（不同 context），计算关系无法表达",
                  "children codes sum to their parent: across dimension members (different contexts)"),
    "equal": ("两个概念（多为不同表）之间的相等关系，不是求和", "an equality between concepts (mostly between tables), not a sum"),
    "ge": ("不等式，计算关系只能表达相等的求和", "an inequality; calculations only express sums that must be equal"),
    "not-sum": ("不是求和关系", "not a pure sum"),
}


def term_text(term: Term) -> str:
    """'IncOther', 'BasicExp[30217]', '-FundExpTotal' for a rule term."""
    return f"{'-' if term.weight == -1 else ''}{term.concept}{f'[{term.code}]' if term.code else ''}"


def _terms_text(terms) -> str:
    return " + ".join(term_text(t) for t in terms).replace("+ -", "- ")


def relation_text(r: Rule) -> str:
    """The relation a rule states, in concept ids."""
    if r.kind == "sum":
        return f"{term_text(r.total)} = {_terms_text(r.items)}"
    if r.kind == "hierarchy":
        return "Σ child codes = parent code, for " + ", ".join(r.concepts)
    if r.kind in ("equal", "ge"):
        return f"{_terms_text(r.left)} {'=' if r.kind == 'equal' else '≥'} {_terms_text(r.right)}"
    return r.kind


def rules_path(tax: Taxonomy) -> Path:
    return tax.root / "rules.toml"


def _sum_rule(r: Rule) -> SumRule:
    pinned = r.total.code is not None or any(t.code is not None for t in r.items)
    items = tuple((t.concept, Decimal(t.weight)) for t in r.items)
    return SumRule(r.id, r.total.concept, items, r.scope, r.zh, r.en, pinned)


def classify(tax: Taxonomy, rules: tuple[Rule, ...]) -> tuple[list[SumRule], list[Excluded]]:
    """Split a catalogue (the Rule objects juesuan.checks.catalogue parsed and checked) into calculation
    rules and everything XBRL calculations cannot express, with the reason."""
    calc: list[SumRule] = []
    excluded: list[Excluded] = []
    for r in rules:
        if r.kind != "sum":
            excluded.append(Excluded(r.id, r.kind, r.kind if r.kind in REASONS else "not-sum", relation_text(r)))
            continue
        s = _sum_rule(r)
        concepts = [tax.concepts[c] for c in (s.total, *(c for c, _ in s.items))]
        reason = ""
        if s.pinned:
            reason = "pinned"
        elif len({c.period for c in concepts}) > 1:
            reason = "mixed-periods"
        elif len({c.dim for c in concepts}) > 1:
            reason = "mixed-dims"
        elif s.scope == "plain" and concepts[0].dim != "none":
            reason = "plain-coded"
        else:
            tb = tax.concepts[s.total].balance
            for c, w in s.items:
                if (tax.concepts[c].balance == tb) != (w > 0):
                    reason = "balance"
                    break
        if reason:
            excluded.append(Excluded(s.id, r.kind, reason, relation_text(r)))
        else:
            calc.append(s)
    return calc, excluded


def catalogue(tax: Taxonomy, path: Path | None = None) -> tuple[Rule, ...]:
    """The taxonomy's own rules (juesuan.checks.load_rules), or those of the rules.toml at `path`
    (tests, docs), parsed and checked by the same parser."""
    from ..checks.catalogue import load_rules, parse_rules  # noqa: PLC0415

    if path is None:
        return load_rules(tax.id)
    if not path.exists():
        return ()
    import tomllib  # noqa: PLC0415 - only for a catalogue other than the taxonomy's own

    with path.open("rb") as fh:
        try:
            data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as e:
            raise TaxonomyError(f"{path}: {e}") from None
    return parse_rules(data, tax)


def calculation_rules(tax: Taxonomy, path: Path | None = None) -> tuple[list[SumRule], list[Excluded]]:
    """The calculation rules of a catalogue: the taxonomy's own, or the rules.toml at `path`."""
    return classify(tax, catalogue(tax, path))
