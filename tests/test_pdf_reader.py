"""The PDF reader (PDFium) on shared/corpus/2024-shanghai-putuo-finance-bureau.pdf, and unusable PDFs.

Every value pinned here was read off the PDF's pages by eye (and counted against the amounts in
its extract_text() output: 12, 45, 44, 19, 44, 29, 2, 0, 0 per table). The reader it replaced
(pdfplumber's find_tables and extract_words, kept as tests/pdfplumber_reader.py) is run on the
same file and must give the same facts, locations and findings."""

from __future__ import annotations

import functools
import importlib.util
import math
import os
import subprocess
import sys
import zlib
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from juesuan.convert import convert_file
from juesuan.errors import UnusableInput
from juesuan.model import Location
from juesuan.taxonomy import load_taxonomy
from juesuan.xmlio import load_instance

from .conftest import SHARED, run_cli
from .pdfgen import (
    build_pdf, dense_grid_pdf, encrypted_pdf, flate_bomb_objects, flate_bomb_pdf, image_only_pdf, many_pages_pdf,
    owner_locked_pdf,
)

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


def _need(module: str, what: str) -> None:
    if importlib.util.find_spec(module) is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{module} is not installed in CI (.ci/run installs '.[test]')")
        pytest.skip(f"{module} is not installed ({what})")


def need_pdfium() -> None:
    """pypdfium2 is the pdf extra: skip without it, except in CI (CI=true), where `.[test]` installs it."""
    _need("pypdfium2_raw", "pip install 'juesuan[pdf]'")


def need_pdfplumber() -> None:
    """pdfplumber (the old reader's engine) is only a test dependency, for the comparison."""
    _need("pdfplumber", "pip install 'juesuan[test]'")


PER_TABLE = {"01": 12, "02": 45, "03": 44, "04": 19, "05": 44, "06": 29, "07": 2}


@pytest.fixture(scope="module")
def putuo():
    need_pdfium()
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
    need_pdfium()
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
    ("garbled.pdf", lambda: PUTUO.read_bytes()[:3000] + bytes(range(256)) * 40 + b"\n%%EOF\n", "damaged or truncated"),
    ("pages.pdf", lambda: many_pages_pdf(600), "600 pages; a report has far fewer"),
    ("bomb-locked.pdf", lambda: owner_locked_pdf(flate_bomb_objects(40)), "decrypted, expands past 16 MB"),
    ("objstm-locked.pdf", lambda: owner_locked_pdf(_objects_with_objstm()), "cannot be measured before it is decrypted"),
])
def test_unusable_pdfs_exit_2_with_one_line(tmp_path, name, make, expect):
    need_pdfium()
    src = tmp_path / name
    src.write_bytes(make())
    out = tmp_path / "out.xml"
    res = run_cli("convert", src, "-o", out, "--lang", "en")
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and expect in lines[0], res.stderr
    assert not out.exists()
    zh = run_cli("convert", src, "-o", out)  # by default the same line in Chinese
    assert zh.returncode == 2 and len(zh.stderr.strip().splitlines()) == 1 and expect not in zh.stderr


def _page_objects(content: bytes) -> list[bytes]:
    """The objects of a one-page PDF showing `content` in Helvetica (as _one_page builds)."""
    return [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]


def _objects_with_objstm() -> list[bytes]:
    """A one-page PDF's objects and an object stream of 20 KB compressed (past what may go unmeasured:
    16 MB / 1032), holding nothing PDFium needs."""
    import random

    packed = zlib.compress(random.Random(3).randbytes(20_000))
    return _page_objects(b"BT /F1 10 Tf 1 0 0 1 100 700 Tm (x) Tj ET") + [
        b"<< /Type /ObjStm /N 1 /First 4 /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed
        + b"\nendstream"]


def test_an_owner_locked_pdf_is_read_with_its_streams_measured_decrypted(monkeypatch):
    """A report encrypted with an owner password only (printing or copying restricted; any reader opens
    it) reads as the same document unlocked. Its streams are encrypted in the file, so the stream check
    made before PDFium sees it inflates none of them: they are measured in the copy PDFium saves without
    the encryption (before, a 2 MB locked bomb took PDFium 20 s and 3 GB). An object stream, which
    PDFium inflates to open the file at all, is measured before: locked and too big to go unmeasured,
    it refuses the file; the same unlocked is measured and passes."""
    need_pdfium()
    from juesuan.readers import pdfium
    from juesuan.readers.pdfium import Page, check_streams, open_document

    content = b"BT /F1 10 Tf 1 0 0 1 100 700 Tm (201 Services 1,234.56) Tj ET"
    locked = owner_locked_pdf(_page_objects(content))
    assert b"Services" not in locked  # encrypted in the file
    for data in (locked, build_pdf(_page_objects(content))):
        with open_document(data, "x.pdf") as doc:
            assert "".join(c.text for c in Page(doc, 0).chars) == "201 Services 1,234.56"
    bomb = owner_locked_pdf(flate_bomb_objects(40))
    check_streams(bomb, "x.pdf")  # encrypted: nothing inflates here
    with pytest.raises(UnusableInput) as e:
        open_document(bomb, "x.pdf")
    assert e.value.code == "input:pdf-bomb-decrypted"
    check_streams(build_pdf(_objects_with_objstm()), "x.pdf")
    with pytest.raises(UnusableInput) as e:
        check_streams(owner_locked_pdf(_objects_with_objstm()), "x.pdf")
    assert e.value.code == "input:pdf-encrypted-objstm"
    monkeypatch.setattr(pdfium, "MAX_DECRYPTED_BYTES", 2**20)  # the copy is bounded as it is written
    with pytest.raises(UnusableInput) as e:
        open_document(owner_locked_pdf(flate_bomb_objects(1200)), "x.pdf")
    assert e.value.code == "input:pdf-decrypted-too-large"


def test_without_pypdfium2_the_message_names_the_extra(monkeypatch, tmp_path):
    import juesuan.readers.pdfium_lib as engine

    monkeypatch.setattr(engine, "_API", [])  # not initialised yet in this process
    monkeypatch.setitem(sys.modules, "pypdfium2_raw", None)  # import pypdfium2_raw -> ImportError
    with pytest.raises(UnusableInput) as e:
        convert_file(PUTUO)
    assert "reading PDF needs the pdf extra: pip install 'juesuan[pdf]'" in str(e.value)


def test_putuo_plain_extract_text_never_misplaces(putuo, tmp_path):
    """The PDF's own plain extract_text(): blank cells vanish and 06 comes out with codes, names and
    amounts on separate lines. What is placed is right; every other amount is reported."""
    import re

    need_pdfplumber()
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


def test_putuo_same_as_the_pdfplumber_reader(putuo):
    """The reader this one replaced, on the same file: the same facts with the same locations, the
    same findings and summaries, the same narrative apart from lines joined into paragraphs."""
    need_pdfplumber()
    from .pdfplumber_reader import read_pdf_pdfplumber

    old = read_pdf_pdfplumber(PUTUO)
    key = lambda c: [(f.concept, f.code, f.value, f.origin) for f in c.instance.facts]  # noqa: E731
    assert key(putuo) == key(old) and len(putuo.instance.facts) == 195
    assert [f.text() for f in putuo.findings] == [f.text() for f in old.findings]
    assert putuo.summaries() == old.summaries()
    for new_b, old_b in zip(putuo.instance.narrative, old.instance.narrative, strict=True):
        assert (new_b.key, new_b.title, new_b.location) == (old_b.key, old_b.title, old_b.location)
        assert new_b.text.replace("\n", "") == old_b.text.replace("\n", "")


def test_putuo_narrative_reads_whole_sentences(putuo):
    """A sentence wrapped at the right margin is one line again; paragraphs stay apart."""
    b = {x.key: x for x in putuo.instance.narrative}
    assert "一般公共服务支出（类）2106.66万元，占71.73%；社会保障和就业支出（类）326.72万元，占11.11%" in b["3.5"].text
    assert "收入支出总计减少56.95万元，下降1.87%。" in b["3.1"].text
    assert "财政拨款收入支出总计0.3万元。" in b["3.4"].text
    lines = b["3.5"].text.split("\n")
    assert lines[0] == "（一）一般公共预算财政拨款支出决算总体情况"
    assert lines[2] == "（二）一般公共预算财政拨款支出决算结构情况"
    assert sum(1 for l in lines if l[:2] in {f"{i}、" for i in range(1, 10)} or l[:3] in ("10、", "11、")) == 11
    assert "住房保障支出（类）445.69万元，占15.16%；" in b["3.5"].text  # "15.16%" opens a line: no heading


def convert_alone(src, out) -> tuple[int, int, list[str]]:
    """(exit status, peak memory in KB, stderr lines) of `juesuan convert SRC -o OUT --lang en` run from
    a fresh process of its own, so that the peak memory is the conversion's own."""
    code = ("import resource, subprocess, sys; r = subprocess.run([sys.executable, '-m', 'juesuan', 'convert', "
            f"{str(src)!r}, '-o', {str(out)!r}, '--lang', 'en'], capture_output=True, text=True); "
            "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); print(r.stderr, end='')")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    first, *err = res.stdout.splitlines()
    rc, peak_kb = map(int, first.split())
    return rc, peak_kb, err


def test_flate_bomb_is_refused_quickly_in_bounded_memory(tmp_path):
    """Issue 12 defect 16: a ~400 KB file whose content stream inflates to 400 MB ran for minutes at
    400+ MB. Streams are measured in bounded steps before PDFium inflates anything."""
    need_pdfium()
    src = tmp_path / "bomb.pdf"
    src.write_bytes(flate_bomb_pdf(400))
    assert src.stat().st_size < 450_000
    out = tmp_path / "out.xml"
    import time

    start = time.perf_counter()
    rc, peak_kb, err = convert_alone(src, out)
    wall = time.perf_counter() - start
    assert rc == 2 and len(err) == 1 and "expands past 16 MB" in err[0], err
    assert wall <= 5.0 and peak_kb * 1024 <= 300 * 2**20, (wall, peak_kb)
    assert not out.exists()


def test_dense_ruling_is_refused_before_its_crossings_are_tried(tmp_path):
    """A 40 KB page of 601 x 601 crossing strokes: 361,201 crossings for the table finder, which took
    8 s and 400 MB (4 M crossings, 134 KB: over a minute, past 3 GB). Counted before they are tried
    (pdfium.MAX_CROSSINGS), the file is refused in one line, in bounded memory."""
    need_pdfium()
    src = tmp_path / "grid.pdf"
    src.write_bytes(dense_grid_pdf(600))
    assert src.stat().st_size < 50_000
    out = tmp_path / "out.xml"
    rc, peak_kb, err = convert_alone(src, out)
    assert rc == 2 and err == [f"juesuan: {src}: 361,201 crossings of ruling lines up to page 1, past the limit of "
                               "100,000; a report's tables have far fewer"], err
    assert peak_kb * 1024 <= 120 * 2**20, peak_kb
    assert not out.exists()
    zh = run_cli("convert", src, "-o", out)
    assert zh.returncode == 2 and zh.stderr.strip().endswith("到第 1 页为止表格线交叉 361,201 处，超过上限 100,000；报告的表格远少于此")


