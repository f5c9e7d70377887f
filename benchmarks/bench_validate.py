"""Milliseconds per instance for `juesuan validate` (schema + all table rules), in-process.

    python benchmarks/bench_validate.py [N]

Measures on the example (examples/liling-2021.xml): the whole of validate_file (read, hardened
parse, XSD via lxml, instance model, every rule of the catalogue) and its parts. Target: ≤ 5 ms per
instance for the whole. One-off costs (taxonomy, XSD compilation, rule catalogue) are paid once per
process and printed separately.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from juesuan.checks import check_instance, load_rules, rules_for_layout  # noqa: E402
from juesuan.schema import lxml_schema, validate_lxml  # noqa: E402
from juesuan.taxonomy import load_taxonomy  # noqa: E402
from juesuan.validate import validate_file  # noqa: E402
from juesuan.xmlio import instance_from_tree, load_tree  # noqa: E402

TARGET_MS = 5.0


def per_call_ms(fn, n: int) -> float:
    fn()  # warm up
    best = float("inf")
    for _ in range(3):  # best of three rounds: the machine is shared
        t = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t) * 1000 / n)
    return best


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    example = ROOT / "examples" / "liling-2021.xml"
    t = time.perf_counter()
    tax = load_taxonomy()
    lxml_schema()
    rules = load_rules()
    rules_for_layout(tax.id, "2021-hunan")
    once = (time.perf_counter() - t) * 1000

    tree = load_tree(example)
    inst = instance_from_tree(tree, str(example))
    total = per_call_ms(lambda: validate_file(example), n)
    parse = per_call_ms(lambda: load_tree(example), n)
    schema = per_call_ms(lambda: validate_lxml(tree), n)
    model = per_call_ms(lambda: instance_from_tree(tree, str(example)), n)
    checks = per_call_ms(lambda: list(check_instance(inst)), n)
    findings = len(validate_file(example))

    print(f"example: {example.name} ({example.stat().st_size:,} bytes, {len(inst.facts)} facts, "
          f"{len(rules)} rules, {findings} findings)")
    print(f"one-off per process (taxonomy, XSD, rule catalogue): {once:8.1f} ms")
    print(f"  read + hardened parse:   {parse:8.3f} ms/instance")
    print(f"  XSD (lxml):              {schema:8.3f} ms/instance")
    print(f"  instance model:          {model:8.3f} ms/instance")
    print(f"  table rules:             {checks:8.3f} ms/instance")
    print(f"validate (schema + rules): {total:8.3f} ms/instance  (target ≤ {TARGET_MS:.0f} ms: "
          f"{'met' if total <= TARGET_MS else 'MISSED'}, {total / TARGET_MS:.2f}x of target)")


if __name__ == "__main__":
    main()
