"""Differ speed: the example pair as a whole process, and two synthetic 10,000-fact instances in-process.

    python benchmarks/bench_diff.py [RUNS]

Targets (issue 6): the example pair <= 100 ms whole process (`python -m juesuan diff OLD NEW`, median
of RUNS runs); two synthetic 10,000-fact instances <= 1 s in-process (read both files, compare, render
JSON). For context it also prints the start-up floor: bare Python, and `juesuan --help` (click and the
package imports) and `juesuan facts` (the foundation's own command on the same example).

Whole-process runs use a bytecode cache (PYTHONPYCACHEPREFIX in a temporary folder, warmed by one run)
as any installed package has; a sandbox that sets PYTHONDONTWRITEBYTECODE=1 otherwise recompiles every
module on every run. `--no-bytecode` measures that case instead.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from juesuan.diff import compare, load_for_diff, render  # noqa: E402
from juesuan.model import Fact, Header, Instance  # noqa: E402
from juesuan.xmlio import save_instance  # noqa: E402

EX = ROOT / "examples"
FUNCTION_CONCEPTS = (
    "IncTotal", "IncGrant", "IncSuperiorSubsidy", "IncService", "IncOperating", "IncAffiliatedRemittance", "IncOther",
    "ExpTotal", "ExpBasic", "ExpProject", "ExpRemitSuperior", "ExpOperating", "ExpSubsidyAffiliated",
    "GpbExpTotal", "GpbExpBasic", "GpbExpProject",
    "FundOpening", "FundIncome", "FundExpTotal", "FundExpBasic", "FundExpProject", "FundClosing",
    "SoeOpening", "SoeIncome", "SoeExpTotal", "SoeExpBasic", "SoeExpProject", "SoeClosing",
)


def whole_process_ms(args: list[str], runs: int, env: dict) -> tuple[float, float, float]:
    """(median wall-clock ms, median CPU ms = user + system of the child, fastest wall-clock ms).
    CPU time is what the process costs; wall time also counts waiting for a CPU on a busy machine."""
    subprocess.run([sys.executable, *args], capture_output=True, cwd=ROOT, env=env)  # warm the caches
    wall, cpu = [], []
    for _ in range(runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run([sys.executable, *args], capture_output=True, cwd=ROOT, env=env)
        wall.append((time.perf_counter() - t) * 1000)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000)
    return statistics.median(wall), statistics.median(cpu), min(wall)


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


def main() -> None:
    argv = [a for a in sys.argv[1:] if not a.startswith("--")]
    runs = int(argv[0]) if argv else 15
    env = dict(os.environ)
    tmp_cache = tempfile.TemporaryDirectory()
    if "--no-bytecode" in sys.argv:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        how = "no bytecode cache: every module compiled on every run"
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = tmp_cache.name
        how = "bytecode cached, as installed"
    run = lambda *a: whole_process_ms(list(a), runs, env)  # noqa: E731
    floor = run("-c", "pass")
    helpms = run("-m", "juesuan", "--help")
    facts = run("-m", "juesuan", "facts", str(EX / "liling-2021.xml"))
    draft = run("-m", "juesuan", "diff", str(EX / "liling-2021-draft.xml"), str(EX / "liling-2021.xml"))
    yoy = run("-m", "juesuan", "diff", str(EX / "liling-2020.xml"), str(EX / "liling-2021.xml"))
    tmp_cache.cleanup()
    print(f"whole process, median of {runs} runs ({how}; load average {os.getloadavg()[0]:.2f} "
          f"on {os.cpu_count()} CPUs); wall-clock, CPU (user+sys), fastest run:")

    def line(label, v, target=None):
        verdict = f"   target <= {target} ms: {'OK' if v[0] <= target else 'MISSED'} (wall)" if target else ""
        print(f"  {label:42s} {v[0]:7.1f} ms  cpu {v[1]:7.1f} ms  fastest {v[2]:7.1f} ms{verdict}")

    line("python -c pass (start-up floor)", floor)
    line("juesuan --help (click + package import)", helpms)
    line("juesuan facts liling-2021.xml (baseline)", facts)
    line("juesuan diff draft final (text)", draft, 100)
    line("juesuan diff 2020 2021 (text, yoy)", yoy, 100)
    print(f"  {'diff over facts (the differ own share)':42s} {yoy[0] - facts[0]:+7.1f} ms  cpu {yoy[1] - facts[1]:+7.1f} ms")

    old, new = synthetic_pair()
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "old.xml", Path(tmp) / "new.xml"
        save_instance(old, a)
        save_instance(new, b)
        t_load, (io, in_) = best_of(lambda: (load_for_diff(a), load_for_diff(b)))
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


if __name__ == "__main__":
    main()
