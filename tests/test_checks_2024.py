"""The same catalogue on the 2024-shanghai layout, with the figures of 上海市普陀区财政局 2024
(shared/corpus/2024-shanghai-putuo-finance-bureau.pdf): its tables are consistent up to rounding,
including its own 0.01 gaps (01 208 326.71 against 02/03/05 326.72; 02 合计 2946.25 against its 类
2946.26; 06 301 2082.85 against its 款 2082.86), and the 2024 rules differ from 2021 only where the
layout differs (06 公用经费合计 = 302 + 310; 09 has 年初/本年收入/年末)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from juesuan.checks import rules_for_layout
from juesuan.checks.engine import FactIndex, comparisons, consistent
from juesuan.taxonomy import load_taxonomy
from juesuan.validate import validate_file
from juesuan.xmlio import save_instance

from .checks_util import build, findings, keyed

ROWS_03 = {  # code: (本年支出合计, 基本支出, 项目支出) of 03 and 05 (05 has no 上缴/经营/附属 columns)
    "201": ("2106.66", "1503.52", "603.14"), "20106": ("2106.66", "1503.52", "603.14"),
    "2010601": ("1511.89", "1503.52", "8.37"), "2010602": ("10.00", "", "10.00"),
    "2010607": ("135.25", "", "135.25"), "2010608": ("449.52", "", "449.52"),
    "208": ("326.72", "326.72", ""), "20805": ("326.72", "326.72", ""), "2080501": ("84.65", "84.65", ""),
    "2080505": ("160.75", "160.75", ""), "2080506": ("80.38", "80.38", ""), "2080599": ("0.94", "0.94", ""),
    "210": ("60.99", "60.99", ""), "21011": ("60.99", "60.99", ""), "2101101": ("60.99", "60.99", ""),
    "221": ("445.69", "445.69", ""), "22102": ("445.69", "445.69", ""), "2210201": ("187.19", "187.19", ""),
    "2210203": ("258.50", "258.50", ""),
    "": ("2940.05", "2336.91", "603.14"),
}
ROWS_02 = {  # code: (本年收入合计, 财政拨款收入, 其他收入)
    "": ("2946.25", "2940.05", "6.20"), "201": ("2112.86", "2106.66", "6.20"), "20106": ("2112.86", "2106.66", "6.20"),
    "2010601": ("1511.90", "1511.89", "0.01"), "2010602": ("16.19", "10.00", "6.19"),
    "2010607": ("135.25", "135.25", ""), "2010608": ("449.52", "449.52", ""),
    **{k: (v[0], v[0], "") for k, v in ROWS_03.items() if k[:3] in ("208", "210", "221")},
}
CLASSES_01_04 = {"201": "2106.66", "208": "326.71", "210": "60.99", "221": "445.69", "": "2940.05"}
BASIC_06 = {
    "301": "2082.85", "30101": "262.33", "30102": "1238.58", "30108": "160.75", "30109": "80.38", "30110": "60.99",
    "30112": "1.61", "30113": "187.19", "30199": "91.03",
    "303": "69.41", "30302": "69.10", "30309": "0.31",
    "302": "171.07", "30201": "21.21", "30202": "7.61", "30204": "0.09", "30207": "4.88", "30211": "1.20",
    "30213": "2.83", "30216": "4.05", "30226": "2.01", "30228": "24.42", "30229": "42.77", "30239": "48.49",
    "30299": "11.53",
    "310": "13.58", "31002": "13.58",
}


def putuo_facts() -> dict:
    f = {
        ("SumIncGeneralBudgetGrant", ""): "2940.05", ("SumIncOther", ""): "6.20", ("SumIncTotal", ""): "2946.25",
        ("SumOpeningBalance", ""): "49.14", ("SumIncGrandTotal", ""): "2995.39",
        ("SumClosingBalance", ""): "55.34", ("SumExpGrandTotal", ""): "2995.39",
        ("GrantIncGeneralBudget", ""): "2940.05", ("GrantIncTotal", ""): "2940.05",
        ("GrantOpeningTotal", ""): "21.63", ("GrantOpeningGeneralBudget", ""): "21.63",
        ("GrantIncGrandTotal", ""): "2961.68",
        ("GrantClosingTotal", ""): "21.63", ("GrantClosingGeneralBudget", ""): "21.63",
        ("GrantExpGrandTotal", ""): "2961.68", ("GrantExpGrandTotalGeneralBudget", ""): "2961.68",
        ("BasicPersonnelTotal", ""): "2152.26", ("BasicPublicTotal", ""): "184.65",
        ("ThreeBudgetTotal", ""): "0.95", ("ThreeBudgetReception", ""): "0.95",
    }
    for code, v in CLASSES_01_04.items():
        f[("SumExp", code)] = v
        f[("GrantExpTotal", code)] = v
        f[("GrantExpGeneralBudget", code)] = v
    for code, (t, g, o) in ROWS_02.items():
        for concept, v in (("IncTotal", t), ("IncGrant", g), ("IncOther", o)):
            if v:
                f[(concept, code)] = v
    for code, (t, b, p) in ROWS_03.items():
        for prefix in ("Exp", "GpbExp"):
            for suffix, v in (("Total", t), ("Basic", b), ("Project", p)):
                if v:
                    f[(prefix + suffix, code)] = v
    for code, v in BASIC_06.items():
        f[("BasicExp", code)] = v
    return f


def test_putuo_2024_is_consistent_under_calc11_rounding():
    inst = build("2024-shanghai", putuo_facts())
    assert findings(inst) == []


def test_the_rules_really_ran_on_the_2024_tables():
    inst = build("2024-shanghai", putuo_facts())
    tax = load_taxonomy()
    lay = tax.layout("2024-shanghai")
    idx = FactIndex(inst, lay)
    ran = {}
    for rule in rules_for_layout(tax.id, lay.id):
        for cmp in comparisons(rule, idx, lay, tax):
            ran[(rule.id, cmp.left[0][0], cmp.code)] = consistent(cmp, idx)[:3]
    assert len(ran) > 100
    tables = {r.split(".")[0] for r, _, _ in ran}
    assert {"T01", "T02", "T03", "T04", "T05", "T06", "T07", "X01-02", "X01-03", "X01-04", "X04-05", "X05-06"} <= tables
    # its own rounding gaps, evaluated and accepted
    d = Decimal
    assert ran[("X01-03.class-rows", "SumExp", "208")] == (True, d("326.71"), d("326.72"))
    assert ran[("X04-05.class-rows", "GrantExpGeneralBudget", "208")] == (True, d("326.71"), d("326.72"))
    assert ran[("T02.hierarchy", "IncTotal", "")] == (True, d("2946.25"), d("2946.26"))
    assert ran[("T06.hierarchy", "BasicExp", "301")] == (True, d("2082.85"), d("2082.86"))
    # 公用经费合计 = 302 + 310 in this layout (no 307 / 399 rows)
    assert ran[("T06.public-total", "BasicPublicTotal", "")] == (True, d("184.65"), d("184.65"))


def test_putuo_2024_through_xml_schema_and_rules(tmp_path):
    p = tmp_path / "putuo-2024.xml"
    save_instance(build("2024-shanghai", putuo_facts()), p)
    report = validate_file(p)
    assert list(report) == [] and report.valid


@pytest.mark.parametrize("change,expected", [
    # a 05 class row off by 1.00: 05's row sum, its hierarchy, 04 = 05 for that class
    ({("GpbExpTotal", "221"): "446.69"}, [
        ("rule:T05.row-sum", "05", "221", "合计"),
        ("rule:T05.hierarchy", "05", "合计", "合计"),
        ("rule:T05.hierarchy", "05", "221", "合计"),
        ("rule:X04-05.class-rows", "04", "221", "一般公共预算财政拨款"),
    ]),
    # 06 公用经费合计 that would be right if 2021's 399 were counted: only 302 + 310 count here
    ({("BasicPublicTotal", ""): "189.65"}, [
        ("rule:T06.public-total", "06", "公用经费合计", "决算数"),
        ("rule:X05-06.basic", "05", "合计", "基本支出"),
    ]),
    # a fund table appears in 08 but not in 04
    ({("FundExpTotal", ""): "5.00", ("FundExpBasic", ""): "5.00"}, [
        ("rule:X04-08.expenditure", "04", "本年支出合计", "政府性基金预算财政拨款"),
    ]),
    # 09 income without 04's: a 2024-only rule (2021's 09 has no 本年收入)
    ({("SoeIncome", ""): "3.00"}, [
        ("rule:X04-09.income", "04", "国有资本经营预算财政拨款", "决算数"),
    ]),
])
def test_putuo_2024_with_one_change(change, expected):
    f = putuo_facts()
    f.update(change)
    assert keyed(findings(build("2024-shanghai", f))) == expected
