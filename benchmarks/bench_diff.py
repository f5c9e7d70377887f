"""Differ speed: the example pair as a whole process, and two synthetic 10,000-fact instances in-process.

    python benchmarks/bench_diff.py [RUNS] [--no-bytecode]

Targets (issue 6): the example pair <= 100 ms whole process (`python -m juesuan diff OLD NEW`, median
of RUNS interleaved rounds, see wholeprocess.py), both the draft-final pair and the year-over-year pair;
two synthetic 10,000-fact instances <= 1 s in-process (read both files, compare, render JSON). For
context it also runs bare Python, the click + lxml floor, `juesuan --help` and `juesuan facts` (the
foundation's own command on the same example). Exit status 1 when a target is missed.

Whole-process runs use a bytecode cache (PYTHONPYCACHEPREFIX in a temporary folder, warmed by one run)
as any installed package has; a sandbox that sets PYTHONDONTWRITEBYTECODE=1 otherwise recompiles every
module on every run. `--no-bytecode` measures that case instead.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from juesuan.diff import compare, render  # noqa: E402
from juesuan.loader import load_valid  # noqa: E402
from juesuan.model import Fact, Header, Instance  # noqa: E402
from juesuan.xmlio import save_instance  # noqa: E402
from wholeprocess import FLOOR, PYTHON_ONLY, bytecode_env, interleaved, report  # noqa: E402

EX = ROOT / "examples"
FUNCTION_CONCEPTS = (
    "IncTotal", "IncGrant", "IncSuperiorSubsidy", "IncService", "IncOperating", "IncAffiliatedRemittance", "IncOther",
    "ExpTotal", "ExpBasic", "ExpProject", "ExpRemitSuperior", "ExpOperating", "ExpSubsidyAffiliated",
    "GpbExpTotal", "GpbExpBasic", "GpbExpProject",
    "FundOpening", "FundIncome", "FundExpTotal", "FundExpBasic", "FundExpProject", "FundClosing",
    "SoeOpening", "SoeIncome", "SoeExpTotal", "SoeExpBasic", "SoeExpProject", "SoeClosing",
)


def function_codes(n: int) -> list[str]:
    """n distinct function codes: 类 201.., each with 款 and 项 below it (3/5/7 digits)."""
    out = []
    for cls in range(201, 300):
        out.append(str(cls))
        for kuan in range(1, 10):
            out.append(f"{cls}{kuan:02d}")
            for xiang in range(1, 10):
                out.append(f"{cls}{kuan:02d}{xiang:02d}")
                if len(out) >= n:
                    return out
    return out


def synthetic_pair(n: int = 10_000, seed: int = 6) -> tuple[Instance, Instance]:
    rnd = random.Random(seed)
    per = -(-n // len(FUNCTION_CONCEPTS))
    codes = function_codes(per + 60)
    facts = []
    for concept in FUNCTION_CONCEPTS:
        for code in codes[:per]:
            facts.append(Fact(concept, code, Decimal(rnd.randint(1, 10_000_000)) / 100))
    facts = facts[:n]
    new_facts = []
    for i, f in enumerate(facts):
        r = rnd.random()
        if r < 0.005:
            continue  # removed
        if r < 0.05:
            f = Fact(f.concept, f.code, f.value + Decimal(rnd.randint(-50_000, 50_000)) / 100)
        elif r < 0.06:
            f = Fact(f.concept, f.code, f.value + Decimal("0.01"))  # rounding
        new_facts.append(f)
    for code in codes[per:per + 50]:  # added rows
        new_facts.append(Fact("ExpTotal", code, Decimal(rnd.randint(1, 100_000)) / 100))
    rnd.shuffle(new_facts)
    h_old = Header(entity="示例单位（合成数据）", fiscal_year=2023, layout="2024-shanghai")
    h_new = Header(entity="示例单位（合成数据）", fiscal_year=2024, layout="2024-shanghai")
    return Instance(h_old, facts), Instance(h_new, new_facts)


def best_of(fn, runs: int = 3):
    best, value = None, None
    for _ in range(runs):
        t = time.perf_counter()
        value = fn()
        ms = (time.perf_counter() - t) * 1000
        best = ms if best is None else min(best, ms)
    return best, value


def main() -> int:
    argv = [a for a in sys.argv[1:] if not a.startswith("--")]
    runs = int(argv[0]) if argv else 15
    env, how, cache = bytecode_env("--no-bytecode" in sys.argv)
    draft = "juesuan diff 2021-draft 2021 (draft-final)"
    yoy = "juesuan diff 2020 2021 (year over year)"
    timings = interleaved({
        "python": PYTHON_ONLY,
        "floor": FLOOR,
        "juesuan --help": ("-m", "juesuan", "--help"),
        "juesuan facts liling-2021.xml": ("-m", "juesuan", "facts", str(EX / "liling-2021.xml")),
        draft: ("-m", "juesuan", "diff", str(EX / "liling-2021-draft.xml"), str(EX / "liling-2021.xml")),
        yoy: ("-m", "juesuan", "diff", str(EX / "liling-2020.xml"), str(EX / "liling-2021.xml")),
    }, runs, env)
    met = report(timings, {draft: 100, yoy: 100}, how)

    old, new = synthetic_pair()
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "old.xml", Path(tmp) / "new.xml"
        save_instance(old, a)
        save_instance(new, b)
        t_load, (io, in_) = best_of(lambda: (load_valid(a), load_valid(b)))
        big = interleaved({"juesuan diff (10,000 facts) --format json": (
            "-m", "juesuan", "diff", str(a), str(b), "--format", "json", "-o", str(Path(tmp) / "d.json"))},
            5, env)
    big_ms = next(iter(big.values())).median
    t_cmp, res = best_of(lambda: compare(io, in_))
    t_json, _ = best_of(lambda: render(res, "json"))
    t_text, _ = best_of(lambda: render(res, "text"))
    t_html, _ = best_of(lambda: render(res, "html"))
    total = t_load + t_cmp + t_json
    c = res.counts()
    print(f"synthetic: {len(old.facts):,} and {len(new.facts):,} facts, {len(FUNCTION_CONCEPTS)} concepts, "
          f"{len({f.code for f in old.facts}):,} function codes (best of 3, in-process):")
    print(f"  read both files (hardened parse + checks) {t_load:7.1f} ms")
    print(f"  compare                                   {t_cmp:7.1f} ms   "
          f"({c['changed']} changed, {c['added']} added, {c['removed']} removed, {c['rounding']} rounding)")
    print(f"  render json                               {t_json:7.1f} ms")
    print(f"  render text                               {t_text:7.1f} ms")
    print(f"  render html                               {t_html:7.1f} ms")
    print(f"  read + compare + json                     {total:7.1f} ms   target <= 1000 ms: "
          f"{'OK' if total <= 1000 else 'MISSED'}")
    print(f"  the same as a whole process (median of 5) {big_ms:7.1f} ms   target <= 1000 ms: "
          f"{'OK' if big_ms <= 1000 else 'MISSED'}")
    cache.cleanup()
    return 0 if met and total <= 1000 and big_ms <= 1000 else 1


if __name__ == "__main__":
    raise SystemExit(main())
