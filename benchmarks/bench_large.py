"""A large instance, whole process: validate, diff against itself and xlsx export of 100,000 and
200,000 facts, and of the 200,000 with one duplicate fact (issue 12: ≤ 5 s and ≤ 500 MB to validate,
≤ 6 s to diff, ≤ 20 s to export at 200,000 facts; 100,000 in about half).

    python benchmarks/bench_large.py [--facts 200000,100000] [--keep DIR]

The instance is generated: the example's header, then function-coded facts of every function-coded
concept over made-up 7-digit codes (valid for the XSD, unknown to the code list), so every
(concept, code) is distinct. Prints wall-clock seconds and peak memory (max RSS of the child) per
command, against the targets; the ratio to the target is the number to watch.
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


def generate(n: int, path: Path, duplicate: bool = False) -> None:
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
            lines.append(f'    <{c} code="{2000000 + i:07d}">{i % 9973}.{i % 100:02d}</{c}>\n')
            k += 1
    if duplicate:
        lines.append(lines[2])
    lines.append("  </facts>\n</report>\n")
    path.write_text("".join(lines), encoding="utf-8")


def run(args: list[str]) -> tuple[float, float, int]:
    """(seconds, peak MB of the child, exit status) of one `python -m juesuan ARGS` run."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    t = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "juesuan", *args], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(p.pid, 0)
    return time.perf_counter() - t, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--facts", default="200000,100000")
    ap.add_argument("--keep", default=None)
    a = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    folder = Path(a.keep or tmp.name)
    folder.mkdir(parents=True, exist_ok=True)
    ok = True
    cases = [(int(x), False) for x in a.facts.split(",")] + [(int(a.facts.split(",")[0]), True)]
    for n, dup in cases:
        p = folder / f"large-{n}{'-dup' if dup else ''}.xml"
        generate(n, p, dup)
        scale = n / 200000
        print(f"{n:,} facts{' + one duplicate' if dup else ''} ({p.stat().st_size / 1e6:.1f} MB)")
        cmds = {"validate": ["validate", str(p), "--format", "json"],
                "diff": ["diff", str(p), str(p), "--format", "json"],
                "export-xlsx": ["export", str(p), "--format", "xlsx", "-o", str(folder / "large.xlsx")]}
        for label, args in cmds.items():
            secs, mb, rc = run(args)
            limit, mem = TARGETS[label]
            limit *= scale if not dup else 1
            met = secs <= limit and (mem is None or mb <= mem)
            ok &= met
            print(f"  {label:12s} {secs:6.2f} s {mb:7.0f} MB  exit {rc}  target <= {limit:.1f} s"
                  f"{f', <= {mem} MB' if mem else ''}: {'OK' if met else 'MISSED'} (ratio {secs / limit:.2f})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
