"""The one core model (issue 11) and the defects of issue 12 it fixes: facts keyed by (concept, code),
the one loader and its schema findings in the report's terms, one placement, the tables an instance's
source contained (defect 8), and amounts around XML comments (defect 4)."""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal

import pytest

from juesuan.diff import compare, render
from juesuan.facts import fact_records
from juesuan.loader import load, load_valid
from juesuan.taxonomy import load_taxonomy
from juesuan.validate import validate_file

from .conftest import EXAMPLE_XML, EXAMPLES, ROOT, run_cli

PLAIN = ROOT / "tests" / "fixtures" / "liling-2021-plain.txt"


def _edit(tmp_path, old: str, new: str, name: str = "x.xml"):
    text = EXAMPLE_XML.read_text("utf-8")
    assert old in text, old
    p = tmp_path / name
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return p


# ------------------------------------------------------------------ schema findings in the report's terms
def test_three_decimals_are_reported_with_table_row_column_label_and_line_in_chinese(tmp_path):
    p = _edit(tmp_path, '<BasicExp code="301">1060.20</BasicExp>', '<BasicExp code="301">1060.201</BasicExp>')
    line = next(i for i, t in enumerate(p.read_text("utf-8").splitlines(), 1) if "1060.201" in t)
    res = run_cli("validate", p)
    assert res.returncode == 1
    [out] = [x for x in res.stdout.splitlines() if "schema:" in x]
    assert f"第 {line} 行 " in out
    assert "06表 301 工资福利支出 决算数" in out  # table, row (code and name), column
    assert "基本支出决算数（BasicExp）的金额 1060.201 有 3 位小数，最多 2 位" in out  # label, what was wrong
    en = run_cli("validate", p, "--lang", "en").stdout
    assert "amount 1060.201 has 3 decimals, at most 2" in en


def test_an_unknown_element_is_reported_at_its_own_line(tmp_path):
    p = _edit(tmp_path, '<IncOther code="210">20.00</IncOther>', '<IncOther code="210">20.00</IncOther>\n<Foo>1</Foo>')
    line = next(i for i, t in enumerate(p.read_text("utf-8").splitlines(), 1) if "<Foo>" in t)
    [f] = load(p).findings
    assert (f.code, f.location.line, f.text("zh")) == ("schema:unknown-element", line, "未知元素 Foo：不是本分类标准的概念")
    assert f.text("en") == "unknown element Foo: not a concept of this taxonomy"


def test_a_duplicate_fact_is_named_by_concept_and_code(tmp_path):
    p = _edit(tmp_path, "<SumIncTotal>1980.73</SumIncTotal>", "<SumIncTotal>1980.73</SumIncTotal><SumIncTotal>1.00</SumIncTotal>")
    [f] = load(p).findings
    assert f.code == "schema:duplicate-fact" and f.text("zh").startswith("两个 SumIncTotal（本年收入合计）")
    assert (f.table, f.row) == ("01", "本年收入合计")
    # the model keeps one of them: a duplicate cannot exist in an Instance
    inst = load(p).instance
    assert [x.value for x in inst.facts if x.concept == "SumIncTotal"] == [Decimal("1980.73")]


def test_header_values_are_named_by_their_field(tmp_path):
    p = _edit(tmp_path, "<status>final</status>", "<status>approved</status>")
    [f] = load(p).findings
    assert f.code == "schema:header-value" and "状态（status）的值“approved”无效：应为 draft、final" in f.text("zh")


def test_every_command_that_reads_an_instance_refuses_an_invalid_one_in_one_line(tmp_path):
    p = _edit(tmp_path, '<BasicExp code="301">1060.20</BasicExp>', '<BasicExp code="301">1060.201</BasicExp>')
    for args in (["facts", p], ["diff", EXAMPLE_XML, p], ["export", p, "--format", "xlsx", "-o", tmp_path / "o.xlsx"],
                 ["export", p, "--format", "xbrl", "-o", tmp_path / "x"]):
        res = run_cli(*args)
        assert res.returncode == 2 and res.stdout == "", args
        assert len(res.stderr.strip().splitlines()) == 1 and "有 3 位小数" in res.stderr, res.stderr
    res = run_cli("diff", EXAMPLE_XML, p, "--lang", "en")
    assert res.returncode == 2 and "not valid against the XSD (1 finding; first: line 12: " in res.stderr
    assert "amount 1060.201 has 3 decimals" in res.stderr
    assert not (tmp_path / "o.xlsx").exists() and not (tmp_path / "x").exists()


# ------------------------------------------------------------------ defect 4: comments inside amounts
@pytest.mark.parametrize("inside", ["1980<!--x-->.73", "<!--c-->1980.73", "1980.73<?pi x?>", "19<!--a-->80<?b?>.73"])
def test_an_amount_around_a_comment_is_read_as_the_xsd_reads_it(tmp_path, inside):
    p = _edit(tmp_path, "<SumIncTotal>1980.73</SumIncTotal>", f"<SumIncTotal>{inside}</SumIncTotal>")
    loaded = load(p)
    assert loaded.findings == []  # the XSD reads 1980.73
    assert loaded.instance.value("SumIncTotal") == Decimal("1980.73")
    # so validate finds exactly what it finds on the example, no bogus rule errors
    assert validate_file(p).codes() == validate_file(EXAMPLE_XML).codes()
    rec = next(r for r in fact_records(loaded.instance) if r["concept"] == "SumIncTotal")
    assert rec["value"] == "1980.73"
    assert not compare(load_valid(EXAMPLE_XML), load_valid(p)).changes


