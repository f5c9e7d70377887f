"""Evaluate the rule catalogue over an instance and report inconsistencies as Findings.

Rules live in concept space (catalogue.py); this module binds them to an instance's facts. It
works out the comparisons a rule stands for (one per row for row scopes, one per parent code for
hierarchies), compares the two sides with XBRL Calculation 1.1 round-to-nearest intervals
(rounding.py) and, for each inconsistent comparison, builds a Finding placed in the instance's
layout (table / section / row / column of the first left-hand term) with the fact's source.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from ..findings import Finding
from ..model import Fact, Instance, Location, Where, format_amount, source_text
from ..records import record
from ..taxonomy import Layout, Taxonomy, load_taxonomy
from .catalogue import Rule, Term, rules_for_layout
from .rounding import ZERO, Interval

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
        self.codes: dict[str, dict[str, Fact]] = {}
        self.place = lay.place
        has_cell = lay.has_cell
        for f in inst.facts:
            if has_cell(f.concept, f.code):
                self.codes.setdefault(f.concept, {})[f.code or ""] = f

    def lookup(self, key: tuple[str, str]) -> Fact | None:
        codes = self.codes.get(key[0])
        return codes.get(key[1]) if codes is not None else None

    def get(self, concept: str, code: str) -> Fact | None:
        return self.lookup((concept, code))

    def codes_of(self, concept: str) -> dict[str, Fact]:
        return self.codes.get(concept, {})


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


_HALF: dict[int, Decimal] = {}


def _half(decimals: int) -> Decimal:
    """Half the rounding unit of a value with `decimals` decimals: 0.005 for 2."""
    h = _HALF.get(decimals)
    if h is None:
        h = _HALF[decimals] = Interval.of(ZERO, decimals).high
    return h


def _side(bs: tuple[Bound, ...], get) -> tuple[Decimal, Decimal, int]:
    """(Σ weight·value, Σ half-widths, number of reported terms).

    The side's interval is [value - half, value + half]: the interval of a weighted sum of rounding
    intervals is centred on the weighted sum of the values and as wide as the sum of the widths (a
    weight of -1 mirrors an interval, same width); an unreported term is exactly 0. This is the
    interval arithmetic of rounding.Interval, unrolled for speed.
    """
    value = ZERO
    half = ZERO
    n = 0
    for concept, code, w in bs:
        f = get((concept, code))
        if f is not None:
            value += f.value if w == 1 else f.value * w
            half += _half(f.decimals)
            n += 1
    return value, half, n


def _decide(kind: str, left: tuple[Bound, ...], right: tuple[Bound, ...], idx: FactIndex):
    """None when the presence rules say the comparison is not checked, else
    (consistent, left value, left half-width, right value, right half-width)."""
    get = idx.lookup
    lv, lh, ln = _side(left, get)
    rv, rh, rn = _side(right, get)
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


def _term_text(t: dict, tax: Taxonomy, primary_table: str, primary_code: str, lang: str) -> str:
    """'05表 201 一般公共预算财政拨款支出合计 2001.35': table when not the finding's, code when not the
    finding's row, label (an economic code's own name), value (or 空 / blank)."""
    from ..catalogue import text

    concept, code = t["concept"], t["code"]
    parts = []
    if t["table"] and t["table"] != primary_table:
        parts.append(text("table", lang, table=t["table"]))
    if code and code != primary_code:
        parts.append(code)
    c = tax.concepts[concept]
    label = c.label(lang)
    if c.dim == "economic" and code:  # 06 has one column: name the row (30217 公务接待费)
        label = tax.economic_codes.name(code, lang) or label
    parts.append(label)
    parts.append(t["value"] if t["value"] is not None else text("blank", lang))
    return " ".join(parts)


def _expr(terms: list[dict], tax: Taxonomy, table: str, code: str, lang: str, hide_blank: bool) -> str:
    out = []
    for t in terms:
        if t["value"] is None and hide_blank:
            continue
        s = _term_text(t, tax, table, code, lang)
        if not out:
            out.append(("-" if t["weight"] < 0 else "") + s)
        else:
            out.append(("- " if t["weight"] < 0 else "+ ") + s)
    return " ".join(out) if out else "0.00"


def message_fields(values: dict, lang: str, taxonomy: str | None = None) -> dict:
    """The fields of a rule's zh/en template ({lhs}, {rhs}, {left_value} …, see rules.toml) from a rule
    finding's values, in the asked language (juesuan.catalogue.render calls this at output time), and
    the finding's source appended: {source} of the `report:source` line."""
    from ..catalogue import text

    tax = load_taxonomy(taxonomy)
    terms = values["terms"]
    first = terms[0]  # the first left-hand term: where the finding is placed
    table, code = first["table"], first["code"]
    hide_blank = values["kind"] in ("sum", "hierarchy")
    return {
        "lhs": _expr([t for t in terms if t["side"] == "left"], tax, table, code, lang, False),
        "rhs": _expr([t for t in terms if t["side"] == "right"], tax, table, code, lang, hide_blank),
        "left_value": values["left"],
        "right_value": values["right"],
        "diff": values["difference"],
        "table": table,
        # the row and column labels as printed; English names the concept instead (its code for a code row)
        "row": first["row"] if lang != "en" else (code or tax.concepts[first["concept"]].en),
        "column": first["column"] if lang != "en" else tax.concepts[first["concept"]].en,
        "code": code or text("total", lang),
        # the converter's `src` reference ("line 138", "p21 line 13", "02表!D7") as a reader sees it
        "_source": text("source", lang, source=source_text(values["source"], lang)) if values.get("source") else "",
    }