@pytest.mark.parametrize("what,limit,page,count", [("objects", 1_000, 8, 1_130), ("chars", 5_000, 15, 5_574),
                                                    ("crossings", 500, 10, 650)])
def test_reading_budget_refuses_at_the_page_that_passes_it(monkeypatch, what, limit, page, count):
    """The budget of a document (objects walked, characters, ruling crossings) is counted page by page;
    with the limits lowered, the Putuo PDF is refused at the page where the running count passes one.
    The counts were taken apart from the reader: FPDFPage_CountObjects and FPDFText_CountChars per
    page, and the crossings by trying every pair of merged edges."""
    need_pdfium()
    from juesuan.readers import pdfium

    monkeypatch.setitem(pdfium._LIMITS, what, limit)
    with pytest.raises(UnusableInput) as e:
        convert_file(PUTUO)
    assert e.value.code == f"input:pdf-{what}"
    assert (e.value.values["page"], e.value.values["count"], e.value.values["limit"]) == (page, count, limit)


def test_stream_check_finds_a_stream_hidden_inside_a_stored_one():
    """A Flate stream set inside the body of a stored stream (an xref entry can point into that body,
    and PDFium then reads it as an object of its own) is measured like any other: the scan looks at
    every stream keyword, also those inside bodies, not only at the streams the file appears to have.
    (Skipping each body once it was found saved 0.4 % of the Putuo conversion's instructions: not kept.)"""
    from juesuan.readers.pdfium import MAX_STREAM_BYTES, check_streams

    from .pdfgen import build_pdf

    bomb = zlib.compress(b" " * (MAX_STREAM_BYTES + 1), 9)
    hidden = b"9 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream\nendobj\n"
    outer = b"<< /Length %d >>\nstream\n" % len(hidden) + hidden + b"\nendstream"
    with pytest.raises(UnusableInput, match="expands past 16 MB"):
        check_streams(build_pdf([b"<< /Type /Catalog >>", outer]), "x.pdf")


@pytest.mark.parametrize("inflater", ["isal", "zlib"])
def test_stream_check_skips_streams_too_small_to_matter(inflater, monkeypatch):
    """Deflate expands at most 1032:1: a stream of n bytes is inflated only when 1032 n could pass the
    limit. Measured with isal (the pdf extra) and, where it is not installed, with zlib: the same verdicts."""
    from juesuan.readers import pdfium
    from juesuan.readers.pdfium import MAX_STREAM_BYTES, check_streams

    from .pdfgen import build_pdf

    if inflater == "isal":
        _need("isal", "pip install 'juesuan[pdf]'")
        assert pdfium._inflater()[0].__name__ == "isal.isal_zlib"
    else:
        monkeypatch.setitem(sys.modules, "isal", None)  # import isal -> ImportError
        assert pdfium._inflater()[0] is zlib

    small = zlib.compress(b" " * (MAX_STREAM_BYTES + 1), 9)  # ~16 KB, expands past the limit
    assert len(small) * 1032 > MAX_STREAM_BYTES
    pdf = build_pdf([b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(small) + small + b"\nendstream"])
    with pytest.raises(UnusableInput, match="expands past 16 MB"):
        check_streams(pdf, "x.pdf")
    by_reference = build_pdf([b"<< /Length %d /Filter 2 0 R >>\nstream\n" % len(small) + small + b"\nendstream",
                              b"/FlateDecode"])  # the filter's name in another object
    with pytest.raises(UnusableInput, match="expands past 16 MB"):
        check_streams(by_reference, "x.pdf")
    ok = zlib.compress(b" " * MAX_STREAM_BYTES, 9)
    check_streams(build_pdf([b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(ok) + ok + b"\nendstream"]), "x.pdf")


@pytest.mark.parametrize("inflater", ["isal", "zlib"])
def test_stream_check_measures_exactly_what_inflates(inflater, monkeypatch):
    """The measured size is the inflated size, in steps of 64 KB of input and output: for a stream
    whose input spans many steps (incompressible), one that expands far past a step, one cut short
    (what inflates before the damage), two Flate filters in a row, and one past the limit (a size over
    it); and whether it inflated to its end (not the one cut short, nor one past the limit)."""
    import random

    from juesuan.readers import pdfium

    if inflater == "isal":
        _need("isal", "pip install 'juesuan[pdf]'")
    else:
        monkeypatch.setitem(sys.modules, "isal", None)
    noise = random.Random(15).randbytes(300_000)
    spaces = b" " * 5_000_001
    cut = zlib.compress(noise + spaces, 6)[:200_000]
    cases = [(zlib.compress(noise), False, 300_000), (zlib.compress(spaces, 9), False, 5_000_001),
             (cut, False, len(zlib.decompressobj().decompress(cut))),
             (zlib.compress(zlib.compress(spaces, 9)), True, 5_000_001)]
    for data, nested, size in cases:
        assert pdfium._inflated_size(memoryview(data), 16 * 2**20, nested) == (size, data is not cut)
    size, whole = pdfium._inflated_size(memoryview(cases[1][0]), 1_000_000, False)
    assert size in range(1_000_001, 1_000_001 + 2**16) and not whole
    assert pdfium._inflated_size(memoryview(cases[3][0]), 1_000_000, True) == (1_000_001, False)


@pytest.mark.parametrize("pdf", [PUTUO, SHARED / "corpus" / "2024-shanghai-template.pdf"], ids=["putuo", "template"])
def test_same_grid_rows_as_the_pdfplumber_reader(pdf):
    """What the table matcher is given, row by row: page, line, and each cell's column, text and span.
    The blank template sets its text at Tf 319 scaled by 0.05, so a character's size is the matrix's."""
    need_pdfium()
    need_pdfplumber()
    import pdfplumber

    from juesuan.readers.pdfpages import pdf_rows
    from juesuan.readers.pdfium import open_document

    from . import pdfplumber_reader as old

    layouts = list(load_taxonomy().layouts.values())
    key = lambda rows: [(r.loc.sheet, r.loc.line, [(c.col, c.text, c.span) for c in r.cells]) for r in rows]  # noqa: E731
    with open_document(pdf.read_bytes(), str(pdf)) as doc:
        new_rows, _ = pdf_rows(doc, str(pdf), layouts)
    with pdfplumber.open(pdf) as p:
        old_rows, _ = old.pdf_rows(p, str(pdf), layouts)
    assert len(new_rows) > 250
    assert key(new_rows) == key(old_rows)


def _one_page(content: bytes, extra: bytes = b"", box: bytes = b"[0 0 595 842]") -> bytes:
    from .pdfgen import build_pdf

    return build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox " + box + b" " + extra
        + b" /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


PORTRAIT, LANDSCAPE = b"[0 0 595 842]", b"[0 0 842 595]"


@pytest.mark.parametrize("cm, box, extra, turned", [
    (b"1 0 0 1 0 0", PORTRAIT, b"", 0),  # upright
    (b"0 1 -1 0 842 0", LANDSCAPE, b"", 90),  # running up the page, no /Rotate: read turned a quarter clockwise
    (b"-1 0 0 -1 595 842", PORTRAIT, b"", 180),  # upside down
    (b"0 -1 1 0 0 595", LANDSCAPE, b"", 270),  # running down the page
    (b"1 0 0 1 0 0", PORTRAIT, b"/Rotate 90", 0),  # upright text that /Rotate shows sideways: read as drawn
    (b"0 1 -1 0 842 0", LANDSCAPE, b"/Rotate 90", 90),  # drawn turned, shown upright by /Rotate (as scanned)
])
def test_a_page_is_read_the_way_most_of_its_text_stands(cm, box, extra, turned):
    """The page is turned, as /Rotate would turn it, so that most of its characters stand upright:
    each line then reads left to right on one baseline, whatever the content matrix or /Rotate."""
    need_pdfium()
    from juesuan.readers.pdfium import Document, Page

    lines = b"".join(b"BT /F1 10 Tf 1 0 0 1 300 %d Tm (201 Services 1,234.56) Tj ET " % (400 + 20 * i)
                     for i in range(3))
    with Document(_one_page(b"q %s cm %s Q" % (cm, lines), extra, box), "x.pdf") as doc:
        page = Page(doc, 0)
        spent = doc.spent["chars"]
    with Document(_one_page(lines), "x.pdf") as doc:
        Page(doc, 0)
        assert spent == doc.spent["chars"]  # a page read again turned spends its characters once
    assert page.rotation == turned
    assert (page.width, page.height) == (595, 842)
    rows = {}
    for c in page.chars:
        rows.setdefault(round(c.top), []).append(c)
    assert sorted(len(r) for r in rows.values()) == [len("201 Services 1,234.56")] * 3
    for r in rows.values():
        assert all(a.x1 <= b.x0 + 0.01 for a, b in zip(r, r[1:]))  # in reading order, left to right
        assert "".join(c.text for c in r) == "201 Services 1,234.56"


def test_a_sideways_note_does_not_turn_an_upright_page():
    """A few characters drawn turned (a note up the margin) leave the page as it is: only most of its
    characters turn it."""
    need_pdfium()
    from juesuan.readers.pdfium import Document, Page

    body = b"".join(b"BT /F1 10 Tf 1 0 0 1 100 %d Tm (201 Services 1,234.56) Tj ET " % (700 - 20 * i) for i in range(5))
    note = b"BT /F1 8 Tf 0 1 -1 0 30 300 Tm (Printed 2024-06-30 by the finance office) Tj ET "
    with Document(_one_page(body + note), "x.pdf") as doc:
        page = Page(doc, 0)
    assert page.rotation == 0
    assert sum(c.text == "S" for c in page.chars if 100 <= c.x0 <= 300) == 5


