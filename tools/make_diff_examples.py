"""Write the differ's examples from examples/liling-2021.xml (the final reference report):

  examples/liling-2021-draft.xml  a draft of the same report (status draft) that differs in a handful
                                  of plausible cells (ILLUSTRATIVE: no real draft was published);
  examples/liling-2020.xml        the prior year (fiscalYear 2020) for the year-over-year example.

Run when the examples must change: `python tools/make_diff_examples.py`. The prior-year instance
uses the four figures the reference text implies (第三部分: 收支总计 1997.90 = 2035.21 − 37.31;
财政拨款收支总计 1981.90 = 2008.76 − 26.86; 财政拨款支出 1932.34 = 2007.23 − 74.89; 公务接待费
0.97 = 1.64 − 0.67); every other 2020 figure is invented, chosen so that the sums add up (the tests
check the identities), and the header's note says so.
"""

from __future__ import annotations

import sys
from decimal import Decimal as D
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from juesuan.records import replace  # noqa: E402
from juesuan.model import Fact, Header, Instance, NarrativeBlock  # noqa: E402
from juesuan.xmlio import load_instance, save_instance  # noqa: E402

FINAL = ROOT / "examples" / "liling-2021.xml"
DRAFT = ROOT / "examples" / "liling-2021-draft.xml"
PRIOR = ROOT / "examples" / "liling-2020.xml"

DRAFT_NOTE = (
    "示意数据（illustrative）：本草稿为演示对比功能而编造，并非实际送审稿。与定稿（examples/liling-2021.xml）相比："
    "06表 30216 培训费按文字说明填 14.24（定稿 14.14，302 小计未随之修改）；07表 决算数公务接待费 1.46（数字颠倒，"
    "定稿 1.64）；05表 未列 2101102 事业单位医疗 行；01表 收入总计 2035.20 与 06表 公用经费合计 772.13 为尾数差异"
    "（定稿 2035.21、772.12）。"
)

# Cells of the draft that differ from the final: (concept, code, draft value or None = absent).
DRAFT_CELLS = [
    ("BasicExp", "30216", D("14.24")),
    ("ThreeActualReception", "", D("1.46")),
    ("GpbExpTotal", "2101102", None),
    ("GpbExpBasic", "2101102", None),
    ("SumIncGrandTotal", "", D("2035.20")),
    ("BasicPublicTotal", "", D("772.13")),
]

PRIOR_NOTE = (
    "示意数据（illustrative）：2020 年度数字中，仅收支总计 1997.90、财政拨款收支总计 1981.90、财政拨款支出 1932.34、"
    "公务接待费 0.97 由 2021 年度决算说明的“与上年相比”推得，其余均为编造，仅用于演示逐年对比；各表合计已按勾稽关系配平。"
)

# 2020: (concept, code, value). Reference-derived: SumIncGrandTotal, SumExpGrandTotal, GrantIncGrandTotal,
# GrantExpGrandTotal(+GeneralBudget), GrantExpTotal(+GeneralBudget), ThreeActualReception. All else invented.
_BASIC_301 = {"30101": "372.50", "30102": "53.20", "30103": "138.60", "30106": "22.10", "30107": "151.80",
              "30108": "13.10", "30110": "74.30", "30112": "103.40", "30113": "53.90", "30199": "27.52"}
_BASIC_302 = {"30201": "22.40", "30202": "18.90", "30203": "0.50", "30207": "55.10", "30211": "7.20",
              "30213": "39.60", "30214": "18.75", "30216": "12.80", "30217": "0.97", "30218": "19.50",
              "30226": "305.30", "30227": "40.10", "30228": "31.60", "30229": "4.20", "30239": "14.60",
              "30299": "137.88"}
_FN = {"201": ("201", "20199", "2019999"), "210": ("210", "21011", "2101102")}


