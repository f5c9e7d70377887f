"""Whole-process time of converting the example workbook, and the floors under it.

    python benchmarks/bench_convert_xlsx.py [--runs 15] [--no-bytecode]

Runs, interleaved round by round (see wholeprocess.py), `python -c pass`, the click + lxml floor,
`python -m juesuan --help` and `python -m juesuan convert examples/liling-2021.xlsx -o ...` (the
whole job; target <= 150 ms median, issue 4), then, in-process, the time of our reader
(juesuan.excel.xlsx.open_workbook, read_workbook) next to openpyxl's (import, then load_workbook
normal / read_only / data_only) on the same file, so the floor an openpyxl-based reader would stand on
is visible. Exit status 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from wholeprocess import FLOOR, PYTHON_ONLY, ROOT, bytecode_env, interleaved, report  # noqa: E402

WORKBOOK = ROOT / "examples" / "liling-2021.xlsx"
TARGET_MS = 150


def inproc(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--no-bytecode", action="store_true")
    args = ap.parse_args()
    py = sys.executable
    env, how, cache = bytecode_env(args.no_bytecode)
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "out.xml")
        label = "juesuan convert liling-2021.xlsx -o out.xml"
        timings = interleaved({
            "python": PYTHON_ONLY,
            "floor": FLOOR,
            "juesuan --help": ("-m", "juesuan", "--help"),
            label: ("-m", "juesuan", "convert", str(WORKBOOK), "-o", out),
        }, args.runs, env)
    cache.cleanup()
    met = report(timings, {label: TARGET_MS}, how)
    ENV = env

    sys.path.insert(0, str(ROOT / "src"))
    from juesuan.excel.xlsx import open_workbook
    from juesuan.readers.excel import read_workbook
    from juesuan.taxonomy import load_taxonomy

    load_taxonomy()
    ours_open = inproc(lambda: open_workbook(WORKBOOK), args.runs)
    ours_read = inproc(lambda: read_workbook(WORKBOOK), args.runs)
    print(f"in-process: our reader, cells only  {ours_open:7.1f} ms")
    print(f"in-process: read_workbook (facts)   {ours_read:7.1f} ms")
    code = "import time; t=time.perf_counter(); import openpyxl; print((time.perf_counter()-t)*1000)"
    imp = statistics.median(
        float(subprocess.run([py, "-c", code], env=ENV, capture_output=True, text=True, check=True).stdout) for _ in range(5))
    print(f"openpyxl import (fresh process)     {imp:7.1f} ms")
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        return 0 if met else 1
    normal = inproc(lambda: openpyxl.load_workbook(WORKBOOK), args.runs)
    data_only = inproc(lambda: openpyxl.load_workbook(WORKBOOK, data_only=True), args.runs)

    def ro():
        wb = openpyxl.load_workbook(WORKBOOK, read_only=True, data_only=True)
        for ws in wb.worksheets:
            for _ in ws.iter_rows(values_only=True):
                pass
        wb.close()

    read_only = inproc(ro, args.runs)
    print(f"openpyxl load_workbook normal       {normal:7.1f} ms")
    print(f"openpyxl load_workbook data_only    {data_only:7.1f} ms")
    print(f"openpyxl read_only + iterate rows   {read_only:7.1f} ms")
    print(f"(an openpyxl-based reader would start at import + load: ~{imp + min(normal, read_only):.0f} ms "
          f"before any matching; ours reads the cells in {ours_open:.0f} ms)")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
