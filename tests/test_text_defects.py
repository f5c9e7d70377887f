"""Issue 12, text side: each defect's exact reproduction, and the accounting per table."""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from juesuan.convert import check_converted, convert_file
from juesuan.errors import UnusableInput
from juesuan.readers.tabless import tab_columns
from juesuan.readers.text import csv_rows, layout_grid, line_rows
from juesuan.xmlio import load_instance

from .accounting_util import assert_numbers_accounted, text_numbers
from .conftest import EXAMPLE_XML, REFERENCE_TXT, SHARED, run_cli

FIXTURES = Path(__file__).parent / "fixtures"
HEAD02 = "功能分类科目编码,科目名称,本年收入合计,财政拨款收入,上级补助收入,事业收入,经营收入,附属单位上缴收入,其他收入"


@pytest.fixture(scope="module")
def example():
    return load_instance(EXAMPLE_XML)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# ------------------------------------------------------------------ defect 1: tabs became spaces


def _expand_bytes(text: str, size: int = 8) -> str:
    """GNU `expand -t N` (counts bytes, as coreutils does), or Python's (counts characters)."""
    if shutil.which("expand"):
        return subprocess.run(["expand", "-t", str(size)], input=text.encode(), capture_output=True,
                              check=True).stdout.decode()
    return text.expandtabs(size)


@pytest.mark.parametrize("how", ["tr", "expand8", "expand4", "expandtabs"])
def test_reference_with_tabs_lost_gives_the_examples_facts(tmp_path, example, reference_text, how):
    # tr '\t' ' ' < ref > plain.txt; expand -t 8 < ref > e.txt: today 1 and 6 facts, 20.00 misplaced
    text = {"tr": lambda t: t.replace("\t", " "), "expand8": _expand_bytes,
            "expand4": lambda t: _expand_bytes(t, 4), "expandtabs": lambda t: t.expandtabs(8)}[how](reference_text)
    assert "\t" not in text
    conv = convert_file(_write(tmp_path, "plain.txt", text))
    assert conv.instance.fact_set() == example.fact_set()  # all 122, 02 其他收入 20.00 under 其他收入
    assert conv.instance.get("IncOther", None).value == Decimal("20.00")
    assert conv.findings == []
    assert [(a.table, a.seen, a.placed, a.reported) for a in conv.accounts][:3] == [
        ("01", 11, 11, 0), ("02", 21, 21, 0), ("03", 18, 18, 0)]


def test_tabs_lost_where_spacing_cannot_decide_every_amount_is_a_finding(tmp_path, example, reference_text):
    # 03 row 210 with only its 5.88 (blank cells around it): 本年支出合计 or 基本支出? The column sums
    # fit both equally; a spacing wider than the table fits no columns. Both are findings, not guesses.
    row210 = "\n210\t卫生健康支出\t5.88\t5.88\t\t\t\t\n"  # 03's (02's goes on with 20.00)
    row201 = "201\t一般公共服务支出\t1974.84\t1954.84\t\t\t\t\t20.00"
    assert row210 in reference_text and row201 in reference_text
    text = reference_text.replace(row210, "\n210\t卫生健康支出\t5.88\t\t\t\t\t\n", 1)
    text = text.replace(row201, "201\t一般公共服务支出\t1974.84\t1954.84" + "\t" * 12 + "20.00", 1).replace("\t", " ")
    conv = convert_file(_write(tmp_path, "plain.txt", text))
    lines = text.splitlines()
    n210 = lines.index("210 卫生健康支出 5.88     ") + 1
    n201 = next(i for i, l in enumerate(lines, 1) if l.startswith("201 一般公共服务支出 1974.84 1954.84" + " " * 12))
    codes = {(f.location.line, f.code) for f in conv.findings if f.location.line in (n210, n201)}
    assert codes == {(n210, "convert:ambiguous-columns"), (n210, "convert:cell-not-placed"),
                     (n201, "convert:spacing-fits-no-columns"), (n201, "convert:cell-not-placed")}
    assert not [f for f in conv.instance.facts if f.location.line in (n210, n201)]
    want = {(f.concept, f.code or "", f.value) for f in example.facts}
    assert conv.instance.fact_set() <= want  # nothing placed wrongly
    assert_numbers_accounted(conv, text_numbers(text, {n210, n201}))