def prior_facts() -> list[tuple[str, str, D]]:
    v: list[tuple[str, str, D]] = []

    def add(concept, code, value):
        v.append((concept, code, D(value)))

    def by_fn(concept, total, per_class):
        add(concept, "", total)
        for cls, amount in per_class.items():
            for code in _FN[cls]:
                add(concept, code, amount)

    # 01 收入支出决算总表
    add("SumIncGeneralBudgetGrant", "", "1939.53")
    add("SumIncOther", "", "15.00")
    add("SumIncTotal", "", "1954.53")
    add("SumNonFiscalBalanceUsed", "", "1.00")
    add("SumOpeningBalance", "", "42.37")
    add("SumIncGrandTotal", "", "1997.90")
    add("SumExp", "", "1946.34")
    add("SumExp", "201", "1941.02")
    add("SumExp", "210", "5.32")
    add("SumClosingBalance", "", "51.56")
    add("SumExpGrandTotal", "", "1997.90")
    # 02 收入决算表
    by_fn("IncTotal", "1954.53", {"201": "1949.21", "210": "5.32"})
    by_fn("IncGrant", "1939.53", {"201": "1934.21", "210": "5.32"})
    by_fn("IncOther", "15.00", {"201": "15.00"})
    # 03 支出决算表
    by_fn("ExpTotal", "1946.34", {"201": "1941.02", "210": "5.32"})
    by_fn("ExpBasic", "1774.18", {"201": "1768.86", "210": "5.32"})
    by_fn("ExpProject", "172.16", {"201": "172.16"})
    # 04 财政拨款收入支出决算总表
    add("GrantIncGeneralBudget", "", "1939.53")
    add("GrantIncTotal", "", "1939.53")
    add("GrantOpeningTotal", "", "42.37")
    add("GrantOpeningGeneralBudget", "", "42.37")
    add("GrantIncGrandTotal", "", "1981.90")
    for concept in ("GrantExpTotal", "GrantExpGeneralBudget"):
        add(concept, "", "1932.34")
        add(concept, "201", "1927.02")
        add(concept, "210", "5.32")
    add("GrantClosingTotal", "", "49.56")
    add("GrantClosingGeneralBudget", "", "49.56")
    add("GrantExpGrandTotal", "", "1981.90")
    add("GrantExpGrandTotalGeneralBudget", "", "1981.90")
    # 05 一般公共预算财政拨款支出决算表
    by_fn("GpbExpTotal", "1932.34", {"201": "1927.02", "210": "5.32"})
    by_fn("GpbExpBasic", "1760.18", {"201": "1754.86", "210": "5.32"})
    by_fn("GpbExpProject", "172.16", {"201": "172.16"})
    # 06 基本支出决算明细表
    add("BasicExp", "301", str(sum(D(x) for x in _BASIC_301.values())))
    for code, amount in _BASIC_301.items():
        add("BasicExp", code, amount)
    add("BasicExp", "303", "0.06")
    add("BasicExp", "30309", "0.06")
    add("BasicExp", "302", str(sum(D(x) for x in _BASIC_302.values())))
    for code, amount in _BASIC_302.items():
        add("BasicExp", code, amount)
    add("BasicExp", "310", "20.30")
    add("BasicExp", "31002", "20.30")
    add("BasicPersonnelTotal", "", "1010.48")
    add("BasicPublicTotal", "", "749.70")
    # 07 “三公”经费
    add("ThreeBudgetTotal", "", "5.00")
    add("ThreeBudgetReception", "", "5.00")
    add("ThreeActualTotal", "", "0.97")
    add("ThreeActualReception", "", "0.97")
    return v


def make_draft(final: Instance) -> Instance:
    cells = {(c, k): val for c, k, val in DRAFT_CELLS}
    facts = []
    for f in final.facts:
        key = (f.concept, f.code or "")
        if key in cells:
            if cells[key] is not None:
                facts.append(replace(f, value=cells[key]))
        else:
            facts.append(f)
    header = replace(final.header, status="draft", note=DRAFT_NOTE)
    return Instance(header, facts, list(final.narrative))


def make_prior(final: Instance) -> Instance:
    header = Header(entity=final.header.entity, fiscal_year=2020, layout="2021-hunan", status="final",
                    note=PRIOR_NOTE)
    facts = [Fact(c, k or None, val) for c, k, val in prior_facts()]
    narrative = [NarrativeBlock(
        "3.1", "一、收入支出决算总体情况说明",
        "2020 年度收、支总计 1997.90 万元。（示意数据：仅总计由 2021 年度决算说明推得，其余为演示而编造。）")]
    return Instance(header, facts, narrative)


def main() -> None:
    final = load_instance(FINAL)
    save_instance(make_draft(final), DRAFT)
    save_instance(make_prior(final), PRIOR)
    print(f"wrote {DRAFT.relative_to(ROOT)} and {PRIOR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
