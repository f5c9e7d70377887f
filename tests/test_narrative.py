"""The narrative (第三部分) checked against the tables: the reference report's real narrative errors,
the Putuo PDF's two, nothing for figures that agree within rounding, every cited table figure
guarded (mutation), carry-over with --prior, and `juesuan draft` round trips (Word, LibreOffice)."""

from __future__ import annotations

import json
import os
from pathlib import Path
import shutil
import subprocess
from decimal import Decimal

import pytest

from juesuan.model import Fact, Instance, NarrativeBlock
from juesuan.narrative.checks import block_claims, check_narrative
from juesuan.narrative.phrases import catalogue_of
from juesuan.records import replace
from juesuan.taxonomy import load_taxonomy
from juesuan.xmlio import load_instance, save_instance

from .conftest import EXAMPLE_XML, EXAMPLES, REFERENCE_TXT, SHARED, run_cli

PUTUO_PDF = SHARED / "corpus" / "2024-shanghai-putuo-finance-bureau.pdf"


def narrative(findings):
    return [f for f in findings if f.code.startswith("narrative:") and f.code != "narrative:coverage"]


@pytest.fixture(scope="module")
def reference_json(tmp_path_factory):
    if not REFERENCE_TXT.exists():
        pytest.fail(f"reference report missing: {REFERENCE_TXT}")
    d = tmp_path_factory.mktemp("ref")
    res = run_cli("convert", REFERENCE_TXT, "-o", d / "ref.xml")
    assert res.returncode == 1, res.stderr  # the report's real table errors
    res = run_cli("validate", "--format", "json", d / "ref.xml")
    assert res.returncode == 1 and res.stderr == ""
    return json.loads(res.stdout)


def test_reference_text_narrative_findings_exactly(reference_json):
    found = [f for f in reference_json["findings"] if f["code"].startswith("narrative:")]
    got = sorted((f["code"], f["values"].get("block", ""), f["values"].get("stated", "")) for f in found
                 if f["code"] != "narrative:coverage")
    assert got == sorted([
        ("narrative:partial-amount", "3.10", "14.24万元"),  # 培训费 vs 06 30216 14.14
        ("narrative:template", "3.7", "减少（增加）、减少（增长）"),
        ("narrative:template", "3.7", "减少（增加）、减少（增长）"),
        ("narrative:template", "3.7", "减少（增加）、减少（增长）"),
        ("narrative:share-over-100", "3.13", "111.14%"),
        # 完成预算的0% of a 0 budget (因公出国, 公务用车购置, 公务用车运行维护): undefined, not wrong
        ("narrative:zero-base", "3.7", "0%"), ("narrative:zero-base", "3.7", "0%"), ("narrative:zero-base", "3.7", "0%"),
    ]), got
    by = {f["code"]: f for f in found}
    w = by["narrative:partial-amount"]
    assert w["severity"] == "warning" and (w["table"], w["row"]) == ("06", "30216")
    v = w["values"]
    assert (v["table_value"], v["stated_interval"], v["table_interval"]) == ("14.14", "[14.235, 14.245]", "[14.135, 14.145]")
    assert "开支培训费14.24万元" in v["sentence"]
    # in the instance, the position is the sentence's line inside its <block> element
    n = int(v["position"].split(" line ", 1)[1].split()[0])
    assert (Path(reference_json["files"][0]).read_text("utf-8").splitlines()[n - 1].lstrip()
            .startswith(('<block key="3.10"', "2021 年本部门开支会议费")))
    assert by["narrative:share-over-100"]["severity"] == "warning"
    assert all(f["severity"] == "error" for f in found if f["code"] == "narrative:template")
    assert all("与上年相比减少（增加）0万元，减少（增长）0%" in f["values"]["sentence"] for f in found
               if f["code"] == "narrative:template")
    # no finding on 69.08 % (0.67 / 0.97 = 69.07 %, within the printed figures' intervals), on
    # 1060.26 + 772.12 = 1832.38 against 1832.39, or on any agreeing figure
    for f in found:
        assert "69.08" not in f["values"].get("stated", "") and "1832.39" not in f["values"].get("stated", "")
    cov = by["narrative:coverage"]
    assert cov["severity"] == "info" and cov["values"]["checked"] >= 80 and "已核对" in cov["message_zh"]


