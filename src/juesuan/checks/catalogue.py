"""The rule catalogue: taxonomies/<version>/rules.toml loaded into `Rule` objects.

The file format is documented in the header comment of rules.toml. `load_rules()` validates the
file against the taxonomy's concepts (unknown concept, bad kind or scope, a template naming an
unknown placeholder all raise TaxonomyError) and caches the result. `rules_for_layout()` narrows
the catalogue to what one layout can print: a term whose concept (and fixed code) has no cell in
the layout drops out, and a rule left without a total, items or a side does not apply.

The XBRL exporter's calculation linkbase classifies these same Rule objects (juesuan.xbrl.calc: which
sums one XBRL context can express, and why the others are not).
"""

from __future__ import annotations

import functools
import re

from ..errors import TaxonomyError
from ..defaults import DEFAULT_TAXONOMY
from ..records import record, replace
from ..taxonomy import ECONOMIC_CODE_RE, FUNCTION_CODE_RE, Layout, Taxonomy, load_taxonomy

KINDS = ("sum", "hierarchy", "equal", "ge")
SEVERITIES = ("error", "warning", "info")
SCOPES = {
    "sum": ("plain", "rows"),
    "hierarchy": ("columns",),
    "equal": ("plain", "class-rows", "function-rows"),
    "ge": ("plain", "class-rows", "function-rows"),
}
PLACEHOLDERS = frozenset(
    {"lhs", "rhs", "left_value", "right_value", "diff", "table", "row", "column", "code"}
)
RULE_ID_RE = re.compile(r"^[TX][0-9]{2}(-[0-9]{2})?\.[a-z0-9][a-z0-9.-]*$")


@record(frozen=True)
class Term:
    """One concept in a rule. code None: the row being evaluated (row scopes) or the fact without
    code (plain scope); "" : the fact without code (the 合计 row); a fixed code such as "30217"."""

    concept: str
    code: str | None = None
    weight: int = 1