def test_fonts_without_a_unicode_map_are_said_so(tmp_path):
    """A PDF whose fonts map their glyphs to no characters (no /ToUnicode, as some print drivers write
    them: here the Putuo PDF with its six ToUnicode maps taken away, or only its two CJK fonts' maps,
    so its digits still read): PDFium gives their glyph numbers ('!"#$ % !" &'), read as U+FFFD. Not
    "no table found" but one line saying why, with what the text layer reads."""
    need_pdfium()
    data = PUTUO.read_bytes()
    assert data.count(b"/ToUnicode") == 6
    every = data.replace(b"/ToUnicode", b"/ToUnicodX")
    cjk = data.replace(b"/ToUnicode 10 0 R", b"/ToUnicodX 10 0 R").replace(b"/ToUnicode 31 0 R", b"/ToUnicodX 31 0 R")
    assert cjk.count(b"/ToUnicode") == 4
    out = tmp_path / "out.xml"
    for name, pdf, reads in (("every", every, "“" + "\ufffd" * 9 + " "), ("cjk", cjk, "“" + "\ufffd" * 9 + " 2024\ufffd")):
        src = tmp_path / f"{name}.pdf"
        src.write_bytes(pdf)
        for lang, says in (("zh", "PDF 的文字层里几乎没有汉字（读到的是" + reads),
                           ("en", "the PDF's text layer holds hardly a Chinese character (it reads " + reads)):
            res = run_cli("convert", src, "-o", out, "--lang", lang)
            assert res.returncode == 2 and not out.exists()
            assert res.stderr.count("\n") == 1 and says in res.stderr, res.stderr


def test_glyphs_mapped_to_no_character_are_read_as_replacement_characters(tmp_path):
    """PDFium gives a glyph whose font has no Unicode map its glyph number. With the Putuo PDF's Times
    New Roman map (its digits) taken away, the amounts came out as codes under 32, which were dropped
    without a word (0 facts, and "the tables are empty (a blank template?)"). Every such glyph (PDFium's
    FPDFText_HasUnicodeMapError) is now read in its place as U+FFFD: exactly the 2,048 digits, points,
    commas and marks of that font, each page with them has a warning saying how many, and each amount
    made of them is a not-an-amount error naming its line, as a mistyped amount is."""
    need_pdfium()
    from juesuan.readers.pdfium import Document, Page

    data = PUTUO.read_bytes()
    digits = data.replace(b"/ToUnicode 40 0 R", b"/ToUnicodX 40 0 R")
    lost, per_page = "", {}
    with Document(data, "a.pdf") as a, Document(digits, "b.pdf") as b:
        for i in range(len(a)):
            read, unmapped = Page(a, i), Page(b, i)
            assert read.unmapped == 0 and len(read.chars) == len(unmapped.chars)
            changed = [(x, y) for x, y in zip(read.chars, unmapped.chars) if x != y]
            assert all(y.text == "\ufffd" and (x.x0, x.top) == (y.x0, y.top) for x, y in changed)
            lost += "".join(x.text for x, _ in changed)
            if unmapped.unmapped:
                per_page[i + 1] = unmapped.unmapped
                assert unmapped.unmapped == len(changed)
    assert len(lost) == 2048 and set(lost) == set("0123456789.,%:“”")
    src = tmp_path / "digits.pdf"
    src.write_bytes(digits)
    conv = convert_file(src)
    found = [f for f in conv.findings if f.code == "convert:pdf-unmapped"]
    assert {f.values["page"]: f.values["n"] for f in found} == per_page and {f.severity for f in found} == {"warning"}
    assert found[0].text() == (f"第 {found[0].values['page']} 页有 {found[0].values['n']} 个字形没有对应的字符"
                               "（字体缺少到字符的映射），读作“\ufffd”，其中可能有金额")
    assert conv.instance.facts == []  # and each of the 195 amounts is a finding naming its page and line
    said = {(f.location.sheet, f.location.line) for f in conv.findings
            if f.code in ("convert:not-an-amount", "convert:cell-not-placed") and "\ufffd" in f.values["text"]}
    assert {(f.location.sheet, f.location.line) for f in convert_file(PUTUO).instance.facts} <= said
    assert not any(f.code == "convert:pdf-unmapped" for f in convert_file(PUTUO).findings)


def test_unreadable_glyphs_never_make_a_code_and_are_counted_as_numbers():
    """A code whose next part is unreadable ('201 06 0\ufffd', a partial Unicode map) is no code: read as
    20106 it put 20107's 449.52 for IncTotal 20106 (2,112.86); a token of unreadable glyphs counts as a
    number (accounting), so the layout path reports it per line like any amount not placed."""
    from juesuan.model import Location
    from juesuan.readers.accounting import _held, is_number_token
    from juesuan.readers.cells import Cell
    from juesuan.readers.rows import RowMatching

    cells = [Cell(i, t, Location()) for i, t in enumerate(["201", "06", "0\ufffd", "一般公共服务"])]
    assert RowMatching._code_cells(cells) == (None, [])
    assert RowMatching._code_cells([cells[0], cells[1], Cell(2, "01", Location())])[0] == "2010601"
    named = [cells[0], cells[1], Cell(2, "人大事\ufffd", Location())]  # the name unreadable in part: the code holds
    assert RowMatching._code_cells(named)[0] == "20106"
    unnamed = [cells[0], Cell(1, "\ufffd" * 8, Location())]  # a name all unreadable beside its code
    assert RowMatching._code_cells(unnamed)[0] == "201"
    assert _held("\ufffd,\ufffd\ufffd.\ufffd\ufffd") and _held("\ufffd\ufffd") and _held("2,033.15")
    assert not _held("一般\ufffd") and not _held("201")
    assert not is_number_token("\ufffd\ufffd")  # no weight where numbers tell regions apart


def test_a_page_header_holds_no_amount():
    """A row naming a table's title with its mark or the year is a page header (document._page_header),
    unless it holds an amount: ('支出决算表', '公开03表', '2,033.15') is a row of amounts, and dropping it
    as a header lost them without a word."""
    from juesuan.model import Location
    from juesuan.readers.cells import Cell, GridRow
    from juesuan.readers.document import _page_header

    lay = load_taxonomy().layout("2021-hunan")

    def row(*texts):
        return GridRow([Cell(i, t, Location()) for i, t in enumerate(texts)])

    assert _page_header(row("醴陵市网格化管理服务中心", "收入决算表（公开02表）", "2021 年度决算"), lay)
    assert not _page_header(row("支出决算表", "公开03表", "2,033.15", "1,838.83"), lay)
    assert not _page_header(row("2021", "收入决算表", "1,234.00"), lay)


def test_a_title_whose_quotes_are_unreadable_still_names_its_table(tmp_path):
    """With the Putuo PDF's Arial map taken away, the quotes of 财政拨款“三公”经费支出决算表 read as
    U+FFFD: the title still names table 07 (quotes and unreadable glyphs are dropped from a title's
    key, as displaced quotes always were), so its two 0.95 are read, not reported as not placed."""
    need_pdfium()
    src = tmp_path / "arial.pdf"
    src.write_bytes(PUTUO.read_bytes().replace(b"/ToUnicode 77 0 R", b"/ToUnicodX 77 0 R"))
    conv = convert_file(src)
    got = {(f.concept, f.value) for f in conv.instance.facts if f.concept.startswith("ThreeBudget")}
    assert ("ThreeBudgetTotal", Decimal("0.95")) in got and ("ThreeBudgetReception", Decimal("0.95")) in got
    assert any(f.code == "convert:pdf-unmapped" and f.values["page"] == 18 for f in conv.findings)
    from juesuan.readers.titles import match_title  # never for more glyphs than the title has quotes:

    lay = load_taxonomy().layout("2024-shanghai")
    assert match_title("财政拨款\ufffd三公\ufffd经费支出决算表", lay).id == "07"
    assert match_title("一般公共预算财政拨款\ufffd\ufffd支出决算表", lay) is None  # 06's 基本 unreadable: not 05
    assert match_title("\ufffd" * 4 + "政府性基金预算财政拨款收入支出决算表", lay) is None


def test_text_that_is_words_or_page_numbers_is_not_called_garbled(tmp_path):
    """Latin words, a scan whose only text is its page numbers ("- 1 -"), or a page of amounts alone
    are no report: "no table found", not the unmapped-fonts line (too few marks to tell; letters are
    words; the separators, signs and per cent signs of numbers are no marks of garbled text)."""
    need_pdfium()
    for name, line in (("words", b"Annual report of the district finance bureau, with tables " * 4),
                       ("numbers", b"- 1 -"), ("amounts", b"1,234.56 -7.00 +12.5% 2,106.66 " * 30)):
        src = tmp_path / f"{name}.pdf"
        src.write_bytes(_one_page(b"BT /F1 8 Tf 1 0 0 1 20 400 Tm (%s) Tj ET" % line))
        res = run_cli("convert", src, "-o", tmp_path / "out.xml", "--lang", "en")
        assert res.returncode == 2 and "no table of the" in res.stderr, res.stderr


def test_characters_not_upright_as_the_page_is_shown_are_set_aside():
    """A number drawn a quarter turn on an upright page (or skewed, or mirrored) is not read into the
    page's lines, where its glyph boxes would make wrong words and amounts: it goes to Page.aside. A
    page whose text is all skewed 1.1 degrees is read deskewed, the same lines as upright; one all at 30
    degrees (past MAX_SKEW) or mirrored has no characters read."""
    need_pdfium()
    from juesuan.readers.pdfium import Document, Page

    upright = b"".join(b"BT /F1 10 Tf 1 0 0 1 100 %d Tm (201 Services 1,234.56) Tj ET " % (700 - 20 * i) for i in range(5))
    for matrix in (b"0 1 -1 0", b"1 0.02 -0.02 1", b"-1 0 0 1"):  # turned, skewed 1.1 degrees, mirrored
        turned = b"BT /F1 10 Tf %s 400 300 Tm (9,876.54) Tj ET " % matrix
        with Document(_one_page(upright + turned), "x.pdf") as doc:
            page = Page(doc, 0)
        assert page.rotation == 0 and "".join(page.aside) == "9,876.54", matrix
        assert "".join(c.text for c in page.chars).count("1,234.56") == 5 and "9" not in [c.text for c in page.chars]
    with Document(_one_page(upright), "x.pdf") as doc:
        straight = Page(doc, 0)
    with Document(_one_page(upright.replace(b"1 0 0 1 100", b"1 0.02 -0.02 1 100")), "x.pdf") as doc:
        page = Page(doc, 0)
    assert page.aside == [] and abs(page.skew - math.degrees(math.atan(0.02))) < 1e-4
    def shape(chars):  # text, place in its line and height on the page, each line turned about its start
        first = {}
        return [(c.text, c.x0 - first.setdefault(round(c.top), c).x0, c.x1 - first[round(c.top)].x0,
                 c.top - chars[0].top) for c in chars]

    got, want = shape(page.chars), shape(straight.chars)
    assert [g[0] for g in got] == [w[0] for w in want]
    assert max(abs(a - b) for g, w in zip(got, want) for a, b in zip(g[1:], w[1:])) < 0.05
    for matrix in (b"0.866 0.5 -0.5 0.866", b"-1 0 0 1"):  # 30 degrees, mirrored
        with Document(_one_page(upright.replace(b"1 0 0 1 100", matrix + b" 100")), "x.pdf") as doc:
            page = Page(doc, 0)
        assert page.chars == [] and len(page.aside) == 5 * len("201 Services 1,234.56"), matrix


