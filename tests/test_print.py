"""The workbooks print as a person needs them: LibreOffice turns the template, the export (both
layouts) and the diff workbook into PDF; each table is on one page of its own, and no word of a
page is printed across a cell border (pdftoppm renders the page, pdftotext gives the word boxes).
Fails, not skips, in CI (CI=true) when LibreOffice or poppler-utils is missing."""

from __future__ import annotations

import pytest

from juesuan.diff import compare_files, render
from juesuan.excel import export_xlsx, write_template
from juesuan.taxonomy import load_taxonomy
from juesuan.xmlio import load_instance

from .conftest import EXAMPLE_XML, EXAMPLES
from .print_util import need, overflowing_words, page_count, page_texts, to_pdf

LAYOUTS = ("2021-hunan", "2024-shanghai")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    need("pdftoppm", "pdftotext", "pdfinfo")
    import shutil

    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        need("soffice")
    tmp = tmp_path_factory.mktemp("print")
    inst = load_instance(EXAMPLE_XML)
    files = []
    for lay in LAYOUTS:
        files.append(tmp / f"export-{lay}.xlsx")
        assert export_xlsx(inst, files[-1], lay) == []
        files.append(tmp / f"template-{lay}.xlsx")
        write_template(files[-1], lay)
    draft = inst.with_header(status="draft", preparer="张三", date="2022-08-31")
    files.append(tmp / "export-draft.xlsx")
    assert export_xlsx(draft, files[-1]) == []
    from juesuan.report_html import validate_for_report
    from juesuan.report_xlsx import render_xlsx

    files.append(tmp / "report.xlsx")
    files[-1].write_bytes(render_xlsx([validate_for_report(str(EXAMPLE_XML))]))
    files.append(tmp / "diff.xlsx")
    files[-1].write_bytes(render(compare_files(EXAMPLES / "liling-2021-draft.xml", EXAMPLE_XML), "xlsx"))
    return tmp, to_pdf(files, tmp / "pdf")


def _table_pages(pdf, layout):
    """{table id: [pages]} from each page's header line (the table's title and 公开NN表)."""
    tables = load_taxonomy().layout(layout).tables
    found = {t.id: [] for t in tables}
    for i, text in enumerate(page_texts(pdf), 1):
        head = next((ln for ln in text.splitlines() if ln.strip()), "")
        for t in tables:
            if f"（公开{t.id}表）" in head:
                found[t.id].append(i)
    return found


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("kind", ["export", "template"])
def test_each_table_prints_on_one_page_without_overflow(pdfs, layout, kind):
    tmp, out = pdfs
    pdf = out[f"{kind}-{layout}"]
    pages = _table_pages(pdf, layout)
    # one page per table, in order; the cover is an entry form and is not printed (its fields are
    # in each page's header and footer)
    assert pages == {tid: [i + 1] for i, tid in enumerate(pages)}, pages
    assert page_count(pdf) == 9
    assert "部门（单位）名称" not in "".join(page_texts(pdf))
    for page in range(1, page_count(pdf) + 1):
        assert overflowing_words(pdf, page, tmp) == [], (kind, layout, page)


def test_export_page_carries_entity_table_and_page_number(pdfs):
    _, out = pdfs
    text = page_texts(out["export-2021-hunan"])[1]
    assert "醴陵市网格化管理服务中心" in text.splitlines()[0] and "2021 年度决算" in text.splitlines()[0]
    assert "收入决算表（公开02表）" in text and "第 2 页，共 9 页" in text
    # 02's code rows: six codes of the example and one spare row, not 30 blank rows
    assert "2101102" in text and "事业单位医疗" in text


def test_a_draft_says_so_on_every_page_with_preparer_and_date(pdfs):
    _, out = pdfs
    pages = page_texts(out["export-draft"])
    assert len(pages) == 9
    for text in pages:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        assert "2021 年度决算（草稿）" in lines[0]
        assert "编制人：张三" in lines[-1] and "编制日期：2022-08-31" in lines[-1]


def test_validation_workbook_prints_findings_then_the_tables(pdfs):
    tmp, out = pdfs
    pdf = out["report"]
    texts = page_texts(pdf)
    assert page_count(pdf) == 10 and "决算审核报告" in texts[0] and texts[0].count("错误") >= 4
    assert "收入决算表（公开02表）" in texts[2]
    for page in range(1, page_count(pdf) + 1):
        assert overflowing_words(pdf, page, tmp) == [], page


def test_overflow_check_sees_a_header_written_over_its_border(tmp_path):
    """The judge itself: a header cell too narrow for its text, without the computed row heights,
    prints over the border below it and is reported."""
    need("pdftoppm", "pdftotext", "pdfinfo")
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Side

    wb = Workbook()
    ws = wb.active
    thin = Side(style="thin", color="808080")
    for r in range(1, 8):
        for c in range(1, 5):
            cell = ws.cell(r, c, "一般公共预算财政拨款收入" if (r, c) == (2, 2) else None)
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.column_dimensions["B"].width = 8
    ws.row_dimensions[2].height = 15
    wb.save(tmp_path / "bad.xlsx")
    pdf = to_pdf([tmp_path / "bad.xlsx"], tmp_path / "pdf")["bad"]
    assert overflowing_words(pdf, 1, tmp_path)


def test_diff_workbook_prints_in_few_pages_with_chinese_labels(pdfs):
    tmp, out = pdfs
    pdf = out["diff"]
    assert page_count(pdf) <= 12, page_count(pdf)
    text = "\n".join(page_texts(pdf))
    for raw in ("changed", "rows_added", "findings_appeared", "GpbExpTotal", "[2021-hunan]", "rule:"):
        assert raw not in text, raw
    assert "数值变动" in text and "审核发现新出现" in text
    for page in range(1, page_count(pdf) + 1):
        assert overflowing_words(pdf, page, tmp) == [], page


@pytest.mark.parametrize("layout", LAYOUTS)
def test_page_setup_of_every_table_sheet(tmp_path, layout):
    """Without LibreOffice: what the workbook asks the printer for (A4, one page wide, title rows
    repeated, header with the unit and table, footer with the page number, explicit row heights)."""
    from openpyxl import load_workbook

    path = tmp_path / "e.xlsx"
    export_xlsx(load_instance(EXAMPLE_XML), path, layout)
    wb = load_workbook(path)
    tables = load_taxonomy().layout(layout).tables
    for t in tables:
        ws = next(w for w in wb.worksheets if w["A1"].value == t.title)
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 and ws.page_setup.fitToWidth == 1
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.orientation in ("portrait", "landscape")
        assert ws.print_title_rows and ws.print_title_rows.startswith("$1:$")
        assert ws.oddHeader.left.text == "醴陵市网格化管理服务中心"
        assert ws.oddHeader.center.text == f"{t.title}（公开{t.id}表）"
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        assert all(ws.row_dimensions[r].height for r in range(1, ws.max_row + 1))
    wide = {w.title: w.page_setup.orientation for w in wb.worksheets[1:-1]}
    assert "landscape" in wide.values()  # the wide tables (04, 07) turn; orientation follows the width
    assert wb.worksheets[0].print_area  # the cover: kept off paper
