"""--help in the asked language: Chinese by default (cli/help.py, from cli/help_zh.toml), click's English
with --lang en, wherever --lang stands. The Chinese file is held to the commands: every command and
option translated, no key left over, no English word outside code spans, option flags and values."""

from __future__ import annotations

import re
import unicodedata

import click
import pytest
from click.testing import CliRunner
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from juesuan.catalogue import LATIN_NAMES
from juesuan.cli import cli
from juesuan.cli.help import _TOKENS, WIDTH, _wrap, texts

from .conftest import run_cli

WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9])")
COMMANDS = sorted(cli.commands)


def _help(*args: str) -> str:
    res = CliRunner().invoke(cli, list(args), prog_name="juesuan")
    assert res.exit_code == 0, res.output
    return res.output


def _english(text: str, cmd: click.Command) -> list[str]:
    """English words of a Chinese help: code spans, option flags, choices and marks' values aside."""
    text = re.sub(r"`[^`]*`", "", text)
    text = re.sub(r"(?<!\S)--?[A-Za-z][\w-]*", "", text)  # -o, --output, --no-bom
    text = re.sub(r"\[[a-z0-9|-]+\]", "", text)  # [text|json], [zh|en]
    text = re.sub(r"\[默认：[^\]]*\]", "", text)
    text = text.replace("tcp://", "")  # batch's --scheduler placeholder, tcp://主机:8786
    names = {"juesuan", *COMMANDS}  # the program's and the commands' names, as typed
    return [w for w in WORD.findall(text) if w not in LATIN_NAMES and w not in names]


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _options(cmd: click.Command) -> list[click.Option]:
    return [p for p in cmd.params if isinstance(p, click.Option)]


def test_every_command_and_option_has_its_chinese_text_and_no_key_is_left_over():
    zh = texts()
    assert set(zh) == {"words", "metavars", "common", "juesuan", *COMMANDS}
    for name, cmd in [("juesuan", cli), *((n, cli.commands[n]) for n in COMMANDS)]:
        keys = {p.name for p in _options(cmd)} - set(zh["common"] if name != "juesuan" else ())
        assert set(zh[name]) == {"help", *keys}, name
        assert len(zh[name]["help"].strip()) > 20, name


@pytest.mark.parametrize("name", ["juesuan", *COMMANDS])
def test_chinese_help_is_the_default_and_holds_no_english(name):
    args = [] if name == "juesuan" else [name]
    out = _help(*args, "--help")
    cmd = cli if name == "juesuan" else cli.commands[name]
    assert out.startswith(f"用法：juesuan{'' if name == 'juesuan' else ' ' + name} [选项]")
    assert "Usage" not in out and "Options" not in out and "Show this" not in out
    assert not _english(out, cmd), (name, _english(out, cmd))
    for p in _options(cmd):
        assert p.opts[-1] in out, (name, p.opts)
    if name == "juesuan":
        assert all(f"\n  {c} " in out for c in COMMANDS)  # the list of commands, each with its line


@pytest.mark.parametrize("name", ["juesuan", *COMMANDS])
def test_chinese_help_fits_the_width_and_breaks_lines_where_chinese_allows(name):
    out = _help(*([] if name == "juesuan" else [name]), "-h")
    for line in out.splitlines():
        assert _width(line) <= WIDTH, (name, line)
        body = line.strip()
        if body:
            assert body[0] not in "，。、；：！？）】」』”’", (name, line)
            assert body[-1] not in "（【「『“‘", (name, line)
    for mark in re.findall(r"\[(?:默认|必)[^\]]*\]?", out):
        assert mark.endswith("]"), (name, mark)  # a mark is never broken across lines


def test_the_marks_are_click_s_in_chinese():
    out = _help("convert", "--help")
    assert re.search(r"-o, --output 文件 .*\n?.*\[必填\]", out)
    assert "[默认：text]" in out and "[默认：zh]" in out
    assert "  -j, --jobs 整数" in _help("batch", "--help") and "[1<=x<=256]" in _help("batch", "--help")
    assert "--scheduler tcp://主机:8786" in _help("batch", "--help")


@pytest.mark.parametrize("args", [
    ["convert", "--help", "--lang", "en"],
    ["convert", "--lang", "en", "--help"],
    ["convert", "--lang=en", "-h"],
    ["--lang", "en", "convert", "--help"],
])
def test_lang_en_anywhere_gives_click_s_english_help(args):
    out = _help(*args)
    assert out.startswith("Usage: juesuan convert [OPTIONS] FILE") and "Options:" in out
    assert "Convert a filled workbook" in out and "用法" not in out and "选项：" not in out


def test_lang_zh_after_a_group_lang_en_wins():
    assert _help("--lang", "en", "convert", "--help", "--lang", "zh").startswith("用法：juesuan convert")
    assert _help("--help", "--lang", "en").startswith("Usage: juesuan [OPTIONS]")
    assert _help("--lang", "en", "--help").startswith("Usage: juesuan [OPTIONS]")


def test_the_help_of_the_installed_command_line_is_chinese():
    res = run_cli("validate", "--help")
    assert res.returncode == 0 and res.stdout.startswith("用法：juesuan validate [选项] 文件...")
    assert "退出码：0" in res.stdout


_PIECES = st.sampled_from(["表", "样", "数据项", "，", "。", "）", "（", "`-o`", "--lang", " ", "默认：", "xlsx",
                           "、"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=60), st.integers(min_value=12, max_value=60))
@example([" ", "（", "（", "--lang", "--lang"], 12)  # only a space before the marks: it made an empty first line
def test_wrapping_keeps_every_character_and_the_rules_of_chinese_line_breaking(pieces, width):
    text = "".join(pieces)
    # Chinese has at most two closing marks in a row (“）。”), and two opening ones (“（《”); no space
    # follows an opening mark
    assume(not re.search("[，。、）]{3}|（{3}", text.replace(" ", "")) and "（ " not in text)
    lines = _wrap(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost, nothing added
    for i, line in enumerate(lines):
        assert line and line == line.rstrip()
        longest = max(_width(tok) for tok in _TOKENS.findall(line))
        if longest <= width - 4:  # an ASCII run longer than a line is never broken
            assert _width(line) <= width + 4, (line, width)  # a mark pushed down with its character, at most
        if i:
            assert line[0] not in "，。、）", lines
        if i < len(lines) - 1:
            assert line[-1] != "（", lines


def test_a_command_or_option_the_file_does_not_know_keeps_click_s_english_help():
    """A command added by other code (add_command) and a new option without its Chinese text: no
    traceback, their English texts (the test above fails for an untranslated option of juesuan's own)."""
    from juesuan.cli.common import Command

    @click.command("extra", cls=Command)
    @click.option("--depth", type=int, help="How deep to look.")
    def extra(depth):
        """Something other code added."""

    cli.add_command(extra)
    try:
        out = _help("extra", "--help")
        assert out.startswith("Usage: juesuan extra [OPTIONS]") and "How deep to look." in out
        assert "\n  extra        Something other code added." in _help("--help")  # listed, in its English
        convert = cli.commands["convert"]
        convert.params.append(click.Option(["--new-thing"], help="A new option."))
        try:
            out = _help("convert", "--help")
            assert out.startswith("用法：juesuan convert") and "--new-thing 文本" in out and "A new option." in out
        finally:
            convert.params.pop()
    finally:
        cli._added.pop("extra")