def test_a_workbook_cell_around_a_comment_is_read_whole(tmp_path):
    src = EXAMPLES / "liling-2021.xlsx"
    buf = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        done = False
        for info in zin.infolist():
            data = zin.read(info)
            if not done and info.filename.startswith("xl/worksheets/sheet") and b"<v>1980.73</v>" in data:
                data = data.replace(b"<v>1980.73</v>", b"<v>1980<!--x-->.73</v>", 1)
                done = True
            zout.writestr(info, data)
    assert done
    p = tmp_path / "commented.xlsx"
    p.write_bytes(buf.getvalue())
    from juesuan.convert import convert_file

    got = convert_file(p).instance.fact_set()
    assert got == convert_file(src).instance.fact_set()


# ------------------------------------------------------------------ defect 8: absent is not blank
@pytest.fixture(scope="module")
def without_03(tmp_path_factory):
    text = PLAIN.read_text("utf-8")
    a, b = text.index("支出决算表\n\n公开 03 表"), text.index("财政拨款收入支出决算总表\n\n公开 04")
    folder = tmp_path_factory.mktemp("no03")
    src = folder / "no03.txt"
    src.write_text(text[:a] + text[b:], encoding="utf-8")
    out = folder / "no03.xml"
    conv = run_cli("convert", src, "-o", out, "--format", "json")
    return json.loads(conv.stdout), out


def test_convert_and_validate_agree_when_a_table_is_absent(without_03):
    converted, out = without_03
    assert "<tables>01 02 04 05 06 07 08 09</tables>" in out.read_text("utf-8")
    res = run_cli("validate", out, "--format", "json")
    validated = json.loads(res.stdout)
    rules = lambda d: sorted(f["code"] for f in d["findings"] if f["code"].startswith("rule:"))  # noqa: E731
    assert rules(validated) == rules(converted)
    assert not [c for c in rules(validated) if "03" in c.split(":")[1].split(".")[0]]  # no rule on table 03 ran
    assert "convert:tables-missing" in {f["code"] for f in validated["findings"]}
    assert res.returncode == (1 if converted["counts"]["error"] else 0)


def test_diff_does_not_read_an_absent_table_as_removed(without_03):
    _, out = without_03
    r = compare(load_valid(EXAMPLE_XML), load_valid(out))
    lay = load_taxonomy().layout("2021-hunan")
    assert r.tables_absent == ((), ("03",))
    assert not [c for c in r.changes if (c.old_place or c.new_place).table == "03"]
    assert "新报告的源文件中没有 03 表" in render(r, "text").decode()
    assert json.loads(render(r, "json"))["tables_absent"] == {"old": [], "new": ["03"]}
    assert lay.table("03")  # the layout has it: the report's source did not


# ------------------------------------------------------------------ one placement
def test_layout_place_carries_every_label_a_reader_sees():
    lay = load_taxonomy().layout("2021-hunan")
    p = lay.place("IncGrant", "2101102")
    assert (p.table, p.table_title, p.row, p.row_name, p.row_label()) == (
        "02", "收入决算表", "2101102", "事业单位医疗", "2101102 事业单位医疗")
    assert p.column_number and p.order[0] == "02"
    q = lay.place("SumIncTotal", None)
    assert (q.row, q.row_name, q.row_number) == ("本年收入合计", "", q.row_number) and q.row_number.isdigit()
    assert lay.place("SumIncTotal", None) is q  # memoised


def test_has_cell_answers_what_place_would_without_building_it():
    from juesuan.loader import load_valid as lv

    for lid in ("2021-hunan", "2024-shanghai"):
        lay = load_taxonomy().layout(lid)
        keys = [(f.concept, f.code) for f in lv(EXAMPLE_XML).facts]
        keys += [("SumExp", "20199"), ("IncGrant", "2999999"), ("BasicExp", "39999"), ("SumIncTotal", "201"), ("Nope", None)]
        for concept, code in keys:
            assert lay.has_cell(concept, code) == (lay.place(concept, code) is not None), (lid, concept, code)


def test_a_duplicate_is_reported_by_the_loader_at_the_second_facts_line(tmp_path):
    p = _edit(tmp_path, '<BasicExp code="301">1060.20</BasicExp>',
              '<BasicExp code="301">1060.20</BasicExp>\n<BasicExp code="301">1.00</BasicExp>')
    line = next(i for i, t in enumerate(p.read_text("utf-8").splitlines(), 1) if ">1.00</BasicExp>" in t)
    [f] = load(p).findings
    assert (f.code, f.location.line, f.table, f.row) == ("schema:duplicate-fact", line, "06", "301 工资福利支出")
    # the same finding the full XSD gives (its identity constraints)
    from juesuan.schema import validate_schema
    from juesuan.xmlio import load_tree

    [g] = validate_schema(load_tree(p), str(p))
    assert (g.code, g.location.line, g.text("zh")) == (f.code, f.location.line, f.text("zh"))


def test_a_fact_in_a_table_recorded_as_absent_is_an_error(tmp_path):
    p = _edit(tmp_path, "<facts>", "<tables>01 02 03 04 05 06 08 09</tables>\n  <facts>")
    found = load(p).findings
    assert found and {f.code for f in found} == {"instance:fact-in-absent-table"} and {f.table for f in found} == {"07"}
    res = run_cli("facts", p)
    assert res.returncode == 2 and "实例记录源文件中没有该表" in res.stderr


def test_tables_recorded_are_written_and_read_back(tmp_path, without_03):
    _, out = without_03
    inst = load_valid(out)
    assert inst.tables == ("01", "02", "04", "05", "06", "07", "08", "09") and not inst.has_table("03")
    from juesuan.xmlio import instance_to_bytes

    assert instance_to_bytes(inst) == out.read_bytes()
