"""Every rule of the catalogue: one small instance that passes it and one that fails it.

The instances are built from the rule's own formula in the 2024-shanghai layout (where every rule
applies) with distinct amounts, so a rule that compared the wrong concepts, codes or weights would
flag the passing instance or miss the failing one. Each rule is evaluated alone.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from juesuan.checks import load_rules, rules_for_layout
from juesuan.taxonomy import load_taxonomy

from .checks_util import D, build, findings

LAYOUT = "2024-shanghai"
RULES = {r.id: r for r in rules_for_layout("juesuan-1.0", LAYOUT)}
ONE = Decimal("1.00")


def test_every_rule_applies_to_the_2024_layout():
    assert set(RULES) == {r.id for r in load_rules()}


def _amount(i: int) -> Decimal:
    return D("11.11") * (i + 1) + D("0.07")


def _key(t, row):
    return (t.concept, row if t.code is None else t.code)


def _placeable(facts):
    lay = load_taxonomy().layout(LAYOUT)
    return {k: v for k, v in facts.items() if lay.place(k[0], k[1] or None) is not None}


def passing(rule) -> tuple[dict, tuple]:
    """Facts consistent with the rule, and (concept, code) of the left-hand fact to break."""
    facts: dict = {}
    if rule.kind == "sum":
        rows = ["", "201"] if rule.scope == "rows" else [""]
        for row in rows:
            total = D(0)
            for i, t in enumerate(rule.items):
                v = _amount(i) + (D(100) if t.weight < 0 else D(0))
                facts[_key(t, row)] = v
                total += v * t.weight
            facts[_key(rule.total, row)] = total
        return facts, _key(rule.total, rows[-1])
    if rule.kind == "hierarchy":
        for concept in rule.concepts:
            if load_taxonomy().concepts[concept].dim == "economic":
                facts.update({(concept, "30101"): D("1.11"), (concept, "30102"): D("2.22"), (concept, "301"): D("3.33")})
            else:
                facts.update({
                    (concept, "2010101"): D("1.11"), (concept, "2010102"): D("2.22"), (concept, "20101"): D("3.33"),
                    (concept, "20102"): D("4.44"), (concept, "201"): D("7.77"), (concept, "208"): D("5.55"),
                    (concept, ""): D("13.32"),
                })
        first = rule.concepts[0]
        return facts, ((first, "301") if (first, "301") in facts else (first, ""))
    row = "201" if rule.scope != "plain" else ""
    left = D(0)
    for i, t in enumerate(rule.left):
        facts[_key(t, row)] = D(100) + _amount(i)
        left += facts[_key(t, row)] * t.weight
    rest = left
    for t in rule.right[:-1]:
        facts[_key(t, row)] = D("1.11")
        rest -= D("1.11") * t.weight
    facts[_key(rule.right[-1], row)] = rest * rule.right[-1].weight
    return facts, _key(rule.left[0], row)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_passes(rule_id):
    rule = RULES[rule_id]
    facts, _ = passing(rule)
    inst = build(LAYOUT, _placeable(facts))
    assert findings(inst, (rule,)) == []


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_fails(rule_id):
    rule = RULES[rule_id]
    facts, broken = passing(rule)
    # equal/sum/hierarchy: the left side off by 1.00; ge: the left side 1.00 below the right
    facts[broken] = facts[broken] + (-ONE if rule.kind == "ge" else ONE)
    inst = build(LAYOUT, _placeable(facts))
    found = findings(inst, (rule,))
    assert [f.code for f in found] == [f"rule:{rule_id}"]
    (f,) = found
    p = load_taxonomy().layout(LAYOUT).place(broken[0], broken[1] or None)
    assert (f.table, f.row, f.column) == (p.table, p.row, p.column)
    assert f.severity == rule.severity
    assert abs(Decimal(f.values["difference"])) == ONE
    assert f.text() and f.text("en") and "{" not in f.text() + f.text("en")


def test_06_to_07_rules_are_warnings_and_the_rest_errors():
    sev = {r.id: r.severity for r in load_rules()}
    assert {k for k, v in sev.items() if v == "warning"} == {
        "X06-07.reception", "X06-07.vehicle-operation", "X06-07.vehicle-purchase", "X06-07.overseas"}
    assert {v for k, v in sev.items() if not k.startswith("X06-07.")} == {"error"}


def test_the_issue_relations_are_all_in_the_catalogue():
    """The rules the issue lists, by id (extras may exist; none of these may disappear)."""
    required = {
        "T01.income-grand-total", "T01.expenditure-grand-total", "T01.grand-totals", "T01.income-total",
        "T01.expenditure-total", "T02.row-sum", "T02.hierarchy", "T03.row-sum", "T03.hierarchy",
        "T04.row-sum", "T04.income-total", "T04.opening-total", "T04.closing-row-sum", "T04.grand-total-row-sum",
        "T04.income-grand-total", "T04.expenditure-grand-total", "T04.expenditure-grand-total.general-budget",
        "T04.expenditure-grand-total.gov-fund", "T04.expenditure-grand-total.state-capital",
        "T04.fund-balance.general-budget", "T04.fund-balance.gov-fund", "T04.fund-balance.state-capital",
        "T04.grand-totals", "T05.row-sum", "T05.hierarchy", "T06.hierarchy", "T06.personnel-total",
        "T06.public-total", "T07.budget-total", "T07.budget-vehicle", "T07.actual-total", "T07.actual-vehicle",
        "T08.hierarchy", "T09.hierarchy", "X01-02.income-total", "X01-03.expenditure-total", "X01-03.class-rows",
        "X01-04.general-budget-income", "X01-04.gov-fund-income", "X01-04.state-capital-income",
        "X02-04.grant-income", "X01-04.opening", "X01-04.closing", "X04-05.total", "X04-05.class-rows",
        "X04-08.expenditure", "X04-08.class-rows", "X04-08.income", "X04-08.opening", "X04-08.closing",
        "X04-09.expenditure", "X04-09.class-rows", "X04-09.income", "X04-09.opening", "X04-09.closing",
        "X05-06.basic", "X06-07.reception", "X06-07.vehicle-operation", "X06-07.vehicle-purchase",
        "X06-07.overseas",
    }
    assert required <= {r.id for r in load_rules()}
