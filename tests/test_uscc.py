"""The USCC's check character (GB 32100-2015): the XSD checks the code's shape, the checks its 18th
character, so a mistyped code is caught before a bureau keys its reports on it (the batch summary
groups a unit's reports by USCC)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from juesuan.model import USCC_CHARS, uscc_check_char
from juesuan.records import replace
from juesuan.xmlio import load_instance, save_instance

from .conftest import EXAMPLES, run_cli

# registered companies' codes as the national enterprise credit register (国家企业信用信息公示系统)
# publishes them: 华为技术有限公司, 阿里巴巴（中国）有限公司, 深圳市腾讯计算机系统有限公司, 小米科技有限责任公司
PUBLISHED = ("914403001922038216", "91330100716105852F", "91440300708461136T", "91110108551385082Q")


def test_published_codes_have_their_check_character():
    for code in PUBLISHED:
        assert uscc_check_char(code) == code[17], code


def test_a_code_of_the_wrong_shape_has_no_check_character():
    # I, O, S, V and Z are not in the code's alphabet; the shape is the XSD's to report (\u0663, ٣, is
    # a digit to the regex \d, not to the XSD's [0-9])
    for code in ("", "91440300708461136", "9144030070846113I6", "91440300708461136TX", "91A40300708461136T",
                 "914403007084611\n36T", "91440300708461136T\n", "9144\u0663300708461136T"):
        assert uscc_check_char(code) is None, code


BASE = st.tuples(st.text(USCC_CHARS, min_size=2, max_size=2), st.text("0123456789", min_size=6, max_size=6),
                 st.text(USCC_CHARS, min_size=9, max_size=9)).map("".join)


@given(BASE, st.integers(0, 16), st.sampled_from(USCC_CHARS))
def test_one_mistyped_character_is_always_caught(base, at, other):
    code = base + uscc_check_char(base + "0")
    typo = code[:at] + other + code[at + 1:]
    if typo == code or uscc_check_char(typo) is None:
        return  # the same code, or a letter among the six digits: the XSD's pattern refuses it
    assert uscc_check_char(typo) != code[17]  # 31 is prime and every weight is a power of 3: never 0 mod 31


def _with_uscc(tmp_path, uscc: str):
    inst = load_instance(EXAMPLES / "liling-2020.xml")  # a report without findings
    inst.header = replace(inst.header, uscc=uscc)
    path = tmp_path / "u.xml"
    save_instance(inst, path)
    return path


def test_validate_finds_a_wrong_check_character(tmp_path):
    good = _with_uscc(tmp_path, PUBLISHED[0])
    assert run_cli("validate", good).returncode == 0
    bad = _with_uscc(tmp_path, PUBLISHED[0][:17] + "7")
    res = run_cli("validate", bad)
    assert res.returncode == 1
    assert "[instance:uscc-check] 统一社会信用代码“914403001922038217”的第 18 位校验码按国家编码规则应为 6，而不是 7" in res.stdout
    res = run_cli("validate", bad, "--lang", "en")
    assert "its check character (the 18th) should be 6, not 7" in res.stdout
    found = json.loads(run_cli("validate", bad, "--format", "json").stdout)["findings"]
    assert [(f["code"], f["severity"], f["values"]) for f in found if f["severity"] != "info"] == [
        ("instance:uscc-check", "error", {"value": "914403001922038217", "expected": "6", "got": "7"})]


def test_convert_finds_a_wrong_check_character_given_on_the_command_line(tmp_path):
    out = tmp_path / "x.xml"
    res = run_cli("convert", EXAMPLES / "liling-2021.xlsx", "-o", out, "--uscc", "91330100716105852E")
    assert "[instance:uscc-check]" in res.stdout and "应为 F，而不是 E" in res.stdout
    res = run_cli("convert", EXAMPLES / "liling-2021.xlsx", "-o", out, "--uscc", "91330100716105852F")
    assert "uscc-check" not in res.stdout
