"""sqlite-utils style: every command has help; the library never imports click."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from juesuan.cli import cli

from .conftest import EXAMPLE_XML, ROOT, run_cli


def _commands(group: click.Group, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))


@pytest.mark.parametrize("path,cmd", list(_commands(cli)), ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_every_command_has_help(path, cmd):
    assert cmd.help and len(cmd.help.strip()) > 20
    res = CliRunner().invoke(cli, [*path, "--help"])
    assert res.exit_code == 0 and "用法：" in res.output  # Chinese by default (tests/test_cli_help.py)
    res = CliRunner().invoke(cli, [*path, "--help", "--lang", "en"])
    assert res.exit_code == 0 and "Usage:" in res.output


def test_top_level_help_lists_commands():
    res = run_cli("--help")
    assert res.returncode == 0
    for name in cli.commands:
        assert name in res.stdout


def _imports_click(source: str) -> list[int]:
    """Lines of `source` that import click in any spelling (import click, from click import x, ...)."""
    import ast

    out = []
    for node in ast.walk(ast.parse(source)):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
        if any(n == "click" or n.startswith("click.") for n in names):
            out.append(node.lineno)
    return out


def _in_cli_package(path) -> bool:
    """src/juesuan/cli/ (the command line package), the one place that may import click."""
    return path.relative_to(ROOT / "src" / "juesuan").parts[0] == "cli"


def click_offenders(files: dict) -> list[str]:
    """'path:line' of every click import in FILES ({path: source}) outside the cli package."""
    return [f"{p}:{n}" for p, source in sorted(files.items()) if not _in_cli_package(p) for n in _imports_click(source)]


def test_library_never_imports_click():
    # the detector itself sees every spelling, including one inside a function
    assert sorted(_imports_click("from click import echo\ndef f():\n    import click.testing as t\nimport os, click")) == [1, 3, 4]
    assert _imports_click("from .click import x\nimport clickhouse") == []
    lib = ROOT / "src" / "juesuan"
    # ... and the check flags a library module, a module named cli.py and a package called cli-something
    synthetic = {lib / "store.py": "import click\n", lib / "diff" / "cli.py": "from click import echo\n",
                 lib / "cli.py": "import click\n", lib / "clix" / "a.py": "import click.core\n",
                 lib / "cli" / "check.py": "import click\n", lib / "cli" / "__init__.py": "from click import Group\n"}
    assert click_offenders(synthetic) == [f"{lib / 'cli.py'}:1", f"{lib / 'clix' / 'a.py'}:1",
                                          f"{lib / 'diff' / 'cli.py'}:1", f"{lib / 'store.py'}:1"]
    sources = {p: p.read_text("utf-8") for p in lib.rglob("*.py")}
    # importing every library module loads no click (pkgutil.walk_packages would import the cli package itself)
    names = sorted(".".join(("juesuan", *p.relative_to(lib).with_suffix("").parts)).removesuffix(".__init__")
                   for p in sources if not _in_cli_package(p) and p.name != "__main__.py")
    assert len(names) > 50 and "juesuan.diff.compare" in names and "juesuan" in names
    code = ("import importlib, json, sys\n"
            "for name in json.loads(sys.argv[1]):\n"
            "    importlib.import_module(name)\n"
            "assert 'click' not in sys.modules, 'click imported'")
    subprocess.run([sys.executable, "-c", code, json.dumps(names)], check=True, cwd=ROOT)
    assert any(_in_cli_package(p) and _imports_click(s) for p, s in sources.items())  # the walk sees the cli package
    assert not click_offenders(sources)


def test_facts_csv_has_the_named_fields_and_all_facts():
    res = run_cli("facts", EXAMPLE_XML, "--format", "csv")
    assert res.returncode == 0
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert len(rows) == 122
    assert {"table", "section", "row", "column", "value", "concept", "label_zh", "label_en"} <= set(rows[0])
    assert {"table": "01", "section": "收入", "row": "一般公共预算财政拨款收入", "column": "决算数",
            "value": "1960.73"}.items() <= rows[0].items()


def test_facts_json_in_another_layout():
    res = run_cli("facts", EXAMPLE_XML, "--format", "json", "--layout", "2024-shanghai")
    assert res.returncode == 0
    recs = json.loads(res.stdout)
    five = [r for r in recs if r["table"] == "05" and r["row"] == "合计"]
    assert {r["column"] for r in five} == {"合计", "基本支出", "项目支出"}


def test_usage_error_exit_2():
    res = run_cli("facts", EXAMPLE_XML, "--format", "yaml")
    assert res.returncode == 2


def _console(prelude: str, *args: str) -> subprocess.CompletedProcess:
    """Run the `juesuan` command through juesuan.cli.console, as its console script does, after `prelude`."""
    code = f"import sys\n{prelude}\nfrom juesuan.cli import console\nsys.argv = ['juesuan', *{list(args)!r}]\nconsole()\n"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_the_command_skips_interpreter_teardown_but_keeps_output_and_status():
    # an object finalised at teardown: its message appears only when the interpreter tears down
    prelude = "class D:\n    def __del__(self):\n        sys.stderr.write('teardown ran\\n')\nd = D()"
    res = _console(prelude, "facts", str(EXAMPLE_XML))
    assert res.returncode == 0 and len(res.stdout.splitlines()) == 123  # header + 122 facts, all flushed
    assert "teardown ran" not in res.stderr
    res = _console(prelude, "diff", str(ROOT / "examples/liling-2021-draft.xml"), str(EXAMPLE_XML))
    assert res.returncode == 1 and "草稿与定稿对比" in res.stdout
    res = _console(prelude, "validate", "no-such-file.xml")
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "no-such-file.xml" in res.stderr


def test_the_command_exits_normally_when_something_must_run_at_exit():
    prelude = "import atexit\natexit.register(lambda: sys.stderr.write('atexit ran\\n'))"
    res = _console(prelude, "facts", str(EXAMPLE_XML))
    assert res.returncode == 0 and "atexit ran" in res.stderr and len(res.stdout.splitlines()) == 123
    res = _console(prelude, "validate", "no-such-file.xml")
    assert res.returncode == 2 and "atexit ran" in res.stderr


def test_the_console_script_is_the_entry_that_sets_the_process_up():
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert scripts == {"juesuan": "juesuan.__main__:run"}
    code = ("import atexit, gc, sys\natexit.register(lambda: print('threshold', gc.get_threshold()))\n"
            "sys.argv = ['juesuan', '--version']\nfrom juesuan.__main__ import run\nrun()\n")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and "version" in res.stdout and "threshold (50000, 50, 50)" in res.stdout


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_batch_lines_speak_one_language(lang):
    """batch's progress line, line of counts and note about other files come from the catalogue
    (messages/cli.toml): zh without English words, en without Chinese, plurals right."""
    from juesuan.batch import Progress
    from juesuan.catalogue import render
    from juesuan.cli.bureau import batch_summary

    from .test_cli_lang import chinese, english_words

    check = english_words if lang == "zh" else chinese
    counts = {"reports": 1, "valid": 0, "invalid": 0, "unusable": 0, "failed": 1, "carry_over": 1, "resumed": 0}
    stream = io.StringIO()
    progress = Progress(2, stream=stream, enabled=True, lang=lang)
    for rec in ({"status": "valid"}, {"status": "failed"}):
        progress.update(rec)
    lines = [batch_summary(counts, "d1", "text", lang), stream.getvalue(),
             render("cli:batch-other-skipped", {"n": 1}, lang),
             render("cli:batch-interrupted", {"outdir": "d1", "option": "--resume"}, lang)]
    for line in lines:
        assert not check(line.replace("--resume", "")), line
    expected = {"zh": ["共 1 份报告：通过 0，未通过 0，无法读取 0，处理失败 1；跨年衔接不一致 1 处；0 份与上次相同未重做；"
                       "汇总见 d1/summary.html", "\r2/2  未通过 1  每秒", "跳过 1 个其他类型的文件", "--resume"],
                "en": ["1 report: 0 valid, 0 invalid, 0 unusable, 1 failed; 1 carry-over difference; 0 unchanged since "
                       "the last run; summary in d1/summary.html", "\r2/2  failed 1  ", "1 file of other types skipped",
                       "--resume"]}[lang]
    assert lines[0] == expected[0] and lines[1].startswith(expected[1]) and lines[2] == expected[2]
    assert expected[3] in lines[3]
    data = json.loads(batch_summary(counts, "out", "json", lang))
    assert data == {"output": "out", "counts": counts}


def test_every_listed_command_is_the_command_of_its_name():
    """juesuan.cli.COMMANDS (imported lazily) names each command's module and function correctly, in the
    order bare `juesuan` lists them."""
    from juesuan.cli import COMMANDS

    assert list(cli.commands) == list(COMMANDS) and len(COMMANDS) == 9
    assert all(isinstance(cmd, click.Command) and cmd.name == name for name, cmd in cli.commands.items())
    res = run_cli()
    assert res.returncode == 2 and f"（命令：{'、'.join(COMMANDS)}；" in res.stderr
