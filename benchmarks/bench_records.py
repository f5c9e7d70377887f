"""What `juesuan.records.record` saves against `dataclasses.dataclass`, and what it costs per object.

    python benchmarks/bench_records.py [--classes 200] [--objects 100000]

Defines the same frozen six-field class (like `model.Fact`: two fields not compared) many times with
each decorator and prints the mean time to define it and make its first object, then the per-object
cost of construction, equality, hashing and repr. Start-up is what `record` is for (some thirty
classes load on every command), so the definition ratio is the number that matters; the per-object
ratios show nothing got slower where the 10,000-fact diff spends its time.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from juesuan.records import field, record  # noqa: E402

SOURCE = '''
@deco(frozen=True)
class Fact{i}:
    """A fact."""
    concept: str
    code: str | None
    value: int
    location: object = fld(default=None, compare=False)
    decimals: int = 2
    origin: str = fld(default="", compare=False)
'''


def define(deco, fld, n: int) -> tuple[float, type]:
    codes = [compile("from __future__ import annotations\n" + SOURCE.format(i=i), "<bench>", "exec") for i in range(n)]
    ns: dict = {"deco": deco, "fld": fld}
    t = time.perf_counter()
    for i, c in enumerate(codes):
        exec(c, ns)  # noqa: S102 - the benchmark's own class text
        ns[f"Fact{i}"]("IncTotal", "", 0)  # the first object: record compiles the class's __init__ then
    return (time.perf_counter() - t) / n * 1000, ns["Fact0"]


def per_object(cls: type, n: int) -> dict[str, float]:
    out = {}
    t = time.perf_counter()
    objs = [cls("IncTotal", str(i), i, origin="S!E9") for i in range(n)]
    out["construct"] = time.perf_counter() - t
    other = [cls("IncTotal", str(i), i) for i in range(n)]
    t = time.perf_counter()
    assert all(a == b for a, b in zip(objs, other))
    out["equal"] = time.perf_counter() - t
    t = time.perf_counter()
    assert len({*objs, *other}) == n
    out["hash (set of 2n)"] = time.perf_counter() - t
    t = time.perf_counter()
    for o in objs[: n // 10]:
        repr(o)
    out["repr (n/10)"] = time.perf_counter() - t
    return {k: v / n * 1e6 for k, v in out.items()}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--classes", type=int, default=200)
    ap.add_argument("--objects", type=int, default=100_000)
    args = ap.parse_args()
    d_ms, d_cls = define(dataclasses.dataclass, dataclasses.field, args.classes)
    r_ms, r_cls = define(record, field, args.classes)
    print(f"define a frozen 6-field class and make its first object ({args.classes} times, mean):")
    print(f"  dataclasses.dataclass  {d_ms:6.3f} ms")
    print(f"  juesuan record         {r_ms:6.3f} ms   ratio {r_ms / d_ms:.2f} (lower is better)")
    d_obj, r_obj = per_object(d_cls, args.objects), per_object(r_cls, args.objects)
    print(f"per object ({args.objects} objects), microseconds:")
    for k in d_obj:
        print(f"  {k:18} dataclass {d_obj[k]:6.3f}   record {r_obj[k]:6.3f}   ratio {r_obj[k] / d_obj[k]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
