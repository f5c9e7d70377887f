"""Arelle, offline, is the external judge of the XBRL export (marked `arelle`; runs in the normal suite).

One Arelle process per session fixture, each validating several documents (`--file 'a|b|c'`):
- the real export (`juesuan export --format xbrl` and `--format xbrl-json`) of the reference example
  with the taxonomy package it writes: no errors other than calculation inconsistencies, and those
  are exactly what juesuan's own rules report for the same pure-sum relations;
- the reference example against a package built from a small rule catalogue (tests/fixtures), and a
  dimensionally broken copy that Arelle must reject.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from juesuan.taxonomy import load_taxonomy
from juesuan.xbrl import build_report, package_files, to_json, to_xml, zip_bytes
from juesuan.xbrl.calc import calculation_rules
from juesuan.xbrl.package import calc_role, package_zip_name
from juesuan.xmlio import load_instance

from juesuan.xmlio import save_instance

from .checks_util import build
from .conftest import EXAMPLE_XML, run_cli
from .test_checks_2024 import putuo_facts

pytestmark = pytest.mark.arelle

FIXTURE_RULES = Path(__file__).parent / "fixtures" / "rules-sample.toml"
CALC_CODE = "calc11e:inconsistentCalculationUsingRounding"
ARELLE_MAIN = "import sys; from arelle.CntlrCmdLine import main; sys.argv[0] = 'arelleCmdLine'; sys.exit(main())"


def run_arelle(files: list[Path], package: Path, log: Path, plugins: str = "") -> tuple[int, list[dict]]:
    args = [sys.executable, "-c", ARELLE_MAIN, "--file", "|".join(str(f) for f in files), "--packages", str(package),
            "--validate", "--workOffline", "--calc=c11r", "--validationExitCode", "--logFile", str(log),
            "--logFileMode", "w"]
    if plugins:
        args += ["--plugins", plugins]
    res = subprocess.run(args, capture_output=True, text=True, timeout=300)
    if not log.exists():
        pytest.fail(f"Arelle wrote no log (exit {res.returncode}): {res.stdout[-2000:]} {res.stderr[-2000:]}")
    return res.returncode, json.loads(log.read_text("utf-8"))["log"]


def _file(entry: dict) -> str:
    for r in entry.get("refs", []):
        if r.get("href"):
            return r["href"].split("#", 1)[0].rsplit("/", 1)[-1]
    return ""


def _code(entry: dict) -> str:
    """The classification code of the context of an Arelle message's first fact ('' for none)."""
    for r in entry.get("refs", []):
        for prop in r.get("properties", []) or []:
            if prop[0] == "contextRef":
                m = re.search(r">\s*(\d+)\s*<", json.dumps(prop, ensure_ascii=False))
                return m.group(1) if m else ""
    return ""


def problems(log: list[dict], name: str) -> list[dict]:
    """Everything Arelle reported about one document, beyond info messages."""
    return [e for e in log if e["level"] not in ("info", "debug") and _file(e) == name]


def calc_inconsistencies(log: list[dict], name: str, roles: dict[str, str]) -> set[tuple[str, str, str]]:
    """(rule id, total concept, code) of every calculation inconsistency Arelle found in a document."""
    out = set()
    for e in problems(log, name):
        if e["code"] == CALC_CODE:
            args = e["message"]["args"]
            out.add((roles[args["linkrole"]], args["concept"].split(":", 1)[1], _code(e)))
    return out


def juesuan_calc_findings(path: Path, calc_ids: set[str]) -> set[tuple[str, str, str]]:
    """(rule id, total concept, code) of juesuan's own findings for the rules that are calculations."""
    from juesuan.checks import check_instance

    tax = load_taxonomy()
    calc, _ = calculation_rules(tax)
    total = {r.id: r.total for r in calc}
    out = set()
    for f in check_instance(load_instance(path)):
        rid = f.values.get("rule") or f.code.split(":", 1)[-1]
        if rid in calc_ids:  # any severity: Arelle reports every calculation inconsistency
            [code] = {t["code"] or "" for t in f.values["terms"] if t["concept"] == total[rid]}
            out.add((rid, total[rid], code))
    return out


@pytest.fixture(scope="session")
def exported(tmp_path_factory):
    """The real export (XML and JSON) of the reference example, validated by one Arelle run."""
    out = tmp_path_factory.mktemp("export")
    for fmt, sub in (("xbrl", "x"), ("xbrl-json", "j")):
        res = run_cli("export", EXAMPLE_XML, "--format", fmt, "-o", out / sub)
        assert res.returncode == 0, res.stderr
    # Arelle names a loaded xBRL-JSON document <stem>.xbrl: give the JSON its own stem
    (out / "liling-2021-oim.json").write_bytes((out / "j" / "liling-2021.json").read_bytes())
    # a 2024-shanghai report (上海市普陀区财政局 2024, tests/test_checks_2024.py): consistent for juesuan
    save_instance(build("2024-shanghai", putuo_facts()), out / "putuo-2024.xml")
    res = run_cli("export", out / "putuo-2024.xml", "--format", "xbrl", "-o", out / "p")
    assert res.returncode == 0, res.stderr
    tax = load_taxonomy()
    pkg = (out / "x" / package_zip_name(tax)).read_bytes()
    assert pkg == (out / "j" / package_zip_name(tax)).read_bytes() == (out / "p" / package_zip_name(tax)).read_bytes()
    rc, log = run_arelle([out / "x" / "liling-2021.xbrl", out / "liling-2021-oim.json", out / "p" / "putuo-2024.xbrl"],
                         out / "x" / package_zip_name(tax), out / "arelle.json", plugins="loadFromOIM")
    return rc, log


