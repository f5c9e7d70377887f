"""Extracted text in: tab-separated (the reference), layout-spaced and plain extract_text() style
(fixtures re-typed from the reference by tools/make_text_fixtures.py), CSV/TSV of one table,
encodings and unusable text."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from decimal import Decimal
from pathlib import Path

import pytest

from juesuan.convert import convert_file
from juesuan.errors import UnusableInput
from juesuan.readers.narrative import chinese_number, narrative_blocks
from juesuan.xmlio import load_instance

from .conftest import EXAMPLE_XML, REFERENCE_TXT, run_cli

FIXTURES = Path(__file__).parent / "fixtures"
LAYOUT_TXT = FIXTURES / "liling-2021-layout.txt"
PLAIN_TXT = FIXTURES / "liling-2021-plain.txt"


@pytest.fixture(scope="module")
def example():
    return load_instance(EXAMPLE_XML)


def _convert_text(tmp_path: Path, text: str, name: str = "r.txt", encoding: str = "utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return convert_file(p)


# ------------------------------------------------------------------ tab-separated (the reference)


def test_reference_narrative_is_the_examples(example, reference_text):
    conv = convert_file(REFERENCE_TXT)
    assert conv.instance.narrative == example.narrative
    assert len(conv.instance.narrative) == 13
    assert conv.instance.narrative[12].title == "十三、2021 年度预算绩效情况说明"
    assert narrative_blocks(reference_text.splitlines()) == example.narrative
    assert [chinese_number(n) for n in ("一", "九", "十", "十三", "二十一")] == [1, 9, 10, 13, 21]
    # The example's narrative was cut by narrative_blocks itself, so the checks above are not independent.
    # These are: the 13 titles as printed, and not one character of 第三部分 lost or added.
    assert [b.title for b in example.narrative] == [
        "一、收入支出决算总体情况说明", "二、收入决算情况说明", "三、支出决算情况说明",
        "四、财政拨款收入支出决算总体情况说明", "五、一般公共预算财政拨款支出决算情况说明",
        "六、一般公共预算财政拨款基本支出决算情况说明", "七、一般公共预算财政拨款“三公”经费支出决算情况说明",
        "八、政府性基金预算收入支出决算情况", "九、机关运行经费支出说明", "十、一般性支出情况说明",
        "十一、政府采购支出说明", "十二、国有资产占用情况说明", "十三、2021 年度预算绩效情况说明"]
    lines = reference_text.splitlines()
    start = max(i for i, x in enumerate(lines) if x.strip() == "第三部分")  # the part itself, not the contents page
    end = max(i for i, x in enumerate(lines) if x.strip() == "第四部分")
    part3 = "".join("".join(lines[start + 1:end]).split())
    assert part3 == "2021年度部门决算情况说明" + "".join("".join((b.title + b.text).split()) for b in example.narrative)
    assert "培训费14.24万元" in "".join(example.narrative[9].text.split())  # the text's own error, kept


def test_tab_header_repeated_mid_table(tmp_path, example, reference_text):
    head = "功能分类科目编码\t项 目\t本年收入合计\t财政拨款收入\t上级补助收入\t事业收入\t经营收入\t附属单位上缴收入\t其他收入"
    anchor = "20199\t其他一般公共服务支出\t1974.84"
    assert anchor in reference_text
    text = reference_text.replace(anchor, f"{head}\n\t栏次\t\t\t\t\t\t\t\n{anchor}", 1)
    conv = _convert_text(tmp_path, text)
    assert conv.instance.fact_set() == example.fact_set()
    assert conv.findings == []


def test_tab_row_split_over_two_lines(tmp_path, example, reference_text):
    # a code row's name wrapped onto the next line, and a row's amounts on the line below its label
    row = "30108\t机关事业单位基本养老保险缴费\t13.98\t"
    assert row in reference_text
    text = reference_text.replace(row, "30108\t机关事业单位基本养老保险\t13.98\t", 1)
    text = text.replace("\n30109\t", "\n\t缴费\t\t\t\t\t\t\t\n30109\t", 1)
    row01 = "八、其他收入\t8\t20.00\t九、卫生健康支出\t21\t5.88"
    assert row01 in text
    text = text.replace(row01, "八、其他收入\t8\t\t九、卫生健康支出\t21\t\n\t\t20.00\t\t\t5.88", 1)
    conv = _convert_text(tmp_path, text)
    assert conv.instance.fact_set() == example.fact_set()
    assert conv.findings == []
    assert conv.instance.get("BasicExp", "30108").value == Decimal("13.98")


def test_tab_title_broken_over_lines(tmp_path, example, reference_text):
    text = reference_text.replace("\n收入决算表\n", "\n二、收入\n决算表\n", 1)
    conv = _convert_text(tmp_path, text)
    assert conv.instance.fact_set() == example.fact_set()
    assert conv.findings == []


def test_tab_unplaced_numbers_are_reported_with_line(tmp_path, reference_text):
    line06 = next(l for l in reference_text.splitlines() if l.startswith("30199\t"))
    text = reference_text.replace(line06, line06 + "\t7.77", 1)
    conv = _convert_text(tmp_path, text)
    lost = [f for f in conv.findings if f.code == "convert:cell-not-placed"]
    line = text.splitlines().index(next(l for l in text.splitlines() if l.endswith("7.77"))) + 1
    assert len(lost) == 1 and lost[0].location.line == line and "7.77" in lost[0].text()
    assert any("未能归位 1 个单元格" in s for s in conv.summaries())


# ------------------------------------------------------------------ space-separated


def test_layout_spaced_fixture_gives_the_examples_facts(example):
    text = LAYOUT_TXT.read_text("utf-8")
    assert "\t" not in text and "2019999其他一般公共服务支出" in text and "\n二、收入\n决算表\n" in text
    conv = convert_file(LAYOUT_TXT)
    assert conv.instance.fact_set() == example.fact_set()
    assert conv.findings == []
    assert conv.instance.narrative == example.narrative
    h = conv.instance.header
    assert (h.entity, h.fiscal_year, h.layout) == ("醴陵市网格化管理服务中心", 2021, "2021-hunan")
    # a wrapped label joined to its line: 三、国有资本经营预算财政 / 拨款收入 (01) has no amount, and the
    # amounts printed on the line below 本年收入合计 (04) are read
    assert conv.instance.value("GrantIncTotal") == Decimal("1960.73")
    assert conv.instance.value("GrantExpGeneralBudget") == Decimal("2007.23")


def test_plain_fixture_places_only_what_it_can_prove(example):
    """Plain extract_text(): blank cells vanish. Every fact it places is the example's; every amount
    it cannot place is reported with its line (02/03 合计 rows, 04 fund columns and 07 are
    genuinely ambiguous without layout spacing)."""
    conv = convert_file(PLAIN_TXT)
    got, want = conv.instance.fact_set(), example.fact_set()
    assert got <= want
    lost = [f for f in conv.findings if f.code == "convert:cell-not-placed"]
    assert len(got) + len(lost) == len(want) == 122
    ambiguous = [f for f in conv.findings if f.code == "convert:ambiguous-columns"]
    assert {f.table for f in ambiguous} == {"02", "03", "04", "07"}
    assert all(f.location.line for f in ambiguous + lost)
    # resolved by identities: 05 210 "5.88 5.88" is 小计 + 基本支出 (Σ类 = 合计 column by column)
    assert conv.instance.value("GpbExpBasic", "210") == Decimal("5.88")
    assert conv.instance.get("GpbExpProject", "210") is None
    # one-column blocks side by side (01, 06) are never ambiguous
    assert conv.instance.value("BasicExp", "30207") == Decimal("58.68")
    assert conv.instance.value("SumIncOther") == Decimal("20.00")


def test_plain_row_with_every_cell_printed_fills_in_order(tmp_path):
    text = "\n".join([
        "2021 年度", "测试单位", "部门决算",
        "一般公共预算财政拨款支出决算表", "单位：万元",
        "功能分类科目编码 科目名称 小计 基本支出 项目支出",
        "合计 10.00 4.00 6.00",
        "201 一般公共服务支出 10.00 4.00 6.00",
        "2010101行政运行 4.00 4.00 0.00",
        "2010102 一般行政管理事务 6.00 0.00 6.00",
    ])
    conv = _convert_text(tmp_path, text)
    assert conv.findings == []
    assert conv.instance.value("GpbExpProject", "2010101") == Decimal("0.00")  # a printed 0.00 is a fact
    assert conv.instance.value("GpbExpBasic", "2010102") == Decimal("0.00")
    assert len(conv.instance.facts) == 12


# ------------------------------------------------------------------ CSV / TSV of one table


def test_csv_single_table_detected_by_header(tmp_path, example):
    rows = [
        "功能分类科目编码,科目名称,本年收入合计,财政拨款收入,上级补助收入,事业收入,经营收入,附属单位上缴收入,其他收入",
        ',合计,"1,980.73","1,960.73",,,,,20.00',
        '201,一般公共服务支出,"1,974.84","1,954.84",,,,,20.00',
        "2019999,其他一般公共服务支出,1974.84,1954.84,,,,,20.00",
    ]
    p = tmp_path / "income.csv"
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    conv = convert_file(p, entity="醴陵市网格化管理服务中心", year=2021)
    assert conv.instance.header.layout == "2021-hunan"
    assert conv.summaries()[0].startswith("02 表")
    want = {f for f in example.fact_set() if f[0].startswith("Inc") and f[1] in ("", "201", "2019999")}
    assert conv.instance.fact_set() == want
    res = run_cli("convert", p, "-o", tmp_path / "x.xml")  # no entity/year in a lone table
    assert res.returncode == 2 and "--entity" in res.stderr
    # only the rules among the tables the file holds run: no 01 = 02 or 02 = 04 errors for a lone 02
    res = run_cli("convert", p, "-o", tmp_path / "x.xml", "--entity", "某单位", "--year", "2021", "--format", "json")
    codes = {f["code"] for f in json.loads(res.stdout)["findings"]}
    assert codes == {"rule:T02.hierarchy"}, codes  # 201 + 210(absent) vs 合计 其他收入: the real column error


def test_csv_of_06_as_one_block(tmp_path):
    """06 is printed in side-by-side blocks; a CSV of it usually stacks them in one block."""
    rows = ["经济分类科目编码,科目名称,决算数", '301,工资福利支出,"1,060.20"', "30101,基本工资,388.18",
            "302,商品和服务支出,733.09", "31002,办公设备购置,37.67", "人员经费合计,,1060.26"]
    p = tmp_path / "t06.csv"
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    conv = convert_file(p, entity="某单位", year=2021, layout="2021-hunan")
    assert conv.summaries()[0].startswith("06 表") and "未能归位 0 个" in conv.summaries()[0]
    assert conv.instance.fact_set() == {
        ("BasicExp", "301", Decimal("1060.20")), ("BasicExp", "30101", Decimal("388.18")),
        ("BasicExp", "302", Decimal("733.09")), ("BasicExp", "31002", Decimal("37.67")),
        ("BasicPersonnelTotal", "", Decimal("1060.26"))}


def test_tsv_with_title_line_names_its_table(tmp_path):
    rows = ["一般公共预算财政拨款支出决算表", "功能分类科目编码\t科目名称\t小计\t基本支出\t项目支出",
            "\t合计\t7.00\t7.00\t", "201\t一般公共服务支出\t7.00\t7.00\t"]
    p = tmp_path / "gpb.tsv"
    p.write_text("\n".join(rows), encoding="utf-8")
    conv = convert_file(p, entity="某单位", year=2021, layout="2021-hunan")
    assert conv.instance.fact_set() == {("GpbExpTotal", "", Decimal("7.00")), ("GpbExpBasic", "", Decimal("7.00")),
                                        ("GpbExpTotal", "201", Decimal("7.00")), ("GpbExpBasic", "201", Decimal("7.00"))}


# ------------------------------------------------------------------ encodings and unusable text


def test_gb18030_text_is_decoded_with_a_note(tmp_path, example, reference_text):
    conv = _convert_text(tmp_path, reference_text, encoding="gb18030")
    assert conv.instance.fact_set() == example.fact_set()
    assert [f.code for f in conv.findings] == ["convert:encoding"]
    assert conv.findings[0].severity == "info"


@pytest.mark.parametrize("data,expect", [
    (b"", "empty file"),
    (b"   \n\n", "empty file"),
    (b"\x00\x01\x02binary\x00", "binary data"),
    (b"\xff\xfe\xfa\xfb" * 50, "not UTF-8"),
    ("这是一段没有任何表格的文字。\n第二行。\n".encode(), "no table"),
])
def test_unusable_text_exit_2_one_line(tmp_path, data, expect):
    p = tmp_path / "bad.txt"
    p.write_bytes(data)
    res = run_cli("convert", p, "-o", tmp_path / "out.xml")
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1, res.stderr  # in Chinese
    res = run_cli("convert", p, "-o", tmp_path / "out.xml", "--lang", "en")
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and expect in lines[0], res.stderr
    assert not (tmp_path / "out.xml").exists()


def test_latin1_text_is_refused(tmp_path):
    p = tmp_path / "latin.txt"
    p.write_bytes("Résumé des dépenses: total 12,00 ¤\n".encode("latin-1") * 5)
    with pytest.raises(UnusableInput, match="not UTF-8"):
        convert_file(p)


def test_fixtures_are_what_the_tool_makes(reference_text):
    """tests/fixtures/liling-2021-*.txt are derived from the reference by tools/make_text_fixtures.py."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_text_fixtures", FIXTURES.parents[1] / "tools" / "make_text_fixtures.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    layout, plain = mod.build(reference_text.splitlines())
    assert LAYOUT_TXT.read_text("utf-8") == "\n".join(layout) + "\n", "run python tools/make_text_fixtures.py"
    assert PLAIN_TXT.read_text("utf-8") == "\n".join(plain) + "\n", "run python tools/make_text_fixtures.py"


def test_each_table_has_its_own_unit(tmp_path, example):
    """06 printed in 元 while the other tables are in 万元: only 06 is converted, whatever the hash seed."""
    text = REFERENCE_TXT.read_text("utf-8")
    start = text.index("公开 06 表")
    end = text.index("公开 07 表")
    part = text[start:end].replace("单位：万元", "单位：元")
    part = re.sub(r"(?<![\d.,])(\d{1,3}(?:,\d{3})*|\d+)\.(\d\d)(?![\d])",
                  lambda m: f"{int(m.group(1).replace(',', '')) * 10000 + int(m.group(2)) * 100:,}", part)
    p = tmp_path / "mixed.txt"
    p.write_text(text[:start] + part + text[end:], encoding="utf-8")
    outs = []
    for seed in ("1", "5"):
        out = tmp_path / f"m{seed}.xml"
        res = subprocess.run([sys.executable, "-m", "juesuan", "convert", str(p), "-o", str(out)],
                             capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed})
        assert res.returncode in (0, 1), res.stderr
        assert "06 表" in res.stdout and "金额单位为元，已折算为万元" in res.stdout
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert load_instance(tmp_path / "m1.xml").fact_set() == example.fact_set()
