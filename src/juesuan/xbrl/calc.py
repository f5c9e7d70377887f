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

The rule catalogue is taxonomies/<id>/rules.toml (`[[rule]]` with id, kind, total, items, scope).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

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


def term_text(term) -> str:
    """'IncOther', 'BasicExp[30217]', '-FundExpTotal' for a rule term (a concept id or an inline table)."""
    if isinstance(term, str):
        return term
    if isinstance(term, dict):
        w = term.get("weight", 1)
        code = f"[{term['code']}]" if term.get("code") else ""
        return f"{'-' if w == -1 else ''}{term.get('concept', '?')}{code}"
    if isinstance(term, list):
        return " + ".join(term_text(t) for t in term).replace("+ -", "- ")
    return str(term)


def relation_text(r: dict) -> str:
    """The relation a rule states, in concept ids."""
    kind = r.get("kind", "")
    if kind == "sum":
        return f"{term_text(r.get('total'))} = {term_text(list(r.get('items', [])))}"
    if kind == "hierarchy":
        return "Σ child codes = parent code, for " + ", ".join(r.get("concepts", []))
    if kind in ("equal", "ge"):
        op = "=" if kind == "equal" else "≥"
        left, right = r.get("left"), r.get("right")
        left = left if isinstance(left, list) else [left]
        right = right if isinstance(right, list) else [right]
        return f"{term_text(left)} {op} {term_text(right)}"
    return kind


def rules_path(tax: Taxonomy) -> Path:
    return tax.root / "rules.toml"


def load_rules(path: Path) -> list[dict]:
    """All `[[rule]]` tables of a catalogue (an absent catalogue has none)."""
    if not path.exists():
        return []
    import tomllib  # noqa: PLC0415 - only for a catalogue other than the taxonomy's own (tests, docs)

    with path.open("rb") as fh:
        data = tomllib.load(fh)
    rules = data.get("rule", [])
    if not isinstance(rules, list):
        raise TaxonomyError(f"{path}: `rule` must be an array of tables")
    return rules


def _sum_rule(r: dict, where: str) -> SumRule:
    try:
        rid, total = r["id"], r["total"]
    except KeyError as e:
        raise TaxonomyError(f"{where}: sum rule without {e.args[0]!r}") from None
    pinned = not isinstance(total, str)
    if pinned and isinstance(total, dict) and "concept" in total:
        total = total["concept"]
    items = []
    for it in r.get("items", []):
        if isinstance(it, str):
            items.append((it, Decimal(1)))
        elif isinstance(it, dict) and "concept" in it:
            if set(it) - {"concept", "weight"}:
                pinned = True
            items.append((it["concept"], Decimal(str(it.get("weight", 1)))))
        else:
            raise TaxonomyError(f"{where}: rule {rid}: bad item {it!r}")
    if not items:
        raise TaxonomyError(f"{where}: rule {rid}: a sum without items")
    return SumRule(rid, str(total), tuple(items), r.get("scope", "plain"), r.get("zh", ""), r.get("en", ""), pinned)


def classify(tax: Taxonomy, rules: list[dict], where: str = "rules.toml") -> tuple[list[SumRule], list[Excluded]]:
    """Split a catalogue into calculation rules and everything XBRL calculations cannot express."""
    calc: list[SumRule] = []
    excluded: list[Excluded] = []
    for r in rules:
        kind = r.get("kind", "")
        rid = r.get("id", "?")
        if kind != "sum":
            excluded.append(Excluded(rid, kind, kind if kind in REASONS else "not-sum", relation_text(r)))
            continue
        s = _sum_rule(r, where)
        names = [s.total, *(c for c, _ in s.items)]
        unknown = [c for c in names if c not in tax.concepts]
        if unknown:
            raise TaxonomyError(f"{where}: rule {s.id}: unknown concept(s) {', '.join(unknown)}")
        concepts = [tax.concepts[c] for c in names]
        reason = ""
        if s.pinned:
            reason = "pinned"
        elif len({c.period for c in concepts}) > 1:
            reason = "mixed-periods"
        elif len({c.dim for c in concepts}) > 1:
            reason = "mixed-dims"
        elif s.scope == "plain" and concepts[0].dim != "none":
            reason = "plain-coded"
        elif s.scope not in ("plain", "rows"):
            raise TaxonomyError(f"{where}: rule {s.id}: unknown scope {s.scope!r}")
        else:
            tb = tax.concepts[s.total].balance
            for c, w in s.items:
                if (tax.concepts[c].balance == tb) != (w > 0):
                    reason = "balance"
                    break
        if reason:
            excluded.append(Excluded(s.id, kind, reason, relation_text(r)))
        else:
            calc.append(s)
    ids = [s.id for s in calc]
    if len(ids) != len(set(ids)):
        raise TaxonomyError(f"{where}: duplicate rule ids")
    return calc, excluded


def calculation_rules(tax: Taxonomy, path: Path | None = None) -> tuple[list[SumRule], list[Excluded]]:
    """The calculation rules of a catalogue: the taxonomy's own (as already parsed when it was loaded),
    or the rules.toml at `path`."""
    if path is None:
        rules = tax.sources.get("rules.toml", {}).get("rule", [])
        return classify(tax, rules, str(rules_path(tax)))
    return classify(tax, load_rules(path), str(path))