def test_convert_gives_the_sentence_line_of_the_text_file(tmp_path):
    res = run_cli("convert", REFERENCE_TXT, "-o", tmp_path / "r.xml", "--format", "json")
    found = {f["code"]: f for f in json.loads(res.stdout)["findings"] if f["code"].startswith("narrative:")}
    lines = REFERENCE_TXT.read_text("utf-8").splitlines()
    # the reader drops blank lines from a block's text; the position counts them back
    assert lines[found["narrative:partial-amount"]["location"]["line"] - 1].startswith("2021 年本部门开支会议费 150 万元")
    assert lines[found["narrative:share-over-100"]["location"]["line"] - 1].startswith("根据预算绩效管理要求")
    # a figure's own line when its sentence runs over several (the 0% of 因公出国 is on the line after 32.8%)
    zero = [f["location"]["line"] for f in json.loads(res.stdout)["findings"] if f["code"] == "narrative:zero-base"]
    assert [lines[n - 1][:8] for n in zero] == ["因公出国（境）费", "公务用车购置费支", "公务用车运行维护"]
    assert all("完成预算的0%" in lines[n - 1] for n in zero)


def test_reference_warning_says_why_it_is_only_a_warning(reference_json):
    w = next(f for f in reference_json["findings"] if f["code"] == "narrative:partial-amount")
    assert "项目支出可能另有" in w["message_zh"] and "project spending may add" in w["message_en"]


# ------------------------------------------------------------------ Putuo PDF


@pytest.fixture(scope="module")
def putuo(tmp_path_factory):
    if not PUTUO_PDF.exists():
        pytest.fail(f"corpus missing: {PUTUO_PDF}")
    pytest.importorskip("pdfplumber")
    from juesuan.convert import convert_file

    return convert_file(PUTUO_PDF).instance


def _putuo_errors(found):
    return sorted((f.code, f.values["block"], f.values["stated"]) for f in found if f.severity == "error")


def test_putuo_pdf_exactly_two_narrative_errors(putuo):
    found = narrative(check_narrative(putuo))
    assert _putuo_errors(found) == [("narrative:amount", "3.4", "0.3万元"), ("narrative:share", "3.5", "71.73%")]
    amount = next(f for f in found if f.code == "narrative:amount")
    assert (amount.table, amount.values["table_value"]) == ("04", "2961.68")
    share = next(f for f in found if f.code == "narrative:share")
    assert share.values["computed"] == "71.65" and "2106.66" in share.values["numerator"]
    # the eleven 年初预算 / 支出决算 pairs of 五（三）: every direction word and both sums agree
    assert not [f for f in found if f.code in ("narrative:direction", "narrative:items-sum", "narrative:rate")]


def _putuo_page_lines():
    from juesuan.readers import pdfpages

    doc = pdfpages.open_document(PUTUO_PDF.read_bytes(), str(PUTUO_PDF))
    try:
        rows, _ = pdfpages.pdf_rows(doc, str(PUTUO_PDF), list(load_taxonomy().layouts.values()), {}, [], [])
    finally:
        doc.close()
    return {(r.loc.sheet, r.loc.line): r.text().strip() for r in rows}


def test_a_pdf_narrative_finding_names_the_page_line_of_its_figure(putuo):
    """Paragraphs are read whole across wrapped lines and pages; a finding still names the printed
    line its figure is on (0.3万元 on page 21 line 14, under the heading on line 13; 71.73% on line 25
    of a sentence starting on line 24; the two 0% of 三公 on page 23 lines 11 and 12)."""
    page = _putuo_page_lines()
    found = [f for f in narrative(check_narrative(putuo)) if f.values.get("stated")]
    got = sorted((f.code, f.location.sheet, f.location.line) for f in found)
    assert got == [("narrative:amount", "p21", 14), ("narrative:share", "p21", 25),
                   ("narrative:zero-base", "p23", 11), ("narrative:zero-base", "p23", 12)], got
    for f in found:
        assert f.values["stated"].replace("万元", "") in page[f.location.sheet, f.location.line]
    # every line of every block knows the printed lines it was joined from, pages included
    spans = set()
    for b in putuo.narrative:
        body = b.text.split("\n")
        assert len(b.sources) == len(body), b.key
        for text, (sheet, segs) in zip(body, b.sources):
            spans.add(sheet)
            for (o, n), nxt in zip(segs, [*segs[1:], (len(text), 0)]):
                printed = page[sheet, n]
                assert text[o:nxt[0]] == (printed if o else printed[len(printed) - (nxt[0] - o):]), (b.key, n)
    assert {"p21", "p22", "p23"} <= spans