@record(frozen=True)
class Rule:
    id: str
    severity: str
    kind: str
    zh: str
    en: str
    scope: str = "plain"
    total: Term | None = None  # sum
    items: tuple[Term, ...] = ()  # sum
    concepts: tuple[str, ...] = ()  # hierarchy
    left: tuple[Term, ...] = ()  # equal / ge
    right: tuple[Term, ...] = ()  # equal / ge

    @property
    def code(self) -> str:
        """The finding code of this rule."""
        return f"rule:{self.id}"

    def template(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh

    def all_concepts(self) -> set[str]:
        terms = ((self.total,) if self.total else ()) + self.items + self.left + self.right
        return {t.concept for t in terms} | set(self.concepts)


def _term(raw, where: str, concepts: dict) -> Term:
    if isinstance(raw, str):
        t = Term(raw)
    elif isinstance(raw, dict):
        unknown = set(raw) - {"concept", "code", "weight"}
        if unknown or "concept" not in raw:
            raise TaxonomyError(f"rules.toml: {where}: a term is a concept id or {{concept, code, weight}}")
        code = raw.get("code")
        dim = getattr(concepts.get(raw["concept"]), "dim", "function")
        pattern = ECONOMIC_CODE_RE if dim == "economic" else FUNCTION_CODE_RE  # the taxonomy's one pattern per kind
        if code not in (None, "") and not (isinstance(code, str) and pattern.match(code)):
            raise TaxonomyError(f"rules.toml: {where}: bad code {code!r}")
        weight = raw.get("weight", 1)
        if weight not in (1, -1):
            raise TaxonomyError(f"rules.toml: {where}: weight must be 1 or -1")
        t = Term(raw["concept"], code, weight)
    else:
        raise TaxonomyError(f"rules.toml: {where}: bad term {raw!r}")
    if t.concept not in concepts:
        raise TaxonomyError(f"rules.toml: {where}: unknown concept {t.concept!r}")
    return t


def _terms(raw, where: str, concepts: dict) -> tuple[Term, ...]:
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    return tuple(_term(x, where, concepts) for x in items)


def _check_template(text: str, where: str) -> None:
    # string.Formatter().parse is this C parser: importing string would compile its Template pattern
    from _string import formatter_parser  # noqa: PLC0415

    try:
        names = {f for _, f, _, _ in formatter_parser(text) if f is not None}
    except ValueError as e:
        raise TaxonomyError(f"rules.toml: {where}: bad template: {e}") from None
    bad = names - PLACEHOLDERS
    if bad:
        raise TaxonomyError(f"rules.toml: {where}: unknown placeholder(s) {sorted(bad)}")


# long: one check per field of a [[rule]] table, in the order rules.toml documents them
def parse_rules(data: dict, tax: Taxonomy) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    seen: set[str] = set()
    for raw in data.get("rule", []):
        rid = raw.get("id", "")
        where = f"rule {rid or '?'}"
        if not RULE_ID_RE.match(rid):
            raise TaxonomyError(f"rules.toml: bad rule id {rid!r}")
        if rid in seen:
            raise TaxonomyError(f"rules.toml: duplicate rule id {rid!r}")
        seen.add(rid)
        kind = raw.get("kind")
        if kind not in KINDS:
            raise TaxonomyError(f"rules.toml: {where}: kind must be one of {', '.join(KINDS)}")
        severity = raw.get("severity")
        if severity not in SEVERITIES:
            raise TaxonomyError(f"rules.toml: {where}: severity must be one of {', '.join(SEVERITIES)}")
        scope = raw.get("scope", SCOPES[kind][0])
        if scope not in SCOPES[kind]:
            raise TaxonomyError(f"rules.toml: {where}: scope {scope!r} is not one of {', '.join(SCOPES[kind])}")
        for lang in ("zh", "en"):
            if not raw.get(lang):
                raise TaxonomyError(f"rules.toml: {where}: missing {lang} message")
            _check_template(raw[lang], where)
        allowed = {"id", "severity", "kind", "zh", "en", "scope"} | {
            "sum": {"total", "items"},
            "hierarchy": {"concepts"},
            "equal": {"left", "right"},
            "ge": {"left", "right"},
        }[kind]
        extra = set(raw) - allowed
        if extra:
            raise TaxonomyError(f"rules.toml: {where}: fields {sorted(extra)} do not belong to kind {kind!r}")
        if kind == "sum":
            total = _terms(raw.get("total"), where, tax.concepts)
            items = _terms(raw.get("items"), where, tax.concepts)
            if len(total) != 1 or not items:
                raise TaxonomyError(f"rules.toml: {where}: a sum needs one total and at least one item")
            parts = {"total": total[0], "items": items}
        elif kind == "hierarchy":
            cs = tuple(raw.get("concepts", ()))
            if not cs:
                raise TaxonomyError(f"rules.toml: {where}: a hierarchy needs concepts")
            for c in cs:
                if c not in tax.concepts:
                    raise TaxonomyError(f"rules.toml: {where}: unknown concept {c!r}")
                if tax.concepts[c].dim == "none":
                    raise TaxonomyError(f"rules.toml: {where}: {c} has no classification code")
            parts = {"concepts": cs}
        else:
            left = _terms(raw.get("left"), where, tax.concepts)
            right = _terms(raw.get("right"), where, tax.concepts)
            if not left or not right:
                raise TaxonomyError(f"rules.toml: {where}: {kind} needs left and right")
            parts = {"left": left, "right": right}
        rule = Rule(rid, severity, kind, raw["zh"], raw["en"], scope, **parts)  # each rule made once
        terms = ((rule.total,) if rule.total else ()) + rule.items + rule.left + rule.right
        for t in terms:
            dim = tax.concepts[t.concept].dim
            if scope != "plain":
                if t.code not in (None, ""):
                    raise TaxonomyError(f"rules.toml: {where}: fixed codes are only allowed in scope 'plain'")
                if dim != "function":
                    raise TaxonomyError(f"rules.toml: {where}: scope {scope!r} needs function-coded concepts, not {t.concept}")
            elif dim == "economic" and not t.code:
                raise TaxonomyError(f"rules.toml: {where}: {t.concept} needs a code")
            elif dim == "none" and t.code:
                raise TaxonomyError(f"rules.toml: {where}: {t.concept} takes no code")
        rules.append(rule)
    return tuple(rules)


@functools.lru_cache(maxsize=8)
def load_rules(taxonomy_id: str = DEFAULT_TAXONOMY) -> tuple[Rule, ...]:
    """The rule catalogue of a taxonomy version, in file order."""
    tax = load_taxonomy(taxonomy_id)
    data = tax.sources.get("rules.toml")  # parsed with the other sources (compiled.json when current)
    if data is None:
        return ()
    return parse_rules(data, tax)


@functools.lru_cache(maxsize=8)
def rules_by_id(taxonomy_id: str = DEFAULT_TAXONOMY) -> dict[str, Rule]:
    """The rule catalogue of a taxonomy version by rule id (the first of an id wins, as a scan would)."""
    out: dict[str, Rule] = {}
    for r in load_rules(taxonomy_id):
        out.setdefault(r.id, r)
    return out


def _placeable(lay: Layout, term: Term, scope: str, concepts: set[str]) -> bool:
    if scope == "plain" or term.code == "":
        return lay.place(term.concept, term.code or None) is not None
    return term.concept in concepts


def narrow(rule: Rule, lay: Layout) -> Rule | None:
    """The rule as it applies to a layout, or None when it does not apply there."""
    concepts = lay.concepts()
    ok = lambda t: _placeable(lay, t, rule.scope, concepts)  # noqa: E731
    if rule.kind == "sum":
        items = tuple(t for t in rule.items if ok(t))
        if not ok(rule.total) or not items:
            return None
        return replace(rule, items=items) if items != rule.items else rule
    if rule.kind == "hierarchy":
        cs = tuple(c for c in rule.concepts if c in concepts)
        return (replace(rule, concepts=cs) if cs != rule.concepts else rule) if cs else None
    left = tuple(t for t in rule.left if ok(t))
    right = tuple(t for t in rule.right if ok(t))
    if not left or not right:
        return None
    return replace(rule, left=left, right=right) if (left, right) != (rule.left, rule.right) else rule


@functools.lru_cache(maxsize=32)
def rules_for_layout(taxonomy_id: str, layout_id: str) -> tuple[Rule, ...]:
    """The catalogue narrowed to one layout (cached)."""
    lay = load_taxonomy(taxonomy_id).layout(layout_id)
    out = []
    for r in load_rules(taxonomy_id):
        n = narrow(r, lay)
        if n is not None:
            out.append(n)
    return tuple(out)
