"""Whole-process speed and memory of `juesuan batch`.

    python benchmarks/bench_batch.py [--reports 10000] [--xlsx 500] [--keep DIR]

1. Makes ``--reports`` seed-sized instances (benchmarks/make_batch_corpus.py: the example's 118 facts,
   varied figures, 2 % with a wrong figure) and runs ``juesuan batch --jobs 2`` and ``--jobs 1`` on them,
   interleaved (2, 1, 2), as whole processes. Prints the best wall time of each, the ratio, and the
   peak memory of all the processes together (the sum of every process's resident set, sampled every
   20 ms; shared pages are counted once per process, so this over-counts). Targets: ≤ 15 s and
   ≤ 300 MB for 10,000 with --jobs 2, ratio ≥ 1.7.
2. Makes ``--xlsx`` workbooks (the filled Excel template) and runs ``batch --jobs 2`` on them: wall
   time, per-file figure, peak memory.

This machine is shared and its speed drifts: the ratio, measured in the same run, is the robust number.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JUESUAN = [sys.executable, "-m", "juesuan"]


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (from /proc)."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack.extend(int(x) for x in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


def run_measured(args: list[str]) -> tuple[float, int, int]:
    """(wall seconds, peak summed RSS bytes, exit code) of one whole process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    t = time.perf_counter()
    proc = subprocess.Popen([*JUESUAN, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.02)
    wall = time.perf_counter() - t
    err = proc.stderr.read().decode()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"batch failed ({proc.returncode}): {err}")
    return wall, peak, proc.returncode


def make(out: Path, *args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_batch_corpus.py"), str(out), *args], check=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--xlsx", type=int, default=500)
    ap.add_argument("--keep", default=None, help="make the corpora here and keep them (reused when present)")
    a = ap.parse_args()
    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="juesuan-bench-batch-"))
    try:
        corpus = work / f"instances-{a.reports}"
        if not corpus.exists():
            make(corpus, "--reports", str(a.reports), "--xlsx", "0", "--errors", str(a.reports // 50), "--unusable", "0")
        runs: dict[int, list[tuple[float, int]]] = {1: [], 2: []}
        for jobs in (2, 1, 2):
            out = work / f"out-{jobs}"
            shutil.rmtree(out, ignore_errors=True)
            wall, peak, _ = run_measured(["batch", str(corpus), "-o", str(out), "--jobs", str(jobs)])
            runs[jobs].append((wall, peak))
            print(f"  --jobs {jobs}: {wall:6.2f} s, peak {peak / 2**20:5.0f} MB")
        (w2, m2), (w1, m1) = min(runs[2]), min(runs[1])
        ok = "met" if w2 <= 15 and max(p for _, p in runs[2]) <= 300 * 2**20 else "MISSED"
        print(f"{a.reports} instances, --jobs 2: {w2:.2f} s ({w2 / a.reports * 1000:.2f} ms/report), peak "
              f"{max(p for _, p in runs[2]) / 2**20:.0f} MB (targets ≤ 15 s, ≤ 300 MB: {ok})")
        ratio = w1 / w2
        print(f"--jobs 1: {w1:.2f} s, peak {m1 / 2**20:.0f} MB; ratio --jobs 1 / --jobs 2 = {ratio:.2f}x "
              f"(target ≥ 1.7x: {'met' if ratio >= 1.7 else 'MISSED'})")

        books = work / f"xlsx-{a.xlsx}"
        if a.xlsx:
            if not books.exists():
                make(books, "--reports", str(a.xlsx), "--xlsx", str(a.xlsx), "--errors", "0", "--unusable", "0",
                     "--years", "1")
            out = work / "out-xlsx"
            shutil.rmtree(out, ignore_errors=True)
            wall, peak, _ = run_measured(["batch", str(books), "-o", str(out), "--jobs", "2"])
            print(f"{a.xlsx} xlsx workbooks converted and validated, --jobs 2: {wall:.2f} s, "
                  f"{wall / a.xlsx * 1000:.1f} ms/file, peak {peak / 2**20:.0f} MB")
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
