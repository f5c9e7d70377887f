"""The engine's semantics: Calculation 1.1 rounding, presence, layout narrowing, scopes, weights,
sources in findings, and the catalogue's own validation."""

from __future__ import annotations

import tomllib
from decimal import Decimal

import pytest

from juesuan.checks import Interval, load_rules, narrow, parse_rules, rules_for_layout
from juesuan.errors import TaxonomyError
from juesuan.taxonomy import load_taxonomy

from .checks_util import D, build, findings, keyed

TAX = load_taxonomy()


def rule(toml: str):
    (r,) = parse_rules(tomllib.loads(toml), TAX)
    return r


def rule_by_id(rid):
    return next(r for r in load_rules() if r.id == rid)


# ------------------------------------------------------------------ rounding (Calculation 1.1)

def test_interval_of_a_two_decimal_amount():
    assert Interval.of(D("2035.21")) == Interval(D("2035.205"), D("2035.215"))
    assert Interval.of(D("-1.00")) == Interval(D("-1.005"), D("-0.995"))
    assert Interval.of(D("5"), None) == Interval(D(5), D(5))


def test_intervals_are_the_same_as_arelles_calc11_rounding_ranges():
    from arelle import ValidateXbrlCalcs  # the reference implementation of Calc 1.1

    ValidateXbrlCalcs.init()
    rangeValue = ValidateXbrlCalcs.rangeValue
    for v in ("2035.21", "0.06", "1060.20", "-3.10", "0.00"):
        lo, hi, incl_lo, incl_hi = rangeValue(Decimal(v), 2)
        assert (Interval.of(D(v)).low, Interval.of(D(v)).high) == (lo, hi)
        assert incl_lo and incl_hi  # closed: touching intervals are consistent


def test_worked_example_of_the_readme():
    items = Interval.of(D("1980.73")) + Interval.of(D("6.44")) + Interval.of(D("48.03"))
    assert items == Interval(D("2035.185"), D("2035.215"))
    assert items.overlaps(Interval.of(D("2035.21")))
    assert items.overlaps(Interval.of(D("2035.22")))  # [2035.215, 2035.225] touches
    assert not items.overlaps(Interval.of(D("2035.23")))


def test_touching_intervals_are_consistent_and_apart_are_not():
    a = Interval.of(D("1832.39"))
    assert a.overlaps(Interval.of(D("1060.26")) + Interval.of(D("772.12")))  # [1832.37, 1832.39] touches at .385
    assert Interval.of(D("1.00")).overlaps(Interval.of(D("1.01")))
    assert not Interval.of(D("1.00")).overlaps(Interval.of(D("1.02")))


T07 = "T07.actual-vehicle"  # 小计 = 购置 + 运行: two items, tolerance 0.015


@pytest.mark.parametrize("total,purchase,operation,ok", [
    ("10.00", "5.00", "5.00", True),
    ("10.00", "4.99", "5.00", True),    # items [9.98, 10.00] meet [9.995, 10.005]
    ("10.00", "5.00", "5.01", True),
    ("10.00", "4.99", "4.99", False),   # items [9.97, 9.99]: 0.02 apart with two items
    ("10.00", "5.01", "5.01", False),
])
def test_sum_tolerance_grows_with_the_number_of_items(total, purchase, operation, ok):
    inst = build("2021-hunan", {("ThreeActualVehicle", ""): total, ("ThreeActualVehiclePurchase", ""): purchase,
                                ("ThreeActualVehicleOperation", ""): operation})
    got = findings(inst, (rule_by_id(T07),))
    assert (got == []) is ok


def test_ten_items_tolerate_five_hundredths_but_not_six():
    codes = ["30101", "30102", "30103", "30106", "30107", "30108", "30110", "30112", "30113", "30199"]
    facts = {("BasicExp", c): "10.00" for c in codes}
    r = rule_by_id("T06.hierarchy")
    assert findings(build("2021-hunan", {**facts, ("BasicExp", "301"): "99.95"}), (r,)) == []
    assert findings(build("2021-hunan", {**facts, ("BasicExp", "301"): "100.05"}), (r,)) == []
    assert len(findings(build("2021-hunan", {**facts, ("BasicExp", "301"): "99.94"}), (r,))) == 1


