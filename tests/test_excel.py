"""Excel in and out: the template, our filled workbooks, official-layout workbooks, bad input."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from juesuan.catalogue import LATIN_NAMES
from juesuan.convert import convert_file
from juesuan.errors import UnusableInput
from juesuan.excel import export_xlsx, write_template
from juesuan.excel.mapping import MAPPING_SHEET
from juesuan.excel.template import template_bytes
from juesuan.excel.xlsx import open_workbook
from juesuan.model import Fact, Header, Instance
from juesuan.xmlio import instance_to_bytes, load_instance

from .conftest import EXAMPLE_XML, EXAMPLES, run_cli
from .excel_fixtures import ENTITY, ZERO_FACTS, official_workbook

EXAMPLE_XLSX = EXAMPLES / "liling-2021.xlsx"


@pytest.fixture(scope="module")
def example():
    return load_instance(EXAMPLE_XML)


def _facts(path, **kw):
    return convert_file(path, **kw).instance.fact_set()


# ------------------------------------------------------------------ the example workbook


def test_example_workbook_converts_to_exactly_the_example(example):
    conv = convert_file(EXAMPLE_XLSX)
    assert conv.instance.fact_set() == example.fact_set()
    assert len(conv.instance.facts) == 122
    h = conv.instance.header
    assert (h.entity, h.fiscal_year, h.layout, h.status) == ("醴陵市网格化管理服务中心", 2021, "2021-hunan", "final")
    assert conv.findings == []
    assert "02 表 收入决算表：读取 21 个数，未能归位 0 个单元格（共 21 个数）" in conv.summaries()
    other = conv.instance.get("IncOther", "210")
    assert other.value == Decimal("20.00") and other.origin.startswith("收入决算表!")


def test_example_workbook_is_the_current_export(example, tmp_path):
    """examples/liling-2021.xlsx is what `juesuan export` makes of examples/liling-2021.xml today."""
    fresh = tmp_path / "fresh.xlsx"
    export_xlsx(example, fresh)
    a, b = open_workbook(EXAMPLE_XLSX), open_workbook(fresh)
    assert [s.name for s in a.sheets] == [s.name for s in b.sheets]
    for sa, sb in zip(a.sheets, b.sheets):
        assert sa.cells == sb.cells, sa.name
        assert sorted(sa.merges) == sorted(sb.merges), sa.name


def test_cli_convert_example_workbook(tmp_path, example):
    out = tmp_path / "x.xml"
    res = run_cli("convert", EXAMPLE_XLSX, "-o", out)
    assert res.returncode in (0, 1), res.stderr
    assert "06 表 一般公共预算财政拨款基本支出决算明细表：读取 35 个数，未能归位 0 个单元格" in res.stdout
    assert load_instance(out).fact_set() == example.fact_set()


# ------------------------------------------------------------------ round trip and determinism


@pytest.mark.parametrize("layout", ["2021-hunan", "2024-shanghai"])
def test_round_trip_is_identical(example, tmp_path, layout):
    path = tmp_path / f"{layout}.xlsx"
    assert export_xlsx(example, path, layout) == []
    back = convert_file(path).instance
    assert back.fact_set() == example.fact_set()
    assert back.header.layout == layout
    # the canonical instance bytes (without src attributes; the workbook holds the tables, not the
    # narrative part) are the same
    assert instance_to_bytes(back.with_header(layout="2021-hunan"), keep_source=False) == \
        instance_to_bytes(Instance(example.header, example.facts), keep_source=False)


def test_round_trip_keeps_header_fields_and_extra_codes(tmp_path):
    """Codes the template does not print (208 in 01, a 4th 项) go into the blank code rows."""
    h = Header(entity="某某局", fiscal_year=2023, layout="2021-hunan", status="draft", uscc="11430281MB1234567X",
               preparer="张三", date="2024-03-31", note="测试")
    facts = [Fact("SumExp", "208", Decimal("12.34")), Fact("SumExp", "212", Decimal("0.01")),
             Fact("SumExp", "201", Decimal("100.00")), Fact("IncTotal", "2080505", Decimal("7.00")),
             Fact("IncTotal", "208", Decimal("7.00")), Fact("GrantExpTotal", "229", Decimal("3.00")),
             Fact("BasicExp", "30101", Decimal("0.00")), Fact("ThreeActualTotal", None, Decimal("1.64"))]
    inst = Instance(h, facts)
    path = tmp_path / "h.xlsx"
    assert export_xlsx(inst, path) == []
    back = convert_file(path).instance
    assert back.fact_set() == inst.fact_set()
    assert back.header == h


def test_facts_the_layout_cannot_hold_are_reported(tmp_path, example):
    inst = Instance(example.header, [*example.facts, Fact("SoeOpening", None, Decimal("1.00"))])
    out = tmp_path / "x.xlsx"
    found = export_xlsx(inst, out)  # 2021-hunan's 09 has no 年初结转和结余 column
    assert [(f.code, f.values["concept"]) for f in found] == [("export:not-placed", "SoeOpening")]


def test_template_and_export_are_deterministic(tmp_path, example):
    assert template_bytes("2021-hunan") == template_bytes("2021-hunan")
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run_cli("export", EXAMPLE_XML, "--format", "xlsx", "-o", a).returncode == 0
    export_xlsx(example, b)
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core


# ------------------------------------------------------------------ the template itself


def test_template_structure(tmp_path):
    path = tmp_path / "t.xlsx"
    res = run_cli("template", "-o", path)
    assert res.returncode == 0 and "2021-hunan" in res.stdout
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "封面" and wb.sheetnames[-1] == MAPPING_SHEET
    assert wb[MAPPING_SHEET].sheet_state == "hidden"
    ws = wb["收入决算表"]
    assert ws["A1"].value == "收入决算表" and ws["I2"].value == "公开02表" and ws["I3"].value == "单位：万元"
    assert ws.protection.sheet and not ws.protection.password
    # header: 栏次 row, then 合计 and 30 blank code rows with a text code column
    assert [ws.cell(row=5, column=c).value for c in range(1, 10)] == ["栏次", None, 1, 2, 3, 4, 5, 6, 7]
    assert ws["A6"].value == "合计" and "A6:B6" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A6"].protection.locked is True and ws["C6"].protection.locked is False
    for r in range(7, 37):
        assert ws.cell(row=r, column=1).number_format == "@" and not ws.cell(row=r, column=1).protection.locked
        assert ws.cell(row=r, column=3).protection.locked is False
    assert ws.max_row == 36  # 合计 + 30 code rows, nothing below
    dvs = [dv for dv in ws.data_validations.dataValidation if dv.type == "decimal"]
    assert dvs and "C6:C36" in str(dvs[0].sqref)
    # 01: 收入 / 支出 side by side, merged section headers, 行次
    ws = wb["收入支出决算总表"]
    assert {"A4:C4", "D4:F4", "A1:F1"} <= {str(r) for r in ws.merged_cells.ranges}
    assert [ws.cell(row=r, column=2).value for r in (7, 8)] == [1, 2]
    assert ws["D7"].value == "一、一般公共服务支出" and ws["E7"].value == 14
    assert ws["D15"].protection.locked is False  # blank 类 rows for codes the template does not print
    # 05: the 本年支出 group over three columns
    ws = wb["一般公共预算财政拨款支出决算表"]
    assert "C4:E4" in {str(r) for r in ws.merged_cells.ranges} and ws["C5"].value == "小计"


def test_template_for_every_layout_reads_back_empty(tmp_path):
    for lay in ("2021-hunan", "2024-shanghai"):
        path = tmp_path / f"{lay}.xlsx"
        write_template(path, lay)
        with pytest.raises(UnusableInput, match="entity name not found"):
            convert_file(path)
        conv = convert_file(path, entity="某单位", year=2024)
        assert conv.instance.facts == [] and conv.findings == [] and len(conv.summaries()) == 9


def _fill(path, out, edits: dict[str, dict[str, object]]):
    wb = openpyxl.load_workbook(path)
    for sheet, cells in edits.items():
        for ref, v in cells.items():
            wb[sheet][ref] = v
    wb.save(out)
    return out


def test_template_filled_by_hand(tmp_path):
    """What an accountant does: type into the template in Excel (here: openpyxl), save, convert."""
    t = tmp_path / "t.xlsx"
    write_template(t)
    f = _fill(t, tmp_path / "f.xlsx", {
        "封面": {"B4": "醴陵市网格化管理服务中心", "B5": 2021},
        "收入决算表": {"C6": 1980.73, "D6": "1,960.73", "I6": "20.00",
                    "A7": 201, "B7": "一般公共服务支出", "C7": "1974.84", "D7": 1954.84, "E7": "—",
                    "A8": "2010601 ", "C8": 1.005},
        "收入支出决算总表": {"D15": "社会保障和就业支出", "F15": 3, "D16": "212", "F16": "0.00"},
    })
    conv = convert_file(f)
    assert conv.instance.fact_set() == {
        ("IncTotal", "", Decimal("1980.73")), ("IncGrant", "", Decimal("1960.73")), ("IncOther", "", Decimal("20.00")),
        ("IncTotal", "201", Decimal("1974.84")), ("IncGrant", "201", Decimal("1954.84")),
        ("IncTotal", "2010601", Decimal("1.01")), ("SumExp", "208", Decimal("3.00")), ("SumExp", "212", Decimal("0.00"))}
    assert [(x.code, x.location.source) for x in conv.findings] == [("convert:rounded", "收入决算表!C8")]
    assert "1.005" in conv.findings[0].text("en") and "1.01" in conv.findings[0].text("en")
    assert conv.instance.get("SumExp", "208").origin == "收入支出决算总表!F15"


def test_template_errors_are_located(tmp_path):
    t = tmp_path / "t.xlsx"
    write_template(t)
    f = _fill(t, tmp_path / "f.xlsx", {
        "封面": {"B4": "某单位", "B5": 2021},
        "收入决算表": {"C6": "1,9x0", "C9": 5, "A10": "20x", "C10": 1, "A11": 201, "C11": "=1+1"},
        "支出决算表": {"B8": "只有名称"},
    })
    conv = convert_file(f)
    got = {(x.code, x.location.source): x for x in conv.findings}
    assert got[("convert:not-an-amount", "收入决算表!C6")].text("en") == "收入决算表!C6: '1,9x0' is not an amount"
    assert ("convert:code-missing", "收入决算表!A9") in got
    assert ("convert:bad-code", "收入决算表!A10") in got
    assert "recalculate and save it in Excel or LibreOffice" in got[("convert:formula-not-computed", "收入决算表!C11")].text("en")
    assert ("convert:cell-not-placed", "支出决算表!B8") in got
    assert conv.instance.facts == []
    # C9 and C10 (rows without a usable code) and the unreadable C6 and C11 are all counted
    assert any("未能归位 4 个单元格" in s for s in conv.summaries() if s.startswith("02"))
    res = run_cli("convert", f, "-o", tmp_path / "x.xml", "--lang", "en")
    line = next(x for x in res.stdout.splitlines() if "[convert:not-an-amount]" in x)
    # the report line opens with the cell and does not say it again before the message
    assert res.returncode == 1 and line.endswith(": '1,9x0' is not an amount") and line.count("收入决算表!C6") == 1, line


def test_changed_template_sheet_is_read_by_its_titles(tmp_path, example):
    """A sheet whose labels were edited (protection removed) no longer trusts the mapping."""
    e = tmp_path / "e.xlsx"
    export_xlsx(example, e)
    f = _fill(e, tmp_path / "f.xlsx", {"收入决算表": {"K8": "手写备注", "K9": 99}})
    conv = convert_file(f)
    codes = [(x.code, x.location.source) for x in conv.findings]
    assert ("convert:template-changed", "收入决算表!") in codes
    assert ("convert:cell-not-placed", "收入决算表!K9") in codes
    assert conv.instance.fact_set() == example.fact_set()


@pytest.mark.parametrize("layout", ["2021-hunan", "2024-shanghai"])
def test_our_workbook_without_its_mapping_is_read_by_titles(tmp_path, example, layout):
    """Delete the hidden sheet: the shared matcher still reads every table of our layout."""
    e = tmp_path / "e.xlsx"
    export_xlsx(example, e, layout)
    wb = openpyxl.load_workbook(e)
    del wb[MAPPING_SHEET]
    wb.save(e)
    conv = convert_file(e)
    assert conv.instance.fact_set() == example.fact_set()
    assert conv.instance.header.layout == layout and conv.instance.header.entity == example.header.entity
    assert conv.findings == []


def test_xlsm_is_read_and_macros_ignored(tmp_path, example):
    src = EXAMPLE_XLSX.read_bytes()
    out = tmp_path / "m.xlsm"
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for i in zin.infolist():
            zout.writestr(i, zin.read(i))
        zout.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not a real macro project")
    out.write_bytes(buf.getvalue())
    assert _facts(out) == example.fact_set()


# ------------------------------------------------------------------ official-layout workbooks


def test_official_layout_workbook(tmp_path, example):
    """Shuffled sheet order, a cover, a notes sheet, merged headers, text amounts with separators,
    '0.00', '—' and '-' cells, codes as numbers: every number right."""
    path = official_workbook(tmp_path / "off.xlsx")
    conv = convert_file(path)
    assert conv.instance.fact_set() == example.fact_set() | ZERO_FACTS
    h = conv.instance.header
    assert (h.entity, h.fiscal_year, h.layout) == (ENTITY, 2021, "2021-hunan")
    assert conv.findings == []
    assert [s[:2] for s in conv.summaries()] == ["01", "02", "03", "04", "05", "06", "07", "08", "09"]
    assert conv.instance.get("GpbExpTotal", "201").origin == "一般公共预算财政拨款支出决算表!C8"
    assert conv.instance.get("BasicPublicTotal").origin == "一般公共预算财政拨款基本支出决算明细表!I33"


def test_official_layout_in_yuan_is_converted(tmp_path, example):
    path = official_workbook(tmp_path / "yuan.xlsx", unit="元", factor=10000, cover=False,
                             overrides={"01": {"C7": 19607345.67}})
    conv = convert_file(path, year=2021)
    assert conv.instance.fact_set() == example.fact_set() | ZERO_FACTS
    assert conv.instance.header.entity == ENTITY  # from the 部门 line
    assert [(f.code, f.location.source) for f in conv.findings] == [("convert:rounded-converted", "收入支出决算总表!C7")]
    assert "1960.734567" in conv.findings[0].text()
    assert all("已折算为万元" in s for s in conv.summaries())


def test_official_layout_errors_are_located(tmp_path):
    path = official_workbook(tmp_path / "bad.xlsx", overrides={
        "02": {"C8": "1,9x0", "L8": 12.5}, "03": {"D7": "=C7-E7"}})
    conv = convert_file(path)
    got = {(f.code, f.location.source): f for f in conv.findings}
    assert got[("convert:not-an-amount", "收入决算表!C8")].text("en") == "收入决算表!C8: '1,9x0' is not an amount"
    assert ("convert:cell-not-placed", "收入决算表!L8") in got
    f = got[("convert:formula-not-computed", "支出决算表!D7")]
    assert "recalculate" in f.text("en") and f.severity == "error"
    assert any(s.startswith("02") and "收入决算表!L8" in s for s in conv.summaries())


def test_official_layout_cli(tmp_path, example):
    path = official_workbook(tmp_path / "off.xlsx")
    out = tmp_path / "o.xml"
    res = run_cli("convert", path, "-o", out, "--format", "json")
    assert res.returncode in (0, 1), res.stderr
    assert load_instance(out).fact_set() == example.fact_set() | ZERO_FACTS


# ------------------------------------------------------------------ unusable input


def _bomb(path: Path, size: int):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * size)
    path.write_bytes(buf.getvalue())


def _million_rows(path: Path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "收入决算表"
    wb.active.cell(row=1_000_000, column=1, value=1)
    wb.save(path)


def _encrypted(path: Path):
    # an OLE2 compound file whose directory names the EncryptedPackage stream (what Excel writes)
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + b"\0" * 480
    entry = "EncryptedPackage".encode("utf-16-le") + b"\0\0"
    path.write_bytes(header + entry.ljust(128, b"\0") + b"\0" * 384)


def _no_table(path: Path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "购物清单"
    wb.active["B2"] = 12.5
    wb.save(path)


BAD = {  # (what the zh line says, what the en line says)
    "not-a-zip": (lambda p: p.write_text("hello, I am text"), "不是压缩包", "not a zip file"),
    "truncated": (lambda p: p.write_bytes(EXAMPLE_XLSX.read_bytes()[:20000]), "压缩包已损坏或被截断", "damaged or truncated"),
    "bomb-size": (lambda p: _bomb(p, 60 * 1024 * 1024), "疑似解压炸弹", "zip bomb"),
    "bomb-ratio": (lambda p: _bomb(p, 3 * 1024 * 1024), "疑似解压炸弹", "zip bomb"),
    "million-rows": (_million_rows, "声称有 1,000,000 行", "claims 1,000,000 rows"),
    "no-table": (_no_table, "所有工作表中都未找到部门决算的表", "no table of the"),  # input:no-tables-in-sheets
    "encrypted": (_encrypted, "工作簿已加密", "encrypted"),
    "old-xls-in-xlsx": (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024), "旧的二进制 .xls",
                        "old binary .xls"),
    "docx-like": (lambda p: zipfile.ZipFile(p, "w").writestr("word/document.xml", "<w/>"), "没有 xl/workbook.xml",
                  "no xl/workbook.xml"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_unusable_workbooks_exit_2_with_one_line(tmp_path, case):
    """One line on stderr, in the asked language: no English words in the zh line but names."""
    make, zh, en = BAD[case]
    src = tmp_path / "in.xlsx"
    make(src)
    out = tmp_path / "out.xml"
    for lang, expect in (("zh", zh), ("en", en)):
        res = run_cli("convert", src, "-o", out, "--lang", lang)
        assert res.returncode == 2, res.stdout + res.stderr
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in res.stderr
        assert expect in lines[0] and str(src) in lines[0]
        if lang == "zh":
            words = re.findall(r"(?<![A-Za-z0-9/])[A-Za-z]{2,}(?![A-Za-z0-9])", re.sub(r"“[^”]*”", "", lines[0].replace(str(src), "")))  # names quoted
            assert not [w for w in words if w not in LATIN_NAMES | {"juesuan", "xl", "workbook", "xml"}], lines[0]
        assert not out.exists()
        assert list(tmp_path.iterdir()) == [src]


def test_really_encrypted_workbook(tmp_path):
    """A workbook encrypted the way Excel does it (ECMA-376 agile encryption, via msoffcrypto-tool)."""
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml", reason="msoffcrypto-tool is not installed (pip install '.[test]')")
    src = tmp_path / "secret.xlsx"
    with EXAMPLE_XLSX.open("rb") as fh, src.open("wb") as out:
        ooxml.OOXMLFile(fh).encrypt("secret", out)
    res = run_cli("convert", src, "-o", tmp_path / "o.xml", "--lang", "en")
    assert res.returncode == 2 and "encrypted (password-protected)" in res.stderr
    assert not (tmp_path / "o.xml").exists()


def test_old_xls_suffix(tmp_path):
    p = tmp_path / "old.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    res = run_cli("convert", p, "-o", tmp_path / "o.xml")
    assert res.returncode == 2 and "另存为 .xlsx" in res.stderr
    res = run_cli("convert", p, "-o", tmp_path / "o.xml", "--lang", "en")
    assert res.returncode == 2 and "save it as .xlsx" in res.stderr


def test_export_bad_instance_exit_2(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<nope/>")
    out = tmp_path / "o.xlsx"
    res = run_cli("export", bad, "--format", "xlsx", "-o", out)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1 and not out.exists()


def test_reader_agrees_with_openpyxl(tmp_path):
    """Our small reader sees the same values as openpyxl (data_only) on a workbook made elsewhere."""
    path = official_workbook(tmp_path / "off.xlsx")
    ours = open_workbook(path)
    theirs = openpyxl.load_workbook(path, data_only=True)
    for sheet in ours.sheets:
        ws = theirs[sheet.name]
        for (r, c), cell in sheet.cells.items():
            v = ws.cell(row=r, column=c).value
            if isinstance(cell.value, Decimal):
                assert Decimal(str(v)) == cell.value, (sheet.name, r, c)
            else:
                assert v == cell.value, (sheet.name, r, c)
        n = sum(1 for row in ws.iter_rows() for x in row if x.value is not None)
        assert n == len(sheet.cells), sheet.name


# ------------------------------------------------------------------ LibreOffice


def _soffice():
    return shutil.which("libreoffice") or shutil.which("soffice")


def test_libreoffice_opens_template_and_export_and_keeps_the_mapping(tmp_path, example):
    if not _soffice():
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice is not installed in CI (.ci/run installs Debian's libreoffice-calc)")
        pytest.skip("LibreOffice (libreoffice/soffice) is not on PATH; install libreoffice-calc to check "
                    "that it opens the template and the export")
    t, e = tmp_path / "template.xlsx", tmp_path / "export.xlsx"
    s = tmp_path / "template-2024-shanghai.xlsx"
    write_template(t)
    write_template(s, "2024-shanghai")
    export_xlsx(example, e)
    out = tmp_path / "pdf"
    for src in (t, s, e):
        res = subprocess.run([_soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                              "--convert-to", "pdf", "--outdir", str(out), str(src)],
                             capture_output=True, text=True, timeout=180)
        pdf = out / (src.stem + ".pdf")
        assert res.returncode == 0 and pdf.exists(), res.stderr
        assert pdf.read_bytes()[:5] == b"%PDF-"
    # a workbook saved again by LibreOffice still converts exactly (mapping sheet and labels kept)
    resaved = tmp_path / "resaved"
    res = subprocess.run([_soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                          "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(resaved), str(e)],
                         capture_output=True, text=True, timeout=180)
    assert res.returncode == 0, res.stderr
    conv = convert_file(resaved / "export.xlsx")
    assert conv.instance.fact_set() == example.fact_set()
    assert conv.findings == []


def test_misgrouped_thousands_separators_are_not_amounts(tmp_path):
    # "1,9,00" and "19,60.73" are typos, not 1900 and 1960.73; "2，001.35" (full-width comma) is an amount
    path = official_workbook(tmp_path / "sep.xlsx", overrides={"02": {"C8": "1,9,00", "C9": "19,60.73", "C10": ".5",
                                                                    "D8": "1，974.84"}})
    conv = convert_file(path)
    bad = {f.location.source for f in conv.findings if f.code == "convert:not-an-amount"}
    assert bad == {"收入决算表!C8", "收入决算表!C9", "收入决算表!C10"}
    facts = {f.origin: f.value for f in conv.instance.facts}
    assert "收入决算表!C8" not in facts and facts["收入决算表!D8"] == Decimal("1974.84")


def test_unreadable_cell_is_counted_and_its_rules_are_not_checked(tmp_path):
    """Defect 2: '1,9x0' in the 02 sheet's D7 (合计 财政拨款收入) is no amount: a finding at D7, counted
    as not placed, and the rules needing it say so instead of reading it as blank (which gave four
    false rule errors, one of them placed at D8)."""
    ok = convert_file(official_workbook(tmp_path / "ok.xlsx"))
    conv = convert_file(official_workbook(tmp_path / "bad.xlsx", overrides={"02": {"D7": "1,9x0"}}))
    from juesuan.convert import check_converted

    got = [*conv.findings, *check_converted(conv)]
    base = {(f.code, f.location.source) for f in check_converted(ok)}
    assert [f.location.source for f in got if f.code == "convert:not-an-amount"] == ["收入决算表!D7"]
    assert any(s.startswith("02") and "未能归位 1 个单元格" in s and "收入决算表!D7" in s for s in conv.summaries())
    skipped = [f for f in got if f.code == "convert:rule-not-checked"]
    assert {f.values["rule"] for f in skipped} == {"T02.row-sum", "T02.hierarchy", "X01-02.grant-income",
                                                   "X02-04.grant-income"}
    assert all(f.location.source == "收入决算表!D7" and f.table == "02" for f in skipped)
    assert "not checked: table 02 收入决算表!D7 is unreadable" in skipped[0].text("en")
    # no rule error beyond those of the intact workbook
    assert {(f.code, f.location.source) for f in got if f.code.startswith("rule:")} <= base


def test_typed_cells_are_findings_never_amounts(tmp_path):
    """Defect 6 (and 10): dates, error values, booleans, formulas without a value and amounts out of
    range are findings at their cell in an official-layout workbook; none becomes a fact."""
    import datetime

    path = official_workbook(tmp_path / "t.xlsx", overrides={"02": {
        "D7": datetime.date(2021, 3, 15), "C8": "#DIV/0!", "D8": True, "D9": "=1+1", "C10": 1e27, "D10": 1e308}})
    conv = convert_file(path)
    got = {f.location.source: f for f in conv.findings}
    want = {"收入决算表!D7": "convert:date-not-amount", "收入决算表!C8": "convert:error-value",
            "收入决算表!D8": "convert:bool-not-amount", "收入决算表!D9": "convert:formula-not-computed",
            "收入决算表!C10": "convert:amount-out-of-range", "收入决算表!D10": "convert:amount-out-of-range"}
    assert {k: got[k].code for k in want} == want
    assert "2021-03-15" in got["收入决算表!D7"].text("en")
    origins = {f.origin for f in conv.instance.facts}
    assert not origins & set(want)
    assert any(s.startswith("02") and "未能归位 6 个单元格" in s for s in conv.summaries())
