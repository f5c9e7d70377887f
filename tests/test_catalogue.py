"""The finding catalogue: every declared code renders in both languages, zh without English words,
en without Chinese (except quoted values), plurals right."""

import re

import pytest

from juesuan import catalogue
from juesuan.errors import TaxonomyError
from juesuan.findings import Finding

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _sample(code, lang):
    return {name: 1 for name in catalogue.fields(code, lang)}


def all_codes():
    return [code for fam in catalogue.families() for code in catalogue.family(fam)]


@pytest.mark.parametrize("code", all_codes())
def test_every_entry_renders_in_both_languages(code):
    values = {n: 1 for lang in catalogue.LANGS for n in catalogue.fields(code, lang)}
    zh = catalogue.render(code, values, "zh")
    en = catalogue.render(code, values, "en")
    assert zh and en
    assert not CJK.search(en), (code, en)
    assert not LATIN_WORD.search(re.sub(r"XBRL|XSD|USCC|PDF|UTF|GBK|GB", "", zh)), (code, zh)  # names, not words
    assert catalogue.fields(code, "zh") == catalogue.fields(code, "en"), code


def test_plural_forms():
    assert catalogue.render("core:example", {"n": 1}, "en") == "example: 1 cell"
    assert catalogue.render("core:example", {"n": 3}, "en") == "example: 3 cells"
    assert catalogue.render("core:example", {"n": 3}, "zh") == "示例：3 个单元格"


def test_finding_of_renders_at_output_time():
    f = Finding.of("core:example", n=2)
    assert f.severity == "info" and f.message == ""
    assert f.text("en") == "example: 2 cells"
    assert f.to_dict("en")["message_zh"] == "示例：2 个单元格"


def test_undeclared_code_is_a_bug():
    with pytest.raises(TaxonomyError):
        Finding.of("core:nope")