@pytest.mark.parametrize("actual,basic,ok", [
    ("1.64", "1.64", True), ("2.00", "1.64", True), ("1.63", "1.64", True),  # 1.63 may be 1.635 ≥ 1.635
    ("1.62", "1.64", False), ("", "1.64", False), ("1.00", "", True),
])
def test_ge_is_left_high_at_least_right_low(actual, basic, ok):
    facts = {}
    if actual:
        facts[("ThreeActualReception", "")] = actual
    if basic:
        facts[("BasicExp", "30217")] = basic
    got = findings(build("2021-hunan", facts), (rule_by_id("X06-07.reception"),))
    assert (got == []) is ok
    if not ok:
        assert got[0].severity == "warning" and got[0].table == "07" and got[0].column == "公务接待费"


# ------------------------------------------------------------------ presence

def test_total_without_items_is_not_checked():
    inst = build("2021-hunan", {("ThreeActualVehicle", ""): "9.00"})
    assert findings(inst, (rule_by_id(T07),)) == []


def test_unreported_total_with_reported_items_counts_as_zero():
    inst = build("2021-hunan", {("ThreeActualVehiclePurchase", ""): "9.00"})
    (f,) = findings(inst, (rule_by_id(T07),))
    assert f.values["left"] == "0.00" and f.values["right"] == "9.00"
    assert "公务用车购置及运行费决算数小计 空" in f.text() and "blank" in f.text("en")


def test_equal_with_both_sides_blank_is_not_checked_and_one_blank_side_is():
    r = rule_by_id("X04-08.expenditure")
    assert findings(build("2021-hunan", {}), (r,)) == []
    (f,) = findings(build("2021-hunan", {("GrantExpGovFund", ""): "12.00"}), (r,))
    assert (f.table, f.row, f.column) == ("04", "本年支出合计", "政府性基金预算财政拨款")
    assert "08表 政府性基金本年支出合计 空" in f.text()


def test_hierarchy_missing_parent_row_is_zero():
    inst = build("2021-hunan", {("IncGrant", "2010101"): "3.00", ("IncGrant", "201"): "3.00", ("IncGrant", ""): "3.00"})
    got = findings(inst, (rule_by_id("T02.hierarchy"),))
    assert keyed(got) == [("rule:T02.hierarchy", "02", "20101", "财政拨款收入")]


def test_facts_without_a_cell_in_the_layout_are_ignored():
    # 2024-shanghai's 06 has no 399 row: the same fact breaks 公用经费合计 in 2021 only
    facts = {("BasicExp", "302"): "171.07", ("BasicExp", "310"): "13.58", ("BasicPublicTotal", ""): "184.65",
             ("BasicExp", "399"): "5.00"}
    r = rule_by_id("T06.public-total")
    assert keyed(findings(build("2021-hunan", facts), (narrow(r, TAX.layout("2021-hunan")),))) == [
        ("rule:T06.public-total", "06", "公用经费合计", "决算数")]
    assert findings(build("2024-shanghai", facts), (narrow(r, TAX.layout("2024-shanghai")),)) == []


# ------------------------------------------------------------------ layouts