def test_tab_columns_recognises_only_tab_lost_text():
    assert tab_columns(["a\tb"]) is None
    assert tab_columns(["合计 1980.73 1960.73"]) is None  # plain text: no runs of blank cells
    layout = (FIXTURES / "liling-2021-layout.txt").read_text("utf-8").splitlines()
    assert tab_columns(layout) is None  # pdfplumber layout text is read by layout_grid, as before
    cols = tab_columns([" 合计 1980.73 1960.73     20.00", "201 一般公共服务支出 1974.84 1954.84     20.00"])
    assert cols(" 合计 1980.73 1960.73     20.00") == [1, 2, 3, 8]


# ------------------------------------------------------------------ defect 3: a word in the first data row


@pytest.mark.parametrize("word", ["n/a", "NaN", "Infinity", "无"])
def test_first_data_row_with_a_word_is_data_not_a_header(tmp_path, word):
    # ",合计,n/a,,,,,,20" gave 0 facts, exit 0, 有效: its 20 was dropped as a 栏次 number
    text = f"收入决算表\n{HEAD02}\n,合计,{word},,,,,,20\n"
    conv = convert_file(_write(tmp_path, "t.csv", text), entity="某单位", year=2021)
    assert conv.instance.fact_set() == {("IncOther", "", Decimal("20.00"))}
    bad = [f for f in conv.findings if f.code == "convert:not-an-amount"]
    assert [(f.location.line, f.severity) for f in bad] == [(3, "error")] and word in bad[0].text()
    res = run_cli("convert", tmp_path / "t.csv", "-o", tmp_path / "t.xml", "--entity", "某单位", "--year", "2021")
    assert res.returncode == 1 and "Traceback" not in res.stderr


def test_numbers_in_a_header_row_are_reported(tmp_path):
    text = f"收入决算表\n{HEAD02}\n,科目名称,12.50,,,,,,\n,合计,20.00,,,,,,\n"
    conv = convert_file(_write(tmp_path, "t.csv", text), entity="某单位", year=2021)
    assert conv.instance.fact_set() == {("IncTotal", "", Decimal("20.00"))}
    assert {f.location.line for f in conv.findings} == {3}
    assert_numbers_accounted(conv, text_numbers(text, delimiter=","))


# ------------------------------------------------------------------ defect 7: a 预算 document


def test_budget_document_is_refused_in_one_line(tmp_path):
    # a 部门预算 labels its tables 公开01–11表 like a 决算: they were mapped by number onto the 决算 tables
    out = tmp_path / "b.xml"
    res = run_cli("convert", FIXTURES / "budget-2019.txt", "-o", out)
    assert res.returncode == 2 and not out.exists()
    assert res.stderr.count("\n") == 1 and "部门预算，不是部门决算" in res.stderr
    res = run_cli("convert", FIXTURES / "budget-2019.txt", "-o", out, "--lang", "en")
    assert res.returncode == 2 and "this is a budget document, not final accounts" in res.stderr
    with pytest.raises(UnusableInput, match="budget document"):
        convert_file(FIXTURES / "budget-2019.txt")


def test_tables_are_recognised_by_title_not_by_number(tmp_path, reference_text):
    # a 决算 table whose title is gone is not found through its 公开 02 表 mark: reported, with its numbers
    text = reference_text.replace("\n收入决算表\n", "\n收入情况\n", 1)
    conv = convert_file(_write(tmp_path, "r.txt", text))
    assert "02" not in conv.tables and "01" in conv.tables
    [f] = [f for f in conv.findings if f.code.startswith("convert:table-")]
    # it starts at what is left of its title (the line the title was on), not in 01
    assert (f.code, f.location.line, f.values["n"], f.values["like"]) == ("convert:table-like", 125, 21, "02")
    assert f.text("en") == ("line 125: the table at '收入情况 公开 02 表部门：' has no title of this layout's tables (a "
                            "table is never placed by its disclosure number); its content matches table 02; its 21 "
                            "numbers were not read")
    assert [a.reported for a in conv.accounts if a.table == "01"] == [0]
    assert not {k for k, _, _ in conv.instance.fact_set()} & {"IncTotal", "IncFiscal"}


