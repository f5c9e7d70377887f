"""A large instance, whole process: validate, diff against itself and xlsx export of 100,000 and
200,000 facts, and of the 200,000 with one duplicate fact (issue 12: ≤ 5 s and ≤ 500 MB to validate,
≤ 6 s to diff, ≤ 20 s to export at 200,000 facts; 100,000 in about half).

    python benchmarks/bench_large.py [--facts 200000,100000] [--keep DIR]

The instance is generated: the example's header, then function-coded facts of every function-coded
concept over made-up 7-digit codes (valid for the XSD, unknown to the code list), so every
(concept, code) is distinct. Prints wall-clock seconds and peak memory (max RSS of the child) per
command, against the targets; the ratio to the target is the number to watch. On a shared machine
wall time is the machine's: the CPU time (user + system) is printed too, and `--baseline PYTHON` runs
every command with another juesuan (main's venv) right after, for a ratio measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

TARGETS = {"validate": (5.0, 500), "diff": (6.0, None), "export-xlsx": (20.0, None)}


def generate(n: int, path: Path, duplicate: bool = False, varied: bool = False) -> None:
    """n facts; amounts 0.00 (every rule holds: no findings) or, varied, made-up amounts (every code
    row breaks its row sums: some 8 % of the facts give a rule finding)."""
    from juesuan.taxonomy import load_taxonomy

    tax = load_taxonomy()
    concepts = [c.id for c in tax.concepts.values() if c.dim == "function"]
    head = (ROOT / "examples" / "liling-2021.xml").read_text("utf-8").split("<facts>")[0]
    lines = [head, "<facts>\n"]
    per = -(-n // len(concepts))
    k = 0
    for c in concepts:
        for i in range(per):
            if k == n:
                break
            value = f"{i % 9973}.{i % 100:02d}" if varied else "0.00"
            lines.append(f'    <{c} code="{2000000 + i:07d}">{value}</{c}>\n')
            k += 1
    if duplicate:
        lines.append(lines[2])
    lines.append("  </facts>\n</report>\n")
    path.write_text("".join(lines), encoding="utf-8")


def run(args: list[str], python: str | None = None) -> tuple[float, float, int, float]:
    """(seconds, peak MB of the child, exit status, CPU seconds user + system) of one
    `python -m juesuan ARGS` run; `python`: another interpreter with its own juesuan (a baseline)."""
    env = dict(os.environ) if python else dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    t = time.perf_counter()
    p = subprocess.Popen([python or sys.executable, "-m", "juesuan", *args], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(p.pid, 0)
    return (time.perf_counter() - t, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status),
            usage.ru_utime + usage.ru_stime)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--facts", default="200000,100000")
    ap.add_argument("--keep", default=None)
    ap.add_argument("--only", default=None, help="comma-separated commands (validate,diff,export-xlsx)")
    ap.add_argument("--baseline", default=None, metavar="PYTHON",
                    help="also run each command with this interpreter's juesuan (e.g. main's venv), right "
                         "after ours: on a shared machine the CPU ratio measured in the same run is the number")
    a = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    folder = Path(a.keep or tmp.name)
    folder.mkdir(parents=True, exist_ok=True)
    ok = True
    first = int(a.facts.split(",")[0])
    cases = [(int(x), False, False) for x in a.facts.split(",")] + [(first, True, False), (first, False, True)]
    for n, dup, varied in cases:
        p = folder / f"large-{n}{'-dup' if dup else ''}{'-varied' if varied else ''}.xml"
        generate(n, p, dup, varied)
        scale = n / 200000
        what = " + one duplicate" if dup else " with made-up amounts (rule findings)" if varied else ", amounts 0.00"
        print(f"{n:,} facts{what} ({p.stat().st_size / 1e6:.1f} MB)")
        cmds = {"validate": ["validate", str(p)],
                "diff": ["diff", str(p), str(p)],
                "export-xlsx": ["export", str(p), "--format", "xlsx", "-o", str(folder / "large.xlsx")]}
        for label, args in cmds.items():
            if a.only and label not in a.only.split(","):
                continue
            secs, mb, rc, cpu = run(args)
            limit, mem = TARGETS[label]
            limit *= scale
            met = secs <= limit and (mem is None or mb <= mem)
            ok &= met
            print(f"  {label:12s} {secs:6.2f} s wall {cpu:6.2f} s CPU {mb:7.0f} MB  exit {rc}  target <= {limit:.1f} s"
                  f"{f', <= {mem} MB' if mem else ''}: {'OK' if met else 'MISSED'} (ratio {secs / limit:.2f}; "
                  f"load average {os.getloadavg()[0]:.1f})")
            if a.baseline:
                bs, bmb, brc, bcpu = run(args, a.baseline)
                print(f"  {'  baseline':12s} {bs:6.2f} s wall {bcpu:6.2f} s CPU {bmb:7.0f} MB  exit {brc}  "
                      f"(CPU ratio baseline / this {bcpu / cpu:.2f}, memory {bmb / mb:.2f})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
