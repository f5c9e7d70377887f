"""The shipped example is the 2021 reference report: every number of its nine tables, as printed.

The expected values are read from the reference text itself (../shared/reference), table by table,
not from the script that wrote the example.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pytest

from juesuan.facts import fact_records
from juesuan.xmlio import load_instance

from .conftest import EXAMPLE_XML

AMOUNT = re.compile(r"^-?\d{1,3}(,\d{3})*\.\d{2}$|^-?\d+\.\d{2}$")


def table_regions(text: str) -> dict[str, list[str]]:
    """Lines of each 公开 NN 表, from its marker to the next marker (09 ends at 第三部分)."""
    lines = text.splitlines()
    marks = [(i, re.search(r"公开\s*0(\d)\s*表", l).group(1)) for i, l in enumerate(lines) if re.search(r"公开\s*0\d\s*表", l)]
    # the table of contents has no markers; the tables do
    out = {}
    for k, (i, n) in enumerate(marks):
        end = marks[k + 1][0] if k + 1 < len(marks) else next(
            j for j in range(i, len(lines)) if lines[j].strip() == "第三部分")
        out[f"0{n}"] = lines[i:end]
    return out


@pytest.fixture(scope="module")
def records():
    return fact_records(load_instance(EXAMPLE_XML))


@pytest.fixture(scope="module")
def regions(reference_text):
    r = table_regions(reference_text)
    assert sorted(r) == [f"0{i}" for i in range(1, 10)]
    return r


def _amount_cells(lines):
    return [c.strip() for l in lines for c in l.split("\t") if AMOUNT.match(c.strip())]


@pytest.mark.parametrize("table", [f"0{i}" for i in range(1, 10)])
def test_fact_count_per_table_equals_printed_amounts(table, records, regions):
    printed = _amount_cells(regions[table])
    mine = [r for r in records if r["table"] == table]
    assert len(mine) == len(printed), (table, len(mine), len(printed))
    # and the multiset of values is the same
    assert Counter(Decimal(r["value"]) for r in mine) == Counter(Decimal(p.replace(",", "")) for p in printed)


@pytest.mark.parametrize("table", [f"0{i}" for i in range(1, 10)])
def test_every_fact_sits_on_its_printed_row(table, records, regions):
    lines = regions[table]
    for r in (r for r in records if r["table"] == table):
        v = Decimal(r["value"])
        if table == "07":
            row_lines = [l for l in lines if _amount_cells([l])]
        elif re.fullmatch(r"\d{3,7}", r["row"]):
            row_lines = [l for l in lines if re.match(rf"^{r['row']}\t", l) or f"\t{r['row']}\t" in l and table == "06"]
            if table in ("01", "04"):  # 类 rows are printed with their names, not codes
                name = r["row_name"]
                row_lines = [l for l in lines if name in l]
        else:
            label = r["row"].split("/")[-1]
            row_lines = [l for l in lines if label in l]
        cells = {Decimal(c.replace(",", "")) for c in _amount_cells(row_lines)}
        assert v in cells, (table, r["row"], r["column"], r["value"], row_lines)


def test_the_reference_errors_are_kept(records):
    got = {(r["table"], r["row"], r["column"]): r["value"] for r in records}
    # 02 表 rows 210 carry 其他收入 20.00 that break the row sums
    for code in ("210", "21011", "2101102"):
        assert got[("02", code, "其他收入")] == "20.00"
        assert got[("02", code, "本年收入合计")] == "5.88"
    assert got[("06", "30216", "决算数")] == "14.14"  # the narrative says 14.24
    assert got[("01", "总计", "决算数")] == "2035.21"
    assert got[("06", "人员经费合计", "决算数")] == "1060.26"
    assert got[("06", "公用经费合计", "决算数")] == "772.12"
    three = {(r["section"], r["column"]): r["value"] for r in records if r["table"] == "07"}
    assert three == {("预算数", "合计"): "5.00", ("预算数", "公务接待费"): "5.00",
                     ("决算数", "合计"): "1.64", ("决算数", "公务接待费"): "1.64"}


def test_sections_of_01_04_and_07(records):
    sec = {(r["table"], r["concept"], r["code"]): r["section"] for r in records}
    assert sec[("01", "SumIncTotal", "")] == "收入"
    assert sec[("01", "SumExp", "201")] == "支出"
    assert sec[("04", "GrantExpGeneralBudget", "210")] == "支出"
    assert sec[("07", "ThreeBudgetTotal", "")] == "预算数"
    assert sec[("07", "ThreeActualReception", "")] == "决算数"
    assert sec[("02", "IncTotal", "201")] == ""


def test_example_has_the_narrative_blocks(records):
    inst = load_instance(EXAMPLE_XML)
    keys = [b.key for b in inst.narrative]
    assert keys == [f"3.{i}" for i in range(1, 14)]
    ten = next(b for b in inst.narrative if b.key == "3.10")
    assert "培训费 14.24 万元" in ten.text.replace("\n", "")
