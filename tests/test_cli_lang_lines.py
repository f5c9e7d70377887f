"""The commands' own error lines in the asked language (Chinese by default, `--lang en` English as
before): batch's pattern that matches nothing, facts' and draft's lines (both take --lang), an unknown
layout, the narrative file's reasons, export's folder that is a file, bare `juesuan`, and the
validation report's unusable line."""

from __future__ import annotations

import re

import pytest

from juesuan.catalogue import LATIN_NAMES

from .conftest import EXAMPLE_XML, run_cli

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9])")


def english_words(line: str) -> list[str]:
    """English words in a zh LINE, names aside: paths, quoted names, options, commands, layouts."""
    from juesuan.cli import COMMANDS

    x = re.sub(r"^juesuan: [^：\s]+：", "", line)  # the file a line is about
    x = re.sub(r"\S*/\S*|'[^']*'|--?[\w-]+|\b\d{4}-[a-z]+\b|\.[a-z]+\b", "", x)  # paths, names, suffixes
    return [w for w in WORD.findall(x) if w not in LATIN_NAMES and w not in COMMANDS and w != "FILE"]


def _both(args: list, zh: str, en: str, cwd=None) -> None:
    """ARGS print ZH by default and EN with --lang en, each one line on stderr, exit 2."""
    res = run_cli(*args, cwd=cwd)
    assert res.returncode == 2 and res.stderr == zh + "\n", res.stderr
    assert CJK.search(res.stderr) and not english_words(res.stderr), res.stderr
    res = run_cli(*args, "--lang", "en", cwd=cwd)
    assert res.returncode == 2 and res.stderr == en + "\n", res.stderr
    assert not CJK.search(res.stderr.replace("一、… 二、…", "")), res.stderr


def test_batch_pattern_that_matches_nothing(tmp_path):
    _both(["batch", "nomatch*.xml", "-o", tmp_path / "out"], "juesuan: nomatch*.xml：没有与此模式匹配的文件",
          "juesuan: nomatch*.xml: no file matches this pattern", cwd=tmp_path)


def test_facts_lines(tmp_path):
    _both(["facts", EXAMPLE_XML, "-o", tmp_path / "f.xlsx2", "--format", "xlsx"],
          f"juesuan: {tmp_path / 'f.xlsx2'}：请给文件加上其格式的后缀（.xlsx）",
          f"juesuan: {tmp_path / 'f.xlsx2'}: give the file the suffix of its format (.xlsx)")
    _both(["facts", tmp_path], f"juesuan: {tmp_path}：没有找到支持的输入文件", f"juesuan: {tmp_path}: no supported input found")
    _both(["facts", EXAMPLE_XML, "--layout", "nope"],
          "juesuan: 未知的版式 'nope'；此分类标准有：2021-hunan、2024-shanghai",
          "juesuan: unknown layout 'nope'; this taxonomy has: 2021-hunan, 2024-shanghai")


def test_draft_takes_lang():
    _both(["draft", "nothing.xml"], "juesuan: nothing.xml：文件不存在",
          "juesuan: nothing.xml: cannot read: No such file or directory")
    _both(["draft", EXAMPLE_XML, "--format", "docx"], "juesuan: docx 输出是二进制文件：请用 -o FILE 指定文件",
          "juesuan: docx output is binary: give -o FILE")


@pytest.mark.parametrize("name,content,zh,en", [
    ("n.doc", b"x", "无法识别的情况说明文件类型 .doc：应为 .docx、.txt 或 .md",
     "unknown narrative type .doc: expected .docx, .txt or .md"),
    ("n", b"x", "情况说明文件名没有后缀，无法识别文件类型：应为 .docx、.txt 或 .md",
     "unknown narrative type (no suffix): expected .docx, .txt or .md"),
    ("n.txt", b"hello\n", "未找到带编号的情况说明标题（一、… 二、…）", "no numbered narrative headings (一、… 二、…) found"),
    ("n.txt", b"\xff\xfe\x00\xd8\x81", "情况说明文本既不是 UTF-8 也不是 GB18030 编码", "narrative text is neither UTF-8 nor GB18030"),
    ("n.docx", b"PK junk", "不是 .docx 文档（不是可读的压缩包；旧格式的文档请另存为 .docx）",
     "not a .docx document (not a readable zip; an old .doc must be saved as .docx)"),
])
def test_narrative_file_reasons(tmp_path, name, content, zh, en):
    from .conftest import EXAMPLES

    n = tmp_path / name
    n.write_bytes(content)
    args = ["convert", EXAMPLES / "liling-2021.xlsx", "-o", tmp_path / "a.xml", "--narrative", n]
    _both(args, f"juesuan: {n}：{zh}", f"juesuan: {n}: {en}")


def test_export_into_a_file_that_is_not_a_folder(tmp_path):
    f = tmp_path / "pkg"
    f.write_text("x")
    _both(["export", EXAMPLE_XML, "--format", "xbrl", "-o", f], f"juesuan: {f}：输出位置已存在，且不是文件夹",
          f"juesuan: {f}: output exists and is not a directory")


def test_bare_juesuan_in_both_languages():
    from juesuan.catalogue import render
    from juesuan.cli import COMMANDS

    res = run_cli()
    assert res.returncode == 2 and res.stderr.startswith("用法：juesuan 命令") and not english_words(res.stderr)
    assert render("cli:short-usage", {"commands": list(COMMANDS)}, "en") == (
        "usage: juesuan COMMAND [ARGS]...  (commands: validate, facts, convert, draft, template, export, diff, batch, "
        "consolidate; 'juesuan --help' lists them, 'juesuan COMMAND --help' explains one)")


@pytest.mark.parametrize("lang,line", [("zh", "无法读取：不是 XML（不以“&lt;”开头）"),
                                       ("en", "unusable: not XML (does not start with &#x27;&lt;&#x27;)")])
def test_validation_report_says_why_a_file_is_unusable_in_the_asked_language(tmp_path, lang, line):
    from juesuan.report_html import render_html, validate_for_report

    bad = tmp_path / "bad.xml"
    bad.write_text("not xml")
    res = validate_for_report(str(bad), lang)
    assert res.unusable == ("不是 XML（不以“<”开头）" if lang == "zh" else "not XML (does not start with '<')")
    assert f'<p class="invalid">{line}</p>' in render_html([res], lang)


def test_consolidate_refuses_units_of_different_years(tmp_path):
    old, new = EXAMPLE_XML.parent / "liling-2020.xml", EXAMPLE_XML
    _both(["consolidate", old, new, "-o", tmp_path / "d.xml"],
          f"juesuan: 各单位的年度不同：{old} 为 2020，{new} 为 2021；请按年度分别汇总",
          f"juesuan: units differ in fiscal year: {old} has 2020, {new} has 2021; consolidate one fiscal year at a time")
    assert not (tmp_path / "d.xml").exists()


def test_batch_summary_gives_an_unknown_type_in_the_asked_language(tmp_path):
    (tmp_path / "a.doc").write_text("x", encoding="utf-8")
    for lang, want in (("zh", "无法识别的文件类型 .doc：应为 .xml、.xlsx"), ("en", "unknown input type .doc: expected .xml, .xlsx")):
        out = tmp_path / f"out-{lang}"
        res = run_cli("batch", tmp_path / "a.doc", "-o", out, "--lang", lang)
        assert res.returncode == 1, res.stderr
        row = (out / "summary.csv").read_text("utf-8-sig").splitlines()[1]
        assert want in row, row
