"""Write a folder tree of synthetic reports for `juesuan batch`, made from the examples.

    python benchmarks/make_batch_corpus.py OUTDIR [--reports 2000] [--years 4] [--xlsx 40]
                                          [--errors 100] [--unusable 20] [--seed 1]
    python benchmarks/make_batch_corpus.py OUTDIR --reports 500 --xlsx 500 --errors 0 --unusable 0 --years 1

The seed is examples/liling-2020.xml (its tables add up exactly). Each unit (``OUTDIR/<county>/<unit>/
<year>.xml``) gets the seed's figures times an integer factor (so every sum still adds up), its own
name, and a run of consecutive years whose 年初 is the previous year's 年末 (01 and 04 balances move
together with their 总计 rows, so the tables still add up and the carry-over holds). Per year the 07
公务接待费 (and so the 三公 total) varies, so some units' 三公 rise by more than 10 %. Then:

- ``--xlsx N`` reports are written as filled Excel templates (``.xlsx``) instead of instances;
- ``--errors N`` reports get one wrong figure (06 30216 培训费 + 1.00: breaks 302 and the 06 totals);
- ``--unusable N`` files are not reports at all (empty, truncated XML, junk named .xlsx, text without
  tables), cycling through those kinds; they count among the reports.

Prints how many of each were written. The same arguments always give the same tree.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from decimal import Decimal as D
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from juesuan.model import Fact, Instance  # noqa: E402
from juesuan.records import replace  # noqa: E402
from juesuan.xmlio import instance_to_bytes, load_instance  # noqa: E402

SEED = ROOT / "examples" / "liling-2020.xml"
FIRST_YEAR = 2020
# balances of 01 and of 04 with the 总计 rows that include them (T01, T04 rules)
MOVE_01 = ("SumOpeningBalance", "SumClosingBalance", "SumIncGrandTotal", "SumExpGrandTotal")
MOVE_04 = ("GrantOpeningGeneralBudget", "GrantOpeningTotal", "GrantClosingGeneralBudget", "GrantClosingTotal",
           "GrantIncGrandTotal", "GrantExpGrandTotal", "GrantExpGrandTotalGeneralBudget")
THREE = ("ThreeActualReception", "ThreeActualTotal")
UNUSABLE = ("empty.xml", "truncated.xml", "junk.xlsx", "notes.txt")


def scaled(seed: Instance, k: int) -> dict[tuple[str, str], D]:
    return {(f.concept, f.code or ""): f.value * k for f in seed.facts}


def year_instance(seed: Instance, values: dict, entity: str, year: int) -> Instance:
    facts = [Fact(c, code or None, v) for (c, code), v in sorted(values.items())]
    return Instance(replace(seed.header, entity=entity, fiscal_year=year, note="合成数据（synthetic）：由示例生成，用于批量审核测试"),
                    facts)


def unit_years(seed: Instance, k: int, years: int, rng: random.Random) -> list[dict]:
    """The unit's figures, year by year: balances chained, 三公 varied."""
    base = scaled(seed, k)
    out = []
    prev = None
    for _ in range(years):
        v = dict(base)
        if prev is not None:
            d01 = prev[("SumClosingBalance", "")] - base[("SumOpeningBalance", "")]
            d04 = prev[("GrantClosingTotal", "")] - base[("GrantOpeningTotal", "")]
            for c in MOVE_01:
                v[(c, "")] = base[(c, "")] + d01
            for c in MOVE_04:
                v[(c, "")] = base[(c, "")] + d04
        extra = D(rng.choice((0, 5, 10, 20, 40, 80, 150))) / 100 * k
        for c in THREE:
            v[(c, "")] = base[(c, "")] + extra
        out.append(v)
        prev = v
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--years", type=int, default=4)
    ap.add_argument("--xlsx", type=int, default=40)
    ap.add_argument("--errors", type=int, default=100)
    ap.add_argument("--unusable", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    rng = random.Random(a.seed)
    seed = load_instance(SEED)
    out = Path(a.outdir)
    n_good = a.reports - a.unusable
    units = -(-n_good // a.years)
    # which report numbers get which treatment (spread over the tree, reproducible)
    idx = list(range(n_good))
    rng.shuffle(idx)
    xlsx, wrong = set(idx[:a.xlsx]), set(idx[a.xlsx:a.xlsx + a.errors])
    counts = {"xml": 0, "xlsx": 0, "with error": 0, "unusable": 0}
    n = 0
    export_bytes = None
    for u in range(units):
        k = 1 + u % 9
        entity = f"示例县第{u + 1:04d}号预算单位"
        folder = out / f"county-{u % 10:02d}" / f"unit-{u + 1:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        for y, values in enumerate(unit_years(seed, k, a.years, rng)):
            if n >= n_good:
                break
            year = FIRST_YEAR + y
            if n in wrong:
                values[("BasicExp", "30216")] = values.get(("BasicExp", "30216"), D(0)) + D("1.00")
                counts["with error"] += 1
            inst = year_instance(seed, values, entity, year)
            if n in xlsx:
                if export_bytes is None:
                    from juesuan.excel.template import export_bytes
                (folder / f"{year}.xlsx").write_bytes(export_bytes(inst)[0])
                counts["xlsx"] += 1
            else:
                (folder / f"{year}.xml").write_bytes(instance_to_bytes(inst))
                counts["xml"] += 1
            n += 1
    good = instance_to_bytes(year_instance(seed, scaled(seed, 1), "x", FIRST_YEAR))
    for i in range(a.unusable):
        kind = UNUSABLE[i % len(UNUSABLE)]
        folder = out / "incoming" / f"batch-{i // len(UNUSABLE):03d}"
        folder.mkdir(parents=True, exist_ok=True)
        data = {"empty.xml": b"", "truncated.xml": good[: len(good) // 2], "junk.xlsx": os.urandom(0) + b"PK\x03\x04junk" * 10,
                "notes.txt": "请见附件。\n".encode()}[kind]
        (folder / kind).write_bytes(data)
        counts["unusable"] += 1
    total = counts["xml"] + counts["xlsx"] + counts["unusable"]
    print(f"wrote {total} reports in {out}: {counts['xml']} instances, {counts['xlsx']} workbooks "
          f"({counts['with error']} with a wrong figure), {counts['unusable']} unusable files; {units} units")


if __name__ == "__main__":
    main()