def test_putuo_narrative_from_pdfium_page_text(putuo):
    """The same two errors on 第三部分 read straight from PDFium's page text (figures in place)."""
    pdfium = pytest.importorskip("pypdfium2")
    from juesuan.readers.narrative import narrative_blocks

    pdf = pdfium.PdfDocument(str(PUTUO_PDF))
    lines = []
    for i in range(len(pdf)):
        lines += pdf[i].get_textpage().get_text_range().splitlines()
    pdf.close()
    blocks = narrative_blocks(lines, str(PUTUO_PDF))
    assert [b.key for b in blocks][:4] == ["3.1", "3.2", "3.3", "3.4"]
    inst = Instance(putuo.header, list(putuo.facts), blocks, str(PUTUO_PDF))
    assert _putuo_errors(narrative(check_narrative(inst))) == [("narrative:amount", "3.4", "0.3万元"),
                                                                ("narrative:share", "3.5", "71.73%")]


# ------------------------------------------------------------------ mutation: every cited figure is guarded


def _cited(inst):
    """(concept, code) of every table figure the narrative states or computes a share from."""
    tax = load_taxonomy()
    cat = catalogue_of(tax)
    lay = tax.layout(inst.header.layout)
    out = {}
    for _, bc in block_claims(inst, tax, cat):
        for s in bc.sentences():
            for f in s.figures:
                if f.kind == "amount" and f.concept and not f.why and lay.place(f.concept, f.code):
                    if f.partial and inst.get(f.concept, f.code) is None:
                        continue
                    out.setdefault((f.concept, f.code), s.text)
                if f.kind == "share" and not f.why and f.base is not None and f.base.value:  # 0 of any base is 0 %
                    den = f.base_label
                    for p, b in s.part.section.phrases:
                        if den and p in den and b.actual:
                            out.setdefault((b.actual, b.code), s.text)
                    if not den and s.total is None and s.part.section.share_base:
                        out.setdefault((s.part.section.share_base, None), s.text)
    return out


def test_mutating_any_cited_figure_gives_a_finding_naming_its_sentence():
    inst = load_instance(EXAMPLE_XML)
    base = {(f.code, f.values.get("sentence"), f.values.get("table_value"), f.values.get("computed"))
            for f in narrative(check_narrative(inst))}
    cited = _cited(inst)
    assert len(cited) >= 40, len(cited)
    for (concept, code), sentence in cited.items():
        facts = list(inst.facts)
        old = inst.get(concept, code)
        if old is None:
            facts.append(Fact(concept, code, Decimal("1.00")))
        else:
            facts[facts.index(old)] = replace(old, value=old.value + 1)
        mutated = Instance(inst.header, facts, list(inst.narrative), inst.source)
        new = [f for f in narrative(check_narrative(mutated))
               if (f.code, f.values.get("sentence"), f.values.get("table_value"), f.values.get("computed")) not in base]
        assert new, (concept, code, sentence)


# ------------------------------------------------------------------ --prior


def test_prior_reports_the_carry_over_break_in_01_and_04():
    res = run_cli("validate", "--format", "json", EXAMPLE_XML, "--prior", EXAMPLES / "liling-2020.xml")
    assert res.returncode == 1, res.stderr
    data = json.loads(res.stdout)
    carry = [f for f in data["findings"] if f["code"] == "prior:carry-over"]
    assert sorted((f["table"], f["values"]["opening"], f["values"]["closing"]) for f in carry) == [
        ("01", "48.03", "51.56"), ("04", "48.03", "49.56"), ("04", "48.03", "49.56")]
    assert {f["values"]["concept"] for f in carry} == {"SumOpeningBalance", "GrantOpeningTotal", "GrantOpeningGeneralBudget"}
    # the yoy claims (收支总计 +37.31, 财政拨款收支总计 +26.86, 财政拨款支出 +74.89, 公务接待费 +0.67 / 69.08 %)
    # agree with 2020's figures within rounding
    assert not [f for f in data["findings"] if f["code"] in ("narrative:change", "narrative:growth")]


