"""Start-up hygiene: what the main commands must not load, and what modules must not do at import.

The whole-process targets (convert ≤ 150 ms, diff ≤ 100 ms; benchmarks/bench_convert_xlsx.py and
bench_diff.py measure them) are mostly start-up, and start-up is lost one innocent import at a time.
These tests are deterministic: they check which modules a real command run loaded, not how long it took.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "juesuan"

# Costly modules no command below needs: each was measured at 1-10 ms of start-up, or is a whole
# dependency another command uses (openpyxl writes workbooks; xmlschema gives detailed schema messages).
NEVER = {"dataclasses", "tempfile", "csv", "random", "tomllib", "openpyxl", "xmlschema", "pdfplumber",
         "string"}  # string: its Template pattern compiles at import (the rules' template check needs only its C parser)

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
import juesuan
sys.stderr.write("\\nEXIT " + json.dumps(code) + "\\nMODULES " + json.dumps(sorted(sys.modules))
                 + "\\nFROM " + json.dumps(juesuan.__file__) + "\\n")
"""


def _env() -> dict[str, str]:
    """The environment with PYTHONPATH made absolute: the command runs in a temporary folder, where a
    relative entry (PYTHONPATH=src) would silently point nowhere and test an installed juesuan instead."""
    env = dict(os.environ)
    if env.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) for p in env["PYTHONPATH"].split(os.pathsep) if p)
    return env


def loaded_by(args: list[str], cwd: Path) -> tuple[set[str], int, str]:
    """(modules loaded, exit status, stdout) of one command run in a fresh interpreter."""
    r = subprocess.run([sys.executable, "-c", RUN, json.dumps(args)], cwd=cwd, capture_output=True, text=True,
                       timeout=120, env=_env())
    line = [x for x in r.stderr.splitlines() if x.startswith("MODULES ")]
    code = [x for x in r.stderr.splitlines() if x.startswith("EXIT ")]
    where = [x for x in r.stderr.splitlines() if x.startswith("FROM ")]
    assert line and code and where, r.stderr
    # the package under test, not some other installed juesuan
    assert Path(json.loads(where[-1][len("FROM "):])).resolve().parent == SRC, where
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
    assert not (NEVER & mods), f"{case} loaded {sorted(NEVER & mods)}"
    # the cli package imports only the module of the command that runs (juesuan.cli.COMMANDS)
    own = "juesuan.cli.output" if case.startswith("diff") else "juesuan.cli.check"
    assert {m for m in mods if m.startswith("juesuan.cli")} == {"juesuan.cli", "juesuan.cli.common", own}
    if case == "convert-xlsx":
        assert (tmp_path / "o.xml").is_file()
        # the text, spaced and PDF readers and the differ are for other inputs and commands
        assert not {m for m in mods if m.startswith(("juesuan.readers.text", "juesuan.readers.spaced",
                                                      "juesuan.readers.pdf", "juesuan.diff", "juesuan.xbrl"))}
        assert "juesuan.loader" not in mods  # convert checks the instance it holds: no file is loaded
    else:
        assert not {m for m in mods if m.startswith(("juesuan.readers", "juesuan.excel", "juesuan.xbrl", "zipfile"))}
        assert "pathlib" not in mods  # 4-5 ms; reading instances and the taxonomy needs only os.path


def test_no_module_defines_a_dataclass_or_named_tuple():
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "dataclasses":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports dataclasses (use records.record)")
            if isinstance(node, ast.ClassDef) and any(getattr(b, "id", getattr(b, "attr", "")) == "NamedTuple"
                                                      for b in node.bases):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} typing.NamedTuple (use records.record)")
    assert not offenders, "\n".join(offenders)