def test_skew_of_a_text_matrix():
    """_skew: the quarter turn and the degrees past it, for text turned within MAX_SKEW of a quarter
    turn; None for text mirrored, sheared, turned further, or with a matrix past float range (whose
    angle is no number: round() of it would raise)."""
    from juesuan.readers.pdfium import _skew

    t = math.radians(2)
    c, s = math.cos(t), math.sin(t)
    assert _skew(c, s, -s, c) == (0, pytest.approx(2)) and _skew(-s, c, -c, -s) == (90, pytest.approx(2))
    assert _skew(c, -s, s, c) == (0, pytest.approx(-2)) and _skew(-c, s, -s, -c) == (180, pytest.approx(-2))
    assert _skew(-c, -s, -s, c) is None  # mirrored
    assert _skew(1, 0, 0.2, 1) is None  # sheared 11 degrees
    assert _skew(0.866, 0.5, -0.5, 0.866) is None  # 30 degrees
    inf, nan = float("inf"), float("nan")
    assert _skew(nan, 0, 0, 1) is None and _skew(inf, 0, 0, 1) is None and _skew(1e308, 1e308, -1e308, 1e308) is None


@pytest.mark.parametrize("degrees", [2, 0])
def test_an_ocr_layer_askew_is_read_deskewed(degrees):
    """The text layer OCR puts over a scan that lies askew (or straight): every line drawn at its own
    angle near the page's (here 2 or 0 degrees, each line up to 0.3 off), along the page. The page is
    read turned back by the median angle (lines drawn square counting 0): each line is one line
    again, left to right, in order; a line 0.8 degrees off the rest (past SKEW_TOL) is set aside, not
    read into the others. Around 0, the lines within a thousandth of square were read upright and the
    others set aside (Putuo so jittered by 0.2 lost every fact); lines all 0.11 degrees off fell
    between reading upright and deskewing."""
    need_pdfium()
    from juesuan.readers.pdfium import Document, Page

    page_turn = math.radians(degrees)

    def line(i, off):
        t = page_turn + math.radians(off)
        x, y = 100, 700 - 20 * i  # where the line starts on the page lying straight
        x, y = x * math.cos(page_turn) - y * math.sin(page_turn), x * math.sin(page_turn) + y * math.cos(page_turn)
        return b"BT /F1 10 Tf %.6f %.6f %.6f %.6f %.3f %.3f Tm (%d0%d Services %d,234.56) Tj ET " % (
            math.cos(t), math.sin(t), -math.sin(t), math.cos(t), x, y, i, i, i)

    offs = [0.3, -0.2, 0.1, 0.0, -0.3, 0.2, 0.8]
    with Document(_one_page(b"".join(line(i, off) for i, off in enumerate(offs))), "x.pdf") as doc:
        page = Page(doc, 0)
    assert page.tilted and abs(page.skew - degrees) <= 0.15  # the median line: 0.1 off
    rows: dict[int, list] = {}
    for c in page.chars:
        rows.setdefault(round(c.top / 20), []).append(c)
    texts = ["".join(c.text for c in sorted(r, key=lambda c: c.x0)) for _, r in sorted(rows.items())]
    assert texts == [f"{i}0{i} Services {i},234.56" for i in range(6)]
    assert "".join(page.aside) == "606 Services 6,234.56"


def test_a_pdf_whose_text_is_all_at_an_angle_is_said_so(tmp_path):
    need_pdfium()
    src = tmp_path / "skewed.pdf"
    src.write_bytes(_one_page(b"BT /F1 10 Tf 0.866 0.5 -0.5 0.866 100 700 Tm (201 Services 1,234.56) Tj ET"))
    res = run_cli("convert", src, "-o", tmp_path / "out.xml", "--lang", "en")
    assert res.returncode == 2 and res.stderr.count("\n") == 1
    assert "all the PDF's text is set at an angle, turned or mirrored (21 characters, such as “201 Services 1,2”)" \
        in res.stderr, res.stderr

@pytest.mark.parametrize("turn, pages", [(90, range(0, 25, 2)), (180, {11}), (270, None)])
def test_putuo_with_pages_drawn_turned_reads_the_same(tmp_path, turn, pages):
    """The Putuo PDF with some or all of its pages drawn turned and no /Rotate: each turned page is
    read upright, and its characters' heights come from their baselines, not PDFium's boxes of the
    turned glyphs (a 12 pt digit's box is 22 pt tall: page 12 turned gave GrantIncGeneralBudget
    21.63, the sub-row below, for 2,940.05)."""
    need_pdfium()
    from .pdfgen import turned_pages

    src = tmp_path / "turned.pdf"
    src.write_bytes(turned_pages(PUTUO.read_bytes(), turn, pages))
    want = convert_file(PUTUO)
    got = convert_file(src)
    assert len(want.instance.facts) == 195
    assert got.instance.fact_set() == want.instance.fact_set()


def test_a_ruled_table_drawn_askew_point_by_point_is_read_deskewed():
    """A ruled table whose line ends and text are placed askew by their own coordinates (no turning
    matrix): its ruling is turned back with its text, and the table reads as drawn straight."""
    need_pdfium()
    from juesuan.readers.pdfium import Document, Page, find_tables

    t = math.radians(1.5)

    def at(x, y):
        return x * math.cos(t) - y * math.sin(t), x * math.sin(t) + y * math.cos(t)

    rules = b""
    for y in (700, 680, 660):
        rules += b"%.3f %.3f m %.3f %.3f l S " % (*at(100, y), *at(400, y))
    for x in (100, 250, 400):
        rules += b"%.3f %.3f m %.3f %.3f l S " % (*at(x, 700), *at(x, 660))
    text = b"".join(b"BT /F1 10 Tf %.6f %.6f %.6f %.6f %.3f %.3f Tm (%s) Tj ET " % (
        math.cos(t), math.sin(t), -math.sin(t), math.cos(t), *at(x, y), word)
        for x, y, word in ((110, 686, b"201"), (260, 686, b"1,234.56"), (110, 666, b"20101"), (260, 666, b"34.50")))
    with Document(_one_page(rules + text), "x.pdf") as doc:
        page = Page(doc, 0)
    assert abs(page.skew - 1.5) < 1e-3
    [table] = find_tables(page.edges, page.chars)
    assert table.extract() == [["201", "1,234.56"], ["20101", "34.50"]]


@pytest.mark.parametrize("matrix", [b"1 0.00001 0 1 0 0", 0.11, 1.0, -2.5, 91.0, 8.0, 10.0])
def test_putuo_drawn_askew_reads_the_same(tmp_path, matrix):
    """The Putuo PDF drawn askew, as a scan lies or a page is printed off true. Skewed by 1e-5
    (invisible: the text within a ten-thousandth of upright, read from its baselines; ruling within
    ALIGN of straight), or turned 0.11, 1, -2.5, 91, 8 or 10 degrees (text and ruling read deskewed,
    turned back by the text's angle), it gives its 195 facts exactly. At 1e-5 it once put 1,503.52 for ExpBasic's
    2,336.91 (PDFium's boxes of skewed glyphs), then read only 128 (ruling off straight was none);
    turned a degree, it was refused (all text at an angle)."""
    need_pdfium()
    from .pdfgen import turned_pages

    if not isinstance(matrix, bytes):
        matrix = b"%.9f %.9f %.9f %.9f 0 0" % _turn(matrix)
    src = tmp_path / "skewed.pdf"
    src.write_bytes(turned_pages(PUTUO.read_bytes(), 0, matrix=matrix))
    want = convert_file(PUTUO)
    got = convert_file(src)
    assert len(want.instance.facts) == 195
    assert got.instance.fact_set() == want.instance.fact_set()
    assert got.instance.header == want.instance.header
    off = [f for f in got.findings if f.code == "convert:pdf-text-hidden"]
    assert [f.code for f in got.findings if f not in off] == [f.code for f in want.findings]
    # turned about the page's corner, the content of the sheets of 91 degrees lies wholly off them (a
    # viewer shows blank pages): read all the same, and said on each page with amounts; turned 10
    # degrees, the first characters of a few narrative lines go off the left edge (no amount among them)
    assert [f.values["page"] for f in off] == ([6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 21, 22, 23, 24]
                                               if matrix == b"%.9f %.9f %.9f %.9f 0 0" % _turn(91.0) else [])


def _turn(degrees: float) -> tuple[float, float, float, float]:
    t = math.radians(degrees)
    return math.cos(t), math.sin(t), -math.sin(t), math.cos(t)


def test_a_page_with_amounts_set_aside_says_so(monkeypatch):
    """Amounts among a page's characters set aside (not upright as the page is read) would be lost: the
    conversion has a warning naming the page, in zh and en. A date stamp at an angle (no amount) is
    not reported."""
    need_pdfium()
    import juesuan.readers.pdfpages as pages

    real = pages.Page

    def page(doc, index):
        p = real(doc, index)
        p.aside = list({5: "9,876.54 合计", 6: "2024-06-30 打印"}.get(index, ""))
        return p

    monkeypatch.setattr(pages, "Page", page)
    found = [f for f in convert_file(PUTUO).findings if f.code == "convert:pdf-text-aside"]
    assert [(f.severity, f.values["page"], f.values["n"]) for f in found] == [("warning", 6, 11)]
    assert found[0].text() == "第 6 页有 11 个字符与页面上其余文字方向不同（倾斜、旋转或镜像），未读取，其中有金额：“9,876.54 合计”"
    assert found[0].text("en") == ("page 6: 11 characters set at another angle than the page's text (turned, skewed or "
                                   "mirrored) not read, amounts among them: “9,876.54 合计”")


