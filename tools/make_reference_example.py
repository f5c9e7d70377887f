"""Write examples/liling-2021.xml: the 2021 reference report, typed in by hand from
../shared/reference/liling-grid-center-2021-final-accounts.txt (every number of the nine tables as
printed, including its real errors), plus the 第三部分 narrative blocks cut from the same text (juesuan.readers.narrative).

Run once when the example must change: `python tools/make_reference_example.py`. Tests check the
result against the reference text independently of this script.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from juesuan.model import Fact, Header, Instance  # noqa: E402
from juesuan.readers.narrative import narrative_blocks  # noqa: E402
from juesuan.xmlio import save_instance  # noqa: E402

REFERENCE = ROOT.parent / "shared" / "reference" / "liling-grid-center-2021-final-accounts.txt"

# (concept, code, value as printed)
FACTS = """
SumIncGeneralBudgetGrant - 1960.73
SumIncOther - 20.00
SumIncTotal - 1980.73
SumNonFiscalBalanceUsed - 6.44
SumOpeningBalance - 48.03
SumIncGrandTotal - 2035.21
SumExp 201 2027.27
SumExp 210 5.88
SumExp - 2033.15
SumClosingBalance - 2.06
SumExpGrandTotal - 2035.21
IncTotal - 1980.73
IncGrant - 1960.73
IncOther - 20.00
IncTotal 201 1974.84
IncGrant 201 1954.84
IncOther 201 20.00
IncTotal 20199 1974.84
IncGrant 20199 1954.84
IncOther 20199 20.00
IncTotal 2019999 1974.84
IncGrant 2019999 1954.84
IncOther 2019999 20.00
IncTotal 210 5.88
IncGrant 210 5.88
IncOther 210 20.00
IncTotal 21011 5.88
IncGrant 21011 5.88
IncOther 21011 20.00
IncTotal 2101102 5.88
IncGrant 2101102 5.88
IncOther 2101102 20.00
ExpTotal - 2033.15
ExpBasic - 1838.83
ExpProject - 194.32
ExpTotal 201 2027.27
ExpBasic 201 1832.95
ExpProject 201 194.32
ExpTotal 20199 2027.27
ExpBasic 20199 1832.95
ExpProject 20199 194.32
ExpTotal 2019999 2027.27
ExpBasic 2019999 1832.95
ExpProject 2019999 194.32
ExpTotal 210 5.88
ExpBasic 210 5.88
ExpTotal 21011 5.88
ExpBasic 21011 5.88
ExpTotal 2101102 5.88
ExpBasic 2101102 5.88
GrantIncGeneralBudget - 1960.73
GrantIncTotal - 1960.73
GrantOpeningTotal - 48.03
GrantOpeningGeneralBudget - 48.03
GrantIncGrandTotal - 2008.76
GrantExpTotal 201 2001.35
GrantExpGeneralBudget 201 2001.35
GrantExpTotal 210 5.88
GrantExpGeneralBudget 210 5.88
GrantExpTotal - 2007.23
GrantExpGeneralBudget - 2007.23
GrantClosingTotal - 1.53
GrantClosingGeneralBudget - 1.53
GrantExpGrandTotal - 2008.76
GrantExpGrandTotalGeneralBudget - 2008.76
GpbExpTotal - 2007.23
GpbExpBasic - 1832.39
GpbExpProject - 174.84
GpbExpTotal 201 2001.35
GpbExpBasic 201 1826.50
GpbExpProject 201 174.84
GpbExpTotal 20199 2001.35
GpbExpBasic 20199 1826.50
GpbExpProject 20199 174.84
GpbExpTotal 2019999 2001.35
GpbExpBasic 2019999 1826.50
GpbExpProject 2019999 174.84
GpbExpTotal 210 5.88
GpbExpBasic 210 5.88
GpbExpTotal 21011 5.88
GpbExpBasic 21011 5.88
GpbExpTotal 2101102 5.88
GpbExpBasic 2101102 5.88
BasicExp 301 1060.20
BasicExp 30101 388.18
BasicExp 30102 55.85
BasicExp 30103 145.41
BasicExp 30106 23.32
BasicExp 30107 159.29
BasicExp 30108 13.98
BasicExp 30110 78.51
BasicExp 30112 108.95
BasicExp 30113 56.74
BasicExp 30199 29.99
BasicExp 303 0.06
BasicExp 30309 0.06
BasicExp 302 733.09
BasicExp 30201 23.96
BasicExp 30202 20.37
BasicExp 30203 0.50
BasicExp 30207 58.68
BasicExp 30211 6.57
BasicExp 30213 41.81
BasicExp 30214 18.75
BasicExp 30216 14.14
BasicExp 30217 1.64
BasicExp 30218 20.86
BasicExp 30226 319.60
BasicExp 30227 41.62
BasicExp 30228 33.10
BasicExp 30229 4.42
BasicExp 30239 15.37
BasicExp 30299 111.70
BasicExp 310 39.04
BasicExp 31002 37.67
BasicExp 31099 1.36
BasicPersonnelTotal - 1060.26
BasicPublicTotal - 772.12
ThreeBudgetTotal - 5.00
ThreeBudgetReception - 5.00
ThreeActualTotal - 1.64
ThreeActualReception - 1.64
"""

def main() -> None:
    facts = []
    for line in FACTS.strip().splitlines():
        concept, code, value = line.split()
        facts.append(Fact(concept, None if code == "-" else code, Decimal(value)))
    header = Header(entity="醴陵市网格化管理服务中心", fiscal_year=2021, layout="2021-hunan", status="final")
    text = REFERENCE.read_text(encoding="utf-8")
    inst = Instance(header, facts, narrative_blocks(text.splitlines()))
    save_instance(inst, ROOT / "examples" / "liling-2021.xml")
    print(f"{len(facts)} facts, {len(inst.narrative)} narrative blocks")


if __name__ == "__main__":
    main()