def test_prior_yoy_claim_against_the_wrong_prior_is_a_finding():
    inst = load_instance(EXAMPLE_XML)
    prior = load_instance(EXAMPLES / "liling-2020.xml")
    facts = [replace(f, value=Decimal("1900.00")) if (f.concept, f.code) == ("SumIncGrandTotal", None) else f
             for f in prior.facts]
    found = check_narrative(inst, Instance(prior.header, facts, [], prior.source))
    got = {(f.code, f.values["block"]) for f in found if f.code in ("narrative:change", "narrative:growth")}
    assert got == {("narrative:change", "3.1"), ("narrative:growth", "3.1")}


# ------------------------------------------------------------------ wording checks on small texts


def _check(text: str, title: str = "一、收入支出决算总体情况说明", key: str = "3.1"):
    inst = load_instance(EXAMPLE_XML)
    inst = Instance(inst.header, list(inst.facts), [NarrativeBlock(key, title, text)], "t.xml")
    return [(f.code, f.values.get("stated", "")) for f in narrative(check_narrative(inst))]


def test_years_dates_entity_and_placeholders():
    assert _check("2020年度收、支总计2035.21万元。") == [("narrative:year", "2020")]
    assert _check("截至2021年6月30日，共有车辆0辆。", "十二、国有资产占用情况说明", "3.12") == \
        [("narrative:date", "截至2021年6月30日")]
    assert _check("醴陵市城管局2021年度收支总计2035.21万元。") == [("narrative:entity", "醴陵市城管局")]
    assert _check("醴陵市网格化管理服务中心2021年度收支总计2035.21万元。") == []
    assert _check("2021年度收支总计XX万元，主要原因是【请说明原因】。") == [("narrative:template", "XX、【请说明原因】")]
    assert _check("2021年度收支总计0万元。") == [("narrative:zero-amount", "0万元")]


def _located(lines, numbers):
    """(code, line) of the narrative findings on `lines` read as a text file's, at line `numbers`."""
    from juesuan.readers.narrative import narrative_blocks

    inst = load_instance(EXAMPLE_XML)
    blocks = narrative_blocks(lines, "t.txt", numbers)
    inst = Instance(inst.header, list(inst.facts), blocks, "t.txt")
    return sorted((f.code, f.location.line) for f in narrative(check_narrative(inst))), blocks


def test_a_finding_is_located_on_its_heading_or_its_figure_line():
    """A wrong year in a block's title is on the heading's line; a figure's finding on the line of the
    figure, a .docx paragraph's soft breaks (one line holding "\n") included. Two readings that differ
    only in where the text's lines were read are not one memo entry."""
    lines = ["第三部分", "一、2020年度收入支出决算总体情况说明", "第一句。\n2021年度收支总计0万元。"]
    got, blocks = _located(lines, [1, 2, 3])
    assert got == [("narrative:year", 2), ("narrative:zero-amount", 3)]
    assert len(blocks[0].sources) == len(blocks[0].text.split("\n")) == 2
    got, _ = _located(lines, [1, 2, 30])  # the heading read where it was, its text further on
    assert got == [("narrative:year", 2), ("narrative:zero-amount", 30)]


def test_direction_word_against_the_numbers():
    title, key = "五、一般公共预算财政拨款支出决算情况说明", "3.5"
    ok = "（三）财政拨款支出决算具体情况\n2021年度财政拨款支出年初预算数为1951.91万元，支出决算数为2007.23万元，完成年初预算的102.83%，决算数大于年初预算数。"
    assert _check(ok, title, key) == []
    bad = ok.replace("大于", "小于")
    assert _check(bad, title, key) == [("narrative:direction", "小于")]
    assert _check(ok.replace("102.83%", "102.38%"), title, key) == [("narrative:rate", "102.38%")]