def test_amounts_off_the_page_as_shown_are_read_and_said(tmp_path):
    """A crop box (or a media box cut short) hides part of a page from viewers and printers; its text
    is still in the file. The reader reads it as the file holds it (the same 195 facts) and says,
    naming the page, that amounts lie where the print does not show them: page 9 (02 表, 842 x 595)
    cropped to its lower left, the 行政单位医疗 row's 60.99 among them; page 11's media box cut to
    its lower 400 points. A crop box that shows the whole page says nothing."""
    need_pdfium()
    import pypdfium2 as pdfium

    want = convert_file(PUTUO)
    pdf = pdfium.PdfDocument(str(PUTUO))
    try:
        pdf[8].set_cropbox(0, 0, 595, 421)
        pdf[9].set_cropbox(0, 0, 842, 595)  # page 10: its whole media box
        pdf[10].set_mediabox(0, 0, 842, 400)  # page 11: the media box itself cut, no crop box
        pdf.save(str(tmp_path / "cropped.pdf"))
    finally:
        pdf.close()
    got = convert_file(tmp_path / "cropped.pdf")
    assert got.instance.fact_set() == want.instance.fact_set() and len(got.instance.facts) == 195
    found = [f for f in got.findings if f.code == "convert:pdf-text-hidden"]
    assert [(f.severity, f.values["page"]) for f in found] == [("warning", 9), ("warning", 11)]
    assert found[0].values["n"] > 50 and "60.99" in found[0].values["sample"], found[0].values
    assert found[0].text().startswith("第 9 页有 ") and "裁剪框" in found[0].text()
    assert found[0].text("en").startswith("page 9: ") and "crop box" in found[0].text("en")
    assert [f.code for f in got.findings if f.code != "convert:pdf-text-hidden"] == [f.code for f in want.findings]


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_boxes_a_page_inherits_decide_what_is_shown(rotate):
    """The media and crop boxes set on the /Pages node (PDFium's FPDFPage_GetMediaBox sees only the
    page's own): the crop box shows the upper half, so the amount at y = 100 is off the page as shown
    and the one at y = 700 on it, whichever way /Rotate turns the page."""
    need_pdfium()
    from juesuan.readers.pdfium import Document, Page
    from juesuan.readers.pdfpages import hidden_chars

    content = b"BT /F1 12 Tf 100 700 Td (1,234.56 shown) Tj ET BT /F1 12 Tf 100 100 Td (9,876.54 cut) Tj ET"
    data = build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 600 800] /CropBox [0 400 600 800] >>",
        b"<< /Type /Page /Parent 2 0 R /Rotate %d /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>" % rotate,
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])
    with Document(data, "x.pdf") as doc:
        page = Page(doc, 0)
        assert "".join(hidden_chars(page)) == "9,876.54 cut"


def _bomb_stream(filters: bytes, body: bytes, pad: bytes = b"") -> bytes:
    """flate_bomb_objects(40) with its content stream's dictionary and data replaced."""
    objects = flate_bomb_objects(40)
    objects[3] = b"<< /Length %d %s%s >>\nstream\n" % (len(body), filters, pad) + body + b"\nendstream"
    return build_pdf(objects)


def _flate_bomb_data(megabytes: int = 40) -> bytes:
    return flate_bomb_objects(megabytes)[3].partition(b"stream\n")[2].rpartition(b"\nendstream")[0]


@pytest.mark.parametrize("how", ["abbreviated", "escaped name", "escaped key", "hex first", "ascii85 first",
                                 "long dictionary", "decoy filter", "lzw", "run-length", "endstream inside",
                                 "header in a string", "filter in a string", "dictionary not lexed", "line ends in CR",
                                 "spaces on the line"])
def test_every_way_of_writing_a_bomb_is_measured(how, monkeypatch):
    """A 40 MB content stream written so that the stream check did not see it: the filter's abbreviated
    name (/Fl); a name or the /Filter key itself spelt with #xx; ASCIIhex or ASCII85 before Flate; a
    dictionary longer than the 400 bytes once searched; LZW (up to 2,730:1), never measured. PDFium
    decoded each (to 40 MB here; a 400 MB one took it 850 MB of memory). Run-length (64:1) was not
    measured either; nor was the rest of a stream whose data spells `endstream` before its /Length
    ends (PDFium read it all: 108 MB), nor a stream whose `stream` line ends in CR alone or holds
    spaces (PDFium reads from the next line). Strings spelling `1 0 obj` or `/Filter /DCTDecode` in the
    dictionary, or a /Filter naming an image codec nested in /DecodeParms, do not hide the stream's
    own filters; a dictionary the check does not lex (past its budget) is measured as each filter
    Flate may follow (against a font's limit, 64 MB: this one is 80 MB). Each is refused before
    PDFium is given the file."""
    import base64

    from juesuan.readers import pdfium_streams
    from juesuan.readers.pdfium import check_streams

    from .pdfgen import flate_bomb_hiding_endstream, lzw_bomb

    flate = _flate_bomb_data()
    pdf = {
        "abbreviated": lambda: _bomb_stream(b"/Filter /Fl", flate),
        "escaped name": lambda: _bomb_stream(b"/Filter /Fl#61teDecode", flate),
        "escaped key": lambda: _bomb_stream(b"/Fil#74er /FlateDecode", flate),
        "hex first": lambda: _bomb_stream(b"/Filter [/AHx /Fl]", flate.hex().encode() + b">"),
        "ascii85 first": lambda: _bomb_stream(b"/Filter [/ASCII85Decode /FlateDecode]", base64.a85encode(flate) + b"~>"),
        "long dictionary": lambda: _bomb_stream(b"/Filter /FlateDecode", flate, b" /Note (" + b"x" * 600 + b")"),
        "decoy filter": lambda: _bomb_stream(b"/DecodeParms << /Filter /DCTDecode >> /Filter /FlateDecode", flate),
        "lzw": lambda: _bomb_stream(b"/Filter /LZWDecode", lzw_bomb(40)),
        "run-length": lambda: _bomb_stream(b"/Filter /RunLengthDecode", b"\x81 " * 170_000 + b"\x80"),
        "endstream inside": lambda: _bomb_stream(b"/Filter /FlateDecode", flate_bomb_hiding_endstream(40)),
        "header in a string": lambda: _bomb_stream(b"/Filter [/AHx /Fl] /Title (1 0 obj)", flate.hex().encode()),
        "filter in a string": lambda: _bomb_stream(b"/Title (/Filter /DCTDecode) /Filter /Fl", flate),
        "dictionary not lexed": lambda: _bomb_stream(b"/Title (x) /Filter [/AHx /Fl]", _flate_bomb_data(80).hex().encode()),
        "line ends in CR": lambda: _bomb_stream(b"/Filter /FlateDecode", flate).replace(b">>\nstream\n", b">>\nstream\r", 1),
        "spaces on the line": lambda: _bomb_stream(b"/Filter /FlateDecode", flate).replace(b"stream\n", b"stream  \r\n", 1),
    }[how]()
    if how == "dictionary not lexed":
        monkeypatch.setattr(pdfium_streams, "_TOKEN_BYTES", -2**40)
    assert len(pdf) < 1_000_000
    with pytest.raises(UnusableInput) as e:
        check_streams(pdf, "x.pdf")
    assert e.value.code == "input:pdf-bomb"


