"""Layout-spaced text gridding (readers/text.layout_grid) and whole-file conversion stay linear.

    python benchmarks/bench_layout_grid.py

Measures layout_grid on 10k and 20k amount tokens (lines of 8) and on one line of N and 2N amounts
(the largest ≈ 1.2 MB), and prints each time with its ratio to the half-size run measured in the
same process (linear: about 2.0; the quadratic version was about 4, and minutes on the 1.2 MB
line). Then converts a text file holding that 1.2 MB line in a table region, whole process
(issue 12 target: ≤ 5 s), and prints the time.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from juesuan.readers.text import layout_grid, line_rows  # noqa: E402


def _lines(n: int) -> str:
    toks = [f"{i % 9973}.{i % 100:02d}" for i in range(n)]
    return "\n".join("    ".join(toks[i:i + 8]) for i in range(0, n, 8))


def _one_line(n: int) -> str:
    return "   ".join(f"{i}.00" for i in range(n))


def _time(text: str) -> float:
    rows = line_rows(text)
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        layout_grid(rows)
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    for label, make, n in (("tokens on lines of 8", _lines, 10_000), ("amounts on one line", _one_line, 55_000)):
        small, big = _time(make(n)), _time(make(2 * n))
        print(f"layout_grid, {label}: {n:,} {small * 1000:.0f} ms, {2 * n:,} {big * 1000:.0f} ms, "
              f"ratio {big / small:.2f} (linear ≈ 2)")
    line = _one_line(110_000)
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "big.txt"
        src.write_text("某单位2021年度部门决算\n收入决算表\n单位：万元\n项目    本年收入合计    财政拨款收入\n合计    "
                       + line + "\n", encoding="utf-8")
        t = time.perf_counter()
        res = subprocess.run([sys.executable, "-m", "juesuan", "convert", str(src), "-o", str(Path(d) / "o.xml"),
                              "--format", "json"], capture_output=True, text=True, cwd=ROOT)
        elapsed = time.perf_counter() - t
    print(f"convert, one {len(line) / 1e6:.2f} MB line of amounts, whole process: {elapsed:.2f} s "
          f"(target ≤ 5 s, ratio {elapsed / 5:.2f}), exit {res.returncode}")


if __name__ == "__main__":
    main()