def test_rules_narrowed_to_each_layout():
    hunan = {r.id: r for r in rules_for_layout(TAX.id, "2021-hunan")}
    shanghai = {r.id: r for r in rules_for_layout(TAX.id, "2024-shanghai")}
    pub = lambda rs: [t.code for t in rs["T06.public-total"].items]  # noqa: E731
    assert pub(hunan) == ["302", "307", "310", "399"]  # 309 is a row of neither layout
    assert pub(shanghai) == ["302", "310"]
    # 2021's 09 has only 本年支出 columns: no 09 年初/本年收入/年末 rules there
    assert set(shanghai) - set(hunan) == {"X04-09.income", "X04-09.opening", "X04-09.closing"}
    assert hunan["T09.hierarchy"].concepts == ("SoeExpTotal", "SoeExpBasic", "SoeExpProject")
    assert len(shanghai["T09.hierarchy"].concepts) == 6
    assert [t.code for t in shanghai["X06-07.vehicle-purchase"].right] == ["31013"]


# ------------------------------------------------------------------ scopes and weights

def test_weights_subtract():
    r = rule('''[[rule]]
id = "T01.test-weight"
severity = "info"
kind = "sum"
total = "SumIncTotal"
items = ["SumIncGrandTotal", { concept = "SumOpeningBalance", weight = -1 }]
zh = "{lhs} ≠ {rhs}"
en = "{lhs} ≠ {rhs}"
''')
    ok = build("2021-hunan", {("SumIncTotal", ""): "90.00", ("SumIncGrandTotal", ""): "100.00", ("SumOpeningBalance", ""): "10.00"})
    bad = build("2021-hunan", {("SumIncTotal", ""): "110.00", ("SumIncGrandTotal", ""): "100.00", ("SumOpeningBalance", ""): "10.00"})
    assert findings(ok, (r,)) == []
    (f,) = findings(bad, (r,))
    assert f.severity == "info" and "收入总计 100.00 - 年初结转和结余 10.00" in f.text()
    assert f.values["right"] == "90.00"


def test_function_rows_scope_checks_every_level():
    r = rule('''[[rule]]
id = "X03-05.test-rows"
severity = "warning"
kind = "ge"
scope = "function-rows"
left = "ExpTotal"
right = "GpbExpTotal"
zh = "{code}: {lhs} < {rhs}"
en = "{code}: {lhs} < {rhs}"
''')
    inst = build("2021-hunan", {("ExpTotal", "201"): "10.00", ("GpbExpTotal", "201"): "9.00",
                                ("ExpTotal", "20101"): "5.00", ("GpbExpTotal", "20101"): "6.00",
                                ("GpbExpTotal", "2010101"): "6.00", ("ExpTotal", ""): "1.00", ("GpbExpTotal", ""): "9.00"})
    assert [(f.row, f.text()) for f in findings(inst, (r,))] == [
        ("20101", "20101: 本年支出合计 5.00 < 05表 一般公共预算财政拨款支出合计 6.00"),
        ("2010101", "2010101: 本年支出合计 空 < 05表 一般公共预算财政拨款支出合计 6.00"),
    ]


def test_class_rows_scope_checks_3_digit_codes_on_either_side():
    r = rule_by_id("X01-03.class-rows")
    inst = build("2021-hunan", {("SumExp", "201"): "10.00", ("ExpTotal", "201"): "10.00",
                                ("ExpTotal", "210"): "2.00", ("ExpTotal", "21011"): "2.00"})
    assert keyed(findings(inst, (r,))) == [("rule:X01-03.class-rows", "01", "210", "决算数")]


# ------------------------------------------------------------------ findings carry their source

def test_source_of_a_converted_fact_is_in_the_finding():
    inst = build("2021-hunan", {("ThreeActualVehicle", ""): "9.00", ("ThreeActualVehiclePurchase", ""): "1.00"},
                 origins={("ThreeActualVehicle", ""): "三公经费表!I7"})
    (f,) = findings(inst, (rule_by_id(T07),))
    assert f.values["source"] == "三公经费表!I7" and f.text().endswith("（来源：三公经费表!I7）")
    assert f.text("en").endswith("(source: 三公经费表!I7)")
    assert f.section == "决算数" and f.column == "小计"
    assert [t["concept"] for t in f.values["terms"]] == ["ThreeActualVehicle", "ThreeActualVehiclePurchase", "ThreeActualVehicleOperation"]
    assert f.values["terms"][2]["value"] is None