@given(st.binary(max_size=3000), st.integers(0, 3))
@settings(max_examples=150, deadline=None)
def test_the_stream_check_decodes_as_the_filters_encode(data, spaces):
    """The stream check's own decoders (LZW, run-length, ASCII85, ASCIIhex: pdfium_streams) give back
    what was encoded, white space inside ASCII85 and ASCIIhex ignored, and say the data ended where it
    should (its end-of-data code, 128, `~>`, `>`)."""
    import base64

    from juesuan.readers import pdfium_filters as ps

    from .pdfgen import lzw

    assert ps._unlzw(lzw(data), 10**6) == (data, True)
    run = b"".join(bytes([len(data[i:i + 100]) - 1]) + data[i:i + 100] for i in range(0, len(data), 100))
    assert ps._unrun(run + b"\x80", 10**6) == (data, True)
    assert ps._unrun(b"\xfe" + b"a" + b"\x80", 10**6) == (b"a" * 3, True)
    sep = b" \n" * spaces
    text = base64.a85encode(data, wrapcol=7)
    whole = len(data) % 4 == 0  # a last group of two to four characters is not decoded (at most three bytes)
    got, ended = ps._una85(sep + text.replace(b"\n", sep or b"\n") + b"~>", 10**6)
    assert got == (data if whole else data[: len(data) // 4 * 4]) and ended == whole
    assert ps._unhex(sep + data.hex().encode() + sep + b">", 10**6) == (data, True)
    if data:  # an odd number of digits: the last one is followed by 0
        assert ps._unhex(data.hex().encode()[:-1] + b">", 10**6)[0] == data[:-1] + bytes([data[-1] & 0xF0])


def test_lzw_and_run_length_data_past_the_budget_refuse_the_file(monkeypatch):
    """LZW and run-length data are decoded in Python (a second or so a megabyte): past _SLOW_BYTES of
    them in one file, it is refused in one line rather than measured for minutes."""
    from juesuan.readers import pdfium_streams
    from juesuan.readers.pdfium import check_streams

    from .pdfgen import lzw_bomb

    pdf = _bomb_stream(b"/Filter /LZWDecode", lzw_bomb(40))
    monkeypatch.setattr(pdfium_streams, "_SLOW_BYTES", 2_000)  # its first 2,000 bytes make about 1 MB
    with pytest.raises(UnusableInput) as e:
        check_streams(pdf, "x.pdf")
    assert e.value.code == "input:pdf-slow-filters" and "LZW or run-length" in str(e.value)


def test_inline_images_are_measured_in_the_page_content(tmp_path):
    """PDFium decodes an inline image's filters (BI /F /Fl ... ID data EI) as it parses the page: a
    400 KB page holding one that inflates to 400 MB took it 218 s and 23 GB. The content of every page
    (compressed or not) is scanned for them, and each is measured from its data on: 40 MB of one
    refuses the file in one line, in a content stream stored as it is or itself compressed; an 8 x 8
    inline image, compressed, is read past, the page's text read."""
    need_pdfium()
    from juesuan.readers.pdfium import Page, check_streams, open_document

    def page(image: bytes, compress: bool) -> bytes:
        content = b"q 100 0 0 100 0 0 cm BI /W 8 /H 8 /BPC 8 /CS /G /F /Fl ID " + image + b" EI Q " \
            + b"BT /F1 10 Tf 1 0 0 1 100 700 Tm (201 Services 1,234.56) Tj ET"
        objects = _page_objects(zlib.compress(content) if compress else content)
        if compress:
            objects[3] = objects[3].replace(b"<< /Length", b"<< /Filter /FlateDecode /Length")
        return build_pdf(objects)

    for compress in (False, True):
        src = tmp_path / "inline.pdf"
        src.write_bytes(page(_flate_bomb_data(40), compress))
        assert src.stat().st_size < 100_000
        with pytest.raises(UnusableInput) as e:
            check_streams(src.read_bytes(), str(src))
        assert e.value.code == "input:pdf-inline-bomb", compress
        small = page(zlib.compress(bytes(range(64))), compress)
        check_streams(small, "x.pdf")
        with open_document(small, "x.pdf") as doc:
            assert "".join(c.text for c in Page(doc, 0).chars) == "201 Services 1,234.56"
    res = run_cli("convert", src, "-o", tmp_path / "out.xml", "--lang", "en")
    assert res.returncode == 2 and res.stderr.strip().endswith("an inline image in a page's content expands past "
                                                               "16 MB (a decompression bomb?); a report PDF is far smaller")


def test_graphics_states_saved_at_once_are_bounded():
    """PDFium keeps every graphics state page content saves (q) until it is restored (Q): a 14 KB file
    of seven million nested q took it 1.2 GB and 4 s. Counted in the content before PDFium parses
    it, across the page's streams (they follow one another): past MAX_SAVES at once the file is
    refused, nested q restored only after them too; as many saved and restored one at a time pass."""
    from juesuan.readers.pdfium import check_streams
    from juesuan.readers.pdfium_streams import MAX_SAVES

    def pdf(*contents: bytes) -> bytes:
        objects = _page_objects(b"")[:3] + [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
        for c in contents:
            packed = zlib.compress(c)
            objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream")
        return build_pdf(objects)

    deep = MAX_SAVES + 10
    for case in (pdf(b"q " * deep), pdf(b"q\n" * deep + b"Q\n" * deep),
                 pdf(b"q " * (deep // 2), b"q[]" * (deep // 2 + 1))):
        with pytest.raises(UnusableInput) as e:
            check_streams(case, "x.pdf")
        assert e.value.code == "input:pdf-nesting"
    check_streams(pdf(b"q Q " * deep), "x.pdf")
    check_streams(pdf(b"(q q q q) Tj " * 2000, b"q " * 100), "x.pdf")


def _forms_pdf(levels: int, fan: int, indirect: bool = False, loop: bool = False) -> bytes:
    """A page drawing form 5 once; form 5+i drawing form 6+i `fan` times, the last drawing a line
    `fan` times and a word. With `indirect`, each form's resources are an object of their own; with
    `loop`, the last form draws the first."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /X 5 0 R >> >>"
               b" /Contents 4 0 R >>", b"<< /Length 5 >>\nstream\n/X Do\nendstream"]
    resources = []
    for i in range(levels):
        last = i == levels - 1
        body = (b"q /X Do Q " * fan if not last else b"0 0 m 1 1 l S " * fan + b"BT /F1 10 Tf 100 700 Td (word) Tj ET"
                + (b" /X Do" if loop else b""))
        target = 5 if last else 6 + i
        res = b"<< /Font << /F1 %d 0 R >> /XObject << /X %d 0 R >> >>" % (5 + levels, target)
        if indirect:
            resources.append(res)
            res = b"%d 0 R" % (6 + levels + len(resources) - 1)
        objects.append(b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources %s /Length %d >>\nstream\n"
                       % (res, len(body)) + body + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return build_pdf(objects + resources)


def test_forms_drawn_within_forms_are_bounded_before_pdfium_parses_them(tmp_path):
    """PDFium parses a form XObject each time it is drawn, as it loads the page: five levels of forms
    each drawing the next twenty times (3.2 million drawings in a 2 KB file) took FPDF_LoadPage 3.8 s
    and 1 GB. What forms would have parsed again is added up from the content drawing them, names
    looked up in each form's resources (inline or an object of their own): past 32 MB, or forms
    drawing one another in a loop, the file is refused in one line. Forms nested three deep, drawing
    the next three times, are read (their word, drawn 9 times at one place, PDFium reads once)."""
    need_pdfium()
    from juesuan.readers.pdfium import Page, check_streams, open_document

    for indirect in (False, True):
        with pytest.raises(UnusableInput) as e:
            check_streams(_forms_pdf(5, 20, indirect), "x.pdf")
        assert e.value.code == "input:pdf-forms", indirect
        with pytest.raises(UnusableInput) as e:
            check_streams(_forms_pdf(3, 3, indirect, loop=True), "x.pdf")
        assert e.value.code == "input:pdf-forms-loop"
        fine = _forms_pdf(3, 3, indirect)
        check_streams(fine, "x.pdf")
        with open_document(fine, "x.pdf") as doc:
            assert "".join(c.text for c in Page(doc, 0).chars) == "word"  # drawn 9 times at one place: read once
    src = tmp_path / "laughs.pdf"
    src.write_bytes(_forms_pdf(5, 20))
    res = run_cli("convert", src, "-o", tmp_path / "out.xml")
    assert res.returncode == 2 and res.stderr.strip().endswith("PDF 的表单对象层层重复绘制，解析页面时要解析超过 32 兆字节"
                                                               "的表单内容（每绘制一次解析一次）；报告 PDF 远少于此")


def test_the_objects_of_an_object_stream_are_found_by_number():
    """pdfium_streams._packed: an object stream's header pairs (number, offset from /First) give each
    object's body, as the form check looks a resources dictionary up in them."""
    from juesuan.readers.pdfium_streams import _packed

    bodies = [b"<< /XObject << /X 7 0 R >> >>", b"[1 2 3]", b"(text)"]
    offsets, at = [], 0
    for b in bodies:
        offsets.append(at)
        at += len(b) + 1
    header = b" ".join(b"%d %d" % (n, o) for n, o in zip((12, 13, 40), offsets)) + b" "
    content = header + b" ".join(bodies)
    got = _packed(b"<< /Type /ObjStm /N 3 /First %d >>" % len(header), content)
    assert {n: v.strip() for n, v in got.items()} == {12: bodies[0], 13: bodies[1], 40: bodies[2]}


def test_what_a_page_parses_as_one_is_measured_across_its_streams():
    """PDFium parses a page's content streams as one: an inline image whose compressed data goes on
    into the next stream refuses the file (it is never measured whole), and a `Do` first in a stream,
    whose name ended the stream before, may draw any form. Names are compared as PDFium reads them:
    /X#31 is /X1. Forms drawn within one another deeper than a hundred refuse the file."""
    from juesuan.readers.pdfium import check_streams
    from juesuan.readers.pdfium_content import check_content, draws

    bomb = _flate_bomb_data(40)
    first = b"BI /W 8 /H 8 /BPC 8 /CS /G /F /Fl ID " + bomb[:10]
    objects = _page_objects(first)
    objects[2] = objects[2].replace(b"/Contents 4 0 R", b"/Contents [4 0 R 6 0 R]")
    objects.append(b"<< /Length %d >>\nstream\n" % (len(bomb) - 7) + bomb[10:] + b" EI\nendstream")
    with pytest.raises(UnusableInput) as e:
        check_streams(build_pdf(objects), "x.pdf")
    assert e.value.code == "input:pdf-inline-unended"
    assert draws(b"Do /Y Do q /X#31 Do Q") == {None: 1, b"Y": 1, b"X1": 1}
    form = (5, b"<< /Subtype /Form /Resources << >> >>", 17 << 20, {})  # 17 MB: drawn twice, past 32 MB
    for page in (b"/X1 Do /X1 Do", b"Do /X1 Do"):  # by its escaped name, and by a name the stream before ends in
        with pytest.raises(UnusableInput) as e:
            check_content(b"/XObject << /X#31 5 0 R >>", [form, (4, b"<< >>", 10, draws(page))], {}, "x.pdf")
        assert e.value.code == "input:pdf-forms", page
    check_content(b"/XObject << /X#31 5 0 R >>", [form, (4, b"<< >>", 10, draws(b"/X1 Do"))], {}, "x.pdf")
    chain = [(n, b"<< /Subtype /Form /Resources << /XObject << /N %d 0 R >> >> >>" % (n + 1), 10, {b"N": 1})
             for n in range(10, 2010)]  # 2,000 forms each drawing the next: refused, not a RecursionError
    with pytest.raises(UnusableInput) as e:
        check_content(b"", chain + [(4, b"<< >>", 10, {None: 1})], {}, "x.pdf")
    assert e.value.code == "input:pdf-forms-deep"


def test_content_shared_by_pages_is_counted_for_each_page():
    """PDFium parses a content stream once for each page whose /Contents names it: 400 pages sharing
    15 MB of transforms (no page objects, so the object budget never stops them) were a 76 KB file
    that took it 219 s. The pages' content is added up, each stream times the pages naming it: past
    MAX_PARSED_BYTES (128 MB), the file is refused before PDFium parses a page; 10 MB shared by 5
    pages is read past."""
    from juesuan.readers.pdfium import check_streams

    packed = zlib.compress(b"1 0 0 1 0 0 cm\n" * 700_000)

    def shared(pages: int) -> bytes:
        kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(pages))
        return build_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
                          b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"]
                         + [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [3 0 R] >>"] * pages)

    with pytest.raises(UnusableInput) as e:
        check_streams(shared(20), "x.pdf")
    assert e.value.code == "input:pdf-parsed"
    check_streams(shared(5), "x.pdf")


def test_an_ascii85_group_past_32_bits_is_measured_not_a_traceback():
    """A five-character ASCII85 group worth more than 2**32 - 1 ("uuuuu") made base64.a85decode raise
    ValueError inside the stream check (a fuzzed file; a traceback): such groups are taken modulo 2**32,
    the rest decoded as before."""
    from juesuan.readers.pdfium import check_streams
    from juesuan.readers.pdfium_filters import _una85

    assert _una85(b"uuuuu !!!!! z ~>", 100) == (bytes.fromhex("08780ec4") + bytes(8), True)
    body = b"uuuuu" + b"!" * 40_000 + b"~>"
    check_streams(_bomb_stream(b"/Filter [/A85 /FlateDecode]", body), "x.pdf")


def test_a_form_without_resources_draws_what_its_names_name_anywhere():
    """A form's own names are those of the /XObject entry of its /Resources, not any /XObject in its
    dictionary: a fuzzed 1.3 KB file whose form 6 had /Re << /XObject << /X 7 0 R >> >> (no
    /Resources, so PDFium took its names from what drew it, drawing forms within one another without
    end) passed the check as 6 drawing 7, and took PDFium 24 GB before the kernel killed it. Such a
    form's names are looked up in every /XObject dictionary: here /X may be 5, 6 or 7, and 6 drawing
    6 or 5 is a loop; an /XObject inside /Resources' /Font entry is no entry of the resources, nor is
    a /Resources that an unclosed array swallows a key of the form's (another fuzzed file: 3 GB)."""
    from juesuan.readers.pdfium import check_streams

    def pdf(six: bytes, seven: bytes = b"/Resources << /XObject << /X 5 0 R >> >>") -> bytes:
        return build_pdf([
            b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /X 5 0 R >> >>"
            b" /Contents 4 0 R >>", b"<< /Length 5 >>\nstream\n/X Do\nendstream",
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 9 9] /Resources << /XObject << /X 6 0 R >> >> /Length 30 >>"
            b"\nstream\nq /X Do Q q /X Do Q q /X Do Q \nendstream",
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 9 9] %s /Length 30 >>\nstream\nq /X Do Q q /X Do Q q /X Do Q \n"
            b"endstream" % six,
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 9 9] %s /Length 4 >>\nstream\n0 0 m\nendstream" % seven])

    for six in (b"/Re << /XObject << /X 7 0 R >> >>", b"/Resources << /Font << /XObject << /X 7 0 R >> >> >>",
                b"/Note [0 [] /Resources << /XObject << /X 7 0 R >> >>"):  # an unclosed array swallows the rest
        with pytest.raises(UnusableInput) as e:
            check_streams(pdf(six), "x.pdf")
        assert e.value.code == "input:pdf-forms-loop", six
    check_streams(pdf(b"/Resources << /XObject << /X 7 0 R >> >>", b"/Resources << >>"), "x.pdf")


@pytest.mark.parametrize("damage", [
    (b"/XObject << /X 6 0 R", b"/XObject <(< /X 6 0 R"),  # form 5's dictionary not readable (an unclosed string)
    (b"7 0 obj", b"7ID  0 obj"),  # form 7's header damaged: its stream taken for form 6's too
    (b"/XObject << /X 6 0 R", b"/XObject <6 0 R"),  # form 5's /XObject no dictionary: its names drawn from anywhere
    (b"/XObject << /X 7 0 R", b"/XObject </Filter /Fl< /X 7 0 R"),  # a /Filter in junk: form 6's data as it is
])
def test_damaged_forms_are_taken_at_their_worst(damage):
    """Two more fuzzed files that took PDFium past 3 GB (it reads damaged objects as best it can, and
    the forms then drew one another without end) passed the form check: a form whose dictionary the
    check could not read was left out, and two streams taken for one object number kept only the
    second's names. A stream whose dictionary is not read is now a form drawing its names from
    anywhere (the object of the nearest header), and two streams of one number are one form drawing
    the names of both; an /XObject entry that is no dictionary gives no names of its own (it was read
    as a reference's whole body), and a stream its filters do not decode draws what its data as it
    is draws (three more found so): here each a loop, refused."""
    from juesuan.readers.pdfium import check_streams

    pdf = _forms_pdf(3, 3)
    assert damage[0] in pdf
    pdf = pdf.replace(damage[0], damage[1], 1)
    if damage[0] == b"7 0 obj":  # and form 6's names gone from its resources, as in the file found
        pdf = pdf.replace(b"/XObject << /X 7 0 R >>", b"", 1)
    with pytest.raises(UnusableInput) as e:
        check_streams(pdf, "x.pdf")
    assert e.value.code == "input:pdf-forms-loop"


def _streams_page(*streams: bytes, form: bytes | None = None) -> bytes:
    """A one-page PDF whose /Contents are these streams (compressed) in Helvetica /F1, and with `form`,
    a form XObject /X of that content."""
    objects = _page_objects(b"")[:3] + [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    refs = b" ".join(b"%d 0 R" % (5 + i) for i in range(len(streams)))
    objects[2] = objects[2].replace(b"/Contents 4 0 R", b"/Contents [%s]" % refs)
    for c in streams:
        packed = zlib.compress(c)
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream")
    if form is not None:
        objects[2] = objects[2].replace(b"/Resources <<", b"/Resources << /XObject << /X %d 0 R >>" % (5 + len(streams)))
        objects.append(b"<< /Subtype /Form /BBox [0 0 9 9] /Length %d >>\nstream\n" % len(form) + form + b"\nendstream")
    return build_pdf(objects)


def test_page_objects_are_counted_before_pdfium_makes_them():
    """PDFium makes every object of a page as it loads it, before the reader's count of them
    (pdfium.MAX_OBJECTS) can stop it: 24 KB of "(x)Tj" in one 15 MB stream took it 7 s and 1.6 GB.
    The painting and showing operators of each big content stream (past 256 KB) are counted, the rest
    taken at one object in two bytes, summed over the page's /Contents: past MAX_PAGE_OBJECTS the
    file is refused first (the same limit, so no file the reader read is refused); 300,000 objects
    on a page pass. Counting knows strings only as far as its delimiters: the f and b alone inside
    "(f)" and "(b)" count too (an overcount: never fewer than PDFium makes)."""
    from juesuan.readers import pdfium
    from juesuan.readers.pdfium import check_streams
    from juesuan.readers.pdfium_content import MAX_PAGE_OBJECTS, painted

    assert MAX_PAGE_OBJECTS == pdfium.MAX_OBJECTS
    assert painted(b"BT (x)Tj [(a)2(b)]TJ (y)' ET 0 0 m 1 1 l S 0 0 1 1 re f* q /Im Do Q (f) Tj") == 6 + 3

    page = _streams_page
    for case in (page(b"BT " + b"(x)Tj " * 600_000 + b"ET"), page(*[b"0 0 1 1 re f\n" * 150_000] * 4)):
        with pytest.raises(UnusableInput) as e:
            check_streams(case, "x.pdf")
        assert e.value.code == "input:pdf-page-objects"
    check_streams(page(b"BT " + b"(x)Tj " * 300_000 + b"ET"), "x.pdf")


@functools.lru_cache(maxsize=1)
def _putuo_spent() -> dict[str, int]:
    """What reading every page of the Putuo PDF spends of the reader's budgets (pdfium.Document.spent)."""
    from juesuan.readers.pdfium import Page, open_document

    with open_document(PUTUO.read_bytes(), "putuo.pdf") as doc:
        for i in range(len(doc)):
            Page(doc, i)
        return dict(doc.spent)


def _one_line_page(xs: list[float], rotate: int = 0, along_y: bool = False) -> bytes:
    """A one-page PDF of one-letter text objects (a to z in turn, so none repeats the one before)
    at these positions along one line: x at y 100, or with `along_y` y at x 100."""
    content = b"".join(b"BT /F1 1 Tf 1 0 0 1 %s Tm (%c)Tj ET\n" % ((b"100 %.3f" if along_y else b"%.3f 100") % x,
                                                                  97 + k % 26) for k, x in enumerate(xs))
    objects = _page_objects(zlib.compress(content))
    objects[2] = objects[2].replace(b"/Contents", b"/Rotate %d /Contents" % rotate)
    objects[3] = objects[3].replace(b"<< /Length", b"<< /Filter /FlateDecode /Length")
    return build_pdf(objects)


def test_text_drawn_back_along_a_line_is_refused_before_pdfium_orders_it():
    """PDFium's text page inserts each text object among those of its line in left-to-right order,
    stepping back over those right of it: 20,000 one-letter objects drawn right to left along one
    line (a 50 KB file) took FPDFText_LoadPage 4.9 s, 100,000 would take two minutes. The pairs of
    text objects out of that order (as the page is shown: /Rotate 90 orders them by their y) are
    counted as the objects are walked, before the text page is made: past MAX_TEXT_ORDER the file is
    refused in one line. The same objects in order are read; Putuo's pages have at most 12,515 pairs."""
    need_pdfium()
    import time

    from juesuan.readers import pdfium
    from juesuan.readers.pdfium import Page, open_document

    back = [500 - 0.02 * k for k in range(20_000)]
    for rotate, along_y, xs in ((0, False, back), (90, True, back), (180, False, back[::-1]), (270, True, back[::-1])):
        with open_document(_one_line_page(xs, rotate, along_y), "x.pdf") as doc:
            t = time.process_time()
            with pytest.raises(UnusableInput) as e:
                Page(doc, 0)
            assert e.value.code == "input:pdf-text-order" and e.value.values["page"] == 1, rotate
            assert time.process_time() - t < 1.5  # PDFium's text page alone: 4.5-5 s
        with open_document(_one_line_page(xs[::-1], rotate, along_y), "x.pdf") as doc:
            assert len(Page(doc, 0).chars) == 20_000 and doc.spent["text-order"] == 0
    assert pdfium.MAX_TEXT_ORDER == 100_000_000
    assert 0 < _putuo_spent()["text-order"] < pdfium.MAX_TEXT_ORDER // 1000


def test_the_objects_of_forms_a_page_draws_are_counted_before_pdfium_makes_them():
    """PDFium makes the objects of a form each time a page draws it, as it loads the page: a form
    of 100,000 "(x)Tj" drawn 20 times (a 2 KB file) took it 1.2 s and 670 MB, then its text page
    ran for minutes. Each form's page objects (its painting operators, counted) and those of the
    forms it draws, each time drawn, add to the page drawing it (its own small content taken at one
    object in two bytes): past MAX_PAGE_OBJECTS the file is refused before PDFium is given it. A form
    of 1,000 drawn 20 times passes."""
    from juesuan.readers.pdfium import check_streams

    def drawn(n: int, times: int) -> bytes:
        form = zlib.compress(b"BT /F1 1 Tf " + b"(x)Tj " * n + b"ET")
        return build_pdf([
            b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /X 5 0 R >> >>"
            b" /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % (6 * times) + b"/X Do " * times + b"\nendstream",
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 6 0 R >> >>"
            b" /Filter /FlateDecode /Length %d >>\nstream\n" % len(form) + form + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])

    with pytest.raises(UnusableInput) as e:
        check_streams(drawn(100_000, 20), "x.pdf")
    assert e.value.code == "input:pdf-page-objects" and e.value.values["count"] == 20 * 100_000 + 120 // 2  # the page's 120 bytes: a byte in 2
    check_streams(drawn(1_000, 20), "x.pdf")


def _wide_page(n: int, side: int = 1_000_000) -> bytes:
    """A page `side` pt wide and 100 pt tall of n text objects, each a W in a 2,000,000 pt font (as
    wide as the page)."""
    content = b"".join(b"BT /F1 2000000 Tf 1 0 0 1 0 %d Tm (W)Tj ET\n" % (k % 50) for k in range(n))
    objects = _page_objects(zlib.compress(content))
    objects[2] = objects[2].replace(b"/MediaBox [0 0 595 842]", b"/MediaBox [0 0 %d 100]" % side)
    objects[3] = objects[3].replace(b"<< /Length", b"<< /Filter /FlateDecode /Length")
    return build_pdf(objects)


def test_what_text_objects_span_of_a_page_is_bounded_before_pdfium_marks_it():
    """Before it reads a page's text PDFium marks, point by point, the width and height of the page
    each text object's box covers: 1,100 text objects as wide as a page 1,000,000 pt wide (a 1 KB file)
    took FPDFText_LoadPage 2.3 s, 100 of them on a page 100,000,000 pt wide 4.8 s, and a page
    2,000,000,000 pt on a side 500 MB for its marks alone. The points are added up as the page's objects are walked:
    past MAX_TEXT_SPAN the file is refused in one line, as is a page over MAX_PAGE_SIDE on a side.
    100 such objects are read (their one W), and Putuo's pages span at most 14,391 points."""
    need_pdfium()
    import time

    from juesuan.readers import pdfium
    from juesuan.readers.pdfium import Page, open_document

    with open_document(_wide_page(1_100), "x.pdf") as doc:
        t = time.process_time()
        with pytest.raises(UnusableInput) as e:
            Page(doc, 0)
        assert e.value.code == "input:pdf-text-span" and time.process_time() - t < 1.0
    with open_document(_wide_page(100), "x.pdf") as doc:
        assert "".join(c.text for c in Page(doc, 0).chars) == "W"
    for side in (2_000_000_000, 1_000_001):
        with open_document(_wide_page(1, side), "x.pdf") as doc:
            with pytest.raises(UnusableInput) as e:
                Page(doc, 0)
            assert e.value.code == "input:pdf-page-size" and e.value.values["page"] == 1
    assert 100_000 < _putuo_spent()["text-span"] < 200_000
    assert (pdfium.MAX_TEXT_SPAN, pdfium.MAX_PAGE_SIDE) == (1_000_000_000, 1_000_000)


def test_clips_pdfium_would_copy_are_bounded_before_it_parses_the_page():
    """PDFium keeps a page's clip as the list of paths clipped to, and each clip (W n) copies the list
    in effect for the objects painted before: 8,000 clips each followed by a stroke (a 3 KB file) took
    FPDF_LoadPage 0.9 s and 1 GB, twice as many four times that. The paths copied are counted with the
    streams (q and Q followed), a page's streams one after another and its forms each time drawn, and
    text in a clipping mode (7 Tr, then every ET a clip), and marked content, which PDFium keeps the
    same way (8,000 BDC unended: 424 MB): past MAX_PAGE_CLIPS the file is refused. 5,000 clips each
    inside q ... Q, or marks each ended, copy one each and pass; Putuo's pages copy at most 22,578 (each taken at its worst)."""
    from juesuan.readers import pdfium_content
    from juesuan.readers.pdfium import check_streams

    page = _streams_page
    clip = b"0 0 m 500 500 l 0 500 l h W n 10 10 m 20 20 l S\n"
    for case in (page(clip * 2_500), page(clip * 1_300, clip * 1_300), page(b"/X Do /X Do", form=clip * 1_500),
                 page(b"BT 7 Tr ET " + b"BT /F1 1 Tf (x) Tj ET " * 2_500),
                 page(b"/P << /MCID 1 >> BDC 0 0 m 1 1 l S\n" * 2_500)):
        with pytest.raises(UnusableInput) as e:
            check_streams(case, "x.pdf")
        assert e.value.code == "input:pdf-clips" and e.value.values["count"] > 2_000_000
    check_streams(page((b"q " + clip + b"Q ") * 5_000), "x.pdf")
    check_streams(page(b"q " + clip * 1_000 + b"Q " + clip * 1_000), "x.pdf")  # 500,500 copied twice, not 2,001,000
    check_streams(page(b"BT /F1 1 Tf (x) Tj ET " * 2_500), "x.pdf")  # no clipping text mode
    check_streams(page(b"/P << /MCID 1 >> BDC 0 0 m 1 1 l S EMC\n" * 5_000), "x.pdf")
    assert (pdfium_content.MAX_PAGE_CLIPS, pdfium_content.MAX_CLIPS) == (2_000_000, 300_000_000)


def test_characters_a_page_shows_are_counted_before_pdfium_makes_them():
    """PDFium makes every character of a page in its text page before the reader counts them against
    MAX_CHARS: 200 strings of 65,000 letters (13 million, a 15 KB file) took it 5.8 s and 860 MB. The
    bytes inside the strings of each big content stream (past 256 KB) and of every form (each time
    drawn) are counted, the rest taken at a character a byte: past MAX_PAGE_CHARS (the reader's own
    limit) the file is refused before PDFium is given it. 400 KB of strokes with a few words pass."""
    from juesuan.readers import pdfium
    from juesuan.readers.pdfium import check_streams

    def page(content: bytes, form: bytes | None = None) -> bytes:
        objects = _page_objects(zlib.compress(content))
        objects[3] = objects[3].replace(b"<< /Length", b"<< /Filter /FlateDecode /Length")
        if form is not None:
            objects[2] = objects[2].replace(b"/Resources <<", b"/Resources << /XObject << /X 6 0 R >>")
            packed = zlib.compress(form)
            objects.append(b"<< /Subtype /Form /BBox [0 0 9 9] /Filter /FlateDecode /Length %d >>\nstream\n"
                           % len(packed) + packed + b"\nendstream")
        return build_pdf(objects)

    letters = b"BT /F1 1 Tf " + (b"(" + b"x" * 65_000 + b") Tj 0 1 Td ") * 20 + b"ET"
    for case in (page(letters), page(b"/X Do " * 20, form=b"BT /F1 1 Tf (" + b"x" * 60_000 + b") Tj ET")):
        with pytest.raises(UnusableInput) as e:
            check_streams(case, "x.pdf")
        assert e.value.code == "input:pdf-page-chars" and e.value.values["count"] > 1_000_000
    check_streams(page(b"0 0 m 1 1 l S\n" * 30_000 + b"BT /F1 1 Tf (a few words) Tj ET"), "x.pdf")
    from juesuan.readers.pdfium_content import MAX_PAGE_CHARS, shown

    assert MAX_PAGE_CHARS == pdfium.MAX_CHARS
    assert shown(b"BT (abc) Tj (a(b)c) Tj (a\\)b) Tj <00410042> Tj ET") == 3 + 5 + 4 + 4 + 1


def test_path_segments_walked_are_bounded():
    """One path object may hold millions of segments (the page-object count sees one object): a path of
    1,000,000 axis-parallel segments (a 50 KB file) took the reader's walk 5 s, then 'no text'. The
    segments are counted before each path is walked: past MAX_SEGMENTS in a document the file is
    refused in one line naming the page; Putuo's 25 pages have 7,150."""
    need_pdfium()
    from juesuan.readers import pdfium
    from juesuan.readers.pdfium import Page, open_document

    content = b"0 0 m " + b"".join(b"%d 0 l %d 1 l " % (k % 500, k % 500) for k in range(550_000)) + b"S"
    objects = _page_objects(zlib.compress(content))
    objects[3] = objects[3].replace(b"<< /Length", b"<< /Filter /FlateDecode /Length")
    with open_document(build_pdf(objects), "x.pdf") as doc:
        with pytest.raises(UnusableInput) as e:
            Page(doc, 0)
        assert e.value.code == "input:pdf-segments" and e.value.values["page"] == 1
    assert _putuo_spent()["segments"] == 7_150
    assert pdfium.MAX_SEGMENTS == 1_000_000


def test_fonts_the_resources_name_are_bounded_before_pdfium_loads_them():
    """PDFium loads each font content sets (Tf) the first time, some 170 µs and 8 KB each: 20,000 font
    entries on a page (2 MB, far less in an object stream) took FPDF_LoadPage 3.3 s and 173 MB. The
    distinct fonts the /Font resource dictionaries name (inline or by reference; dictionaries written in
    them each) are counted: past MAX_FONTS the file is refused, and a /Font dictionary running past
    64 KB (a report's lists a few fonts) too. A string holding >> does not end a dictionary early."""
    from juesuan.readers import pdfium_content
    from juesuan.readers.pdfium import check_streams

    def fonts(pages: int, each: int, split: bool = False) -> bytes:
        objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
                   b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % (4 + i) for i in range(pages)), pages),
                   b"<< /Length 20 >>\nstream\nBT /F0 1 Tf (x) Tj ET\nendstream"]
        first = 4 + pages
        for p in range(pages):
            names = b" ".join(b"/F%d %d 0 R" % (k, first + p * each + k) for k in range(each))
            if split:  # a string holding >> among the entries
                names = names.replace(b"/F1 ", b"/Note (a(>>)b) /F1 ", 1)
            objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << %s >> >>"
                           b" /Contents 3 0 R >>" % names)
        objects += [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"] * (pages * each)
        return build_pdf(objects)

    for case, code in ((fonts(6, 1_000), "input:pdf-fonts"), (fonts(6, 1_000, split=True), "input:pdf-fonts"),
                       (fonts(1, 6_000), "input:pdf-font-resources")):
        with pytest.raises(UnusableInput) as e:
            check_streams(case, "x.pdf")
        assert e.value.code == code
    check_streams(fonts(4, 1_000), "x.pdf")
    assert pdfium_content.MAX_FONTS == 5_000


def test_type3_glyphs_are_counted_before_pdfium_parses_them():
    """PDFium parses a Type 3 font's glyph (a content stream of its /CharProcs) for each character code
    the text shows, as it places the text, and keeps it with the font: one glyph of 600,000 strokes
    named four times (a 17 KB file) took FPDF_LoadPage 3.4 s and 650 MB. The page objects of each
    glyph, each time a /CharProcs names it, are added up: past MAX_PAGE_OBJECTS the file is refused.
    A font of 300 small glyphs passes (each glyph counted, not taken at a byte in 2)."""
    from juesuan.readers.pdfium import check_streams

    def type3(names: int, glyph: bytes, distinct: bool = False) -> bytes:
        content = b"BT /T3 1 Tf (abcd) Tj ET"
        procs = b" ".join(b"/g%d %d 0 R" % (i, 6 + (i if distinct else 0)) for i in range(names))
        objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /T3 5 0 R >> >>"
                   b" /Contents 4 0 R >>",
                   b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
                   b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1 1] /FontMatrix [0.001 0 0 0.001 0 0]"
                   b" /CharProcs << %s >> /Encoding << /Differences [97 /g0 /g1 /g2 /g3] >> /FirstChar 97"
                   b" /LastChar 100 /Widths [1000 1000 1000 1000] >>" % procs]
        packed = zlib.compress(glyph)
        for _ in range(names if distinct else 1):
            objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream")
        return build_pdf(objects)

    with pytest.raises(UnusableInput) as e:
        check_streams(type3(4, b"0 0 d0 " + b"0 0 m 1 1 l S\n" * 150_000), "x.pdf")
    assert e.value.code == "input:pdf-glyph-objects" and e.value.values["count"] == 4 * 150_000
    check_streams(type3(300, b"0 0 d0 " + b"0 0 m 1 1 l 2 2 l 3 3 l 4 4 l 5 5 l 6 6 l 7 7 l S\n" * 100, distinct=True),
                  "x.pdf")  # 300 glyphs of 4 KB, 100 objects each (at a byte in 2: 600,000 in all)


def test_keys_spelt_with_escapes_are_read_as_pdfium_reads_them():
    """PDFium reads /Cont#65nts as /Contents and /Char#50rocs as /CharProcs: spelt so, the keys hid a
    page's clips (8,000: 2.5 s and 1 GB) and a Type 3 glyph (4.4 s, 655 MB) from the counts made
    before PDFium parses the page. Names with #xx escapes are read spelt out."""
    from juesuan.readers.pdfium import check_streams

    clip = b"0 0 m 500 500 l 0 500 l h W n 10 10 m 20 20 l S\n"
    with pytest.raises(UnusableInput) as e:
        check_streams(_streams_page(clip * 2_500).replace(b"/Contents", b"/Cont#65nts"), "x.pdf")
    assert e.value.code == "input:pdf-clips"
