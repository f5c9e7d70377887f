"""Whole-process timing shared by the start-up benchmarks (bench_convert_xlsx.py, bench_diff.py).

The commands are run round-robin: round 1 runs each once, then round 2, and so on. On a machine whose
speed drifts (a shared VM: the same CPU loop here takes 260-380 ms from one minute to the next) that
keeps the comparison between commands fair, where running one command N times and then the next would
measure the drift. Every command is run once first to warm the OS file cache and the bytecode cache.

Two reference commands make the numbers readable on any machine:
  - `python -c pass`: the interpreter's own start-up;
  - `python -c "import click, lxml.etree, decimal, json"`: what any click CLI that parses XML with lxml
    pays before doing anything. What a juesuan command costs above that is juesuan's own share: its
    imports and its work.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON_ONLY = ("-c", "pass")
FLOOR = ("-c", "import click, lxml.etree, decimal, json")


@dataclass
class Timing:
    label: str
    wall: list[float]
    cpu: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def fastest(self) -> float:
        return min(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


def bytecode_env(no_bytecode: bool = False) -> tuple[dict, str, tempfile.TemporaryDirectory]:
    """The environment of the runs: bytecode cached in a temporary folder (as an installed package has
    it; a sandbox may set PYTHONDONTWRITEBYTECODE=1, which would recompile every module every run)."""
    env = dict(os.environ)
    tmp = tempfile.TemporaryDirectory()
    if no_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        return env, "no bytecode cache: every module compiled on every run", tmp
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = tmp.name
    return env, "bytecode cached, as installed", tmp


def interleaved(commands: dict[str, tuple[str, ...]], rounds: int, env: dict,
                ok_codes: tuple[int, ...] = (0, 1)) -> dict[str, Timing]:
    """Run each `python ARGS...` once per round, round-robin; wall-clock and CPU (user+sys) in ms."""
    out = {label: Timing(label, [], []) for label in commands}
    for warm in range(rounds + 1):
        for label, args in commands.items():
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            rc = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL).returncode
            wall = (time.perf_counter() - t) * 1000
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            if rc not in ok_codes:
                raise SystemExit(f"python {' '.join(args)} exited {rc}")
            if warm:
                out[label].wall.append(wall)
                out[label].cpu.append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000)
    return out


def report(timings: dict[str, Timing], targets: dict[str, float], how: str) -> bool:
    """Print one line per command; True when every target is met (median wall-clock)."""
    rounds = len(next(iter(timings.values())).wall)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"whole process, {rounds} interleaved rounds ({how}; load average {load:.2f} on {os.cpu_count()} CPUs)")
    print(f"  {'':44s} {'median':>8s} {'fastest':>8s} {'cpu':>8s}")
    floor = timings.get("floor")
    ok = True
    for label, t in timings.items():
        line = f"  {label:44s} {t.median:7.1f}ms {t.fastest:7.1f}ms {t.cpu_median:7.1f}ms"
        if floor is not None and label not in ("python", "floor"):
            line += f"   juesuan's own share {t.median - floor.median:5.1f} ms"
        if label in targets:
            met = t.median <= targets[label]
            ok &= met
            line += f"   target <= {targets[label]:.0f} ms: {'OK' if met else 'MISSED'} (ratio {t.median / targets[label]:.2f})"
        print(line)
    print("  python = `python -c pass`; floor = `python -c \"import click, lxml.etree, decimal, json\"`, "
          "what any click + lxml command pays first\n  (both include the interpreter's teardown at exit, "
          "which the juesuan command skips: its share can be below zero)")
    return ok