def test_a_mark_atop_the_next_page_continues_the_table_above(tmp_path, reference_text, example):
    # 02's rows go on under a bare "公开 02 表" (a page break without the title): the table goes on,
    # because the rows hold nothing that names another table (the number is not read)
    text = reference_text.replace("\n210\t卫生健康支出", "\n公开 02 表\n210\t卫生健康支出", 1)
    assert text != reference_text
    conv = convert_file(_write(tmp_path, "r.txt", text))
    assert conv.instance.fact_set() == example.fact_set()
    assert not [f for f in conv.findings if f.code.startswith("convert:table-")]


def _swap(text: str, a: str, b: str) -> str:
    return text.replace(a, "\0").replace(b, a).replace("\0", b)


def test_table_number_and_title_disagree_title_and_content_decide(tmp_path, reference_text, example):
    # 03 labelled 公开 05 表 and 05 labelled 公开 03 表 (Yunnan numbers its set otherwise: 七 is 基金):
    # placed as their titles and content say, every fact as in the reference
    text = _swap(reference_text, "公开 03 表", "公开 05 表")
    text = _swap(text, "公开 07 表", "公开 08 表")
    assert text.count("公开 05 表") == 1 and text.index("公开 05 表") < text.index("公开 03 表")
    conv = convert_file(_write(tmp_path, "r.txt", text))
    assert conv.instance.fact_set() == example.fact_set()
    assert not [f for f in conv.findings if f.code.startswith("convert:table-")]


def test_title_contradicted_by_content_is_reported_not_placed(tmp_path, reference_text):
    # 02 and 03 swap titles: each title names the other's columns; neither table is read, both reported
    text = _swap(reference_text, "\n收入决算表\n", "\n支出决算表\n")
    conv = convert_file(_write(tmp_path, "r.txt", text))
    assert "02" not in conv.tables and "03" not in conv.tables and "01" in conv.tables
    found = sorted((f.values["table_id"], f.values["like"], f.values["n"], f.severity) for f in conv.findings
                   if f.code == "convert:table-title-content")
    assert found == [("02", "03", 18, "error"), ("03", "02", 21, "error")]
    assert not {c for c, _, _ in conv.instance.fact_set()} & {"IncTotal", "ExpTotal"}


@pytest.mark.parametrize("title, tid", [
    ("一般公共预算财政拨款收入支出决算表", "05"),  # Yunnan 2021 五
    ("一般公共预算财政拨款支出决算表（一）", "05"),  # 吕梁 2021: 05 and 06 as (一)/(二)
    ("一般公共预算财政拨款“三公”经费及会议费、培训费支出决算表", "07"),  # Shaanxi 2020
    ("国有资本经营预算财政拨款收入支出决算表", "09"),  # 柳州 2021
])
def test_provincial_title_variants_are_decided_by_content(tmp_path, reference_text, example, title, tid):
    own = {"05": "一般公共预算财政拨款支出决算表", "07": "一般公共预算财政拨款“三公”经费支出决算表",
           "09": "国有资本经营预算财政拨款支出决算表"}[tid]
    text = reference_text.replace(f"\n{own}\n", f"\n{title}\n", 1)
    assert text != reference_text
    conv = convert_file(_write(tmp_path, "r.txt", text))
    assert tid in conv.tables and conv.instance.fact_set() == example.fact_set()


def test_ordinal_variant_title_on_other_content_goes_where_the_content_says(tmp_path, reference_text, example):
    # 吕梁 2021 prints 06 as 一般公共预算财政拨款支出决算表（二）: its economic-code rows say 06
    text = reference_text.replace("\n一般公共预算财政拨款基本支出决算明细表\n", "\n一般公共预算财政拨款支出决算表（二）\n", 1)
    conv = convert_file(_write(tmp_path, "r.txt", text))
    assert "06" in conv.tables and conv.instance.fact_set() == example.fact_set()


def test_a_variant_title_in_the_narrative_starts_no_table(tmp_path, reference_text, example):
    # 第三部分 names a table in a line of its own: no region, no finding about the narrative's numbers
    at = reference_text.index("\n", reference_text.index("\n第三部分", reference_text.index("公开 09 表")) + 1)
    text = reference_text[:at] + "\n“三公”经费支出情况表\n本年 12.50 万元" + reference_text[at:]
    # (the same lines in 第二部分 are a table that is not recognised: reported with its number)
    before = reference_text.index("\n第三部分", reference_text.index("公开 09 表"))
    other = convert_file(_write(tmp_path, "o.txt", reference_text[:before] + "\n“三公”经费支出情况表\n本年 12.50"
                                + reference_text[before:]))
    assert [(f.code, f.values["n"]) for f in other.findings if f.code.startswith("convert:table-")] == \
        [("convert:table-not-recognised", 1)]
    conv = convert_file(_write(tmp_path, "r.txt", text))
    assert conv.instance.fact_set() == example.fact_set()
    assert not [f for f in conv.findings if f.code.startswith("convert:table-")]