def _finding(cmp: Comparison, idx: FactIndex, lay: Layout, tax: Taxonomy, inst: Instance,
             lv: Decimal, rv: Decimal, li: Interval, ri: Interval) -> Finding:
    rule = cmp.rule
    concept, code, _ = cmp.left[0]
    p = idx.place(concept, code or None)
    table, section, row, column = (p.table, p.section, p.row, p.column) if p else ("", "", code, "")
    # where the finding points: the first left-hand fact, else the first reported fact
    facts = [idx.get(c, k) for c, k, _ in cmp.left + cmp.right]
    anchor = idx.get(concept, code) or next(f for f in facts if f is not None)
    terms = []
    for side, bs in (("left", cmp.left), ("right", cmp.right)):
        for c, k, w in bs:
            f = idx.get(c, k)
            tp = idx.place(c, k or None)
            terms.append({
                "side": side,
                "concept": c,
                "code": k,
                "weight": w,
                "value": format_amount(f.value) if f is not None else None,
                "table": tp.table if tp else "",
                "row": tp.row if tp else k,
                "column": tp.column if tp else "",
                "source": f.origin if f is not None else "",
                "line": f.location.line if f is not None else None,
            })
    loc = anchor.location
    if not loc.file and inst.source:
        loc = Location(file=inst.source, line=loc.line, xpath=loc.xpath)
    return Finding.of(
        rule.code, loc, table=table, section=section, row=row, column=column, file=inst.source,
        severity=rule.severity, fact=(tax.id, lay.id, concept, code),
        rule=rule.id, kind=rule.kind, left=format_amount(lv), right=format_amount(rv),
        difference=format_amount(lv - rv), left_interval=li.as_strings(), right_interval=ri.as_strings(),
        # the source cell, unless the finding's location is that cell already (a converted workbook)
        source=anchor.origin if anchor.origin != f"{loc.sheet}!{loc.cell}" else "", terms=terms,
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
                   unreadable: dict | None = None) -> Iterator[Finding]:
    """Findings of the taxonomy's rules on an instance (schema-valid: known taxonomy and layout).

    `rules` overrides the catalogue (tests, tools); they are evaluated as given, not narrowed.
    `unreadable`: {(concept, code or ""): (Location, table id)} of source cells in a fact's place
    that held no amount (convert's Conversion.unreadable): a comparison needing one is not checked
    (one convert:rule-not-checked warning) instead of reading the cell as blank.
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
    said: set = set()  # (rule id, location) already reported not checked
    for rule in rules:
        kind = rule.kind
        for left, right, code in _candidates(rule, idx, tax):
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
            d = _decide(kind, left, right, idx)
            if d is not None and not d[0]:
                _, lv, lh, rv, rh = d
                cmp = Comparison(rule, left, right, code)
                yield _finding(cmp, idx, lay, tax, inst, lv, rv, Interval(lv - lh, lv + lh), Interval(rv - rh, rv + rh))
