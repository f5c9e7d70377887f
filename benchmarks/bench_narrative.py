"""What the narrative checks add to an in-process `juesuan validate` of the reference example.

    python benchmarks/bench_narrative.py [N]

Runs validate_file on examples/liling-2021.xml (schema, table rules, and the narrative checks of its
13 blocks) and the same with the narrative checks switched off, round by round, and prints both and
the difference (target: ≤ 1 ms). Claim extraction is cached per block text, so the difference is
the checks proper; the one-off cost of the first extraction is printed apart.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import juesuan.narrative as narrative  # noqa: E402
from juesuan.validate import validate_file  # noqa: E402
from juesuan.xmlio import load_instance  # noqa: E402

TARGET_MS = 1.0


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    example = ROOT / "examples" / "liling-2021.xml"
    from juesuan.narrative.checks import _CACHE, check_narrative

    inst = load_instance(example)
    t = time.perf_counter()
    check_narrative(inst)
    first = (time.perf_counter() - t) * 1000
    real = narrative.run_checks
    off = lambda *a, **k: []  # noqa: E731
    with_, without = [], []
    for _ in range(25):  # many short interleaved rounds, best of each: the machine is shared
        for fn, out in ((real, with_), (off, without)):
            narrative.run_checks = fn
            t = time.perf_counter()
            for _ in range(n):
                validate_file(example)
            out.append((time.perf_counter() - t) * 1000 / n)
    narrative.run_checks = real
    a, b = min(with_), min(without)
    runs = []
    for _ in range(25):
        t = time.perf_counter()
        for _ in range(n):
            real(inst)
        runs.append((time.perf_counter() - t) * 1000 / n)
    alone = min(runs)
    print(f"example: {example.name} ({len(inst.narrative)} narrative blocks, {len(_CACHE)} cached)")
    print(f"first extraction and check (one-off): {first:.2f} ms")
    print(f"validate without narrative checks: {b:.3f} ms   with: {a:.3f} ms")
    print(f"narrative checks add {a - b:.3f} ms per validate (the difference of two noisy timings); "
          f"run_checks alone on the loaded instance {alone:.3f} ms")
    print(f"target <= {TARGET_MS:.1f} ms: {'met' if max(a - b, alone) <= TARGET_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
