from __future__ import annotations

import re

import pytest

from juesuan.errors import TaxonomyError
from juesuan.taxonomy import load_taxonomy, normalize_label, strip_ordinal


@pytest.fixture(scope="module")
def tax():
    return load_taxonomy()


def test_concepts_have_stable_ids_and_both_labels(tax):
    assert len(tax.concepts) >= 75
    for c in tax.concepts.values():
        assert re.match(r"^[A-Z][A-Za-z0-9]+$", c.id)
        assert c.zh and c.en and c.statement in tax.statements
        assert c.dim in ("none", "function", "economic")
        assert c.period in ("duration", "instant")


def test_both_layouts_exist_over_the_same_concepts(tax):
    assert {"2021-hunan", "2024-shanghai"} <= set(tax.layouts)
    l21, l24 = tax.layout("2021-hunan"), tax.layout("2024-shanghai")
    # every 2021 concept is also printed in 2024; 2024 adds only the SOE income/balance concepts
    assert l21.concepts() <= l24.concepts()
    assert l24.concepts() - l21.concepts() == {"SoeOpening", "SoeIncome", "SoeClosing"}
    assert l24.concepts() == set(tax.concepts)
    for lay in (l21, l24):
        assert [t.id for t in lay.tables] == [f"0{i}" for i in range(1, 10)]


def test_same_concept_same_place_meaning_across_layouts(tax):
    for lid in ("2021-hunan", "2024-shanghai"):
        lay = tax.layout(lid)
        assert lay.place("SumIncTotal", None).row == "本年收入合计"
        p = lay.place("IncGrant", "2101102")
        assert (p.table, p.row, p.column) == ("02", "2101102", "财政拨款收入")
        assert lay.place("SumExp", "20199") is None  # 01 lists 类 rows only
        assert lay.place("SumExp", "210").row == "210"


def test_2024_layout_differences(tax):
    l24 = tax.layout("2024-shanghai")
    six = l24.table("06")
    codes = {r.code for b in six.blocks for r in b.rows if r.code}
    assert not {c for c in codes if c.startswith(("307", "399"))}
    assert "31005" not in codes and "31007" in codes
    seven = l24.table("07").blocks[0]
    assert [c.section for c in seven.columns[:4]] == ["预算数", "决算数", "预算数", "决算数"]
    nine = l24.table("09")
    assert {c.label for c in nine.blocks[0].columns} >= {"年初结转和结余", "本年收入", "年末结转和结余"}
    # 2021 07 has the 预算数 block first, then the 决算数 block
    seven21 = tax.layout("2021-hunan").table("07").blocks[0]
    assert [c.section for c in seven21.columns] == ["预算数"] * 6 + ["决算数"] * 6
    assert [c.number for c in seven21.columns] == [str(i) for i in range(1, 13)]


def test_repeated_labels_are_prefixed_with_parent(tax):
    for lid in ("2021-hunan", "2024-shanghai"):
        lay = tax.layout(lid)
        assert lay.place("GrantIncGeneralBudget", None).row == "一般公共预算财政拨款"
        assert lay.place("GrantOpeningGeneralBudget", None).row == "年初财政拨款结转和结余/一般公共预算财政拨款"


def test_code_lists_cover_the_reports(tax):
    econ, func = tax.economic_codes, tax.function_codes
    for code in ("301", "30101", "30199", "302", "30212", "30217", "30231", "30239", "303", "30309",
                 "307", "30701", "310", "31002", "31013", "31099", "399", "39999"):
        assert econ.name(code), code
    assert econ.name("30217") == "公务接待费"
    for code in ("201", "20199", "2019999", "210", "21011", "2101102", "20106", "2010601", "208",
                 "20805", "2080505", "221", "22102", "2210203", "234", "231", "232"):
        assert func.name(code), code
    assert func.name("210") == "卫生健康支出"
    assert func.by_name[normalize_label("卫生健康支出")] == ["210"]


def test_strip_ordinal_keeps_words_that_start_with_numerals():
    assert strip_ordinal("一、一般公共服务支出") == "一般公共服务支出"
    assert strip_ordinal("一般公共预算财政拨款") == "一般公共预算财政拨款"
    assert strip_ordinal("二十四、抗疫特别国债安排的支出") == "抗疫特别国债安排的支出"
    assert strip_ordinal("（三）国防") == "国防"


def test_unknown_layout_is_a_clear_error(tax):
    with pytest.raises(TaxonomyError, match="unknown layout 'nope'"):
        tax.layout("nope")


def test_strip_ordinal_does_what_its_pattern_says():
    from juesuan.taxonomy import ORDINAL_PATTERN

    tax = load_taxonomy()
    labels = {r.label for lid in tax.layouts for t in tax.layout(lid).tables for b in t.blocks for r in b.rows}
    labels |= {r.parent for lid in tax.layouts for t in tax.layout(lid).tables for b in t.blocks for r in b.rows}
    labels |= {"一、一般公共服务支出", "（一）基本支出", "(二)项目支出", "（三）、其他", "二十四、其他支出", " 1.工资福利支出",
               "2、商品和服务", "1.5万元", "12．合计", "（一", "()", "一", "一般公共服务", "、", "", "  ", "１、全角数字",
               "3.", "（十一）：x", "十、", "百、x", "（a）x", "1、2019年", "2.3.4"}
    labels |= {c.label for lid in tax.layouts for t in tax.layout(lid).tables for b in t.blocks for c in b.columns}
    labels |= {c.name for cl in (tax.function_codes, tax.economic_codes) for c in cl.codes.values()}
    assert len(labels) > 200
    spec = re.compile(ORDINAL_PATTERN)
    for label in labels:
        assert strip_ordinal(label) == spec.sub("", label, count=1).strip(), label


def test_a_layout_missing_a_field_is_a_taxonomy_error_not_an_unknown_layout(tmp_path):
    import shutil

    from juesuan.taxonomy import LayoutMap, load_taxonomy, resource_root

    tax = load_taxonomy()
    folder = tmp_path / "tax"
    shutil.copytree(resource_root() / "taxonomies" / "juesuan-1.0" / "layouts", folder / "layouts")
    broken = folder / "layouts" / "2021-hunan.toml"
    broken.write_text(broken.read_text("utf-8").replace('[[table]]\nid = "01"', "[[table]]", 1), "utf-8")
    layouts = LayoutMap(str(folder), tax.concepts, {})
    assert "2021-hunan" in layouts
    with pytest.raises(TaxonomyError, match="required field is missing: 'id'"):
        layouts["2021-hunan"]
    assert layouts["2024-shanghai"].id == "2024-shanghai"
