"""What `convert` checks after reading (juesuan.convert.check_converted) is what `validate` finds on
the XML written: the cheaper XSD step it takes for an instance whose facts are unique by construction
gives the full XSD's findings whenever the instance is invalid, and facts that share a key (which
Facts.add refuses) are still the XSD's duplicate finding."""

from __future__ import annotations

from decimal import Decimal

from juesuan.convert import check_converted, convert_file
from juesuan.records import replace
from juesuan.schema import validate_schema
from juesuan.xmlio import instance_to_bytes, parse_xml

from .conftest import EXAMPLES


def _schema_findings(inst) -> list:
    return validate_schema(parse_xml(instance_to_bytes(inst), inst.source), inst.source)


def _key(findings) -> list:
    return [(f.code, f.location.line, f.table, f.row, f.column, f.text("zh"), f.text("en")) for f in findings]


def test_an_invalid_converted_instance_gets_the_full_xsds_findings():
    conv = convert_file(EXAMPLES / "liling-2021.xlsx")
    inst = conv.instance
    fact = inst.get("BasicExp", "301")
    inst.facts.put(replace(fact, value=Decimal("1060.201")))  # three decimals: the XSD refuses it
    inst.header = replace(inst.header, uscc="not-a-code")
    found = check_converted(conv)
    assert {f.code for f in found} == {"schema:amount-decimals", "schema:header-value"}, _key(found)
    assert _key(found) == _key(_schema_findings(inst))


def test_a_fact_held_under_a_second_key_is_the_xsds_duplicate():
    conv = convert_file(EXAMPLES / "liling-2021.xlsx")
    inst = conv.instance
    fact = inst.get("BasicExp", "301")
    inst.facts._by[("BasicExp", "30199")] = fact  # behind Facts.add's back: the XML then holds its key twice
    found = check_converted(conv)
    assert [f.code for f in found] == ["schema:duplicate-fact"]
    assert _key(found) == _key(_schema_findings(inst))


def test_the_cheap_clean_text_test_never_passes_a_character_xml_cannot_hold():
    from juesuan.limits import _surely_clean, _xml_bad, xml_clean, xml_unsafe

    bad = _xml_bad()
    wrong = [hex(cp) for cp in range(0x110000) if _surely_clean(chr(cp) + "\n") and bad.search(chr(cp))]
    assert wrong == []
    for s in ("收入\n支出\t合计\r", "a\x08b\ud800c\ufffe", "\u3000全角空格", "\x00"):
        assert xml_clean(s) == bad.subn("", s) and xml_unsafe(s) == len(bad.findall(s))


def test_labels_lose_exactly_the_blanks_a_whitespace_pattern_removes():
    import re

    from juesuan.labels import normalize_label

    differ = [hex(cp) for cp in range(0x110000)
              if "".join(f"x{chr(cp)}y".split()) != re.sub(r"\s+", "", f"x{chr(cp)}y")]
    assert differ == []
    assert normalize_label(" 一、 一般公共\u3000服务\t支出(类) ") == "一般公共服务支出（类）"


def test_schema_findings_of_a_conversion_name_the_xml_written(tmp_path):
    """Their lines are the written XML's, so their location is that file's, as validate reports it;
    the finding itself stays the source's (the report lists it under the file converted)."""
    from .conftest import run_cli

    conv = convert_file(EXAMPLES / "liling-2021.xlsx")
    conv.instance.header = replace(conv.instance.header, uscc="not-a-code")
    found = [f for f in check_converted(conv, None, "out.xml") if f.code.startswith("schema:")]
    assert found and all(f.location.file == "out.xml" and f.location.line and f.file == conv.instance.source
                         for f in found)
    out = tmp_path / "x.xml"
    conv_line = next(ln for ln in run_cli("convert", EXAMPLES / "liling-2021.xlsx", "-o", out, "--uscc", "9133")
                     .stdout.splitlines() if "schema:header-value" in ln)
    val_line = next(ln for ln in run_cli("validate", out).stdout.splitlines() if "schema:header-value" in ln)
    assert conv_line.startswith(f"{out} 第 5 行 /report/header/uscc: 错误 [schema:header-value]")
    assert conv_line == val_line
