"""The finding catalogue: every declared code (messages/*.toml and every rule of rules.toml) renders in
both languages, zh without English words, en without Chinese (except quoted values), plurals right."""

import re

import pytest

from juesuan import catalogue
from juesuan.checks.catalogue import load_rules
from juesuan.errors import TaxonomyError, UnusableInput
from juesuan.findings import Finding, Report
from juesuan.taxonomy import load_taxonomy

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
LATIN_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9])")  # not cell addresses (C10) or codes


def latin_words(zh: str) -> list[str]:
    """English words in a zh text, names of formats and programs (catalogue.LATIN_NAMES) aside."""
    text = re.sub(r"\{[^{}]*\}", "", zh)  # a template's own field names are not output
    return [w for w in LATIN_WORD.findall(text) if w not in catalogue.LATIN_NAMES]


def _specs(template: str) -> dict[str, str]:
    import string

    return {name: spec or "" for _, name, spec, _ in string.Formatter().parse(template) if name}


def _sample(code: str, n: int) -> dict:
    """A value for every field: n for plural fields, a list for separator fields, else n."""
    values = {}
    for lang in catalogue.LANGS:
        for name, spec in _specs(catalogue.entry(code)[lang]).items():
            if "|" in spec:
                values[name] = n
            elif spec and not re.fullmatch(r"[<>^=]?[+ -]?#?0?\d*[,_]?(\.\d+)?[bcdeEfFgGnosxX%]?", spec):
                values[name] = ["08", "09"][:n] if n < 3 else ["07", "08", "09"]
            else:
                values.setdefault(name, n)
    return values


def catalogue_codes():
    return [code for fam in catalogue.families() for code in catalogue.family(fam)]


@pytest.mark.parametrize("code", catalogue_codes())
@pytest.mark.parametrize("n", [1, 3])
def test_every_entry_renders_in_both_languages(code, n):
    e = catalogue.entry(code)
    assert e["zh"].strip() and e["en"].strip(), code
    assert not CJK.search(e["en"]), (code, e["en"])
    assert not latin_words(e["zh"]), (code, e["zh"])
    values = _sample(code, n)
    zh = catalogue.render(code, values, "zh")
    en = catalogue.render(code, values, "en")
    assert zh and en
    assert not CJK.search(en), (code, en)
    assert not latin_words(zh), (code, zh)
    # a count followed by a plural noun must use a plural spec ("{n:row|rows}"), or 1 prints "1 rows"
    verbs = ("is", "has", "was", "does", "holds", "carries", "compresses", "inflates", "points", "requires", "needs", "takes")  # after a name
    bare = [m for m in re.findall(r"\{(\w+)\} ([a-z]+s)\b", e["en"]) if m[1] not in verbs]
    assert not bare, (code, bare)


def _rule_values(rule, lang_tax) -> dict:
    concepts = sorted(rule.all_concepts())
    c = lang_tax.concepts[concepts[0]]
    code = "30217" if c.dim == "economic" else ("210" if c.dim == "function" else "")
    terms = [{"side": "left", "concept": concepts[0], "code": code, "weight": 1, "value": "5.88", "table": "02",
              "row": code or "合计", "column": "本年收入合计", "source": "", "line": 3}]
    for i, k in enumerate(concepts[1:] or concepts):
        terms.append({"side": "right", "concept": k, "code": "", "weight": -1 if i else 1,
                      "value": None if i else "0.00", "table": "03",
                      "row": "合计", "column": "合计", "source": "", "line": None})
    return {"rule": rule.id, "kind": rule.kind, "left": "5.88", "right": "0.00", "difference": "5.88",
            "source": "收入决算表!C10", "terms": terms}


@pytest.mark.parametrize("rule", load_rules(), ids=lambda r: r.id)
def test_every_rule_renders_in_both_languages(rule):
    tax = load_taxonomy()
    assert not CJK.search(rule.en), (rule.id, rule.en)
    assert not latin_words(rule.zh), (rule.id, rule.zh)
    values = _rule_values(rule, tax)
    zh = catalogue.render(rule.code, values, "zh")
    en = catalogue.render(rule.code, values, "en")
    assert zh.endswith("（来源：收入决算表!C10）") and en.endswith(" (source: 收入决算表!C10)")
    # the only Chinese in English is the quoted source; the only English in Chinese, none
    assert not CJK.search(en.removesuffix(" (source: 收入决算表!C10)")), (rule.id, en)
    assert not latin_words(zh), (rule.id, zh)
    assert catalogue.severity(rule.code) == rule.severity


def test_economic_code_rows_are_named_by_their_own_name():
    """06 terms name their row (30217 公务接待费 / Official reception), not the column concept 16 times."""
    tax = load_taxonomy()
    for codes in (tax.economic_codes, tax.function_codes):
        for code in codes.codes:
            assert codes.name(code, "en") and not CJK.search(codes.name(code, "en")), code
    assert tax.economic_codes.name("30217") == "公务接待费"
    assert tax.economic_codes.name("30217", "en") == "Official reception"


