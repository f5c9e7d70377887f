"""The shared table matcher, on the reference text (tab-separated extraction with its noise)."""

from __future__ import annotations

from decimal import Decimal

from juesuan.convert import convert_file
from juesuan.model import Location
from juesuan.readers.grid import (Cell, GridRow, TableMatcher, cell_code, choose_layout, guess_entity_year,
                                  read_document)
from juesuan.readers.text import tab_rows
from juesuan.taxonomy import load_taxonomy
from juesuan.xmlio import load_instance

from .conftest import EXAMPLE_XML, REFERENCE_TXT, run_cli


def test_reference_text_converts_to_exactly_the_example():
    conv = convert_file(REFERENCE_TXT)
    assert conv.instance.fact_set() == load_instance(EXAMPLE_XML).fact_set()
    assert conv.instance.header.entity == "醴陵市网格化管理服务中心"
    assert conv.instance.header.fiscal_year == 2021 and conv.instance.header.layout == "2021-hunan"
    assert conv.findings == []


def test_facts_remember_their_line():
    conv = convert_file(REFERENCE_TXT)
    f = conv.instance.get("IncOther", "210")
    lines = REFERENCE_TXT.read_text("utf-8").splitlines()
    assert f.origin.startswith("line ")
    assert lines[int(f.origin[5:]) - 1].startswith("210\t卫生健康支出")
    spanned = conv.instance.get("BasicPublicTotal")  # printed two blocks to the right of its label
    assert spanned.value == Decimal("772.12")
    assert lines[int(spanned.origin[5:]) - 1].startswith("人员经费合计")


def test_cli_convert_reference_text(tmp_path):
    out = tmp_path / "ref.xml"
    res = run_cli("convert", REFERENCE_TXT, "-o", out)
    assert out.exists(), res.stderr
    assert "02 表 收入决算表：读取 21 个数，未能归位 0 个单元格" in res.stdout
    assert load_instance(out).fact_set() == load_instance(EXAMPLE_XML).fact_set()


def _rows(lines):
    return tab_rows("\n".join(lines), "t.txt")


def test_unmatched_rows_and_unplaced_cells_are_reported():
    tax = load_taxonomy()
    lay = tax.layout("2021-hunan")
    rows = _rows([
        "功能分类科目编码\t项 目\t本年收入合计\t财政拨款收入\t上级补助收入\t事业收入\t经营收入\t附属单位上缴收入\t其他收入",
        "\t合计\t10.00\t10.00\t\t\t\t\t",
        "201\t一般公共服务支出\t10.00\t10.00\t\t\t\t\t\t99.99",
        "\t神秘的一行\t3.00\t\t\t\t\t\t",
        "201\t一般公共服务支出\t1,9x0\t\t\t\t\t\t",
    ])
    res = TableMatcher(tax, lay.table("02")).read(rows)
    assert {(f.concept, f.code, f.value) for f in res.facts} == {
        ("IncTotal", None, Decimal("10.00")), ("IncGrant", None, Decimal("10.00")),
        ("IncTotal", "201", Decimal("10.00")), ("IncGrant", "201", Decimal("10.00"))}
    codes = sorted(f.code for f in res.findings)
    assert codes == ["convert:not-an-amount", "convert:row-not-matched"]
    bad = next(f for f in res.findings if f.code == "convert:not-an-amount")
    assert bad.location.line == 5 and "1,9x0" in bad.text()
    assert sorted((c.loc.line, c.text) for c in res.unplaced) == [(3, "99.99"), (4, "3.00")]


def test_split_codes_and_code_name_run_together():
    assert cell_code("2010601") == ("2010601", "")
    assert cell_code("201 06 01 行政运行") == ("2010601", "行政运行")
    assert cell_code("2010601行政运行") == ("2010601", "行政运行")
    assert cell_code("1,960.73") is None and cell_code("772.12") is None
    tax = load_taxonomy()
    lay = tax.layout("2024-shanghai")
    L = Location
    rows = [
        GridRow([Cell(0, "201", L(line=1)), Cell(1, "06", L(line=1)), Cell(2, "01", L(line=1)),
                 Cell(3, "行政运行", L(line=1)), Cell(4, "1,511.89", L(line=1)), Cell(5, "1,503.52", L(line=1)),
                 Cell(6, "8.37", L(line=1))]),
    ]
    res = TableMatcher(tax, lay.table("05")).read(rows)
    assert {(f.concept, f.code, f.value) for f in res.facts} == {
        ("GpbExpTotal", "2010601", Decimal("1511.89")), ("GpbExpBasic", "2010601", Decimal("1503.52")),
        ("GpbExpProject", "2010601", Decimal("8.37"))}


def test_entity_and_year_from_titles():
    assert guess_entity_year(["第二部分 上海市普陀区财政局 2024 年度部门决算表"]) == ("上海市普陀区财政局", 2024)
    assert guess_entity_year(["", "2021 年度", "醴陵市网格化管理服务中心", "部门决算"]) == ("醴陵市网格化管理服务中心", 2021)


