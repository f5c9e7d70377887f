"""The PDF conversion's cost in instructions executed (valgrind's callgrind), beside bench_pdf.py's times.

    python benchmarks/bench_pdf_instructions.py [--old] [PDF]

On a shared VM wall-clock times drift by half from one minute to the next (bench_pdf.py takes the
best of several rounds for that); the number of instructions a command executes does not: two runs
agree to 0.1 %, so a change of 1 % is seen in one run. It is a proxy, not the target: an instruction
of Python's interpreter and one of PDFium's inflate do not cost the same time (this conversion's
ratio to the floor has read 2.75 in instructions when its wall-clock ratio read 2.2 to 2.8).

Each command runs once to write its bytecode (to a temporary cache, as an installed package has
it), then once under `valgrind --tool=callgrind`, with PYTHONHASHSEED=0 so that set and dict orders
are the same in every run:

  - python   `python -c pass`;
  - floor    bench_pdf.py's floor: pypdfium2's bindings imported, the document opened, every page's
             characters read (code and box);
  - imports  the modules `juesuan convert` of a PDF imports, imported and nothing done;
  - new      `juesuan convert PDF -o OUT`;
  - old      with --old: the pdfplumber reader it replaced (tests/pdfplumber_reader.py; ~2 minutes).

Printed: millions of instructions per command, and new / floor. Needs valgrind (`apt install valgrind`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.bench_pdf import FLOOR, PUTUO  # noqa: E402

IMPORTS = ("import juesuan.cli, juesuan.cli.check, juesuan.convert, juesuan.readers.pdf, juesuan.readers.pdfpages, "
           "juesuan.xmlio, juesuan.schema, juesuan.validate, juesuan.narrative.checks")


def instructions(args: list[str], env: dict) -> int:
    """Instructions executed by `python ARGS...` (callgrind's total), after one run to warm the caches."""
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    res = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, *args],
                         cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    found = re.search(r"Collected\s*:\s*(\d+)", res.stderr)
    if found is None:
        raise SystemExit(f"valgrind printed no count for python {' '.join(args)[:80]}: {res.stderr[-300:]}")
    return int(found.group(1))


def main() -> None:
    argv = sys.argv[1:]
    old = "--old" in argv
    rest = [a for a in argv if a != "--old"]
    pdf = Path(rest[0]) if rest else PUTUO
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt install valgrind)")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPYCACHEPREFIX=str(Path(tmp) / "pyc"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        out = str(Path(tmp) / "out.xml")
        cmds = {
            "python": ["-c", "pass"],
            "floor": ["-c", FLOOR, str(pdf)],
            "imports": ["-c", IMPORTS],
            "new": ["-m", "juesuan", "convert", str(pdf), "-o", out],
        }
        if old:
            cmds["old"] = ["-m", "tests.pdfplumber_reader", "convert", str(pdf), "-o", out]
        print(f"{pdf.name}: instructions executed (millions), callgrind")
        got = {}
        for label, args in cmds.items():
            got[label] = instructions(args, env)
            print(f"  {label:8s} {got[label] / 1e6:8.0f}M")
    print(f"  new / floor = {got['new'] / got['floor']:.2f}; new above the imports = {(got['new'] - got['imports']) / 1e6:.0f}M")
    if old:
        print(f"  old / new = {got['old'] / got['new']:.2f}")


if __name__ == "__main__":
    main()