def test_plural_forms():
    assert catalogue.render("core:example", {"n": 1}, "en") == "example: 1 cell"
    assert catalogue.render("core:example", {"n": 3}, "en") == "example: 3 cells"
    assert catalogue.render("core:example", {"n": 3}, "zh") == "示例：3 个单元格"
    assert catalogue.text("valid", "en", path="a.xml", errors=0, warnings=1, findings=1) == \
        "a.xml: valid (0 errors, 1 warning, 1 finding)"
    assert catalogue.text("invalid", "zh", path="a.xml", errors=1, warnings=0, findings=1) == \
        "a.xml：无效（错误 1 个，警告 0 个，共 1 条）"


def test_list_values_join_with_the_language_separator():
    f = Finding.of("convert:tables-missing", tables=["08", "09"])
    assert f.text("zh") == "未找到 08、09 表；涉及这些表的审核未执行"
    assert f.text("en") == "table(s) 08, 09 not found; the rules involving them were not run"


def test_finding_of_renders_at_output_time():
    f = Finding.of("core:example", n=2)
    assert f.severity == "info" and f.values == {"n": 2}
    assert f.text("en") == "example: 2 cells"
    assert f.to_dict("en")["message_zh"] == "示例：2 个单元格"


def test_undeclared_code_is_a_bug():
    with pytest.raises(TaxonomyError):
        Finding.of("core:nope")
    with pytest.raises(TaxonomyError):
        catalogue.render("rule:T99.nope", {}, "zh")


def test_a_missing_value_is_a_bug_not_a_silent_gap():
    with pytest.raises(TaxonomyError):
        catalogue.render("core:example", {}, "en")


def test_unreadable_file_is_said_once_in_the_asked_language(tmp_path):
    try:
        open(tmp_path / "nope.xml", "rb")
    except OSError as e:
        err = UnusableInput.from_os(e, "nope.xml")
    r = Report(files=["nope.xml"], unusable={"nope.xml": err})
    assert r.to_text("zh") == "nope.xml：无法读取（文件不存在）"
    assert r.to_text("en") == "nope.xml: UNUSABLE (cannot read: No such file or directory)"
    assert r.to_dict("zh")["unusable"] == {"nope.xml": "cannot read: No such file or directory"}


def test_compiled_families_are_used_without_tomllib():
    """Rendering reads messages/<family>.compiled.json: importing tomllib would cost ~18 ms of start-up."""
    import json
    import os
    import subprocess
    import sys

    for fam in catalogue.families():
        path = catalogue.compiled_path(fam)
        assert os.path.isfile(path), f"run python -m juesuan.derive ({path} missing)"
        with open(path, encoding="utf-8") as fh:
            assert json.load(fh)["entries"] == catalogue.family(fam)
    code = (
        "import sys\n"
        "from juesuan import catalogue\n"
        "for fam in catalogue.families():\n"
        "    for c in catalogue.family(fam):\n"
        "        catalogue.entry(c)\n"
        "print(sorted(m for m in ('tomllib', 'string') if m in sys.modules))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == "[]", r.stdout + r.stderr


@pytest.mark.parametrize("layout_id", ["2021-hunan", "2024-shanghai"])
def test_every_cell_of_a_layout_has_english_labels(layout_id):
    """Layout rows, columns and sections carry `en` labels, so --lang en places a finding without
    Chinese; Chinese labels are the Placement's own."""
    tax = load_taxonomy()
    lay = tax.layout(layout_id)
    for t in lay.tables:
        for b in t.blocks:
            for c in b.columns:
                assert c.en and not CJK.search(c.en), (t.id, c.label)
                assert bool(c.group_en) == bool(c.group) and bool(c.section_en) == bool(c.section), (t.id, c.key)
            assert bool(b.section_en) == bool(b.section), t.id
            for r in b.rows:
                if r.label and not r.filler:
                    assert r.en and not CJK.search(r.en), (t.id, r.label)
    n = 0
    for concept in sorted(lay.concepts()):
        for code in (None, "201", "20106", "2010601", "301", "30101", "302"):
            p = lay.place(concept, code)
            if p is None:
                continue
            n += 1
            assert lay.labels(concept, code, "zh") == (p.section, p.row, p.column)
            en = lay.labels(concept, code, "en")
            assert bool(en[1]) == bool(p.row) and en[2] and not CJK.search(" ".join(en)), (concept, code, en)
            if code:
                assert en[1] == code
    assert n > 80
    # a repeated row label is prefixed by its parent's, as the Chinese row name is
    if layout_id == "2021-hunan":
        assert lay.labels("GrantOpeningGeneralBudget", None, "zh")[1] == "年初财政拨款结转和结余/一般公共预算财政拨款"
        assert lay.labels("GrantOpeningGeneralBudget", None, "en")[1] == \
            "Appropriation carry-over and balance at the beginning of the year/General public budget appropriations"
