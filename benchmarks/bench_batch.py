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

This machine is shared and its speed drifts: the ratio, measured in the same run, and the CPU time per
report (user + system of the batch and its workers) are the robust numbers; the load average before
each run is printed so that a wall time taken on a busy machine can be read as such.
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


def run_measured(args: list[str], python: str | None = None) -> tuple[float, int, float]:
    """(wall seconds, peak summed RSS bytes, CPU seconds of the process and its workers) of one run;
    `python`: another interpreter with its own juesuan (a baseline such as main's venv)."""
    env = dict(os.environ) if python else dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    t = time.perf_counter()
    cmd = [python, "-m", "juesuan"] if python else JUESUAN
    proc = subprocess.Popen([*cmd, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    peak = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)  # rusage includes the reaped worker processes
        if pid:
            break
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.02)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"batch failed ({proc.returncode})")
    return wall, peak, usage.ru_utime + usage.ru_stime


def make(out: Path, *args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_batch_corpus.py"), str(out), *args], check=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--xlsx", type=int, default=500)
    ap.add_argument("--keep", default=None, help="make the corpora here and keep them (reused when present)")
    ap.add_argument("--baseline", default=None, metavar="PYTHON",
                    help="after each run, the same batch with this interpreter's juesuan (e.g. main's venv): "
                         "the CPU ratio measured in the same run")
    a = ap.parse_args()
    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="juesuan-bench-batch-"))
    try:
        corpus = work / f"instances-{a.reports}"
        if not corpus.exists():
            make(corpus, "--reports", str(a.reports), "--xlsx", "0", "--errors", str(a.reports // 50), "--unusable", "0")
        runs: dict[int, list[tuple[float, int, float]]] = {1: [], 2: []}
        for jobs in (2, 1, 2):
            out = work / f"out-{jobs}"
            shutil.rmtree(out, ignore_errors=True)
            load = os.getloadavg()[0]
            wall, peak, cpu = run_measured(["batch", str(corpus), "-o", str(out), "--jobs", str(jobs)])
            runs[jobs].append((wall, peak, cpu))
            print(f"  --jobs {jobs}: {wall:6.2f} s wall, {cpu:6.2f} s CPU ({cpu / a.reports * 1000:.2f} ms/report), "
                  f"peak {peak / 2**20:5.0f} MB  (load average before: {load:.1f} on {os.cpu_count()} CPUs)")
            if a.baseline:
                shutil.rmtree(out, ignore_errors=True)
                bw, bp, bc = run_measured(["batch", str(corpus), "-o", str(out), "--jobs", str(jobs)], a.baseline)
                print(f"    baseline: {bw:6.2f} s wall, {bc:6.2f} s CPU ({bc / a.reports * 1000:.2f} ms/report), "
                      f"peak {bp / 2**20:5.0f} MB  (CPU ratio baseline / this {bc / cpu:.2f})")
        (w2, m2, c2), (w1, m1, c1) = min(runs[2]), min(runs[1])
        target = 15 * a.reports / 10_000  # 15 s for 10,000
        ok = "met" if w2 <= target and max(r[1] for r in runs[2]) <= 300 * 2**20 else "MISSED"
        print(f"{a.reports} instances, --jobs 2: {w2:.2f} s ({w2 / a.reports * 1000:.2f} ms/report), peak "
              f"{max(r[1] for r in runs[2]) / 2**20:.0f} MB (targets ≤ {target:g} s, ≤ 300 MB: {ok}); "
              f"{c2 / a.reports * 1000:.2f} ms CPU/report, i.e. ≥ {c2 / 2:.1f} s on 2 idle cores")
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
            wall, peak, cpu = run_measured(["batch", str(books), "-o", str(out), "--jobs", "2"])
            print(f"{a.xlsx} xlsx workbooks converted and validated, --jobs 2: {wall:.2f} s, "
                  f"{wall / a.xlsx * 1000:.1f} ms/file wall, {cpu / a.xlsx * 1000:.1f} ms/file CPU, peak {peak / 2**20:.0f} MB")
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