def test_page_header_title_and_tables_that_are_not_the_layouts():
    from juesuan.readers.titles import title_of_line, variant_candidates
    from juesuan.taxonomy import load_taxonomy

    lay = load_taxonomy().layout("2021-hunan")
    # LibreOffice prints a workbook's page header: entity, title with its mark, year
    assert title_of_line("醴陵市网格化管理服务中心 收入决算表（公开02表） 2021 年度决算", lay).id == "02"
    assert title_of_line("某单位 收入 决算表（公开05表） 2021 年度决算", lay).id == "02"  # split by the rendering
    assert title_of_line("某单位 收入决算表 支出决算表（公开03表）", lay) is None  # two titles: not a header
    assert title_of_line("详见公开02表", lay) is None
    # Sichuan's extra tables are none of the nine: no title, no candidate
    for t in ("一般公共预算财政拨款项目支出决算表", "财政拨款支出决算明细表", "国有资产占用情况表"):
        assert title_of_line(t, lay) is None and variant_candidates(t, lay) == (), t


def test_document_kind_of_the_reference_is_final_accounts_of_a_department(reference_text):
    from juesuan.readers.doctype import document_kind

    kind = document_kind(reference_text.splitlines())
    assert (kind.stage, kind.scope) == ("决算", "部门")
    assert document_kind(["某单位", "2021年度单位决算", "收入支出决算总表"]).scope == "单位"
    assert document_kind((FIXTURES / "budget-2019.txt").read_text("utf-8").splitlines()).stage == "预算"


# ------------------------------------------------------------------ defect 9: no amounts at all


def test_blank_template_pdf_is_an_error_no_amounts_found(tmp_path):
    pytest.importorskip("pdfplumber")
    pdf = SHARED / "corpus" / "2024-shanghai-template.pdf"
    res = run_cli("convert", pdf, "-o", tmp_path / "t.xml", "--format", "json")
    assert res.returncode == 1, res.stderr
    data = json.loads(res.stdout)
    assert data["facts"] == 0 and "convert:no-amounts" in [f["code"] for f in data["findings"]]


def test_table_without_amounts_is_an_error(tmp_path):
    conv = convert_file(_write(tmp_path, "t.csv", f"收入决算表\n{HEAD02}\n,合计,,,,,,,\n"), entity="某单位", year=2021)
    found = check_converted(conv)
    assert [f.code for f in found] == ["convert:no-amounts"] and found[0].severity == "error"
    assert found[0].text("en") == "no amounts found: the document's tables are empty (a blank template?)"


# ------------------------------------------------------------------ defect 11: csv errors


def test_csv_with_cr_line_ends_and_cr_in_a_field(tmp_path):
    text = f"收入决算表\r{HEAD02}\r,合计,20.00,,,,,,\r"
    conv = convert_file(_write(tmp_path, "cr.csv", text), entity="某单位", year=2021)
    assert conv.instance.fact_set() == {("IncTotal", "", Decimal("20.00"))}
    assert conv.instance.get("IncTotal", None).location.line == 3
    rows = csv_rows('收入决算表\n,"合\r计",20.00\n')
    assert [c.text for c in rows[1].cells][1] == "合\n计"


def test_csv_field_over_the_limit_is_a_finding_at_its_line(tmp_path):
    # _csv.Error "field larger than field limit (131072)" escaped as a traceback
    p = _write(tmp_path, "big.csv", f"收入决算表\n{HEAD02}\n,\"{'x' * 140_000}\",20.00,,,,,,20.00\n,合计,5.00,5.00,,,,,\n")
    res = run_cli("convert", p, "-o", tmp_path / "o.xml", "--entity", "x", "--year", "2021", "--format", "json")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    data = json.loads(res.stdout)
    bad = [f for f in data["findings"] if f["code"] == "convert:csv-field-too-long"]
    assert [(f["location"]["line"], f["severity"]) for f in bad] == [(3, "error")]
    assert bad[0]["message_en"].endswith("a field is longer than 131072 characters; the line was not read")
    assert data["facts"] == 2  # the next line is read
    with pytest.raises(UnusableInput, match="not readable as CSV at line 3"):
        csv_rows(p.read_text("utf-8"), str(p))  # without a place for problems: one line, exit 2