def test_layout_chosen_from_titles():
    tax = load_taxonomy()
    doc = read_document(tab_rows(REFERENCE_TXT.read_text("utf-8")), tax)
    assert doc.layout.id == "2021-hunan"
    # titles only the 2024 Shanghai set prints (Hunan's 06 is a 明细表, its 07 starts 一般公共预算…, its 09
    # is a 支出决算表); 2021-hunan is the first layout, so always picking the first would fail here
    shanghai = ["公开06表", "一般公共预算财政拨款基本支出决算表", "公开07表", "财政拨款“三公”经费支出决算表",
                "公开09表", "国有资本经营预算财政拨款收入支出决算表"]
    assert read_document(tab_rows("\n".join(shanghai)), tax).layout.id == "2024-shanghai"
    assert choose_layout(shanghai, tax, year=2021).id == "2024-shanghai"  # the titles outweigh a Hunan year


def test_spanning_header_cells_and_label_above_section():
    """Shanghai 07 as a PDF table gives it: merged header cells (span) and 预算数 | 决算数 leaves
    under each item; the label sits above the leaf."""
    tax = load_taxonomy()
    lay = tax.layout("2024-shanghai")
    L = Location(line=1)
    head = [
        GridRow([Cell(0, "财政拨款“三公”经费", L, 12)]),
        GridRow([Cell(0, "合计", L, 2), Cell(2, "因公出国（境）费", L, 2), Cell(4, "公务用车购置及运行费", L, 6),
                 Cell(10, "公务接待费", L, 2)]),
        GridRow([Cell(4, "小计", L, 2), Cell(6, "公务用车购置费", L, 2), Cell(8, "公务用车运行费", L, 2)]),
        GridRow([Cell(i, "预算数" if i % 2 == 0 else "决算数", L) for i in range(12)]),
    ]
    data = GridRow([Cell(0, "0.95", Location(line=5)), Cell(5, "3.00", Location(line=5)),
                    Cell(9, "3.00", Location(line=5)), Cell(10, "0.95", Location(line=5))])
    res = TableMatcher(tax, lay.table("07")).read(head + [data])
    assert {(f.concept, f.value) for f in res.facts} == {
        ("ThreeBudgetTotal", Decimal("0.95")), ("ThreeActualVehicle", Decimal("3.00")),
        ("ThreeActualVehicleOperation", Decimal("3.00")), ("ThreeBudgetReception", Decimal("0.95"))}
    assert res.unplaced == []
# ------------------------------------------------------------------ added for workbooks (issue 4)


def test_merged_header_span_maps_columns_under_a_spanning_label():
    """Shanghai 07: each item spans its 预算数 | 决算数 pair; the 决算数 column finds its item by the span."""
    tax = load_taxonomy()
    lay = tax.layout("2024-shanghai")
    L = Location
    items = [("合计", 0, 2), ("因公出国（境）费", 2, 2), ("公务用车购置及运行维护费", 4, 6), ("公务接待费", 10, 2)]
    row1 = GridRow([Cell(c, t, L(line=1), span=n) for t, c, n in items])
    row2 = GridRow([Cell(c, t, L(line=2), span=2) for t, c in (("小计", 4), ("公务用车购置费", 6), ("公务用车运行维护费", 8))])
    row3 = GridRow([Cell(c, "预算数" if c % 2 == 0 else "决算数", L(line=3)) for c in range(12)])
    data = GridRow([Cell(0, "5.00", L(line=4)), Cell(1, "1.64", L(line=4)), Cell(10, "5.00", L(line=4)), Cell(11, "1.64", L(line=4))])
    res = TableMatcher(tax, lay.table("07")).read([row1, row2, row3, data])
    assert {(f.concept, f.value) for f in res.facts} == {
        ("ThreeBudgetTotal", Decimal("5.00")), ("ThreeActualTotal", Decimal("1.64")),
        ("ThreeBudgetReception", Decimal("5.00")), ("ThreeActualReception", Decimal("1.64"))}
    assert res.unplaced == []


def test_unit_line_in_yuan_scales_and_rounds_half_up():
    from juesuan.readers.grid import round_amount, unit_of

    assert round_amount(Decimal("1960.734567")) == (Decimal("1960.73"), True)
    assert round_amount(Decimal("0.005")) == (Decimal("0.01"), True)
    assert round_amount(Decimal("20")) == (Decimal("20.00"), False)
    text = "\n".join([
        "收入决算表", "公开02表\t部门：某单位\t金额单位：元",
        "功能分类科目编码\t科目名称\t本年收入合计\t财政拨款收入\t上级补助收入\t事业收入\t经营收入\t附属单位上缴收入\t其他收入",
        "\t合计\t19,807,345.00\t19,607,300.00\t\t\t\t\t200,000.00",
    ])
    rows = tab_rows(text, "y.txt")
    assert unit_of(rows) == "元"
    doc = read_document(rows, load_taxonomy(), load_taxonomy().layout("2021-hunan"))
    assert {(f.concept, f.value) for f in doc.facts} == {
        ("IncTotal", Decimal("1980.73")), ("IncGrant", Decimal("1960.73")), ("IncOther", Decimal("20.00"))}
    assert [f.code for f in doc.findings] == ["convert:rounded-converted"]  # 1980.7345 -> 1980.73
    assert "金额单位为元" in doc.tables[0].summary() and doc.entity == "某单位"


