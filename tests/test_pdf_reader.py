"""The PDF reader on shared/corpus/2024-shanghai-putuo-finance-bureau.pdf, and unusable PDFs.

Every value pinned here was read off the PDF's pages by eye (and counted against the amounts in
its extract_text() output: 12, 45, 44, 19, 44, 29, 2, 0, 0 per table)."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections import Counter
from decimal import Decimal

import pytest

from juesuan.convert import convert_file
from juesuan.errors import UnusableInput
from juesuan.model import Location
from juesuan.taxonomy import load_taxonomy
from juesuan.xmlio import load_instance

from .conftest import SHARED, run_cli
from .pdfgen import encrypted_pdf, image_only_pdf

PUTUO = SHARED / "corpus" / "2024-shanghai-putuo-finance-bureau.pdf"

# (table, concept, code or None, value as printed)
PINNED = [
    # 01 收入支出决算总表 (p6-7): 类 rows as printed, 208 is 326.71 here (02/03/05 print 326.72)
    ("01", "SumIncGeneralBudgetGrant", None, "2,940.05"), ("01", "SumIncOther", None, "6.20"),
    ("01", "SumExp", "201", "2,106.66"), ("01", "SumExp", "208", "326.71"), ("01", "SumExp", "210", "60.99"),
    ("01", "SumExp", "221", "445.69"), ("01", "SumIncTotal", None, "2,946.25"), ("01", "SumExp", None, "2,940.05"),
    ("01", "SumOpeningBalance", None, "49.14"), ("01", "SumClosingBalance", None, "55.34"),
    ("01", "SumIncGrandTotal", None, "2,995.39"), ("01", "SumExpGrandTotal", None, "2,995.39"),
    # 02 收入决算表 (p8-9): 合计 2,946.25 2,940.05 6.20; split 类|款|项 code columns
    ("02", "IncTotal", None, "2,946.25"), ("02", "IncGrant", None, "2,940.05"), ("02", "IncOther", None, "6.20"),
    ("02", "IncTotal", "2010601", "1,511.90"), ("02", "IncOther", "2010601", "0.01"),
    ("02", "IncTotal", "2010602", "16.19"), ("02", "IncOther", "2010602", "6.19"), ("02", "IncGrant", "208", "326.72"),
    ("02", "IncTotal", "2080505", "160.75"), ("02", "IncGrant", "2101101", "60.99"), ("02", "IncTotal", "2210203", "258.50"),
    # 03 支出决算表 (p10-11)
    ("03", "ExpTotal", None, "2,940.05"), ("03", "ExpBasic", None, "2,336.91"), ("03", "ExpProject", None, "603.14"),
    ("03", "ExpBasic", "2010601", "1,503.52"), ("03", "ExpProject", "2010601", "8.37"),
    ("03", "ExpProject", "2010608", "449.52"), ("03", "ExpBasic", "2080599", "0.94"),
    # 04 财政拨款收入支出决算总表 (p12-14)
    ("04", "GrantIncGeneralBudget", None, "2,940.05"), ("04", "GrantExpGeneralBudget", "208", "326.71"),
    ("04", "GrantExpTotal", "221", "445.69"), ("04", "GrantOpeningTotal", None, "21.63"),
    ("04", "GrantOpeningGeneralBudget", None, "21.63"), ("04", "GrantClosingGeneralBudget", None, "21.63"),
    ("04", "GrantIncGrandTotal", None, "2,961.68"), ("04", "GrantExpGrandTotalGeneralBudget", None, "2,961.68"),
    # 05 一般公共预算财政拨款支出决算表 (p15): 合计 printed last
    ("05", "GpbExpTotal", None, "2,940.05"), ("05", "GpbExpBasic", None, "2,336.91"), ("05", "GpbExpProject", None, "603.14"),
    ("05", "GpbExpTotal", "2080506", "80.38"), ("05", "GpbExpProject", "2010607", "135.25"),
    # 06 一般公共预算财政拨款基本支出决算表 (p16-17): two blocks, continued on p17
    ("06", "BasicExp", "301", "2,082.85"), ("06", "BasicExp", "30102", "1,238.58"), ("06", "BasicExp", "30113", "187.19"),
    ("06", "BasicExp", "30302", "69.10"), ("06", "BasicExp", "30309", "0.31"), ("06", "BasicExp", "302", "171.07"),
    ("06", "BasicExp", "30204", "0.09"), ("06", "BasicExp", "30216", "4.05"), ("06", "BasicExp", "30229", "42.77"),
    ("06", "BasicExp", "30299", "11.53"), ("06", "BasicExp", "31002", "13.58"),
    ("06", "BasicPersonnelTotal", None, "2,152.26"), ("06", "BasicPublicTotal", None, "184.65"),
    # 07 (p18): 预算数 / 决算数 interleaved; only 预算数 printed
    ("07", "ThreeBudgetTotal", None, "0.95"), ("07", "ThreeBudgetReception", None, "0.95"),
]


def need_pdfplumber() -> None:
    """pdfplumber is an extra: skip without it, except in CI (CI=true), where `.[test]` installs it."""
    if importlib.util.find_spec("pdfplumber") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdfplumber is not installed in CI (.ci/run installs '.[test]')")
        pytest.skip("pdfplumber is not installed (pip install 'juesuan[pdf]')")


PER_TABLE = {"01": 12, "02": 45, "03": 44, "04": 19, "05": 44, "06": 29, "07": 2}


@pytest.fixture(scope="module")
def putuo():
    need_pdfplumber()
    return convert_file(PUTUO)


def test_putuo_header_and_layout(putuo):
    h = putuo.instance.header
    assert (h.entity, h.fiscal_year, h.layout, h.unit) == ("上海市普陀区财政局", 2024, "2024-shanghai", "万元")
    assert putuo.findings == []


def test_putuo_pinned_values(putuo):
    inst = putuo.instance
    lay = load_taxonomy().layout("2024-shanghai")
    assert len(PINNED) >= 40
    for table, concept, code, printed in PINNED:
        assert lay.place(concept, code).table == table, (concept, code)
        assert inst.value(concept, code) == Decimal(printed.replace(",", "")), (table, concept, code)
    # 07: 决算数 is blank in the PDF, so there is no actual-spending fact at all
    assert inst.get("ThreeActualTotal") is None and inst.get("ThreeActualReception") is None


def test_putuo_every_printed_number_once_per_table(putuo):
    lay = load_taxonomy().layout("2024-shanghai")
    counts = Counter(lay.place(f.concept, f.code).table for f in putuo.instance.facts)
    assert dict(counts) == PER_TABLE  # 08 and 09 are empty (their 说明 says so)
    assert len(putuo.instance.facts) == 195
    assert all("0 个单元格" in s for s in putuo.summaries()) and len(putuo.summaries()) == 9


def test_putuo_locations_are_page_and_line(putuo):
    f = putuo.instance.get("BasicExp", "30309")  # the 06 table continued on page 17
    assert f.origin.startswith("p17 line ")
    assert putuo.instance.get("IncTotal", "2210203").origin.startswith("p9 line ")
    assert str(Location("a.pdf", sheet="p12", line=7)) == "a.pdf p12 line 7"


def test_putuo_narrative(putuo):
    blocks = putuo.instance.narrative
    assert [b.key for b in blocks] == [f"3.{i}" for i in range(1, 12)]
    assert blocks[0].title == "一、收入支出决算总体情况说明"
    assert "2995.39" in blocks[0].text
    assert blocks[10].title == "十一、其他重要事项的情况说明"
    assert "第四部分" not in "".join(b.text for b in blocks)


def test_cli_convert_pdf(tmp_path):
    need_pdfplumber()
    out = tmp_path / "putuo.xml"
    res = run_cli("convert", PUTUO, "-o", out)
    assert res.returncode in (0, 1), res.stderr
    assert "06 表 一般公共预算财政拨款基本支出决算表：读取 29 个数，未能归位 0 个单元格" in res.stdout
    assert len(load_instance(out).facts) == 195


@pytest.mark.parametrize("name,make,expect", [
    ("scan.pdf", image_only_pdf, "no text layer"),
    ("locked.pdf", encrypted_pdf, "encrypted"),
    ("cut.pdf", lambda: PUTUO.read_bytes()[: PUTUO.stat().st_size // 2], "damaged or truncated"),
    ("empty.pdf", lambda: b"", "empty file"),
    ("text.pdf", lambda: "收入支出决算总表".encode(), "not a PDF"),
])
def test_unusable_pdfs_exit_2_with_one_line(tmp_path, name, make, expect):
    need_pdfplumber()
    src = tmp_path / name
    src.write_bytes(make())
    out = tmp_path / "out.xml"
    res = run_cli("convert", src, "-o", out)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and expect in lines[0], res.stderr
    assert not out.exists()


def test_without_pdfplumber_the_message_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pdfplumber", None)  # import pdfplumber -> ImportError
    with pytest.raises(UnusableInput) as e:
        convert_file(PUTUO)
    assert "reading PDF needs the pdf extra: pip install 'juesuan[pdf]'" in str(e.value)


def test_putuo_plain_extract_text_never_misplaces(putuo, tmp_path):
    """The PDF's own plain extract_text(): blank cells vanish and 06 comes out with codes, names and
    amounts on separate lines. What is placed is right; every other amount is reported."""
    import re

    import pdfplumber

    with pdfplumber.open(PUTUO) as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    src = tmp_path / "putuo.txt"
    src.write_text(text, encoding="utf-8")
    conv = convert_file(src, entity="上海市普陀区财政局", year=2024)
    got, want = conv.instance.fact_set(), putuo.instance.fact_set()
    assert got <= want
    amount = re.compile(r"^-?[\d,]+\.\d+$")
    lost = [f for f in conv.findings if f.code == "convert:cell-not-placed"
            and amount.match(f.text().split("“")[1].split("”")[0])]
    assert len(got) + len(lost) == 195
    lay = load_taxonomy().layout("2024-shanghai")
    assert Counter(lay.place(c, k or None).table for c, k, _ in got)["05"] == 44  # 05 prints every cell