# ------------------------------------------------------------------ draft round trips


def _soffice():
    return shutil.which("soffice") or shutil.which("libreoffice")


def _round_trip(tmp_path, instance_xml, workbook):
    pytest.importorskip("docx")
    d = tmp_path / "d.docx"
    res = run_cli("draft", instance_xml, "--format", "docx", "-o", d)
    assert res.returncode == 0 and d.is_file(), res.stderr
    again = tmp_path / "d2.docx"
    run_cli("draft", instance_xml, "--format", "docx", "-o", again)
    assert again.read_bytes() == d.read_bytes()  # same instance, same bytes
    x = tmp_path / "x.xml"
    res = run_cli("convert", workbook, "--narrative", d, "-o", x)
    assert x.is_file(), res.stderr
    assert load_instance(x).narrative, "the narrative went into the instance"
    res = run_cli("validate", "--format", "json", x)
    assert res.stderr == ""
    found = [f for f in json.loads(res.stdout)["findings"] if f["code"].startswith("narrative:")]
    cov = next(f for f in found if f["code"] == "narrative:coverage")["values"]
    assert cov["found"] == cov["bound"] == cov["checked"] > 30, cov
    others = [f for f in found if f["code"] not in ("narrative:coverage", "narrative:template")]
    assert not others, others
    templates = [f for f in found if f["code"] == "narrative:template"]
    assert templates and all(f["values"]["stated"] == "【请说明原因】" for f in templates)
    return d


def test_draft_round_trip_2021_hunan_and_libreoffice_opens_it(tmp_path):
    d = _round_trip(tmp_path, EXAMPLE_XML, EXAMPLES / "liling-2021.xlsx")
    if not _soffice():
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice is not installed in CI (.ci/run installs libreoffice-writer)")
        pytest.skip("LibreOffice (soffice) is not on PATH")
    res = subprocess.run([_soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                          "--convert-to", "pdf", "--outdir", str(tmp_path), str(d)],
                         capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "d.pdf"
    assert pdf.is_file() and pdf.stat().st_size > 5000, res.stdout + res.stderr
    pdfium = pytest.importorskip("pypdfium2")
    doc = pdfium.PdfDocument(str(pdf))
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))).replace(" ", "")
    doc.close()
    assert "收入支出总计2035.21万元" in text and "【请说明原因】" in text


def test_draft_round_trip_2024_shanghai(tmp_path):
    from .test_checks_2024 import putuo_facts
    from .checks_util import build

    inst = build("2024-shanghai", putuo_facts())
    xml = tmp_path / "putuo.xml"
    save_instance(inst, xml)
    wb = tmp_path / "putuo.xlsx"
    res = run_cli("export", xml, "--format", "xlsx", "-o", wb)
    assert wb.is_file(), res.stderr
    _round_trip(tmp_path, xml, wb)


def test_draft_with_prior_writes_checked_yoy_sentences(tmp_path):
    res = run_cli("draft", EXAMPLE_XML, "--prior", EXAMPLES / "liling-2020.xml", "--format", "md")
    assert res.returncode == 0, res.stderr
    assert "与上年相比，收入支出总计增加37.31万元，增长1.87%，主要原因是【请说明原因】。" in res.stdout
    md = tmp_path / "d.md"
    md.write_text(res.stdout, encoding="utf-8")
    inst = load_instance(EXAMPLE_XML)
    from juesuan.narrative.sources import read_narrative

    inst = Instance(inst.header, list(inst.facts), read_narrative(md), "x.xml")
    prior = load_instance(EXAMPLES / "liling-2020.xml")
    codes = {f.code for f in narrative(check_narrative(inst, prior))}
    assert codes == {"narrative:template"}, codes


def test_narrative_option_errors_are_one_line(tmp_path):
    bad = tmp_path / "n.pdf"
    bad.write_text("x")
    res = run_cli("convert", EXAMPLES / "liling-2021.xlsx", "--narrative", bad, "-o", tmp_path / "o.xml")
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "narrative" in res.stderr
    fake = tmp_path / "n.docx"
    fake.write_bytes(b"PK not really")
    res = run_cli("convert", EXAMPLES / "liling-2021.xlsx", "--narrative", fake, "-o", tmp_path / "o.xml")
    assert res.returncode == 2 and "Traceback" not in res.stderr and not (tmp_path / "o.xml").exists()