def test_sections_are_cut_separately_and_repeated_tables_reported():
    tax = load_taxonomy()
    lay = tax.layout("2021-hunan")
    t07 = ["一般公共预算财政拨款“三公”经费支出决算表", "1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12",
           "5.00\t\t\t\t\t5.00\t1.64\t\t\t\t\t1.64"]
    a = tab_rows("\n".join(t07), "a")
    b = tab_rows("\n".join(["说明", "本单位没有其他内容 12.00"]), "b")
    c = tab_rows("\n".join(t07[:2] + ["5.00"]), "c")
    doc = read_document([], tax, lay, sections=[a, b, c])
    assert len(doc.facts) == 4  # the fuller copy; the notes section is no part of table 07
    assert [f.code for f in doc.findings] == ["convert:table-repeated"]
    assert doc.findings[0].location.file == "c"


def test_a_mistyped_total_row_is_still_a_row_and_nothing_is_dropped():
    """'合计 7.0O 7' must not be taken for a header line (its cells would vanish)."""
    tax = load_taxonomy()
    lay = tax.layout("2021-hunan")
    rows = _rows([
        "功能分类科目编码\t科目名称\t小计\t基本支出\t项目支出",
        "\t合计\t7.0O\t7\t",
        "201\t一般公共服务支出\t7.00\t7.00\t",
    ])
    res = TableMatcher(tax, lay.table("05")).read(rows)
    assert {(f.concept, f.code, f.value) for f in res.facts} == {
        ("GpbExpBasic", None, Decimal("7")), ("GpbExpTotal", "201", Decimal("7.00")),
        ("GpbExpBasic", "201", Decimal("7.00"))}
    bad = [f for f in res.findings if f.code == "convert:not-an-amount"]
    assert len(bad) == 1 and "7.0O" in bad[0].text() and bad[0].location.line == 2


def test_numbers_in_the_header_zone_are_reported():
    tax = load_taxonomy()
    lay = tax.layout("2021-hunan")
    rows = _rows([
        "功能分类科目编码\t科目名称\t小计\t基本支出\t项目支出",
        "\t\t\t1,234\t",  # a stray number in the header zone (no decimals: not taken for a data row)
        "201\t一般公共服务支出\t7.00\t7.00\t",
    ])
    res = TableMatcher(tax, lay.table("05")).read(rows)
    assert [(c.loc.line, c.text) for c in res.unplaced] == [(2, "1,234")]


def test_unplaced_findings_one_per_cell_or_one_per_place_not_yet_reported():
    from juesuan.readers.grid import TableResult, unplaced_findings

    loc = Location(file="f.xlsx", sheet="02", cell="C7")
    res = TableResult(load_taxonomy().layout("2021-hunan").table("02"), unplaced=[Cell(2, "1.00", loc)] * 2)
    assert [f.text() for f in unplaced_findings([res])] == ["02!C7：02 表中的“1.00”未能对应到任何行列"] * 2
    once = unplaced_findings([res], [])
    assert [(f.text(), f.text("en"), f.file, f.table) for f in once] == [
        ("02!C7：02 表中的“1.00”未能对应到任何行列", "02!C7: '1.00' in table 02 was not placed in any row/column",
         "f.xlsx", "02")]
    assert unplaced_findings([res], once) == []
    line = TableResult(res.table, unplaced=[Cell(2, "1.00", Location(file="f.txt", line=7))])
    f = unplaced_findings([line])[0]
    assert f.text("zh").startswith("第 7 行：") and f.text("en").startswith("line 7: ")
    assert f.to_dict()["values"]["where"] == "line 7"  # JSON keeps the English reference


def test_a_table_with_thousands_of_bad_cells_is_accounted_for_in_linear_work(monkeypatch):
    """A mangled PDF (one table line drawn 5,000 times: found by mutation fuzzing) gave thousands of
    cells both bad and unreadable; account() looked each up in a list: 12 million comparisons, 8 s."""
    from juesuan.readers.grid import TableResult

    cells = [Cell(2, f"x{i}", Location(file="f.pdf", sheet="p2", line=i)) for i in range(3000)]
    res = TableResult(load_taxonomy().layout("2021-hunan").table("02"), bad=cells,
                      unreadable=[("c", "", c) for c in cells] + [("c", "", Cell(3, "y 1.00", Location(line=1)))])
    calls = [0]
    eq = Cell.__eq__

    def counting(self, other):
        calls[0] += 1
        return eq(self, other)
    monkeypatch.setattr(Cell, "__eq__", counting)
    acc = res.account()
    assert (acc.seen, acc.reported) == (3001, 3001)  # each bad cell once, the other unreadable one too
    assert calls[0] <= 2 * len(cells)  # before: 4.5 million
