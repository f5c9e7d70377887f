"""The conventions people expect of a command line (issue 16): `-` for stdin and stdout, output
suffixes that must match the format, the header options of convert, per-file JSON of validate, a
short usage for bare `juesuan`, usage errors on one line, no location said twice, and every option
of every command described in its --help."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from juesuan.cli import cli
from juesuan.xmlio import load_instance

from .conftest import EXAMPLE_XML, EXAMPLES, ROOT, run_cli

EXAMPLE_XLSX = EXAMPLES / "liling-2021.xlsx"


def _pipe(args, data: bytes) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "juesuan", *map(str, args)], input=data, capture_output=True,
                          cwd=ROOT, timeout=120)


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_option_of_every_command_is_described(name):
    cmd = cli.commands[name]
    for p in cmd.params:
        if isinstance(p, click.Option) and p.name not in ("help",):
            assert p.help and len(p.help) > 8, (name, p.name)
    res = CliRunner().invoke(cli, [name, "--help"])
    assert res.exit_code == 0
    for p in cmd.params:
        if isinstance(p, click.Option):
            assert p.opts[-1] in res.output, (name, p.opts)


def test_bare_juesuan_prints_a_short_usage_and_exits_2():
    res = run_cli()
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("用法：juesuan 命令 [参数]")  # Chinese by default
    assert "Usage:" not in res.stderr and "Options" not in res.stderr
    assert all(name in res.stderr for name in cli.commands)  # every command, those added later too


def test_lang_before_the_command_sets_the_language_of_the_command_and_of_the_bare_usage():
    """`juesuan --lang en` is the short usage in English (not an unknown option); before a command it is
    that command's language, and the command's own --lang, given too, decides."""
    res = run_cli("--lang", "en")
    assert res.returncode == 2 and res.stdout == "" and res.stderr.count("\n") == 1
    assert res.stderr.startswith("usage: juesuan COMMAND") and "用法" not in res.stderr
    res = run_cli("--lang", "en", "validate", EXAMPLE_XML)
    assert res.returncode == 1 and "INVALID (7 errors" in res.stdout and "无效" not in res.stdout
    res = run_cli("--lang", "en", "validate", EXAMPLE_XML, "--lang", "zh")
    assert res.returncode == 1 and "无效（错误 7 个" in res.stdout and "INVALID" not in res.stdout
    res = run_cli("validate", EXAMPLE_XML)
    assert "无效（错误 7 个" in res.stdout  # no --lang anywhere: Chinese


def test_usage_errors_are_one_line():
    res = run_cli("export", EXAMPLE_XML)
    assert res.returncode == 2 and res.stderr.count("\n") == 1, res.stderr
    assert "xlsx、xbrl、xbrl-json" in res.stderr and "usage: Usage" not in res.stderr  # Chinese by default
    res = run_cli("export", EXAMPLE_XML, "--lang", "en")
    assert res.returncode == 2 and res.stderr.count("\n") == 1, res.stderr
    assert "xlsx, xbrl, xbrl-json" in res.stderr and "usage: Usage" not in res.stderr


@pytest.mark.parametrize("args,suffix", [
    (["template", "-o", "t.csv"], ".csv"),
    (["export", EXAMPLE_XML, "--format", "xlsx", "-o", "x.json"], ".json"),
    (["convert", EXAMPLE_XLSX, "-o", "x.xlsx"], ".xlsx"),
    (["diff", EXAMPLE_XML, EXAMPLE_XML, "--format", "json", "-o", "d.html"], ".html"),
    (["validate", EXAMPLE_XML, "--format", "html", "-o", "r.xlsx"], ".xlsx"),
])
def test_an_output_suffix_that_contradicts_the_format_is_an_error(tmp_path, args, suffix):
    res = run_cli(*args, cwd=tmp_path)
    assert res.returncode == 2 and suffix in res.stderr and res.stderr.count("\n") == 1
    assert "后缀不能是" in res.stderr and "written as" not in res.stderr  # Chinese by default
    assert list(tmp_path.iterdir()) == []
    res = run_cli(*args, "--lang", "en", cwd=tmp_path)
    assert res.returncode == 2 and f"not {suffix}" in res.stderr and "后缀" not in res.stderr


def test_dash_is_stdout_for_template_convert_and_export(tmp_path):
    res = _pipe(["template", "-o", "-"], b"")
    assert res.returncode == 0 and res.stdout[:2] == b"PK" and not (ROOT / "-").exists()
    res = _pipe(["convert", EXAMPLE_XLSX, "-o", "-"], b"")
    assert res.returncode == 1 and res.stdout.startswith(b"<?xml") and "已写入 -" in res.stderr.decode()
    out = tmp_path / "o.xml"
    out.write_bytes(res.stdout)
    assert load_instance(out).fact_set() == load_instance(EXAMPLE_XML).fact_set()
    res = _pipe(["export", EXAMPLE_XML, "--format", "xlsx", "-o", "-"], b"")
    assert res.returncode == 0 and res.stdout[:2] == b"PK"


def test_dash_is_stdin_for_convert_validate_facts_diff_export(tmp_path):
    xml = EXAMPLE_XML.read_bytes()
    res = _pipe(["convert", "-", "-o", tmp_path / "a.xml"], EXAMPLE_XLSX.read_bytes())
    assert res.returncode == 1 and len(load_instance(tmp_path / "a.xml").facts) == 122
    assert "stdin.xlsx" not in res.stdout.decode() and "\n- 收入决算表!C10" in res.stdout.decode()
    res = _pipe(["validate", "-", "--format", "json"], xml)
    data = json.loads(res.stdout)
    assert res.returncode == 1 and data["files"] == ["-"] and data["findings"][0]["file"] == "-"
    res = _pipe(["facts", "-"], xml)
    assert res.returncode == 0 and res.stdout.decode().count("\n") == 123
    res = _pipe(["diff", EXAMPLES / "liling-2021-draft.xml", "-", "--format", "json"], xml)
    assert res.returncode == 1 and json.loads(res.stdout)["header"]["new"]["file"] == "-"
    res = _pipe(["export", "-", "--format", "xlsx", "-o", tmp_path / "e.xlsx"], xml)
    assert res.returncode == 0 and (tmp_path / "e.xlsx").exists()


def test_stdin_is_read_once():
    for args in (["validate", "-", "-"], ["diff", "-", "-"]):
        res = _pipe(args, EXAMPLE_XML.read_bytes())
        assert (res.returncode, res.stderr.decode()) == (2, "juesuan: 标准输入（-）只能读取一次\n")
        res = _pipe([*args, "--lang", "en"], EXAMPLE_XML.read_bytes())
        assert (res.returncode, res.stderr.decode()) == (2, "juesuan: standard input (-) can be read once\n")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_usage_refusals_speak_the_asked_language(lang, tmp_path):
    """What a command refuses to do (messages/cli.toml) is one line in the asked language."""
    from .test_cli_lang import chinese, english_words

    check = english_words if lang == "zh" else chinese
    cases = [(["export", EXAMPLE_XML, "--format", "xbrl", "-o", tmp_path / "x.json"], "xbrl"),
             (["consolidate", EXAMPLE_XML], "DEPT.xml"),
             (["batch", tmp_path / "empty", "-o", tmp_path / "out"], None)]
    (tmp_path / "empty").mkdir()
    for args, quoted in cases:
        res = run_cli(*args, "--lang", lang)
        line = res.stderr.replace(str(tmp_path), "")
        assert res.returncode == 2 and line.count("\n") == 1 and line.startswith("juesuan: "), (args, line)
        for word in ("juesuan", quoted or "juesuan", "--check", "-o", ".xml", ".xlsx", ".xlsm", ".pdf", ".txt", ".csv", ".tsv"):
            line = line.replace(word, "")
        assert not check(line), (args, line)


def test_convert_sets_status_uscc_and_preparer(tmp_path):
    out = tmp_path / "d.xml"
    res = run_cli("convert", EXAMPLE_XLSX, "-o", out, "--status", "draft", "--uscc", "12430281MB1234567X",
                  "--preparer", "张三")
    assert res.returncode == 1, res.stderr
    h = load_instance(out).header
    assert (h.status, h.uscc, h.preparer) == ("draft", "12430281MB1234567X", "张三")
    res = run_cli("convert", EXAMPLE_XLSX, "-o", out, "--status", "proposed")
    assert res.returncode == 2 and res.stderr.count("\n") == 1


def test_validate_json_has_per_file_results(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("nope", encoding="utf-8")
    res = run_cli("validate", EXAMPLE_XML, EXAMPLES / "liling-2020.xml", bad, "--format", "json")
    data = json.loads(res.stdout)
    assert res.returncode == 2
    by_file = {r["file"]: r for r in data["results"]}
    ex = by_file[str(EXAMPLE_XML)]
    mine = [f for f in data["findings"] if f["file"] == str(EXAMPLE_XML)]
    # the four 02 表 rule errors and the three template sentences left in 3.7 (narrative checks)
    assert ex["valid"] is False and ex["counts"]["error"] == 7 and len(ex["findings"]) == len(mine)
    assert sorted(f["code"] for f in mine if f["severity"] == "error").count("narrative:template") == 3
    assert all(data["findings"][i]["file"] == str(EXAMPLE_XML) for i in ex["findings"])
    assert by_file[str(EXAMPLES / "liling-2020.xml")]["valid"] is True
    assert by_file[str(bad)]["valid"] is False and by_file[str(bad)]["unusable"]


def test_convert_says_each_location_once(tmp_path):
    res = run_cli("convert", EXAMPLE_XLSX, "-o", tmp_path / "x.xml")
    line = next(ln for ln in res.stdout.splitlines() if "收入决算表!C10" in ln)
    assert line.count("收入决算表!C10") == 1 and "（来源：" not in line
    # a reader's own finding, whose message opens with its place, on a text file's line: said once there
    # too (the JSON message keeps the place: it stands alone)
    plain = ROOT / "tests" / "fixtures" / "liling-2021-plain.txt"
    # and its table, which the message names, is not named before it as well
    for lang, place, table in (("zh", "第 139 行", "02 表"), ("en", "line 139", "table 02")):
        res = run_cli("convert", plain, "-o", tmp_path / "p.xml", "--lang", lang)
        lines = [ln for ln in res.stdout.splitlines() if place in ln]
        line = next(ln for ln in lines if "[convert:ambiguous-columns]" in ln)
        assert line.count(place) == 1 and line.count(table) == 1 and "02表" not in line, line
        unplaced = [ln for ln in lines if "[convert:cell-not-placed]" in ln]
        assert unplaced and all(ln.count(table) == 1 and "02表" not in ln for ln in unplaced), unplaced
    res = run_cli("convert", plain, "-o", tmp_path / "p.xml", "--format", "json")
    messages = [f["message"] for f in json.loads(res.stdout)["findings"] if f["code"] == "convert:ambiguous-columns"]
    assert messages[0].startswith("第 139 行：02 表")


def test_shell_completion_is_documented():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "_JUESUAN_COMPLETE=bash_source juesuan" in readme
    assert "_JUESUAN_COMPLETE" in CliRunner().invoke(cli, ["--help"]).output


def test_readme_set_up_commands_use_separate_venvs_and_ci_runs_the_readme_test_command():
    import re

    readme = (ROOT / "README.md").read_text("utf-8")
    setup = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)\n```", setup, re.S)
    venvs = [re.search(r"python3 -m venv (\S+)", b).group(1) for b in blocks]
    assert len(venvs) == 2 and venvs[0] != venvs[1], venvs
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    test_venv = venvs[1]
    assert f"python3 -m venv {test_venv}\n" in ci and f"{test_venv}/bin/python -m pytest -q" in ci
    assert f"{test_venv}/bin/pip install -q -e '.[test]'" in ci
    assert (ROOT / "docs" / "validate-report.png").read_bytes()[:4] == b"\x89PNG"
    assert (ROOT / "docs" / "diff.png").read_bytes()[:4] == b"\x89PNG"