# ------------------------------------------------------------------ the catalogue validates itself

BASE = '''[[rule]]
id = "{id}"
severity = "{sev}"
kind = "{kind}"
{body}
zh = "{zh}"
en = "x"
'''


@pytest.mark.parametrize("body,kind,msg", [
    ('total = "NoSuchConcept"\nitems = ["SumIncTotal"]', "sum", "unknown concept"),
    ('total = "SumIncTotal"\nitems = []', "sum", "at least one item"),
    ('scope = "rows"\ntotal = "IncTotal"\nitems = [{ concept = "IncGrant", code = "201" }]', "sum", "fixed codes"),
    ('scope = "rows"\ntotal = "SumIncTotal"\nitems = ["SumIncOther"]', "sum", "function-coded"),
    ('total = "SumIncTotal"\nitems = [{ concept = "BasicExp" }]', "sum", "needs a code"),
    ('concepts = ["SumIncTotal"]', "hierarchy", "no classification code"),
    ('left = "SumIncTotal"', "equal", "needs left and right"),
    ('left = "SumIncTotal"\nright = "IncTotal"\ntotal = "IncTotal"', "equal", "do not belong"),
    ('left = "SumIncTotal"\nright = "IncTotal"\nscope = "rows"', "ge", "scope"),
    ('left = "SumIncTotal"\nright = { concept = "IncTotal", weight = 2 }', "equal", "weight"),
])
def test_bad_rules_are_refused(body, kind, msg):
    with pytest.raises(TaxonomyError, match=msg):
        parse_rules(tomllib.loads(BASE.format(id="T01.bad", sev="error", kind=kind, body=body, zh="x")), TAX)


def test_bad_ids_severities_templates_and_duplicates_are_refused():
    ok = 'left = "SumIncTotal"\nright = "IncTotal"'
    for fields, msg in [
        (dict(id="bad id", sev="error", zh="x"), "bad rule id"),
        (dict(id="T01.x", sev="fatal", zh="x"), "severity"),
        (dict(id="T01.x", sev="error", zh="{nope}"), "unknown placeholder"),
    ]:
        with pytest.raises(TaxonomyError, match=msg):
            parse_rules(tomllib.loads(BASE.format(kind="equal", body=ok, **fields)), TAX)
    twice = BASE.format(id="T01.x", sev="error", kind="equal", body=ok, zh="x") * 2
    with pytest.raises(TaxonomyError, match="duplicate"):
        parse_rules(tomllib.loads(twice), TAX)


def test_shipped_catalogue_loads_and_codes_are_stable():
    rules = load_rules()
    assert len(rules) == len({r.id for r in rules}) == 69
    assert all(r.code == "rule:" + r.id for r in rules)
    assert rule_by_id("T02.row-sum").items[-1].concept == "IncOther"


def test_engine_decisions_equal_interval_arithmetic_on_random_figures():
    """The engine's unrolled arithmetic decides exactly as rounding.Interval does."""
    import random

    rnd = random.Random(20211231)
    vehicle, reception = rule_by_id(T07), rule_by_id("X06-07.reception")
    for _ in range(400):
        t, a, b = (D(rnd.randint(0, 400)) / 100 for _ in range(3))
        expect = Interval.of(t).overlaps(Interval.of(a) + Interval.of(b))
        inst = build("2021-hunan", {("ThreeActualVehicle", ""): t, ("ThreeActualVehiclePurchase", ""): a,
                                    ("ThreeActualVehicleOperation", ""): b})
        assert (findings(inst, (vehicle,)) == []) is expect, (t, a, b)
        expect_ge = Interval.of(t).may_be_ge(Interval.of(a))
        inst = build("2021-hunan", {("ThreeActualReception", ""): t, ("BasicExp", "30217"): a})
        assert (findings(inst, (reception,)) == []) is expect_ge, (t, a)
