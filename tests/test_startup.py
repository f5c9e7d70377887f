"""Start-up hygiene: what the main commands must not load, and what modules must not do at import.

The whole-process targets (convert ≤ 150 ms, diff ≤ 100 ms; benchmarks/bench_convert_xlsx.py and
bench_diff.py measure them) are mostly start-up, and start-up is lost one innocent import at a time.
These tests are deterministic: they check which modules a real command run loaded, not how long it took.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from juesuan.lazyre import LazyPattern, lazy

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "juesuan"

# Costly modules no command below needs: each was measured at 1-10 ms of start-up, or is a whole
# dependency another command uses (openpyxl writes workbooks; xmlschema gives detailed schema messages).
NEVER = {"dataclasses", "tempfile", "csv", "string", "random", "tomllib", "openpyxl", "xmlschema", "pdfplumber"}

RUN = """
import json, sys
from juesuan.cli import main
sys.argv = ["juesuan", *json.loads(sys.argv[1])]
code = None
try:
    main()
except SystemExit as e:
    code = e.code
sys.stdout.flush()
sys.stderr.write("\\nEXIT " + json.dumps(code) + "\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


def loaded_by(args: list[str], cwd: Path) -> tuple[set[str], int, str]:
    """(modules loaded, exit status, stdout) of one command run in a fresh interpreter."""
    r = subprocess.run([sys.executable, "-c", RUN, json.dumps(args)], cwd=cwd, capture_output=True, text=True,
                       timeout=120)
    line = [x for x in r.stderr.splitlines() if x.startswith("MODULES ")]
    code = [x for x in r.stderr.splitlines() if x.startswith("EXIT ")]
    assert line and code, r.stderr
    return set(json.loads(line[-1][len("MODULES "):])), json.loads(code[-1][len("EXIT "):]), r.stdout


@pytest.mark.parametrize("case", ["convert-xlsx", "diff-draft-final", "diff-yoy", "validate"])
def test_main_commands_do_not_load_what_they_do_not_use(case, tmp_path):
    args = {
        "convert-xlsx": ["convert", str(ROOT / "examples/liling-2021.xlsx"), "-o", str(tmp_path / "o.xml")],
        "diff-draft-final": ["diff", str(ROOT / "examples/liling-2021-draft.xml"), str(ROOT / "examples/liling-2021.xml")],
        "diff-yoy": ["diff", str(ROOT / "examples/liling-2020.xml"), str(ROOT / "examples/liling-2021.xml")],
        "validate": ["validate", str(ROOT / "examples/liling-2021.xml")],
    }[case]
    mods, code, out = loaded_by(args, tmp_path)
    # the command did its whole job (a command failing early would load less and pass too easily)
    expected = {"convert-xlsx": (1, "已写入"), "diff-draft-final": (1, "草稿与定稿对比"),
                "diff-yoy": (1, "与上年相比"), "validate": (1, "liling-2021.xml")}[case]
    assert (code, expected[1] in out) == (expected[0], True), (code, out[-500:])
    # convert renders its per-table lines through the finding catalogue (messages/*.toml: tomllib, string)
    never = NEVER - {"string", "tomllib"} if case == "convert-xlsx" else NEVER
    assert not (never & mods), f"{case} loaded {sorted(never & mods)}"
    if case == "convert-xlsx":
        assert (tmp_path / "o.xml").is_file()
        # the text, spaced and PDF readers and the differ are for other inputs and commands
        assert not {m for m in mods if m.startswith(("juesuan.readers.text", "juesuan.readers.spaced",
                                                      "juesuan.readers.pdf", "juesuan.diff", "juesuan.xbrl"))}
    else:
        assert not {m for m in mods if m.startswith(("juesuan.readers", "juesuan.excel", "juesuan.xbrl", "zipfile"))}
        assert "pathlib" not in mods  # 4-5 ms; reading instances and the taxonomy needs only os.path


def _top_level_calls(tree: ast.Module) -> list[ast.Call]:
    """Calls executed when the module is imported (module body, class bodies; not function bodies)."""
    out: list[ast.Call] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if isinstance(child, ast.Call):
                out.append(child)
            visit(child)

    visit(tree)
    return out


def test_no_module_compiles_a_regex_or_defines_a_dataclass_at_import():
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "lazyre.py":
            continue
        tree = ast.parse(path.read_text("utf-8"))
        for call in _top_level_calls(tree):
            f = call.func
            if isinstance(f, ast.Attribute) and f.attr == "compile" and getattr(f.value, "id", "") == "re":
                offenders.append(f"{path.relative_to(ROOT)}:{call.lineno} re.compile at import (use lazyre.lazy)")
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "dataclasses":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports dataclasses (use records.record)")
            if isinstance(node, ast.ClassDef) and any(getattr(b, "id", getattr(b, "attr", "")) == "NamedTuple"
                                                      for b in node.bases):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} typing.NamedTuple (use records.record)")
    assert not offenders, "\n".join(offenders)


def test_every_lazy_pattern_in_the_package_compiles():
    """A lazy pattern with a mistake fails at first use, not at import: compile them all here."""
    import importlib
    import pkgutil

    import juesuan

    found = 0
    for info in pkgutil.walk_packages(juesuan.__path__, "juesuan."):
        if info.name.endswith("__main__"):
            continue
        for value in vars(importlib.import_module(info.name)).values():
            for p in value if isinstance(value, (tuple, list)) else (value,):
                if isinstance(p, LazyPattern):
                    assert p.compiled is not None
                    found += 1
    assert found > 30


def test_lazy_pattern_compiles_on_first_use_and_then_is_the_compiled_pattern():
    p = lazy(r"^(\d{3})(\d{2})?$")
    assert isinstance(p, LazyPattern) and p._compiled is None
    m = p.match("20101")
    assert m and m.groups() == ("201", "01") and p._compiled is not None
    assert p.match.__self__ is p.compiled  # later calls skip the wrapper
    assert p.fullmatch("201").group(1) == "201" and p.search("x201") is None
    assert lazy(r"\d+").search("ab12", pos=3).group() == "2"  # keywords work before the first compile too
    q = lazy(r"\s+")
    assert q.sub("", " 一般 公共 ") == "一般公共" and q.split("a b") == ["a", "b"]
    assert lazy(r"\d").findall("a1b2") == ["1", "2"] and [m.group() for m in lazy(r"\d").finditer("1x2")] == ["1", "2"]
    assert lazy(rb"<!DOCTYPE", 2).search(b"<!doctype x>")  # flags are kept (2 = re.IGNORECASE)