def test_verbose_lists_unbound_figures_and_text_output_has_the_coverage_line():
    res = run_cli("validate", "--verbose", EXAMPLE_XML)
    assert res.returncode == 1 and res.stderr == ""
    assert "[narrative:unbound]" in res.stdout and "3.12「十二、国有资产占用情况说明」" in res.stdout
    assert "[narrative:coverage] 情况说明核对：数字" in res.stdout
    quiet = run_cli("validate", EXAMPLE_XML)
    assert "[narrative:unbound]" not in quiet.stdout and "[narrative:coverage]" in quiet.stdout


def test_sums_stated_in_words():
    proc = "本部门2021年度政府采购支出总额{t}万元，其中：政府采购货物支出123.06万元、政府采购工程支出0万元、政府采购服务支出156.80万元。"
    title, key = "十一、政府采购支出说明", "3.11"
    assert _check(proc.format(t="279.86"), title, key) == []
    assert _check(proc.format(t="279.96"), title, key) == [("narrative:sum", "279.96万元")]
    # 基本支出 = 人员经费 + 公用经费 (1060.26 + 772.12 = 1832.38 against 1832.39 is rounding)
    basic = "2021年度财政拨款基本支出1832.39万元，其中：人员经费{p}万元，占基本支出的57.86%；公用经费772.12万元，占基本支出的42.14%。"
    title, key = "六、一般公共预算财政拨款基本支出决算情况说明", "3.6"
    assert _check(basic.format(p="1060.26"), title, key) == []
    assert sorted(_check(basic.format(p="1070.26"), title, key)) == [
        ("narrative:amount", "1070.26万元"), ("narrative:share", "57.86%"), ("narrative:sum", "1832.39万元")]
    # “三公” = 因公出国 + 公务用车（购置 + 运行）+ 公务接待, per 预算 and 决算
    three = ("2021年度“三公”财政拨款支出预算为5万元，支出决算为{a}万元，其中：因公出国（境）费支出预算为0万元，支出决算为0万元；"
             "公务接待费支出预算为5万元，支出决算为1.64万元；公务用车购置费支出预算为0万元，支出决算为0万元；"
             "公务用车运行维护费支出预算为0万元，支出决算为0万元。")
    title, key = "七、一般公共预算财政拨款“三公”经费支出决算情况说明", "3.7"
    assert _check(three.format(a="1.64"), title, key) == []
    assert sorted(_check(three.format(a="2.64"), title, key)) == [("narrative:amount", "2.64万元"), ("narrative:sum", "2.64万元")]


def test_empty_table_must_be_explained_where_the_narrative_has_its_section():
    title, key = "八、政府性基金预算收入支出决算情况", "3.8"
    assert _check("2021年度政府性基金预算财政拨款收入0万元。", title, key) == [("narrative:empty-table", "")]
    assert _check("2021年度本单位没有政府性基金收入，也没有使用政府性基金安排的支出。", title, key) == []


def test_a_function_chain_is_found_in_linear_work_in_a_long_run_of_text():
    """A mangled page (found by mutation fuzzing: Putuo with a narrative line drawn thousands of times)
    made one sentence of a long run of text without punctuation; the search for "…（类）…（款）…（项）"
    read from each of its characters to the run's end: over 100 s. Names are bounded now."""
    from juesuan.narrative.claims import _CHAIN

    m = _CHAIN.search("主要用于以下方面：一般公共服务支出（类）财政事务（款）行政运行（项）120.00万元")
    assert m.groups() == ("一般公共服务支出", "财政事务", "行政运行")
    assert _CHAIN.search("支出" * 100_000) is None  # before: minutes
    m = _CHAIN.search("支出" * 100_000 + "社会保障和就业支出（类）")
    assert m is not None and m.group(1).endswith("社会保障和就业支出") and len(m.group(1)) <= 80
