"""Schema validation: the example is valid; invalid variants are rejected by BOTH validators with a
located message (exit 1); unusable input gets exit 2 and one line, never a traceback."""

from __future__ import annotations

import json
import re

import pytest

from juesuan.errors import UnusableInput
from juesuan.schema import validate_lxml, validate_schema, validate_xmlschema
from juesuan.xmlio import parse_xml

from .conftest import EXAMPLE_XML, run_cli

FIRST_FACT = '<BasicExp code="301">1060.20</BasicExp>'


def variant(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


INVALID = {
    "bad amount 12.3.4": (FIRST_FACT, '<BasicExp code="301">12.3.4</BasicExp>'),
    "three decimals": (FIRST_FACT, '<BasicExp code="301">1060.201</BasicExp>'),
    "amount is text": (FIRST_FACT, '<BasicExp code="301">一千</BasicExp>'),
    "function code 2O1": ('<IncTotal code="201">', '<IncTotal code="2O1">'),
    "function code of 4 digits": ('<IncTotal code="201">', '<IncTotal code="2011">'),
    "economic code of 7 digits": (FIRST_FACT, '<BasicExp code="3010101">1060.20</BasicExp>'),
    "economic fact without code": (FIRST_FACT, "<BasicExp>1060.20</BasicExp>"),
    "duplicate coded fact": (FIRST_FACT, FIRST_FACT + FIRST_FACT),
    "duplicate total-row fact": ("<IncTotal>1980.73</IncTotal>", "<IncTotal>1980.73</IncTotal><IncTotal>1.00</IncTotal>"),
    "duplicate plain fact": ("<SumIncTotal>1980.73</SumIncTotal>", "<SumIncTotal>1980.73</SumIncTotal><SumIncTotal>1980.73</SumIncTotal>"),
    "unknown concept": (FIRST_FACT, FIRST_FACT + "<MadeUpConcept>1.00</MadeUpConcept>"),
    "missing year": ("<fiscalYear>2021</fiscalYear>", ""),
    "year out of range": ("<fiscalYear>2021</fiscalYear>", "<fiscalYear>1021</fiscalYear>"),
    "status not draft/final": ("<status>final</status>", "<status>approved</status>"),
    "unit not 万元": ("<unit>万元</unit>", "<unit>元</unit>"),
    "unknown layout": ("<layout>2021-hunan</layout>", "<layout>2021-mars</layout>"),
    "empty entity": ("<entity>醴陵市网格化管理服务中心</entity>", "<entity> </entity>"),
    "uscc of 17 characters": ("<entity>醴陵市网格化管理服务中心</entity>",
                              "<entity>醴陵市网格化管理服务中心</entity><uscc>12430281MB1C3960X</uscc>"),
    "wrong root": ("<report ", "<rapport "),
    "wrong namespace": ('xmlns="urn:juesuan:1.0"', 'xmlns="urn:juesuan:9.9"'),
}


def _fix_root(text: str, name: str) -> str:
    if name == "wrong root":
        return text.replace("</report>", "</rapport>")
    return text


@pytest.fixture(scope="module")
def example_text():
    return EXAMPLE_XML.read_text(encoding="utf-8")


def test_example_is_valid_for_both_validators():
    tree = parse_xml(EXAMPLE_XML.read_bytes())
    assert validate_lxml(tree) == []
    assert validate_xmlschema(tree) == []


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_variant_rejected_by_both(name, example_text, tmp_path):
    old, new = INVALID[name]
    text = _fix_root(variant(example_text, old, new), name)
    tree = parse_xml(text.encode("utf-8"))
    fast, detailed = validate_lxml(tree), validate_xmlschema(tree)
    assert fast, f"lxml accepted: {name}"
    assert detailed, f"xmlschema accepted: {name}"
    for f in fast + detailed:  # located: a line number or an XPath
        assert f.location.line or f.location.xpath, f
    combined = validate_schema(tree)
    assert combined and all(f.code.startswith("schema:") for f in combined)
    p = tmp_path / "bad.xml"
    p.write_text(text, encoding="utf-8")
    res = run_cli("validate", p)
    assert res.returncode == 1, (name, res.stdout, res.stderr)
    assert "Traceback" not in res.stderr
    assert re.search(r"line \d+|/report|/rapport|/\*", res.stdout), res.stdout


def test_validate_json_output_has_findings(example_text, tmp_path):
    p = tmp_path / "bad.xml"
    p.write_text(variant(example_text, *INVALID["duplicate coded fact"]), encoding="utf-8")
    res = run_cli("validate", "--format", "json", p)
    assert res.returncode == 1
    data = json.loads(res.stdout)
    assert data["valid"] is False
    f = data["findings"][0]
    assert f["code"] == "schema:duplicate-fact" and f["severity"] == "error"
    assert {"code", "severity", "table", "message", "values", "location"} <= set(f)


def test_validate_example_schema_valid_but_rules_exit_1():
    """The example passes the XSD; its real 02 表 errors (the table rules) make validate exit 1."""
    res = run_cli("validate", "--format", "json", EXAMPLE_XML)
    assert res.returncode == 1, res.stdout + res.stderr
    codes = {f["code"] for f in json.loads(res.stdout)["findings"] if not f["code"].startswith("narrative:")}
    assert codes == {"rule:T02.row-sum", "rule:T02.hierarchy"}, codes


def test_many_errors_still_exit_1(example_text, tmp_path):
    """Exit codes never wrap: 300 error findings exit 1, not 300 % 256."""
    many = "".join(f'<BasicExp code="1{i:04d}">1.234</BasicExp>' for i in range(300))
    p = tmp_path / "many.xml"
    p.write_text(variant(example_text, FIRST_FACT, FIRST_FACT + many), encoding="utf-8")
    res = run_cli("validate", "--format", "json", p)
    assert res.returncode == 1
    assert len(json.loads(res.stdout)["findings"]) >= 256


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<report xmlns="urn:juesuan:1.0"><header><entity>&lol9;</entity></header></report>"""

SECRET = "TOP-SECRET-3b9f1c"


@pytest.fixture
def secret_file(tmp_path):
    p = tmp_path / "secret.txt"
    p.write_text(SECRET, encoding="utf-8")
    return p


def _bad_inputs(tmp_path, secret_file, example_text):
    yield "empty", b""
    yield "binary", bytes(range(256)) * 8
    yield "not well-formed", b'<?xml version="1.0"?><report xmlns="urn:juesuan:1.0"><header>'
    yield "billion laughs", BILLION_LAUGHS.encode()
    xxe = example_text.replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE report [<!ENTITY x SYSTEM "file://{secret_file}">]>',
    ).replace("醴陵市网格化管理服务中心</entity>", "&x;</entity>", 1)
    yield "external entity", xxe.encode()
    dtd = example_text.replace('<?xml version="1.0" encoding="UTF-8"?>',
                               '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE report SYSTEM "report.dtd">')
    yield "dtd", dtd.encode()
    yield "html", b"<!doctype html><html><body>hi</body></html>"
    yield "text", "收入支出决算总表\n".encode()


def test_bad_input_exit_2_one_line(tmp_path, secret_file, example_text):
    for name, data in _bad_inputs(tmp_path, secret_file, example_text):
        p = tmp_path / f"{name.replace(' ', '_')}.xml"
        p.write_bytes(data)
        with pytest.raises(UnusableInput):
            parse_xml(data, str(p))
        for cmd in (["validate"], ["facts"], ["validate", "--format", "json"]):
            res = run_cli(*cmd, p)
            assert res.returncode == 2, (name, cmd, res.returncode, res.stdout, res.stderr)
            assert "Traceback" not in res.stderr, name
            err_lines = [l for l in res.stderr.splitlines() if l.strip()]
            assert len(err_lines) == 1 and str(p) in err_lines[0], (name, res.stderr)
            assert SECRET not in res.stdout + res.stderr


def test_missing_file_exit_2(tmp_path):
    res = run_cli("validate", tmp_path / "nope.xml")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_200mb_file_refused_without_reading_it(tmp_path):
    p = tmp_path / "huge.xml"
    with p.open("wb") as fh:  # sparse: takes no disk and would take 200 MB of memory if read
        fh.write(b'<?xml version="1.0"?><report xmlns="urn:juesuan:1.0">')
        fh.truncate(200 * 1024 * 1024)
    res = run_cli("validate", p, "--lang", "en")
    assert res.returncode == 2
    assert "209,715,200 bytes" in res.stderr and "Traceback" not in res.stderr


def test_unusable_file_is_never_reported_valid(tmp_path):
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    res = run_cli("validate", empty, EXAMPLE_XML)
    assert res.returncode == 2
    assert "有效" not in res.stdout.splitlines()[0] and "无法读取" in res.stdout.splitlines()[0]
    data = json.loads(run_cli("validate", "--format", "json", empty).stdout)
    assert data["valid"] is False and data["unusable"] == {str(empty): "empty file"}


def test_billion_laughs_is_refused_as_a_doctype(tmp_path):
    p = tmp_path / "lol.xml"
    p.write_text(BILLION_LAUGHS, encoding="utf-8")
    res = run_cli("validate", p)
    assert res.returncode == 2 and "不允许 DOCTYPE" in res.stderr
    res = run_cli("validate", p, "--lang", "en")
    assert res.returncode == 2 and "DOCTYPE" in res.stderr


@pytest.mark.parametrize("cmd", [["facts"], ["diff", str(EXAMPLE_XML)], ["export", "--format", "xlsx", "-o", "OUT"]])
def test_commands_refuse_schema_invalid_instances(cmd, example_text, tmp_path):
    """A fact with three decimals or a malformed code must not be dropped or misread silently."""
    for old, new in (INVALID["three decimals"], INVALID["function code 2O1"], INVALID["duplicate coded fact"]):
        p = tmp_path / "bad.xml"
        p.write_text(variant(example_text, old, new), encoding="utf-8")
        args = [a.replace("OUT", str(tmp_path / "o.xlsx")) for a in cmd]
        res = run_cli(*([args[0], p] + args[1:]) if args[0] != "export" else ["export", p, *args[1:]])
        assert res.returncode == 2, (cmd, old, res.stdout, res.stderr)
        assert len(res.stderr.strip().splitlines()) == 1 and str(p) in res.stderr
        assert "不符合 XSD" in res.stderr  # the reason in the asked language (Chinese by default)
        assert not (tmp_path / "o.xlsx").exists()


@pytest.mark.parametrize("cmd", [["template", "-o", "{d}/t.xlsx"], ["convert", str(EXAMPLE_XML).replace(".xml", ".xlsx"), "-o", "{d}/x.xml"],
                                 ["export", str(EXAMPLE_XML), "--format", "xlsx", "-o", "{d}/x.xlsx"]])
def test_unwritable_output_is_one_line_exit_2(cmd, tmp_path):
    missing = tmp_path / "no" / "such" / "folder"
    res = run_cli(*[a.format(d=missing) for a in cmd])
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert "无法写入" in res.stderr and "文件夹不存在" in res.stderr
    res = run_cli(*[a.format(d=missing) for a in cmd], "--lang", "en")
    assert res.returncode == 2 and "cannot write" in res.stderr
