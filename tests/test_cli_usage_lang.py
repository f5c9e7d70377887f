"""click's usage errors in the asked language (juesuan.cli.usage): Chinese by default with no English
words but the names typed (options, arguments, commands, values), English with `--lang en` exactly as
click words it; exit 2, one line on stderr."""

from __future__ import annotations

import re
import sys

import click
import pytest

from juesuan.catalogue import LATIN_NAMES
from juesuan.cli import cli, main
from juesuan.cli.usage import asked_lang, describe

from .conftest import EXAMPLE_XML

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9])")

CASES = {  # name -> (argv, the code it maps to)
    "missing-argument": (["convert"], "cli:usage-missing-argument"),
    "missing-option": (["convert", "a.xlsx"], "cli:usage-missing-option"),
    "missing-option-choice": (["export", str(EXAMPLE_XML)], "cli:usage-missing-option-choice"),
    "no-such-option": (["convert", "--zzzzzz", "x"], "cli:usage-no-such-option"),
    "no-such-option-guess": (["validate", "--formt", "json", "x"], "cli:usage-no-such-option-guess"),
    "no-such-option-guesses": (["convert", "--lan", "zh", "a"], "cli:usage-no-such-option-guesses"),
    "no-such-command": (["zzzzzz"], "cli:usage-no-such-command"),
    "no-such-command-guess": (["validat"], "cli:usage-no-such-command-guess"),
    "bad-choice": (["convert", "--lang", "xx", "x", "-o", "y.xml"], "cli:usage-bad-choice"),
    "bad-choice-format": (["validate", "--format=text=x", "x"], "cli:usage-bad-choice"),
    "not-a-number": (["convert", "x", "-o", "y.xml", "--year", "ab"], "cli:usage-not-a-number"),
    "out-of-range": (["batch", "-j", "0", "x", "-o", "y"], "cli:usage-out-of-range"),
    "is-a-directory": (["validate", "--prior", ".", "x"], "cli:usage-is-a-directory"),
    "needs-value": (["validate", "x", "--format"], "cli:usage-needs-value"),
    "extra-argument": (["convert", "a", "b", "-o", "c.xml"], "cli:usage-extra-argument"),
    "extra-arguments": (["template", "a", "b", "-o", "c.xlsx"], "cli:usage-extra-arguments"),
}


def _run(argv: list[str], capsys, monkeypatch) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["juesuan", *argv])
    with pytest.raises(SystemExit) as exc:
        main()
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def _click_line(argv: list[str]) -> tuple[click.UsageError, str]:
    """The error click raises for ARGV and the line main() printed for it before (click's English)."""
    try:
        cli.main(argv, prog_name="juesuan", standalone_mode=False)
    except click.UsageError as e:
        cmd = e.ctx.command_path if e.ctx else "juesuan"
        return e, f"juesuan: {' '.join(e.format_message().split())} (see '{cmd} --help')\n"
    raise AssertionError(f"{argv}: no usage error")


def english_words(line: str) -> list[str]:
    """English words in LINE, the names typed aside: quoted names and values, options, the command path."""
    x = re.sub(r"'[^']*'", "", line)
    x = re.sub(r"--?[\w-]+", "", x)
    x = re.sub(r"juesuan( \w+)?", "", x)
    x = re.sub(r"\b(xlsx|xbrl|xbrl-json|text|json|html)\b", "", x)  # choices, quoted by click only in one form
    return [w for w in WORD.findall(x) if w not in LATIN_NAMES]


@pytest.mark.parametrize("case", sorted(CASES))
def test_usage_error_is_one_chinese_line_by_default(case, capsys, monkeypatch, tmp_path):
    argv, code = CASES[case]
    monkeypatch.chdir(EXAMPLE_XML.parent.parent)
    err, _ = _click_line(argv)
    assert describe(err)[0] == code
    rc, out, line = _run(argv, capsys, monkeypatch)
    assert rc == 2 and out == "" and line.count("\n") == 1 and line.startswith("juesuan: "), line
    assert CJK.search(line) and not english_words(line), line
    assert "用法见 juesuan" in line and " -h）" in line


@pytest.mark.parametrize("case", sorted(set(CASES) - {"bad-choice"}))  # a bad --lang asks for no language
def test_usage_error_in_english_is_clicks_own_sentence(case, capsys, monkeypatch):
    argv, _ = CASES[case]
    monkeypatch.chdir(EXAMPLE_XML.parent.parent)
    for lang_args in (["--lang", "en"], ["--lang=en"]):
        # after the command's name: the option lacking its value stays last
        args = [argv[0], *lang_args, *argv[1:]] if len(argv) > 1 else [*argv, *lang_args]
        _, expected = _click_line(args)
        rc, out, line = _run(args, capsys, monkeypatch)
        assert rc == 2 and out == "" and line == expected, (args, line)
        assert not CJK.search(line), line


def test_examples_of_each_language():
    """The lines a clerk sees, exactly."""
    from juesuan.cli.usage import usage_line

    e, _ = _click_line(["convert"])
    assert usage_line(e, "zh") == "juesuan: 缺少参数 'FILE'（用法见 juesuan convert -h）"
    assert usage_line(e, "en") == "juesuan: Missing argument 'FILE'. (see 'juesuan convert --help')"
    e, _ = _click_line(["export", str(EXAMPLE_XML)])
    assert usage_line(e, "zh") == "juesuan: 缺少选项 '--format'，可选：xlsx、xbrl、xbrl-json（用法见 juesuan export -h）"
    assert usage_line(e, "en") == ("juesuan: Missing option '--format'. Choose from: xlsx, xbrl, xbrl-json "
                                   "(see 'juesuan export --help')")
    e, _ = _click_line(["convert", "--lang", "xx", "x", "-o", "y.xml"])
    assert usage_line(e, "zh") == "juesuan: '--lang' 的值 'xx' 无效，可选：'zh'、'en'（用法见 juesuan convert -h）"


def test_an_unmapped_usage_error_keeps_clicks_english_and_says_usage_in_chinese():
    from juesuan.cli.usage import usage_line

    e = click.UsageError("Something new from click.")
    assert describe(e) is None
    assert usage_line(e, "en") == "juesuan: Something new from click. (see 'juesuan --help')"
    assert usage_line(e, "zh") == "juesuan: 命令行用法有误（用法见 juesuan -h）"


@pytest.mark.parametrize("argv,lang", [
    ([], "zh"), (["convert", "x"], "zh"), (["--lang", "en"], "en"), (["x", "--lang=en"], "en"),
    (["--lang", "en", "--lang", "zh"], "zh"), (["--lang", "xx"], "zh"), (["--lang"], "zh"),
    (["--", "--lang", "en"], "zh"),
])
def test_the_language_is_read_from_argv(argv, lang):
    assert asked_lang(argv) == lang
