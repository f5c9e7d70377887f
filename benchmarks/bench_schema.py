"""XSD validation time per instance for the example, lxml and xmlschema, in-process.

    python benchmarks/bench_schema.py [N]

Prints milliseconds per validation and the ratio xmlschema/lxml, measured in the same process.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from juesuan.schema import validate_lxml, validate_xmlschema, lxml_schema, xmlschema_schema  # noqa: E402
from juesuan.xmlio import load_tree  # noqa: E402


def per_call_ms(fn, n: int) -> float:
    fn()  # warm up (schema compiled and cached)
    t = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t) * 1000 / n


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    example = ROOT / "examples" / "liling-2021.xml"
    t = time.perf_counter(); lxml_schema(); c1 = (time.perf_counter() - t) * 1000
    t = time.perf_counter(); xmlschema_schema(); c2 = (time.perf_counter() - t) * 1000
    tree = load_tree(example)
    a = per_call_ms(lambda: validate_lxml(tree), n)
    b = per_call_ms(lambda: validate_xmlschema(tree), max(10, n // 10))
    parse = per_call_ms(lambda: load_tree(example), n)
    print(f"example: {example.name} ({example.stat().st_size:,} bytes)")
    print(f"schema compile: lxml {c1:.1f} ms, xmlschema {c2:.1f} ms (once per process)")
    print(f"parse (hardened):        {parse:8.3f} ms/instance")
    print(f"validate lxml:           {a:8.3f} ms/instance")
    print(f"validate xmlschema:      {b:8.3f} ms/instance")
    print(f"ratio xmlschema/lxml:    {b / a:8.1f}x")


if __name__ == "__main__":
    main()