# ------------------------------------------------------------------ defect 15: layout_grid in linear time


def test_layout_grid_reads_a_huge_line_of_amounts(tmp_path):
    # a 1.2 MB line of amounts ran for minutes (quadratic); timings are in benchmarks/bench_layout_grid.py
    line = "   ".join(f"{i}.00" for i in range(110_000))
    assert len(line) > 1_200_000
    grid = layout_grid(line_rows(line))
    assert len(grid[0].cells) == 110_000 and grid[0].cells[-1].text == "109999.00"
    text = "某单位2021年度部门决算\n收入决算表\n单位：万元\n项目    本年收入合计    财政拨款收入\n合计    " + line + "\n"
    conv = convert_file(_write(tmp_path, "big.txt", text))
    assert_numbers_accounted(conv, text_numbers(text, {5}))
    assert conv.accounts[0].seen == 110_000


def test_a_line_of_200k_amounts_is_reported_in_bounded_findings(tmp_path):
    # single spaces (plain text): more amounts than columns; 50 findings for the line, then one for the rest
    text = "收入决算表\n单位：万元\n" + " ".join(["1.00"] * 200_000) + "\n"
    conv = convert_file(_write(tmp_path, "h.txt", text), entity="x", year=2021)
    codes = [f.code for f in conv.findings]
    assert codes.count("convert:cell-not-placed") == 50 and codes.count("convert:more-not-placed") == 1
    more = next(f for f in conv.findings if f.code == "convert:more-not-placed")
    assert more.location.line == 3 and more.text("en") == "line 3: 199950 more numbers here in table 02 not placed in any row/column"
    assert conv.accounts[0].seen == conv.accounts[0].reported == 200_000


def test_digits_apart_are_never_squeezed_into_one_amount():
    # a layout-spaced column holding a 行次 and an amount gave "1 1960.73" -> 11960.73
    from juesuan.model import Location
    from juesuan.readers.grid import read_amount

    value, bad = read_amount("1 1960.73", Location(line=4), "01")
    assert value is None and bad.code == "convert:not-an-amount"
    assert read_amount(" 2,001.35 ", Location(line=4), "01")[0] == Decimal("2001.35")


# ------------------------------------------------------------------ the accounting per table


def test_convert_json_carries_the_accounting_per_table(tmp_path):
    res = run_cli("convert", REFERENCE_TXT, "-o", tmp_path / "r.xml", "--format", "json", "--lang", "en")
    tables = json.loads(res.stdout)["tables"]
    assert tables[1] == {"table": "02", "title": "收入决算表", "seen": 21, "placed": 21, "reported": 0,
                         "unit": "万元", "where": [],
                         "text": "table 02 收入决算表: 21 facts read, 0 cells not placed (of 21 numbers)"}
    assert sum(t["placed"] for t in tables) == 122


def test_reference_every_number_is_accounted(reference_text):
    conv = convert_file(REFERENCE_TXT)
    lines = reference_text.splitlines()
    start = max(i for i, l in enumerate(lines) if l.strip().startswith("第二部分"))
    end = max(i for i, l in enumerate(lines) if l.strip() == "第三部分")
    assert_numbers_accounted(conv, text_numbers(reference_text, range(start + 1, end + 1)))


def test_a_number_no_reader_step_took_is_reported():
    # the safety net: a number token of the region that the matcher neither placed nor reported
    from juesuan.model import Location
    from juesuan.readers.accounting import account
    from juesuan.readers.grid import Cell, GridRow, TableResult
    from juesuan.taxonomy import load_taxonomy

    loc = Location(file="f.txt", line=9)
    res = TableResult(load_taxonomy().layout("2021-hunan").table("02"))
    region = [GridRow([Cell(0, "合计", loc), Cell(1, "12.34 1,9x0", loc), Cell(2, "201", loc), Cell(3, "8", loc)], loc)]
    account(res, region)
    assert [(c.loc.line, c.text) for c in res.unplaced] == [(9, "12.34"), (9, "1,9x0")]
    a = res.account()
    assert (a.seen, a.placed, a.reported, a.where) == (2, 0, 2, ("line 9", "line 9"))
