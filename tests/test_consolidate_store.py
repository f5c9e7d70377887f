"""部门汇总 (`juesuan consolidate`, `--check`) and the facts store (`juesuan facts` over many inputs:
CSV with BOM, JSON, xlsx, Parquet, DuckDB and the README's two queries)."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from decimal import Decimal

import pytest

from juesuan.loader import load_valid as load_valid_instance

from .conftest import EXAMPLES, EXAMPLE_XML, ROOT, run_cli

sys.path.insert(0, str(ROOT / "benchmarks"))
import make_batch_corpus  # noqa: E402


# ---------------------------------------------------------------- consolidate

def test_consolidating_the_example_with_itself_doubles_every_amount(tmp_path):
    dept = tmp_path / "dept.xml"
    res = run_cli("consolidate", EXAMPLE_XML, EXAMPLE_XML, "-o", dept, "--entity", "醴陵市某部门")
    assert res.returncode == 1  # the reference report's real errors are in the sum too
    one, two = load_valid_instance(EXAMPLE_XML), load_valid_instance(dept)
    assert {(c, code): v * 2 for c, code, v in one.fact_set()} == {(c, code): v for c, code, v in two.fact_set()}
    assert two.header.entity == "醴陵市某部门" and two.header.fiscal_year == 2021
    assert two.header.note == "决算单位构成：醴陵市网格化管理服务中心；醴陵市网格化管理服务中心"
    res = run_cli("consolidate", EXAMPLE_XML, EXAMPLE_XML, "--check", dept, "--format", "json")
    assert res.returncode == 0, res.stdout
    assert json.loads(res.stdout)["findings"] == []


def test_rules_on_a_consolidated_instance_allow_n_units_of_rounding(tmp_path):
    """Each figure of the sum of n units carries n half-cents of rounding: the example doubled gives the
    example's own 4 rule findings (T02's 其他收入 errors, amounts doubled), not 13 (9 of them rounding)."""
    from juesuan.checks import check_instance
    from juesuan.validate import iter_findings

    def rule_findings(path):
        return [(f.code, f.table, f.row, f.column, f.values["left"], f.values["right"])
                for f in iter_findings(path) if f.code.startswith("rule:")]

    dept = tmp_path / "dept.xml"
    res = run_cli("consolidate", EXAMPLE_XML, EXAMPLE_XML, "-o", dept, "--format", "json")
    alone, doubled = rule_findings(EXAMPLE_XML), rule_findings(dept)
    assert len(alone) == 4 and [c[:4] for c in doubled] == [c[:4] for c in alone]
    assert [(str(Decimal(a[4]) * 2), str(Decimal(a[5]) * 2)) for a in alone] == [(d[4], d[5]) for d in doubled]
    assert ("rule:T02.hierarchy", "02", "合计", "其他收入", "40.00", "80.00") in doubled
    # consolidate's own report of the rules on the sum says the same (JSON: the 4, nothing else)
    assert sorted(f["code"] for f in json.loads(res.stdout)["findings"]) == sorted(a[0] for a in alone)
    one, two = load_valid_instance(EXAMPLE_XML), load_valid_instance(dept)
    assert one.header.unit_count() == 1 and two.header.unit_count() == 2
    # the tolerance is the units': the same sum read as one unit's report has the 9 rounding errors
    from juesuan.records import replace

    as_one = replace(two, header=replace(two.header, note=""))
    assert len([f for f in check_instance(as_one)]) == 13


def test_check_reports_exactly_the_changed_fact(tmp_path):
    dept = tmp_path / "dept.xml"
    run_cli("consolidate", EXAMPLE_XML, EXAMPLE_XML, "-o", dept)
    text = EXAMPLE_XML.read_text("utf-8")
    assert text.count('<BasicExp code="30216">14.14</BasicExp>') == 1
    unit = tmp_path / "unit.xml"
    unit.write_text(text.replace('<BasicExp code="30216">14.14</BasicExp>', '<BasicExp code="30216">15.14</BasicExp>'),
                    encoding="utf-8")
    res = run_cli("consolidate", EXAMPLE_XML, unit, "--check", dept, "--format", "json")
    assert res.returncode == 1
    found = json.loads(res.stdout)["findings"]
    assert [(f["code"], f["table"], f["row"], f["column"], f["values"]["concept"], f["values"]["fcode"],
             f["values"]["published"], f["values"]["expected"], f["values"]["difference"]) for f in found] == [
        ("consolidate:differs", "06", "30216", "决算数", "BasicExp", "30216", "28.28", "29.28", "-1.00")]
    assert found[0]["location"]["line"] and found[0]["file"] == str(dept)
    res = run_cli("consolidate", EXAMPLE_XML, unit, "--check", dept, "--lang", "en")
    assert "the department reports 28.28 but the units sum to 29.28" in res.stdout


def test_check_tolerates_rounding_of_n_printed_figures(tmp_path):
    dept = tmp_path / "dept.xml"
    run_cli("consolidate", EXAMPLE_XML, EXAMPLE_XML, "-o", dept)
    text = dept.read_text("utf-8")
    # 2 units' 14.14 sum to 28.28; the department prints 28.29 (within 3 half-cents) or 28.30 (beyond)
    for printed, n in (("28.29", 0), ("28.30", 1)):
        pub = tmp_path / f"pub-{printed}.xml"
        pub.write_text(text.replace('<BasicExp code="30216">28.28</BasicExp>', f'<BasicExp code="30216">{printed}</BasicExp>'),
                       encoding="utf-8")
        res = run_cli("consolidate", EXAMPLE_XML, EXAMPLE_XML, "--check", pub, "--format", "json")
        assert len(json.loads(res.stdout)["findings"]) == n, printed


def test_a_mix_of_years_is_refused_in_one_line(tmp_path):
    res = run_cli("consolidate", EXAMPLE_XML, EXAMPLES / "liling-2020.xml", "-o", tmp_path / "d.xml", "--lang", "en")
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "fiscal year" in res.stderr
    assert not (tmp_path / "d.xml").exists()
    res = run_cli("consolidate", EXAMPLE_XML)
    assert res.returncode == 2 and "--check" in res.stderr


# ---------------------------------------------------------------- facts store

def test_facts_file_outputs_bom_json_xlsx_and_suffix_check(tmp_path):
    out = tmp_path / "f.csv"
    assert run_cli("facts", EXAMPLE_XML, EXAMPLES / "liling-2020.xml", "-o", out).returncode == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 122 + 118
    assert {"entity": "醴陵市网格化管理服务中心", "year": "2021", "layout": "2021-hunan", "file": "liling-2021.xml",
            "table": "01", "value": "1960.73", "concept": "SumIncGeneralBudgetGrant"}.items() <= rows[118].items()
    assert [r["file"] for r in rows[117:119]] == ["liling-2020.xml", "liling-2021.xml"]  # inputs in path order
    assert run_cli("facts", EXAMPLE_XML, "-o", out, "--no-bom").returncode == 0
    assert out.read_bytes().startswith(b"entity,")
    assert run_cli("facts", EXAMPLE_XML, "-o", tmp_path / "f.json").returncode == 0
    recs = json.loads((tmp_path / "f.json").read_text("utf-8"))
    assert len(recs) == 122 and recs[0]["value"] == "1960.73"
    assert run_cli("facts", EXAMPLE_XML, "-o", tmp_path / "f.xlsx").returncode == 0
    import openpyxl

    ws = openpyxl.load_workbook(tmp_path / "f.xlsx").active
    assert ws.max_row == 123 and ws.freeze_panes == "A2" and ws.cell(2, 10).value == pytest.approx(1960.73)
    res = run_cli("facts", EXAMPLE_XML, "-o", tmp_path / "g.csv", "--format", "xlsx")
    assert res.returncode == 2 and "后缀表示 csv，但 --format 为 xlsx" in res.stderr and not (tmp_path / "g.csv").exists()
    res = run_cli("facts", EXAMPLE_XML, "-o", tmp_path / "g.csv", "--format", "xlsx", "--lang", "en")
    assert res.returncode == 2 and "the suffix says csv but --format is xlsx" in res.stderr
    res = run_cli("facts", EXAMPLE_XML, "--format", "xlsx")
    assert res.returncode == 2 and "-o" in res.stderr


def test_facts_stops_at_an_unusable_input_unless_told_to_skip_it(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("not xml", encoding="utf-8")
    out = tmp_path / "f.csv"
    res = run_cli("facts", EXAMPLE_XML, bad, "-o", out)
    assert res.returncode == 2 and not out.exists() and res.stderr.count("\n") == 1
    res = run_cli("facts", EXAMPLE_XML, bad, "-o", out, "--skip-unusable", "--lang", "en")
    assert res.returncode == 0 and res.stderr == f"juesuan: skipped {bad}: not XML (does not start with '<')\n"
    res = run_cli("facts", EXAMPLE_XML, bad, "-o", out, "--skip-unusable")  # Chinese by default
    assert res.returncode == 0 and res.stderr == f"juesuan: 已跳过 {bad}：不是 XML（不以“<”开头）\n"
    assert len(out.read_text("utf-8-sig").splitlines()) == 123


README_QUERIES = re.compile(r"```sql\n(.*?)```", re.S)


def _readme_queries() -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    section = text[text.index("## Bureau scale"):]
    return README_QUERIES.findall(section)


def test_duckdb_store_answers_the_readme_queries(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    tree = tmp_path / "tree"
    make_batch_corpus.main([str(tree), "--reports", "48", "--years", "4", "--xlsx", "2", "--errors", "0",
                            "--unusable", "0", "--seed", "3"])
    db = tmp_path / "facts.duckdb"
    half = sorted(tree.glob("county-0[0-4]"))
    rest = sorted(tree.glob("county-0[5-9]"))
    assert run_cli("facts", *half, "--duckdb", db, timeout=300).returncode == 0
    assert run_cli("facts", *rest, "--duckdb", db, timeout=300).returncode == 0  # appends
    pq = tmp_path / "facts.parquet"
    assert run_cli("facts", tree, "-o", pq, timeout=300).returncode == 0
    con = duckdb.connect(str(db))
    n, files = con.execute("SELECT count(*), count(DISTINCT file) FROM facts").fetchone()
    assert files == 48 and n == 48 * 118
    assert con.execute(f"SELECT count(*) FROM read_parquet('{pq}')").fetchone()[0] == n
    import pyarrow.parquet

    schema = pyarrow.parquet.read_schema(pq)
    assert str(schema.field("value").type) == "decimal128(18, 2)" and str(schema.field("year").type) == "int32"
    assert con.execute("SELECT typeof(value) FROM facts LIMIT 1").fetchone()[0] == "DECIMAL(18,2)"
    # the Parquet file and the database hold the same facts, to the cent
    assert con.execute(f"SELECT sum(value) FROM read_parquet('{pq}')").fetchone() == \
        con.execute("SELECT sum(value) FROM facts").fetchone()
    rose, share = _readme_queries()
    # 三公: the generator adds a chosen amount to the seed's 公务接待费 each year; recompute independently
    three = {}
    for entity, year, value in con.execute(
            "SELECT entity, year, value FROM facts WHERE concept = 'ThreeActualTotal' AND code = ''").fetchall():
        three[(entity, year)] = value
    expected = sorted((e, y, ) for (e, y), v in three.items()
                      if (e, y - 1) in three and three[(e, y - 1)] > 0 and v > three[(e, y - 1)] * Decimal("1.1"))
    got = con.execute(rose).fetchall()
    assert expected and sorted((r[0], r[2]) for r in got) == expected
    assert all(r[5] > 10 for r in got)
    shares = con.execute(share).fetchall()
    assert len(shares) == 48
    # the seed's 03 合计 基本支出 / 本年支出合计 = 1774.18 / 1946.34 (times the unit's factor on both sides)
    assert {float(r[2]) for r in shares} == {91.15}
