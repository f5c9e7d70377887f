"""Whole-process conversion time: `juesuan convert` in a fresh interpreter, as a user runs it.

    python benchmarks/bench_convert_text.py [RUNS]

Converts the reference text (../shared/reference/liling-grid-center-2021-final-accounts.txt), the
layout-spaced and plain re-typings of it (tests/fixtures/) and the 25-page 2024 Putuo PDF
(../shared/corpus/2024-shanghai-putuo-finance-bureau.pdf), each RUNS times (default 5), and
prints the median wall time and its ratio to the target (reference text <= 300 ms, PDF <= 3 s).
The times include interpreter start-up, imports, reading, matching, schema validation, the
checks and writing the instance.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CASES = [
    ("reference text (tab-separated)", SHARED / "reference" / "liling-grid-center-2021-final-accounts.txt", 0.300),
    ("re-typed, layout-spaced", ROOT / "tests" / "fixtures" / "liling-2021-layout.txt", 0.300),
    ("re-typed, plain extract_text()", ROOT / "tests" / "fixtures" / "liling-2021-plain.txt", 0.300),
    ("Putuo 2024 PDF, 25 pages", SHARED / "corpus" / "2024-shanghai-putuo-finance-bureau.pdf", 3.0),
]


def run_once(src: Path, out: Path) -> float:
    t = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "juesuan", "convert", str(src), "-o", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - t
    if res.returncode not in (0, 1):
        raise SystemExit(f"convert failed ({res.returncode}): {res.stderr.strip()}")
    return elapsed


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.xml"
        baseline = statistics.median(
            _time([sys.executable, "-c", "pass"]) for _ in range(runs))
        print(f"python start-up alone: {baseline * 1000:.0f} ms (median of {runs})")
        for name, src, target in CASES:
            if not src.exists():
                print(f"{name}: {src} missing, skipped")
                continue
            run_once(src, out)  # warm the file cache
            times = [run_once(src, out) for _ in range(runs)]
            med = statistics.median(times)
            verdict = "ok" if med <= target else "SLOW"
            print(f"{name}: median {med * 1000:.0f} ms over {runs} runs (min {min(times) * 1000:.0f}, "
                  f"max {max(times) * 1000:.0f}); target {target * 1000:.0f} ms, ratio {med / target:.2f} {verdict}")


def _time(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, capture_output=True)
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
