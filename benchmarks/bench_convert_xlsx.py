"""Whole-process time of converting the example workbook, and the floors under it.

    python benchmarks/bench_convert_xlsx.py [--runs 9]

Prints the median wall time of
  - `python -c pass` (interpreter start-up),
  - `python -m juesuan --help` (CLI start-up: click and the lazy imports),
  - `python -m juesuan convert examples/liling-2021.xlsx -o …` (the whole job; target <= 150 ms),
and, in-process, the time of our reader (juesuan.excel.xlsx.open_workbook, read_workbook) next to
openpyxl's (import, then load_workbook normal / read_only / data_only) on the same file, so the floor
an openpyxl-based reader would stand on is visible.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = ROOT / "examples" / "liling-2021.xlsx"
TARGET_MS = 150


# An installed package has its bytecode compiled (pip does that); measure the same way even when the
# environment sets PYTHONDONTWRITEBYTECODE (the first, warm-up run then writes __pycache__).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _run(cmd: list[str]) -> None:
    # exit 1 is a converted report with error findings (the example has real ones); 2 is a failure
    rc = subprocess.run(cmd, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    if rc not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {rc}")


def wall(cmd: list[str], runs: int) -> tuple[float, float]:
    """(median, min) wall time in ms of running cmd as a fresh process."""
    _run(cmd)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        _run(cmd)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000, min(times) * 1000


def inproc(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "out.xml")
        base = wall([py, "-c", "pass"], args.runs)
        helpt = wall([py, "-m", "juesuan", "--help"], args.runs)
        conv = wall([py, "-m", "juesuan", "convert", str(WORKBOOK), "-o", out], args.runs)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{args.runs} runs each, median (min); load average {load:.2f} on {os.cpu_count()} CPUs")
    print(f"python -c pass                      {base[0]:7.1f} ms ({base[1]:.1f})")
    print(f"python -m juesuan --help            {helpt[0]:7.1f} ms ({helpt[1]:.1f})")
    print(f"python -m juesuan convert (xlsx)    {conv[0]:7.1f} ms ({conv[1]:.1f})   target <= {TARGET_MS} ms: "
          f"{'OK' if conv[0] <= TARGET_MS else 'MISSED'} (ratio {conv[0] / TARGET_MS:.2f})")

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
        float(subprocess.run([py, "-c", code], env=ENV, capture_output=True, text=True, check=True).stdout) for _ in range(args.runs))
    print(f"openpyxl import (fresh process)     {imp:7.1f} ms")
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        return 0
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
