"""Evaluate the rule catalogue over an instance and report inconsistencies as Findings.

Rules live in concept space (catalogue.py); this module binds them to an instance's facts. It
works out the comparisons a rule stands for (one per row for row scopes, one per parent code for
hierarchies), compares the two sides with XBRL Calculation 1.1 round-to-nearest intervals
(rounding.py) and, for each inconsistent comparison, builds a Finding placed in the instance's
layout (table / section / row / column of the first left-hand term) with the fact's source.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, Iterator

from ..findings import Finding
from ..model import Fact, Instance, Location, Where, format_amount
from ..records import record
from ..taxonomy import Layout, Taxonomy, load_taxonomy
from .catalogue import Rule, Term, rules_for_layout
from .terms import Terms, message_fields  # noqa: F401 - message_fields: juesuan.catalogue renders with it
from .rounding import ZERO, Interval, _plain

HALF_CENT = Decimal("0.005")  # half the rounding unit of an amount with 2 decimals

# A bound term: (concept, code or "" for the fact without code, weight)
Bound = tuple[str, str, int]


@record(frozen=True)
class Comparison:
    """One check a rule stands for: Σ left (= or ≥) Σ right, in one row or for one parent code."""

    rule: Rule
    left: tuple[Bound, ...]
    right: tuple[Bound, ...]
    code: str  # the row's classification code ("" for the 合计 row or plain facts)


class FactIndex:
    """The instance's facts (its own (concept, code) mapping) seen through its layout: a fact with no
    cell there is left out (no rule can speak about it), and the codes reported per concept."""

    def __init__(self, inst: Instance, lay: Layout):
        self.place = lay.place
        self.cell = lay.cell_labels
        self.units = inst.header.unit_count()
        self._tails: dict[tuple[str, str], tuple] = {}
        self._codes: dict[str, dict[str, Fact]] | None = None
        # (concept, code or "") -> fact, for the facts with a cell (the instance's own keys)
        if len(inst.facts) <= _PLAN_MAX_FACTS:
            has_cell = _cells(lay)
        else:  # a large instance's own codes: asked once each
            test = lay.has_cell

            def has_cell(key: tuple[str, str]) -> bool:
                return test(key[0], key[1] or None)
        # Facts iterates its facts in the order of its keys: (key, fact) pairs at C speed
        self.facts: dict[tuple[str, str], Fact] = {
            k: f for k, f in zip(inst.facts.keys(), inst.facts) if has_cell(k)}
        self.lookup = self.facts.get

    @property
    def codes(self) -> dict[str, dict[str, Fact]]:
        """concept -> {code or "": fact}."""
        if self._codes is None:
            self._codes = {}
            for (concept, code), f in self.facts.items():
                self._codes.setdefault(concept, {})[code] = f
        return self._codes

    def get(self, concept: str, code: str) -> Fact | None:
        return self.facts.get((concept, code))

    def codes_of(self, concept: str) -> dict[str, Fact]:
        return self.codes.get(concept, {})

    def tail(self, key: tuple[str, str]) -> tuple:
        """What a rule finding's term says of one (concept, code), built once per fact however many
        comparisons it is in: (value text or None, table, row, column, source, line)."""
        t = self._tails.get(key)
        if t is None:
            f = self.lookup(key)
            tp = self.cell(key[0], key[1] or None)
            t = self._tails[key] = (
                _fmt(f.value) if f is not None else None,
                tp[0] if tp else "", tp[2] if tp else key[1], tp[3] if tp else "",
                f.origin if f is not None else "", f.location.line if f is not None else None)
        return t


_CELLS: dict[tuple[str, str], dict] = {}
_CELLS_KEPT = 20_000  # keys remembered per layout (a large instance's own codes are not kept)


def _cells(lay: Layout):
    """`lay.has_cell` of an instance's key (concept, code or ""), remembered per layout: a batch asks
    it of the same few hundred keys in every report."""
    known = _CELLS.setdefault((lay.taxonomy, lay.id), {})
    has_cell = lay.has_cell

    def test(key: tuple[str, str]) -> bool:
        got = known.get(key)
        if got is None:
            got = has_cell(key[0], key[1] or None)
            if len(known) < _CELLS_KEPT:
                known[key] = got
        return got
    return test


def _fmt(value: Decimal) -> str:
    """format_amount, with the common case (exactly two decimals) short-cut: the same text."""
    s = format(value, "f")
    if len(s) > 3 and s[-3] == "." and s != "-0.00":
        return s
    return format_amount(value)


def _bind(t: Term, row: str) -> Bound:
    return (t.concept, row if t.code is None else t.code, t.weight)


def _row_order(code: str) -> tuple[int, str]:
    return (0, "") if code == "" else (1, code)


def _candidates(rule: Rule, idx: FactIndex, tax: Taxonomy) -> Iterator[tuple[tuple[Bound, ...], tuple[Bound, ...], str]]:
    """(left, right, row code) for every comparison a rule may stand for, presence not yet applied."""
    if rule.kind == "sum":
        if rule.scope == "plain":
            rows = [""]
        else:
            found: set[str] = set()
            for t in (rule.total, *rule.items):
                found.update(k for k in idx.codes_of(t.concept) if k)
            rows = ([""] if idx.place(rule.total.concept, None) is not None else []) + sorted(found)
        for row in rows:
            yield (_bind(rule.total, row),), tuple(_bind(t, row) for t in rule.items), row
    elif rule.kind == "hierarchy":
        for concept in rule.concepts:
            economic = tax.concepts[concept].dim == "economic"
            has_total = idx.place(concept, None) is not None
            children: dict[str, list[str]] = {}
            for code in idx.codes_of(concept):
                if len(code) == 7:
                    children.setdefault(code[:5], []).append(code)
                elif len(code) == 5:
                    children.setdefault(code[:3], []).append(code)
                elif len(code) == 3 and has_total and not economic:
                    children.setdefault("", []).append(code)
            for parent in sorted(children, key=_row_order):
                yield ((concept, parent, 1),), tuple((concept, k, 1) for k in sorted(children[parent])), parent
    else:
        if rule.scope == "plain":
            rows = [""]
        else:
            lengths = (3,) if rule.scope == "class-rows" else (3, 5, 7)
            found = set()
            for t in rule.left + rule.right:
                found.update(k for k in idx.codes_of(t.concept) if len(k) in lengths)
            rows = sorted(found)
        for row in rows:
            yield tuple(_bind(t, row) for t in rule.left), tuple(_bind(t, row) for t in rule.right), row


# The comparisons a rule catalogue stands for depend on which (concept, code) facts an instance has,
# not on their values: a batch of reports of one layout and the same rows plans them once.
_PLANS: dict[tuple, tuple] = {}
_PLAN_MAX_FACTS = 5_000  # larger instances are rarely alike: their key set is not worth keeping
_PLANS_KEPT = 64


def _plan(rules: tuple[Rule, ...], idx: FactIndex, tax: Taxonomy) -> Iterable[tuple]:
    """(rule, left, right, row code, left keys, right keys) of every candidate comparison, rules in
    order; the keys ((concept, code), weight) are what `_side` looks up."""
    cache = len(idx.facts) <= _PLAN_MAX_FACTS
    if cache:
        ck = (tuple(map(id, rules)), tax.id, frozenset(idx.facts))
        got = _PLANS.get(ck)
        if got is not None:
            return got[1]
    plan = ((rule, left, right, code, _keyed(left), _keyed(right))
            for rule in rules for left, right, code in _candidates(rule, idx, tax))
    if not cache:
        return plan  # one at a time: a large instance's comparisons are never all held
    plan = tuple(plan)
    if len(_PLANS) >= _PLANS_KEPT:
        _PLANS.clear()
    _PLANS[ck] = (rules, plan)  # the rules kept alive: their ids are not reused while cached
    return plan


def _keyed(bs: tuple[Bound, ...]) -> tuple:
    return tuple(((c, k), w) for c, k, w in bs)


_HALF: dict[int, Decimal] = {}


def _half(decimals: int) -> Decimal:
    """Half the rounding unit of a value with `decimals` decimals: 0.005 for 2."""
    h = _HALF.get(decimals)
    if h is None:
        h = _HALF[decimals] = Interval.of(ZERO, decimals).high
    return h


def _side(ks: tuple, get) -> tuple[Decimal, Decimal, int]:
    """(Σ weight·value, Σ half-widths, number of reported terms) of ((concept, code), weight) terms.

    The side's interval is [value - half, value + half]: the interval of a weighted sum of rounding
    intervals is centred on the weighted sum of the values and as wide as the sum of the widths (a
    weight of -1 mirrors an interval, same width); an unreported term is exactly 0. This is the
    interval arithmetic of rounding.Interval, unrolled for speed.
    """
    value = ZERO
    half = ZERO
    n = 0
    for key, w in ks:
        f = get(key)
        if f is not None:
            value += f.value if w == 1 else f.value * w
            d = f.decimals
            half += HALF_CENT if d == 2 else _half(d)
            n += 1
    return value, half, n


def _decide(kind: str, left: tuple, right: tuple, idx: FactIndex, keyed: bool = False):
    """None when the presence rules say the comparison is not checked, else
    (consistent, left value, left half-width, right value, right half-width). `keyed`: the sides
    are already ((concept, code), weight) terms (`_plan`)."""
    get = idx.lookup
    if not keyed:
        left, right = _keyed(left), _keyed(right)
    lv, lh, ln = _side(left, get)
    rv, rh, rn = _side(right, get)
    if idx.units != 1:  # each figure a sum of n printed ones: n half-units of rounding
        lh, rh = lh * idx.units, rh * idx.units
    if kind == "sum" or kind == "hierarchy":
        if not rn:  # a total with none of its items reported is not checked
            return None
    elif not (ln or rn):  # equal / ge with every term blank
        return None
    if kind == "ge":
        ok = lv + lh >= rv - rh  # left.high ≥ right.low
    else:
        ok = abs(lv - rv) <= lh + rh  # the closed intervals overlap
    return ok, lv, lh, rv, rh


def comparisons(rule: Rule, idx: FactIndex, lay: Layout, tax: Taxonomy) -> Iterator[Comparison]:
    """The comparisons a (layout-narrowed) rule stands for on these facts, presence rules applied."""
    for left, right, code in _candidates(rule, idx, tax):
        if _decide(rule.kind, left, right, idx) is not None:
            yield Comparison(rule, left, right, code)


def consistent(cmp: Comparison, idx: FactIndex) -> tuple[bool, Decimal, Decimal, Interval, Interval]:
    """Whether the comparison holds under Calculation 1.1 rounding, with both sides' values and
    intervals. equal/sum/hierarchy: the closed intervals overlap; ge: left.high ≥ right.low. The same
    decision check_instance makes (`_decide`), for a comparison `comparisons` produced."""
    decided = _decide(cmp.rule.kind, cmp.left, cmp.right, idx)
    if decided is None:
        raise ValueError(f"{cmp.rule.id}: not a checked comparison (no values on the side the rule needs)")
    ok, lv, lh, rv, rh = decided
    return ok, lv, rv, Interval(lv - lh, lv + lh), Interval(rv - rh, rv + rh)


def _finding(rule: Rule, left: tuple[Bound, ...], right: tuple[Bound, ...], idx: FactIndex, lay: Layout,
             tax: Taxonomy, inst: Instance, d: tuple) -> Finding:
    """The finding of an inconsistent comparison (`d`: what `_decide` returned for it)."""
    _, lv, lh, rv, rh = d
    concept, code, _ = left[0]
    table, section, row, column = idx.cell(concept, code or None) or ("", "", code, "")
    # where the finding points: the first left-hand fact, else the first reported fact
    lookup = idx.lookup
    anchor = lookup((concept, code))
    if anchor is None:
        anchor = next(f for f in (lookup((c, k)) for c, k, _ in left + right) if f is not None)
    tail = idx.tail
    terms = Terms([("left", c, k, w, tail((c, k))) for c, k, w in left] +
                  [("right", c, k, w, tail((c, k))) for c, k, w in right])
    loc = anchor.location
    if not loc.file and inst.source:
        loc = Location(file=inst.source, line=loc.line, xpath=loc.xpath)
    origin = anchor.origin
    return Finding.of(
        rule.code, loc, table=table, section=section, row=row, column=column, file=inst.source,
        severity=rule.severity, fact=(tax.id, lay.id, concept, code),
        rule=rule.id, kind=rule.kind, left=_fmt(lv), right=_fmt(rv),
        difference=_fmt(lv - rv), left_interval=[_plain(lv - lh), _plain(lv + lh)],
        right_interval=[_plain(rv - rh), _plain(rv + rh)],
        # the source cell, unless the finding's location is that cell already (a converted workbook)
        source=origin if origin and origin != f"{loc.sheet}!{loc.cell}" else "", terms=terms,
    )


def _unreadable_term(rule: Rule, left, right, code: str, unreadable: dict):
    """The first unreadable (concept, code) a comparison needs: one of its terms, or for a hierarchy
    a child code under its parent row."""
    for b in (*left, *right):
        hit = unreadable.get((b[0], b[1]))
        if hit is not None:
            return hit
    if rule.kind == "hierarchy":
        concept = left[0][0]
        for (c, k), hit in unreadable.items():
            if c == concept and len(k) > len(code) and k.startswith(code):
                return hit
    return None


def _catalogue_templates(taxonomy_id: str) -> dict[str, tuple[str, str]]:
    from .catalogue import load_rules

    return {r.id: (r.zh, r.en) for r in load_rules(taxonomy_id)}


def check_instance(inst: Instance, rules: tuple[Rule, ...] | None = None,
                   unreadable: dict | None = None, keep=None) -> Iterator[Finding]:
    """Findings of the taxonomy's rules on an instance (schema-valid: known taxonomy and layout).

    `rules` overrides the catalogue (tests, tools); they are evaluated as given, not narrowed.
    `unreadable`: {(concept, code or ""): (Location, table id)} of source cells in a fact's place
    that held no amount (convert's Conversion.unreadable): a comparison needing one is not checked
    (one convert:rule-not-checked warning) instead of reading the cell as blank.
    `keep(key)`: only the findings whose key (code, table, section, row, column) it accepts are
    built, in the same order (the diff asks for the keys first and builds only the findings that
    appeared or disappeared).

    A consolidated instance (juesuan.consolidate: its header lists n units) is checked with n units'
    rounding: each of its figures is a sum of n printed ones, ± n × 0.005.
    """
    tax = load_taxonomy(inst.header.taxonomy)
    lay = tax.layout(inst.header.layout)
    if rules is None:
        rules = rules_for_layout(tax.id, lay.id)
    else:  # the catalogue renders their findings from these, not from rules.toml
        from ..catalogue import declare_rules

        known = _catalogue_templates(tax.id)
        declare_rules(tax.id, [r for r in rules if known.get(r.id) != (r.zh, r.en)])
    idx = FactIndex(inst, lay)
    for item in _failures(rules, idx, tax, inst, unreadable):
        if isinstance(item, Finding):  # a rule not checked
            if keep is None or keep((item.code, item.table, item.section, item.row, item.column)):
                yield item
            continue
        rule, left, right, d = item
        if keep is not None:
            concept, code, _ = left[0]
            table, section, row, column = idx.cell(concept, code or None) or ("", "", code, "")
            if not keep((rule.code, table, section, row, column)):
                continue
        yield _finding(rule, left, right, idx, lay, tax, inst, d)


def _failures(rules: tuple[Rule, ...], idx: FactIndex, tax: Taxonomy, inst: Instance, unreadable: dict | None):
    """(rule, left, right, decision) of every inconsistent comparison, and the convert:rule-not-checked
    finding of a comparison that needs an unreadable cell (once per rule and cell)."""
    said: set = set()  # (rule id, location) already reported not checked
    for rule, left, right, code, lk, rk in _plan(rules, idx, tax):
        if unreadable:
            hit = _unreadable_term(rule, left, right, code, unreadable)
            if hit is not None:
                loc, tid = hit
                if (rule.id, loc) in said:
                    continue
                said.add((rule.id, loc))
                yield Finding.of("convert:rule-not-checked", loc, table=tid, file=inst.source, rule=rule.id,
                                 tab=tid, cell=Where(loc))
                continue
        d = _decide(rule.kind, lk, rk, idx, True)
        if d is not None and not d[0]:
            yield rule, left, right, d
