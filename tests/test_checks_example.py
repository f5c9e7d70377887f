"""Conformance: the rules on the reference report give exactly the findings of the manifest, and
every rounding-only gap of the report is evaluated and accepted (XBRL Calculation 1.1)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from juesuan.checks import check_instance, rules_for_layout
from juesuan.checks.engine import FactIndex, comparisons, consistent
from juesuan.taxonomy import load_taxonomy
from juesuan.validate import validate_file
from juesuan.xmlio import load_instance

from .conftest import EXAMPLE_XML, ROOT, run_cli

MANIFEST = json.loads((Path(__file__).parent / "manifests" / "liling-2021.findings.json").read_text("utf-8"))
KEYS = ("code", "severity", "table", "section", "row", "column")


@pytest.fixture(scope="module")
def inst():
    return load_instance(EXAMPLE_XML)


@pytest.fixture(scope="module")
def evaluated(inst):
    """Every comparison the catalogue makes on the example: (rule, left concept, code) -> result."""
    tax = load_taxonomy()
    lay = tax.layout(inst.header.layout)
    idx = FactIndex(inst, lay)
    out = {}
    for rule in rules_for_layout(tax.id, lay.id):
        for cmp in comparisons(rule, idx, lay, tax):
            ok, lv, rv, _, _ = consistent(cmp, idx)
            out[(rule.id, cmp.left[0][0], cmp.code)] = (ok, lv, rv, rule.kind)
    return out


def test_manifest_names_the_example():
    assert (ROOT / MANIFEST["instance"]).resolve() == EXAMPLE_XML.resolve()


def test_exact_findings_of_the_manifest(inst):
    got = [{k: getattr(f, k) for k in KEYS} for f in check_instance(inst)]
    assert got == MANIFEST["findings"]


def test_validate_file_gives_the_manifest_and_nothing_from_the_schema():
    report = validate_file(EXAMPLE_XML)  # the narrative's findings: tests/test_narrative.py
    assert [{k: getattr(f, k) for k in KEYS} for f in report if not f.code.startswith("narrative:")] == MANIFEST["findings"]
    assert not report.valid


def test_02_row_errors_say_what_is_wrong(inst):
    rows = [f for f in check_instance(inst) if f.code == "rule:T02.row-sum"]
    for f in rows:
        assert "本年收入合计 5.88 ≠ 财政拨款收入 5.88 + 其他收入 20.00 = 25.88" in f.text()
        assert "差额 -20.00" in f.text()
        assert "Total income for the year 5.88 ≠ Fiscal appropriation income 5.88 + Other income 20.00" in f.text("en")
        assert f.values["left"] == "5.88" and f.values["right"] == "25.88" and f.values["difference"] == "-20.00"
        assert f.location.line and f.location.file == str(EXAMPLE_XML)
        # the location is the 本年收入合计 fact of that row in the XML
        line = EXAMPLE_XML.read_text("utf-8").splitlines()[f.location.line - 1]
        assert f'<IncTotal code="{f.row}">5.88</IncTotal>' in line


def test_02_other_income_column_error(inst):
    (f,) = [f for f in check_instance(inst) if f.code == "rule:T02.hierarchy"]
    assert "其他收入 20.00 ≠ 201 其他收入 20.00 + 210 其他收入 20.00 = 40.00" in f.text()
    assert f.values["left_interval"] == ["19.995", "20.005"] and f.values["right_interval"] == ["39.99", "40.01"]


@pytest.mark.parametrize("gap", MANIFEST["rounding_gaps"], ids=lambda g: f"{g['rule']}:{g['concept']}:{g['code'] or '合计'}")
def test_rounding_gap_is_checked_and_accepted(gap, evaluated):
    key = (gap["rule"], gap["concept"], gap["code"])
    assert key in evaluated, f"not evaluated at all: {key}"
    ok, lv, rv, _ = evaluated[key]
    assert (lv, rv) == (Decimal(gap["left"]), Decimal(gap["right"]))
    assert lv != rv and ok


def test_every_gap_in_the_example_is_a_finding_or_a_listed_rounding_gap(evaluated):
    """No silent gap: a comparison whose sides differ is either in the findings or listed above."""
    gaps = {(g["rule"], g["concept"], g["code"]) for g in MANIFEST["rounding_gaps"]}
    unequal = {k for k, (ok, lv, rv, kind) in evaluated.items() if lv != rv and kind != "ge"}
    failing = {k for k, (ok, lv, rv, kind) in evaluated.items() if not ok}
    assert unequal - failing == gaps
    assert len(failing) == len(MANIFEST["findings"])
    assert len(evaluated) > 90  # the catalogue really ran over the nine tables
    # the one inequality of the example: 01 年末 2.06 ≥ 04 年末 1.53
    assert evaluated[("X01-04.closing", "SumClosingBalance", "")] == (True, Decimal("2.06"), Decimal("1.53"), "ge")


def test_cli_json_findings(tmp_path):
    res = run_cli("validate", "--format", "json", EXAMPLE_XML)
    assert res.returncode == 1 and res.stderr == ""
    data = json.loads(res.stdout)
    assert [{k: f[k] for k in KEYS} for f in data["findings"] if not f["code"].startswith("narrative:")] == MANIFEST["findings"]
    for f in data["findings"]:
        assert {"code", "severity", "table", "message", "values"} <= set(f)
        assert f["message"] == f["message_zh"]
    assert data["counts"] == {"error": 7, "warning": 5, "info": 1}  # with the narrative's (test_narrative.py)


def test_cli_text_chinese_and_english():
    zh = run_cli("validate", EXAMPLE_XML)
    en = run_cli("validate", "--lang", "en", EXAMPLE_XML)
    assert zh.returncode == en.returncode == 1
    assert "错误 [rule:T02.row-sum] 02表 2101102" in zh.stdout and "无效（错误 7 个" in zh.stdout  # 4 table errors + 3 narrative template sentences
    assert "error [rule:T02.hierarchy]" in en.stdout and "INVALID (7 errors" in en.stdout
    assert "Column Other income, total must equal the sum of its sub-items" in en.stdout
