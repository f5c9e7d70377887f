"""The differ (issue 6): matching by concept + code, the change model, modes, renderers, exit codes."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from decimal import Decimal

import pytest
from lxml import etree

from juesuan.diff import compare, compare_files, finding_changes, render
from juesuan.diff.phrasing import percent, phrase
from juesuan.diff.render_text import display_width
from juesuan.findings import Finding
from juesuan.xmlio import NS, instance_to_bytes, load_instance

from .conftest import EXAMPLE_XML, EXAMPLES, ROOT, run_cli

DRAFT_XML = EXAMPLES / "liling-2021-draft.xml"
PRIOR_XML = EXAMPLES / "liling-2020.xml"
D = Decimal


def _edit(src, dst, cells: dict[tuple[str, str], str]) -> None:
    """Copy an instance file, changing the text of the given (concept, code) facts."""
    tree = etree.parse(str(src))
    seen = set()
    for el in tree.getroot().find(f"{{{NS}}}facts"):
        key = (etree.QName(el).localname, el.get("code") or "")
        if key in cells:
            el.text = cells[key]
            seen.add(key)
    assert seen == set(cells), set(cells) - seen
    tree.write(str(dst), encoding="UTF-8", xml_declaration=True)


def _json(*args) -> tuple[int, dict]:
    res = run_cli("diff", *args, "--format", "json")
    assert res.returncode in (0, 1), res.stderr
    return res.returncode, json.loads(res.stdout)


# ------------------------------------------------------------------------------------ acceptance
def test_three_changed_cells_give_exactly_three_changes(tmp_path):
    new = tmp_path / "three.xml"
    _edit(EXAMPLE_XML, new, {("SumIncOther", ""): "25.00", ("BasicExp", "30216"): "15.14",
                             ("GpbExpTotal", "2019999"): "2000.00"})
    rc, doc = _json(EXAMPLE_XML, new)
    assert rc == 1
    got = {(c["concept"], c["code"]): c for c in doc["changes"]}
    assert len(doc["changes"]) == 3 and doc["rounding"] == []
    a = got[("SumIncOther", "")]
    assert (a["kind"], a["table"], a["row"], a["column"]) == ("changed", "01", "其他收入", "决算数")
    assert (a["old"], a["new"], a["delta"], a["pct"]) == ("20.00", "25.00", "5.00", "25.00")
    assert a["phrase"] == "增加 5.00 万元，增长 25.00%"
    b = got[("BasicExp", "30216")]
    assert (b["table"], b["row"], b["row_name"], b["column"]) == ("06", "30216", "培训费", "决算数")
    assert (b["old"], b["new"], b["delta"], b["pct"]) == ("14.14", "15.14", "1.00", "7.07")  # 1/14.14 = 7.072 %
    c = got[("GpbExpTotal", "2019999")]
    assert (c["table"], c["row"], c["column"]) == ("05", "2019999", "小计")
    assert (c["old"], c["new"], c["delta"], c["pct"]) == ("2001.35", "2000.00", "-1.35", "-0.07")
    assert c["phrase"] == "减少 1.35 万元，下降 0.07%"
    assert doc["summary"]["changed"] == 3 and doc["different"] is True


def test_identical_copy_exit_0_and_no_changes(tmp_path):
    copy = tmp_path / "copy.xml"
    copy.write_bytes(EXAMPLE_XML.read_bytes())
    res = run_cli("diff", EXAMPLE_XML, copy)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "两份决算没有差异。" in res.stdout
    rc, doc = _json(EXAMPLE_XML, copy)
    assert rc == 0 and doc["changes"] == [] and doc["rounding"] == [] and doc["header"]["changes"] == []


def test_reordered_facts_give_no_changes(tmp_path):
    tree = etree.parse(str(EXAMPLE_XML))
    facts = tree.getroot().find(f"{{{NS}}}facts")
    items = list(facts)
    shuffled = items[:]
    random.Random(6).shuffle(shuffled)
    assert [etree.QName(e).localname for e in shuffled] != [etree.QName(e).localname for e in items]
    for el in items:
        facts.remove(el)
    for el in shuffled:
        facts.append(el)
    out = tmp_path / "shuffled.xml"
    tree.write(str(out), encoding="UTF-8", xml_declaration=True)
    assert out.read_bytes() != EXAMPLE_XML.read_bytes()
    rc, doc = _json(EXAMPLE_XML, out)
    assert rc == 0 and doc["changes"] == [] and doc["summary"]["added"] == doc["summary"]["removed"] == 0


def test_2021_layout_against_2024_layout_gives_no_changes(tmp_path):
    inst = load_instance(EXAMPLE_XML)
    other = tmp_path / "liling-2021-in-2024-layout.xml"
    other.write_bytes(instance_to_bytes(inst.with_header(layout="2024-shanghai")))
    rc, doc = _json(EXAMPLE_XML, other)
    assert rc == 0 and doc["changes"] == [] and doc["rounding"] == []
    assert doc["header"]["changes"] == [{"field": "layout", "old": "2021-hunan", "new": "2024-shanghai",
                                         "material": False}]


def test_each_change_is_labelled_in_both_layouts(tmp_path):
    inst = load_instance(EXAMPLE_XML)
    other = tmp_path / "in-2024.xml"
    other.write_bytes(instance_to_bytes(inst.with_header(layout="2024-shanghai")))
    changed = tmp_path / "in-2024-changed.xml"
    _edit(other, changed, {("GpbExpTotal", ""): "2007.33", ("ThreeActualReception", ""): "1.74"})
    rc, doc = _json(EXAMPLE_XML, changed)
    assert rc == 1 and len(doc["changes"]) == 2
    got = {c["concept"]: c for c in doc["changes"]}
    g = got["GpbExpTotal"]
    # 2021-hunan prints 05's total column as 小计 (栏次 1); 2024-shanghai as 合计, without 栏次
    assert {k: g["old_layout"][k] for k in ("layout", "table", "row", "column", "column_number")} == {
        "layout": "2021-hunan", "table": "05", "row": "合计", "column": "小计", "column_number": "1"}
    assert {k: g["new_layout"][k] for k in ("layout", "table", "row", "column", "column_number")} == {
        "layout": "2024-shanghai", "table": "05", "row": "合计", "column": "合计", "column_number": ""}
    assert (g["table"], g["column"]) == ("05", "合计")  # the top-level labels are the new layout's
    t = got["ThreeActualReception"]
    assert t["old_layout"]["table_title"] == "一般公共预算财政拨款“三公”经费支出决算表"
    assert t["new_layout"]["table_title"] == "财政拨款“三公”经费支出决算表"
    assert t["old_layout"]["column_number"] == "12" and t["new_layout"]["section"] == "决算数"
    text = run_cli("diff", EXAMPLE_XML, changed).stdout
    assert "原版式位置：05表 合计 / 小计" in text and "[2021-hunan]" not in text


# ------------------------------------------------------------------------------------ examples
def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_year_over_year_key_totals_match_the_reference_text(reference_text):
    rc, doc = _json(PRIOR_XML, EXAMPLE_XML)
    assert rc == 1 and doc["mode"] == "yoy" and doc["mode_auto"] is True
    key = {k["concept"]: k for k in doc["key_totals"]}
    assert [k["concept"] for k in doc["key_totals"]] == [
        "SumIncGrandTotal", "SumIncTotal", "SumExp", "GrantIncGrandTotal", "GrantIncTotal", "GrantExpTotal",
        "ExpBasic", "ExpProject", "ThreeActualTotal"]
    ref = _norm(reference_text)
    # 第三部分 一, 四 and 五 state these changes; our wording is theirs, character for character
    for concept, sentence in (("SumIncGrandTotal", "与上年相比，增加37.31万元，增长1.87%"),
                              ("GrantIncGrandTotal", "与上年相比，增加26.86万元，增长1.36%"),
                              ("GrantExpTotal", "财政拨款支出增加74.89万元，增长3.88%")):
        assert sentence in ref
        assert _norm(key[concept]["phrase"]) in ref, key[concept]["phrase"]
    assert key["SumIncGrandTotal"]["phrase"] == "增加 37.31 万元，增长 1.87%"
    assert (key["SumIncGrandTotal"]["old"], key["SumIncGrandTotal"]["new"]) == ("1997.90", "2035.21")
    # 公务接待费: the text says 增加 0.67 万元，增长 69.08%; from the printed 0.97 and 1.64 it is 69.07 %
    # (0.67 / 0.97 = 69.072 %): the report computed it from unrounded amounts. We report what the
    # printed figures give.
    rec = next(c for c in doc["changes"] if c["concept"] == "ThreeActualReception")
    assert "增加0.67万元，增长69.08%" in ref
    assert (rec["old"], rec["new"], rec["delta"], rec["pct"]) == ("0.97", "1.64", "0.67", "69.07")


def test_prior_year_figures_come_from_the_reference_text(reference_text):
    ref = _norm(reference_text)
    prior, final = load_instance(PRIOR_XML), load_instance(EXAMPLE_XML)
    for concept, pattern in (("SumIncGrandTotal", r"收、支总计[\d.]+万元。与上年相比，增加([\d.]+)万元"),
                             ("GrantIncGrandTotal", r"财政拨款收、支总计[\d.]+万元，与上年相比，增加([\d.]+)万元"),
                             ("GrantExpTotal", r"财政拨款支出增加([\d.]+)万元"),
                             ("ThreeActualReception", r"公务接待费支出预算为[\d.]+万元，支出决算为[\d.]+万元，"
                                                      r"完成预算的[\d.]+%，决算数小于预算数的主要原因是节约开支，"
                                                      r"与上年相比增加([\d.]+)万元")):
        m = re.search(pattern, ref)
        assert m, pattern
        assert prior.value(concept) == final.value(concept) - D(m.group(1)), concept
    assert prior.value("SumIncGrandTotal") == D("1997.90") and prior.value("GrantExpTotal") == D("1932.34")
    assert "illustrative" in prior.header.note and prior.header.fiscal_year == 2020


def _identities(inst) -> list[str]:
    """The sums the bureau checks, enough to show the invented prior year is internally consistent."""
    v = lambda c, k=None: inst.value(c, k) or D(0)  # noqa: E731
    bad = []

    def eq(name, a, b):
        if a != b:
            bad.append(f"{name}: {a} != {b}")

    eq("01 收入总计", v("SumIncGrandTotal"), v("SumIncTotal") + v("SumNonFiscalBalanceUsed") + v("SumOpeningBalance"))
    eq("01 支出总计", v("SumExpGrandTotal"), v("SumExp") + v("SumBalanceDistribution") + v("SumClosingBalance"))
    eq("01 收=支", v("SumIncGrandTotal"), v("SumExpGrandTotal"))
    eq("01 本年收入合计", v("SumIncTotal"), v("SumIncGeneralBudgetGrant") + v("SumIncOther"))
    eq("01/02", v("SumIncTotal"), v("IncTotal"))
    eq("01/03", v("SumExp"), v("ExpTotal"))
    eq("04 收", v("GrantIncGrandTotal"), v("GrantIncTotal") + v("GrantOpeningTotal"))
    eq("04 支", v("GrantExpGrandTotal"), v("GrantExpTotal") + v("GrantClosingTotal"))
    eq("04/05", v("GrantExpGeneralBudget"), v("GpbExpTotal"))
    eq("05/06", v("GpbExpBasic"), v("BasicPersonnelTotal") + v("BasicPublicTotal"))
    eq("06 人员", v("BasicPersonnelTotal"), v("BasicExp", "301") + v("BasicExp", "303"))
    eq("06 公用", v("BasicPublicTotal"), v("BasicExp", "302") + v("BasicExp", "310"))
    for cls in ("301", "302", "303", "310"):
        eq(f"06 {cls}", v("BasicExp", cls), sum((f.value for f in inst.by_concept("BasicExp")
                                                 if f.code.startswith(cls) and len(f.code) == 5), D(0)))
    eq("07", v("ThreeActualTotal"), v("ThreeActualReception") + v("ThreeActualOverseas") + v("ThreeActualVehicle"))
    for c in ("IncTotal", "ExpTotal", "GpbExpTotal", "GrantExpTotal", "SumExp"):
        codes = {f.code for f in inst.by_concept(c) if f.code}
        eq(f"{c} Σ类", v(c), sum((v(c, k) for k in codes if len(k) == 3), D(0)))
    for total, parts in (("IncTotal", ("IncGrant", "IncOther")), ("ExpTotal", ("ExpBasic", "ExpProject")),
                         ("GpbExpTotal", ("GpbExpBasic", "GpbExpProject"))):
        for code in {f.code or "" for f in inst.by_concept(total)}:
            eq(f"{total} {code}", v(total, code or None), sum((v(p, code or None) for p in parts), D(0)))
    return bad


def test_invented_prior_year_adds_up():
    assert _identities(load_instance(PRIOR_XML)) == []
    # the identities are real: the final report's known rounding gaps and 其他收入 error show up
    bad = _identities(load_instance(EXAMPLE_XML))
    assert any(b.startswith("01 收入总计") for b in bad) and any(b.startswith("IncTotal 210") for b in bad)


def test_draft_versus_final_example():
    rc, doc = _json(DRAFT_XML, EXAMPLE_XML)
    assert rc == 1 and doc["mode"] == "draft-final" and doc["findings"]["checked"] is True
    assert {(c["concept"], c["code"], c["kind"], c["old"], c["new"]) for c in doc["changes"]} == {
        ("BasicExp", "30216", "changed", "14.24", "14.14"),
        ("ThreeActualReception", "", "changed", "1.46", "1.64"),
        ("GpbExpTotal", "2101102", "added", None, "5.88"),
        ("GpbExpBasic", "2101102", "added", None, "5.88"),
    }
    assert {(c["concept"], c["old"], c["new"], c["delta"]) for c in doc["rounding"]} == {
        ("SumIncGrandTotal", "2035.20", "2035.21", "0.01"), ("BasicPublicTotal", "772.13", "772.12", "-0.01")}
    assert all(c["rounding"] for c in doc["rounding"])
    assert doc["rows"] == [{"kind": "added", "table": "05", "table_title": "一般公共预算财政拨款支出决算表",
                            "code": "2101102", "name": "事业单位医疗"}]
    assert {"field": "status", "old": "draft", "new": "final", "material": True} in doc["header"]["changes"]
    assert load_instance(DRAFT_XML).header.status == "draft"
    assert "illustrative" in load_instance(DRAFT_XML).header.note
    # changes come in table order: 05 before 06 before 07
    assert [c["table"] for c in doc["changes"]] == ["05", "05", "06", "07"]


def test_ignore_rounding_hides_rounding_and_decides_the_exit_status(tmp_path):
    rc, doc = _json(DRAFT_XML, EXAMPLE_XML, "--ignore-rounding")
    assert rc == 1 and doc["rounding"] == [] and doc["rounding_hidden"] is True and len(doc["changes"]) == 4
    only = tmp_path / "rounding-only.xml"
    _edit(EXAMPLE_XML, only, {("SumIncGrandTotal", ""): "2035.20", ("BasicExp", "30101"): "388.19"})
    rc, doc = _json(EXAMPLE_XML, only)
    assert rc == 1 and doc["changes"] == [] and len(doc["rounding"]) == 2
    rc, doc = _json(EXAMPLE_XML, only, "--ignore-rounding")
    assert rc == 0 and doc["rounding"] == [] and doc["different"] is False
    # 0.02 is beyond rounding
    two = tmp_path / "two-cents.xml"
    _edit(EXAMPLE_XML, two, {("SumIncGrandTotal", ""): "2035.23"})
    rc, doc = _json(EXAMPLE_XML, two, "--ignore-rounding")
    assert rc == 1 and [c["delta"] for c in doc["changes"]] == ["0.02"]


# ------------------------------------------------------------------------------------ modes and findings
def test_modes_from_headers_and_forced(tmp_path):
    a, b = load_instance(EXAMPLE_XML), load_instance(PRIOR_XML)
    assert compare(b, a).mode == "yoy" and compare(a, a).mode == "draft-final"
    assert compare(a, b).mode == "plain"  # backwards in time
    other = a.with_header(entity="株洲市某局")
    assert compare(a, other).mode == "plain"
    two_years = b.with_header(fiscal_year=2019)
    assert compare(two_years, a).mode == "plain"
    r = compare(b, a, mode="plain")
    assert r.mode == "plain" and not r.mode_auto and r.key_totals == [] and not r.checked
    rc, doc = _json(EXAMPLE_XML, DRAFT_XML, "--mode", "yoy")
    assert doc["mode"] == "yoy" and doc["mode_auto"] is False and len(doc["key_totals"]) == 9
    assert all(k["delta"] == "0.00" or k["concept"] == "SumIncGrandTotal" for k in doc["key_totals"])


def _fake_check(inst):
    """Two real table rules, standing in for juesuan.checks while the engine is written elsewhere."""
    v = lambda c, k=None: inst.value(c, k) or D(0)  # noqa: E731
    s302 = sum((f.value for f in inst.by_concept("BasicExp") if f.code.startswith("302") and len(f.code) == 5), D(0))
    if s302 != v("BasicExp", "302"):
        yield Finding.of("core:example-subtotal", table="06", row="302", column="决算数", code="302",
                         value=v("BasicExp", "302"), sum=s302)
    if v("ThreeActualTotal") != v("ThreeActualReception") + v("ThreeActualOverseas") + v("ThreeActualVehicle"):
        yield Finding.of("core:example-total", table="07", section="决算数", column="合计")
    # 02 row 210: 其他收入 20.00 breaks the row sum in draft and final alike (the report's real error)
    if v("IncTotal", "210") != v("IncGrant", "210") + v("IncOther", "210"):
        yield Finding.of("core:example-row", table="02", row="210", column="本年收入合计", code="210",
                         status=inst.header.status)


def test_findings_that_appeared_and_disappeared_with_an_injected_check():
    draft, final = load_instance(DRAFT_XML), load_instance(EXAMPLE_XML)
    r = compare(draft, final, check=_fake_check)
    assert r.checked and r.mode == "draft-final"
    assert [f.code for f in r.findings_disappeared] == ["core:example-subtotal", "core:example-total"]
    assert r.findings_appeared == []  # core:example-row is in both (its message differs, its key does not)
    back = compare(final, draft, check=_fake_check)
    assert [f.code for f in back.findings_appeared] == ["core:example-subtotal", "core:example-total"]
    text = render(back, "text").decode()
    assert "新出现 [core:example-total] 07表 决算数 合计：“三公”经费合计不等于各项之和" in text
    doc = json.loads(render(r, "json"))
    assert [f["code"] for f in doc["findings"]["disappeared"]] == ["core:example-subtotal", "core:example-total"]
    assert doc["summary"]["findings_disappeared"] == 2
    html = render(back, "html").decode()
    assert 'class="finding add" data-code="core:example-subtotal"' in html


def test_findings_alone_make_a_difference():
    final = load_instance(EXAMPLE_XML)
    calls = iter([[], [Finding("x:new", "warning", table="01")]])
    r = compare(final, final, check=lambda inst: next(calls))
    assert r.changes == [] and [f.code for f in r.findings_appeared] == ["x:new"] and r.different


def test_finding_changes_compares_by_code_and_place_only():
    a = [Finding("c:1", "error", table="02", row="210", column="合计", values={"d": D("1")}),
         Finding("c:2", "error", table="06", row="302")]
    b = [Finding("c:1", "error", table="02", row="210", column="合计", values={"d": D("2")}),
         Finding("c:2", "error", table="06", row="301")]
    appeared, disappeared = finding_changes(a, b)
    assert [(f.code, f.row) for f in appeared] == [("c:2", "301")]
    assert [(f.code, f.row) for f in disappeared] == [("c:2", "302")]


def test_default_check_is_juesuan_checks(monkeypatch):
    import juesuan.checks

    seen = []
    monkeypatch.setattr(juesuan.checks, "check_instance", lambda inst, *a, **kw: seen.append(inst.header.status) or iter(()))
    r = compare_files(DRAFT_XML, EXAMPLE_XML)
    assert seen[:2] == ["draft", "final"] and set(seen) == {"draft", "final"} and r.checked  # keys first, then the findings that changed


# ------------------------------------------------------------------------------------ wording
@pytest.mark.parametrize("old,new,zh,en", [
    ("1997.90", "2035.21", "增加 37.31 万元，增长 1.87%", "up 37.31 (10k yuan), +1.87%"),
    ("100.00", "97.50", "减少 2.50 万元，下降 2.50%", "down 2.50 (10k yuan), -2.50%"),
    ("0.00", "5.00", "增加 5.00 万元", "up 5.00 (10k yuan)"),
    ("5.00", "5.00", "持平", "unchanged"),
])
def test_phrase(old, new, zh, en):
    o, n = D(old), D(new)
    p = percent(n - o, o)
    assert phrase("changed", o, n, n - o, p, "zh") == zh
    assert phrase("changed", o, n, n - o, p, "en") == en


def test_percent_rounds_half_up_and_has_no_negative_zero():
    assert percent(D("0.005"), D("100")) == D("0.01")
    assert str(percent(D("-0.01"), D("772.13"))) == "0.00"
    assert percent(D("1"), D("0")) is None and percent(D("1"), None) is None


# ------------------------------------------------------------------------------------ formats
def test_text_is_aligned_by_display_width():
    assert display_width("收入总计") == 8 and display_width("ab") == 2 and display_width("“三公”") == 6
    out = run_cli("diff", PRIOR_XML, EXAMPLE_XML).stdout
    block = out.split("06表 一般公共预算财政拨款基本支出决算明细表\n", 1)[1].split("\n07表", 1)[0].splitlines()
    assert len(block) == 32  # header + 31 changed cells of 06
    starts = {display_width(line[: re.search(r"(增加|减少|新增|删除|说明)", line).start()]) for line in block}
    assert len(starts) == 1, starts  # the wording column starts at the same terminal column on every line
    ends = {display_width(line[: re.search(r"[+-][\d.]+%|—(?=\s+新增)", line).end()]) for line in block[1:]}
    assert len(ends) == 1, ends  # the right-aligned percentage column ends at the same column


def test_english_output():
    res = run_cli("diff", PRIOR_XML, EXAMPLE_XML, "--lang", "en")
    assert res.returncode == 1
    assert "Comparison: year over year (from the headers)" in res.stdout
    assert "up 37.31 (10k yuan), +1.87%" in res.stdout and "Income grand total" in res.stdout


def test_english_findings_are_placed_in_english():
    r = compare_files(DRAFT_XML, EXAMPLE_XML)
    assert r.findings_disappeared
    text = render(r, "text", lang="en").decode("utf-8")
    html = render(r, "html", lang="en").decode("utf-8")
    for f in r.findings_disappeared:
        assert f"table {f.table} " in f.where("en")
        assert f.where("en") in text and f.where("en") in html
    assert "表" not in "".join(line for line in text.splitlines() if line.startswith("  disappeared"))


def test_output_file_is_written_and_reproducible(tmp_path):
    for fmt in ("text", "json", "html", "xlsx"):
        a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        for out in (a, b):
            res = run_cli("diff", DRAFT_XML, EXAMPLE_XML, "--format", fmt, "-o", out)
            assert res.returncode == 1 and res.stdout == "" and res.stderr == ""
        assert a.read_bytes() == b.read_bytes(), fmt
        assert not list(tmp_path.glob(".*.tmp"))


def test_xlsx_has_one_sheet_per_table_with_old_new_change(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "yoy.xlsx"
    assert run_cli("diff", PRIOR_XML, EXAMPLE_XML, "--format", "xlsx", "-o", out).returncode == 1
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "概要"
    assert [n[:2] for n in wb.sheetnames[1:]] == ["01", "02", "03", "04", "05", "06", "07"]
    ws = wb[next(n for n in wb.sheetnames if n.startswith("07"))]
    rows = list(ws.iter_rows(values_only=True))
    # one place column (both reports are 2021-hunan), the sides named as the mode names them
    assert rows[1] == ("行", "栏", "上年", "本年", "增减", "幅度(%)", "类型", "说明")
    rec = next(r for r in rows[2:] if r[1] == "公务接待费")
    assert (rec[0], D(str(rec[2])), D(str(rec[3])), D(str(rec[4])), D(str(rec[5]))) == (
        "决算数", D("0.97"), D("1.64"), D("0.67"), D("69.07"))
    assert ws.cell(3, 3).number_format == "#,##0.00" and ws.cell(3, 3).border.left.style == "thin"
    summary = [r for r in wb["概要"].iter_rows(values_only=True)]
    counts = {r[0]: r[1] for r in summary if r[0] and isinstance(r[1], int)}
    expected = compare_files(PRIOR_XML, EXAMPLE_XML).counts()
    assert counts["数值变动（处）"] == expected["changed"] > 0 and counts["新增行（个）"] == expected["rows_added"]
    assert not any(r[0] in ("changed", "rows_added", "findings_appeared") for r in summary)
    assert ("项目", "上年", "本年", "增减", "幅度", "说明") in summary


def test_xlsx_needs_a_file_on_a_terminal_but_streams_to_a_pipe():
    res = subprocess.run([sys.executable, "-m", "juesuan", "diff", str(DRAFT_XML), str(EXAMPLE_XML), "--format", "xlsx"],
                         capture_output=True, cwd=ROOT)
    assert res.returncode == 1 and res.stdout[:2] == b"PK"


def test_html_is_one_self_contained_page():
    res = run_cli("diff", DRAFT_XML, EXAMPLE_XML, "--format", "html")
    html = res.stdout
    assert res.returncode == 1 and html.startswith("<!DOCTYPE html>")
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert not re.search(r"<(link|img|iframe|object|embed)\b", html) and "url(" not in html and "@import" not in html
    assert html.index('id="summary"') < html.index('id="changes"')
    cells = re.findall(r'<td class="n (chg|add|del|rnd)" data-concept="(\w+)" data-code="(\d*)"', html)
    assert set(cells) == {("add", "GpbExpTotal", "2101102"), ("add", "GpbExpBasic", "2101102"),
                          ("chg", "BasicExp", "30216"), ("chg", "ThreeActualReception", ""),
                          ("rnd", "SumIncGrandTotal", ""), ("rnd", "BasicPublicTotal", "")}


# ------------------------------------------------------------------------------------ bad input
def test_bad_input_exit_2_one_line(tmp_path):
    missing = tmp_path / "nope.xml"
    not_xml = tmp_path / "x.xml"
    not_xml.write_text("hello", encoding="utf-8")
    dup = tmp_path / "dup.xml"
    dup.write_text(EXAMPLE_XML.read_text("utf-8").replace(
        "<IncOther>20.00</IncOther>", "<IncOther>20.00</IncOther><IncOther>21.00</IncOther>"), encoding="utf-8")
    bad_amount = tmp_path / "amount.xml"
    _edit(EXAMPLE_XML, bad_amount, {("IncOther", ""): "二十"})
    unknown = tmp_path / "unknown.xml"
    unknown.write_text(EXAMPLE_XML.read_text("utf-8").replace(
        "<IncOther>20.00</IncOther>", "<IncOther>20.00</IncOther><Bogus>1.00</Bogus>"), encoding="utf-8")
    layout = tmp_path / "layout.xml"
    layout.write_text(EXAMPLE_XML.read_text("utf-8").replace("2021-hunan", "1999-nowhere"), encoding="utf-8")
    for path, words in ((missing, "文件不存在"), (not_xml, "不是 XML"), (dup, "两个 IncOther"),
                        (bad_amount, "的值“二十”不是金额"), (unknown, "未知元素 Bogus"),
                        (layout, "的值“1999-nowhere”无效：应为 2021-hunan、2024-shanghai")):
        res = run_cli("diff", EXAMPLE_XML, path)
        assert res.returncode == 2, (path, res.stdout)
        assert res.stdout == "" and len(res.stderr.strip().splitlines()) == 1 and words in res.stderr, res.stderr
        assert "Traceback" not in res.stderr
    assert run_cli("diff", EXAMPLE_XML, EXAMPLE_XML, "--format", "pdf").returncode == 2
    assert run_cli("diff", EXAMPLE_XML).returncode == 2


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_text_json_and_html_do_not_import_openpyxl(fmt):
    code = ("import sys\nfrom juesuan.cli import main\n"
            f"sys.argv = ['juesuan', 'diff', {str(DRAFT_XML)!r}, {str(EXAMPLE_XML)!r}, '--format', {fmt!r}]\n"
            "try:\n    main()\nexcept SystemExit as e:\n    assert e.code == 1, f'exit {e.code}'\n"
            "else:\n    raise AssertionError('no exit status')\n"
            "assert 'openpyxl' not in sys.modules, 'openpyxl imported'\n")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr  # exit 1 (the draft and the final differ), openpyxl never imported
    assert "醴陵市网格化管理服务中心" in res.stdout, res.stdout[:500]  # the comparison itself was written


def test_examples_are_valid_and_what_the_generator_writes():
    assert run_cli("validate", PRIOR_XML).returncode == 0  # the invented prior year adds up
    res = run_cli("validate", "--format", "json", DRAFT_XML)
    found = sorted((f["code"], f["table"], f["row"], f["column"]) for f in json.loads(res.stdout)["findings"]
                   if not f["code"].startswith("narrative:"))  # the narrative's: tests/test_narrative.py
    # the reference's own 02 errors, plus what the draft's edits break (302 not updated, 07 合计 not updated)
    assert found == [
        ("rule:T02.hierarchy", "02", "合计", "其他收入"),
        ("rule:T02.row-sum", "02", "210", "本年收入合计"),
        ("rule:T02.row-sum", "02", "21011", "本年收入合计"),
        ("rule:T02.row-sum", "02", "2101102", "本年收入合计"),
        ("rule:T06.hierarchy", "06", "302", "决算数"),
        ("rule:T07.actual-total", "07", "", "合计"),
        ("rule:X06-07.reception", "07", "", "公务接待费"),
    ], found
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import make_diff_examples as gen
    finally:
        sys.path.pop(0)
    final = load_instance(EXAMPLE_XML)
    assert instance_to_bytes(gen.make_draft(final)) == DRAFT_XML.read_bytes()
    assert instance_to_bytes(gen.make_prior(final)) == PRIOR_XML.read_bytes()


def test_a_fact_printed_only_in_the_old_layout():
    """2021-hunan's 06 prints 307 债务利息 rows; 2024-shanghai's does not: the change keeps its old place."""
    from juesuan.model import Fact

    old = load_instance(EXAMPLE_XML)
    new = old.with_header(layout="2024-shanghai")
    new.facts.put(Fact("BasicExp", "30101", D("388.20")))
    new.add(Fact("BasicExp", "30701", D("1.00")))
    r = compare(old, new)
    added = next(c for c in r.changes if c.code == "30701")
    assert added.kind == "added" and added.new_place is None and added.old_place.table == "06"
    assert "新版式无此栏；原版式位置：06表 30701 国内债务付息 / 决算数\n" in render(r, "text").decode()
    html = render(r, "html").decode()
    grid = html.split('<table class="grid" data-table="06">', 1)[1].split("</table>", 1)[0]
    assert 'data-code="30101"' in grid and "30701" not in grid  # the grid is the new layout's 06
    assert "<td>06表 30701 国内债务付息 / 决算数</td>" in html and "（本版式无此栏）" in html and "[2021-hunan]" not in html


# ------------------------------------------------------------------------------------ narrative
def _edit_narrative(src, dst, key: str, old: str | None, new: str | None) -> None:
    """Copy an instance, replacing `old` by `new` in block `key` (new None: drop the block)."""
    tree = etree.parse(str(src))
    block = next(b for b in tree.getroot().iter(f"{{{NS}}}block") if b.get("key") == key)
    if new is None:
        block.getparent().remove(block)
    else:
        assert old in block.text
        block.text = block.text.replace(old, new, 1)
    tree.write(str(dst), encoding="UTF-8", xml_declaration=True)


def test_a_corrected_narrative_figure_is_one_sentence_out_one_in(tmp_path):
    # the reference's own error: the narrative says 培训费 14.24, table 06 says 14.14. A final that
    # corrects the text differs from its draft by exactly that sentence.
    final = tmp_path / "final.xml"
    _edit_narrative(DRAFT_XML, final, "3.10", "14.24", "14.14")
    r = compare_files(DRAFT_XML, final)
    assert r.mode == "draft-final" and r.narrative_compared
    assert r.changes == [] and r.different  # no fact changed; the text alone is a difference
    (n,) = r.narrative
    assert (n.kind, n.key, n.title) == ("changed", "3.10", "十、一般性支出情况说明")
    out = [(op, s) for op, s in n.pieces() if op != "="]
    assert len(out) == 2 and out[0][0] == "-" and out[1][0] == "+"
    assert "14.24" in out[0][1] and "14.14" in out[1][1] and out[0][1].replace("14.24", "14.14") == out[1][1]
    rc, doc = _json(DRAFT_XML, final)
    assert rc == 1 and doc["summary"]["narrative_changed"] == 1 and doc["narrative"]["compared"] is True
    (c,) = doc["narrative"]["changes"]
    assert c["key"] == "3.10" and "14.24" in c["old"] and "14.14" in c["new"]
    assert [p["op"] for p in c["pieces"]].count("-") == 1
    text = run_cli("diff", DRAFT_XML, final).stdout
    assert "说明文字变动 1 段" in text and "3.10 十、一般性支出情况说明（改动）" in text
    assert any(line.strip().startswith("− ") and "14.24" in line for line in text.splitlines())
    assert any(line.strip().startswith("+ ") and "14.14" in line for line in text.splitlines())
    html = render(compare_files(DRAFT_XML, final), "html").decode("utf-8")
    assert 'id="narrative"' in html and re.search(r"<del>[^<]*14\.24[^<]*</del><ins>[^<]*14\.14", html)


def test_narrative_blocks_added_removed_and_white_space(tmp_path):
    dropped = tmp_path / "dropped.xml"
    _edit_narrative(EXAMPLE_XML, dropped, "3.12", None, None)
    spaced = tmp_path / "spaced.xml"
    _edit_narrative(EXAMPLE_XML, spaced, "3.1", "2035.21 万元", "2035.21\n  万元")  # a re-extraction's breaks
    r = compare_files(EXAMPLE_XML, dropped)
    assert [(n.kind, n.key) for n in r.narrative] == [("removed", "3.12")]
    assert [op for op, _ in r.narrative[0].pieces()] == ["-"] * len(r.narrative[0].pieces())
    r = compare_files(dropped, EXAMPLE_XML)
    assert [(n.kind, n.key) for n in r.narrative] == [("added", "3.12")]
    r = compare_files(EXAMPLE_XML, spaced)
    assert r.narrative == [] and not r.different
    # in one block, a real change next to a white-space-only one ("事业\n收入" re-flowed): only the
    # real one shows
    both = tmp_path / "both.xml"
    _edit_narrative(EXAMPLE_XML, both, "3.2", "1980.73", "1980.74")
    _edit_narrative(both, both, "3.2", "事业\n收入", "事业收入")
    r = compare_files(EXAMPLE_XML, both)
    assert [n.key for n in r.narrative] == ["3.2"]
    moved = [(op, text) for op, text in r.narrative[0].pieces() if op != "="]
    assert [op for op, _ in moved] == ["-", "+"] and "1980.74" in moved[1][1]
    assert compare_files(EXAMPLE_XML, EXAMPLE_XML).narrative == []


def test_narrative_is_not_compared_when_one_report_has_none(tmp_path):
    # the README's walk: the draft example against the instance converted from the workbook (no narrative)
    bare = tmp_path / "from-workbook.xml"
    tree = etree.parse(str(EXAMPLE_XML))
    narr = tree.getroot().find(f"{{{NS}}}narrative")
    narr.getparent().remove(narr)
    tree.write(str(bare), encoding="UTF-8", xml_declaration=True)
    r = compare_files(DRAFT_XML, bare)
    assert r.mode == "draft-final" and not r.narrative_compared and r.narrative == []
    assert "说明文字未比较（有一份没有第三部分）" in render(r, "text").decode("utf-8")
    assert json.loads(render(r, "json"))["narrative"] == {"compared": False, "changes": []}


def test_narrative_is_not_compared_year_over_year():
    r = compare_files(PRIOR_XML, EXAMPLE_XML)  # every sentence of another year's text differs
    assert r.mode == "yoy" and not r.narrative_compared and r.narrative == []
    assert "说明文字" not in render(r, "text").decode("utf-8")


def test_narrative_changes_in_the_workbook(tmp_path):
    from openpyxl import load_workbook

    final = tmp_path / "final.xml"
    _edit_narrative(DRAFT_XML, final, "3.10", "14.24", "14.14")
    out = tmp_path / "d.xlsx"
    assert run_cli("diff", DRAFT_XML, final, "--format", "xlsx", "-o", out).returncode == 1
    ws = load_workbook(out)["说明文字"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1] == ("段落", "标题", "类型", "原文", "新文") and rows[2][:3] == ("3.10", "十、一般性支出情况说明", "改动")
    assert "14.24" in rows[2][3] and "14.14" in rows[2][4]