@pytest.fixture(scope="session")
def with_fixture_rules(tmp_path_factory, example_xml_text):
    """The example against a package built from the fixture catalogue, plus a dimensionally broken copy."""
    out = tmp_path_factory.mktemp("fixture-rules")
    tax = load_taxonomy()
    (out / "pkg.zip").write_bytes(zip_bytes(package_files(tax, FIXTURE_RULES)))
    rep = build_report(load_instance(EXAMPLE_XML))
    (out / "liling.xbrl").write_bytes(to_xml(rep))
    (out / "liling-oim.json").write_bytes(to_json(rep))
    text = to_xml(rep).decode("utf-8")
    # BasicExp needs an economic code, BasicPersonnelTotal takes none: swap their contexts
    bad = text.replace('<js:BasicPersonnelTotal contextRef="D2021"', '<js:BasicPersonnelTotal contextRef="D2021_E301"')
    bad = bad.replace('<js:BasicExp contextRef="D2021_E301"', '<js:BasicExp contextRef="D2021"')
    assert bad != text
    (out / "broken.xbrl").write_text(bad, encoding="utf-8")
    rc, log = run_arelle([out / "liling.xbrl", out / "liling-oim.json", out / "broken.xbrl"], out / "pkg.zip",
                         out / "arelle.json", plugins="loadFromOIM")
    return rc, log


def _roles(rules_path: Path | None) -> dict[str, str]:
    tax = load_taxonomy()
    calc, _ = calculation_rules(tax, rules_path)
    return {calc_role(tax, r.id): r.id for r in calc}


REAL_ERRORS = {("T02.row", "IncTotal", code) for code in ("210", "21011", "2101102")}


def test_package_activates_and_documents_load(exported):
    rc, log = exported
    assert any("Activation of package" in e["message"]["text"] and "successful" in e["message"]["text"] for e in log)
    loaded = {_file(e) for e in log if e["message"]["text"].startswith("[info] validated in")}
    assert loaded == {"liling-2021.xbrl", "liling-2021-oim.json", "putuo-2024.xbrl"}


def test_a_consistent_2024_report_is_clean_for_arelle(exported, tmp_path):
    rc, log = exported
    assert problems(log, "putuo-2024.xbrl") == []
    inst = build("2024-shanghai", putuo_facts())
    save_instance(inst, tmp_path / "putuo.xml")
    assert juesuan_calc_findings(tmp_path / "putuo.xml", set(_roles(None).values())) == set()
    assert build_report(inst).entry_point.endswith("/juesuan-1.0-2024-shanghai.xsd")


@pytest.mark.parametrize("name", ["liling-2021.xbrl", "liling-2021-oim.xbrl"])
def test_export_has_no_errors_but_calculation_inconsistencies(exported, name):
    rc, log = exported
    found = problems(log, name)
    assert [e for e in found if e["code"] != CALC_CODE] == []
    assert rc == 3 and len(found) == 3


@pytest.mark.parametrize("name", ["liling-2021.xbrl", "liling-2021-oim.xbrl"])
def test_arelle_calculations_agree_with_juesuan_rules(exported, name):
    rc, log = exported
    roles = _roles(None)
    arelle = calc_inconsistencies(log, name, roles)
    assert arelle == juesuan_calc_findings(EXAMPLE_XML, set(roles.values()))
    # the reference report's real errors, found by both (rule T02.row-sum of the catalogue)
    assert arelle == {("T02.row-sum", "IncTotal", code) for code in ("210", "21011", "2101102")}


@pytest.mark.parametrize("name", ["liling.xbrl", "liling-oim.xbrl"])  # the JSON loads as <stem>.xbrl
def test_fixture_rules_find_the_real_income_errors(with_fixture_rules, name):
    rc, log = with_fixture_rules
    assert rc == 3
    found = problems(log, name)
    assert [e for e in found if e["code"] != CALC_CODE] == []
    # 02 rows 210/21011/2101102: 本年收入合计 5.88 against 财政拨款收入 5.88 + 其他收入 20.00
    assert calc_inconsistencies(log, name, _roles(FIXTURE_RULES)) == REAL_ERRORS
    sums = {(e["message"]["args"]["reportedSum"], e["message"]["args"]["computedSum"]) for e in found}
    assert sums == {("[58750, 58850]", "[258700.0, 258900.0]")}


def test_arelle_enforces_the_dimensions(with_fixture_rules):
    rc, log = with_fixture_rules
    dims = {(e["code"], e["message"]["args"].get("fact") or e["message"]["text"].split("Fact ", 1)[-1].split()[0])
            for e in problems(log, "broken.xbrl") if e["code"] != CALC_CODE}
    assert dims == {("xbrldie:PrimaryItemDimensionallyInvalidError", "js:BasicExp"),
                    ("xbrldie:PrimaryItemDimensionallyInvalidError", "js:BasicPersonnelTotal")}
