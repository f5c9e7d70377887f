"""Real rendered PDFs read back: the example instances of both layouts exported as filled workbooks
(`juesuan export --format xlsx`), printed by LibreOffice headless with the Noto CJK fonts, and
converted again (tests/rendered.py). The 2021-hunan example is examples/liling-2021.xml; the
2024-shanghai one is the Putuo figures of tests/test_checks_2024.py (195 facts) built into an
instance, exported through the same template path.

Printed with cell borders, the pages are ruled tables: the facts come back exactly, with the
findings the instance itself has (the example's four real 02 errors). Printed without borders or
shading, the pages take the layout-spaced path (no ruling at all): what is placed is right, and
every amount is a fact or a finding naming its line, never a guess (both examples come back whole:
195 and 122 facts). Printed with the rules between the rows only (no
ruled cells), the pages take the same path, with the same facts.
"""

from __future__ import annotations

import re

import pytest

from juesuan.checks import check_instance
from juesuan.convert import convert_file
from juesuan.xmlio import load_instance, save_instance

from .checks_util import build
from .conftest import ROOT, run_cli
from .rendered import export_and_render, need_soffice
from .test_checks_2024 import putuo_facts
from .test_pdf_reader import need_pdfium

LILING = ROOT / "examples" / "liling-2021.xml"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    need_pdfium()
    need_soffice()
    tmp = tmp_path_factory.mktemp("rendered")
    shanghai = tmp / "shanghai-2024.xml"
    save_instance(build("2024-shanghai", putuo_facts()), shanghai)
    pdfs = export_and_render([(LILING, True), (shanghai, True), (LILING, False), (LILING, "horizontal"),
                              (shanghai, False)], tmp)
    return {"hunan": (LILING, pdfs[0]), "shanghai": (shanghai, pdfs[1]), "hunan-unruled": (LILING, pdfs[2]),
            "hunan-horizontal": (LILING, pdfs[3]), "shanghai-unruled": (shanghai, pdfs[4])}


@pytest.mark.parametrize("name", ["hunan", "shanghai"])
def test_ruled_rendered_pdf_gives_the_instance_back(rendered, name):
    xml, pdf = rendered[name]
    want = load_instance(xml)
    conv = convert_file(pdf, entity=want.header.entity, year=want.header.fiscal_year)
    assert conv.instance.header.layout == want.header.layout
    assert conv.instance.fact_set() == want.fact_set()
    assert len(want.facts) == {"hunan": 122, "shanghai": 195}[name]
    assert conv.findings == []
    assert all("未能归位 0 个单元格" in s for s in conv.summaries())
    # the findings of the read-back instance are the instance's own (02's four real errors in the example)
    assert sorted(f.code for f in check_instance(conv.instance)) == sorted(f.code for f in check_instance(want))


def test_ruled_rendered_pdf_same_as_the_pdfplumber_reader(rendered):
    from .test_pdf_reader import need_pdfplumber

    need_pdfplumber()
    from .pdfplumber_reader import read_pdf_pdfplumber

    for name in ("hunan", "shanghai"):
        xml, pdf = rendered[name]
        h = load_instance(xml).header
        new = convert_file(pdf, entity=h.entity, year=h.fiscal_year)
        old = read_pdf_pdfplumber(pdf, entity=h.entity, year=h.fiscal_year)
        assert [(f.concept, f.code, f.value, f.origin) for f in new.instance.facts] == \
            [(f.concept, f.code, f.value, f.origin) for f in old.instance.facts], name


@pytest.mark.parametrize("name, least", [("hunan-unruled", 122), ("hunan-horizontal", 122), ("shanghai-unruled", 195)])
def test_unruled_rendered_pdf_places_only_right_amounts_and_reports_the_rest(rendered, name, least):
    xml, pdf = rendered[name]
    want = load_instance(xml)
    conv = convert_file(pdf, entity=want.header.entity, year=want.header.fiscal_year)
    got = conv.instance.fact_set()
    assert got <= want.fact_set()  # never a wrong placement
    # the columns found where the tokens are printed, not where the layout text puts them (which
    # gave the hunan prints 74 facts and misplaced amounts of the shanghai print: 94 read, some wrong)
    assert len(got) >= least
    # every example amount that was not placed is in a finding naming its page and line
    reported = " ".join(f.text() for f in conv.findings if f.code.startswith("convert:"))
    assert all(f.location.sheet.startswith("p") and f.location.line for f in conv.findings
               if f.code.startswith("convert:"))
    placed = {(f.concept, f.code) for f in conv.instance.facts}
    for f in want.facts:
        if (f.concept, f.code) not in placed and f.value != 0:
            printed = f"{f.value:,.2f}"
            assert printed in reported or re.search(rf"(?<![\d.,]){re.escape(printed)}(?![\d])", reported), (f, printed)


def test_cli_reads_the_rendered_pdf(rendered, tmp_path):
    xml, pdf = rendered["shanghai"]
    out = tmp_path / "back.xml"
    res = run_cli("convert", pdf, "-o", out, "--entity", "测试单位", "--year", "2024")
    assert res.returncode == 0, res.stderr
    assert load_instance(out).fact_set() == load_instance(xml).fact_set()


def test_pages_stored_sideways_and_shown_upright(rendered, tmp_path):
    """/Rotate 90 over content drawn a quarter turn: characters and ruling are read on the page as
    shown (PDFium's glyph boxes of the turned text), so the tables come back the same."""
    from .rendered import rotated_copy

    xml, pdf = rendered["hunan"]
    turned = rotated_copy(pdf, tmp_path / "turned.pdf")
    want = load_instance(xml)
    conv = convert_file(turned, entity=want.header.entity, year=want.header.fiscal_year)
    assert conv.instance.fact_set() == want.fact_set()
    assert conv.findings == []


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_pages_drawn_sideways_or_upside_down_are_read_as_their_text_runs(rendered, tmp_path, turn):
    """Content turned a quarter or a half turn with no /Rotate to turn it back (a viewer shows the text
    running up or down the page, or upside down): the page is read turned so that most of its
    characters stand upright, and the tables come back the same (they used to give "no table found")."""
    from .pdfgen import turned_pages

    for name in ("hunan", "shanghai"):
        xml, pdf = rendered[name]
        turned = tmp_path / f"{name}-{turn}.pdf"
        turned.write_bytes(turned_pages(pdf.read_bytes(), turn))
        want = load_instance(xml)
        conv = convert_file(turned, entity=want.header.entity, year=want.header.fiscal_year)
        assert conv.instance.fact_set() == want.fact_set(), name
        assert conv.findings == []


@pytest.mark.parametrize("name, degrees", [("hunan-unruled", 1.5), ("shanghai-unruled", -2.0), ("hunan", 0.7),
                                           ("shanghai-unruled", 0.11)])
def test_prints_lying_askew_are_read_deskewed(rendered, tmp_path, name, degrees):
    """A print drawn a degree or two off true, as the OCR text of a scan that lies askew (without
    ruling) or a page printed off true (ruled): the page is read turned back by its text's angle, and
    gives the same facts and findings as the print lying straight (it was refused: all text at an angle;
    at 0.11 degrees, square within a thousandth, the text was read upright and 20 facts were lost)."""
    import math

    from .pdfgen import turned_pages

    xml, pdf = rendered[name]
    data = pdf.read_bytes()
    box = [float(v) for v in re.search(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)", data).groups()]
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2  # turned about the page's centre, as a scan lies
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    askew = tmp_path / "askew.pdf"
    askew.write_bytes(turned_pages(data, 0, matrix=b"%.9f %.9f %.9f %.9f %.6f %.6f" % (
        c, s, -s, c, x - c * x + s * y, y - s * x - c * y)))
    h = load_instance(xml).header
    straight = convert_file(pdf, entity=h.entity, year=h.fiscal_year)
    conv = convert_file(askew, entity=h.entity, year=h.fiscal_year)
    assert len(straight.instance.facts) in (118, 122, 195)
    assert conv.instance.fact_set() == straight.instance.fact_set()
    assert [f.code for f in conv.findings] == [f.code for f in straight.findings]


@pytest.mark.parametrize("name", ["hunan-unruled", "hunan-horizontal", "shanghai-unruled"])
def test_the_printed_page_header_is_no_row_of_the_table_above(rendered, name):
    """LibreOffice prints each sheet's page header (entity, title with its 公开NN表 mark, year) at the
    top of its page; without ruling it is a layout-spaced line that stays with the table above for its
    positions, and was read as a row of it: per page a row-not-matched or cell-not-placed warning, and
    for 07 not-an-amount errors ('2021 年度决算'), 34 findings on the hunan print and 22 on the shanghai
    one. Now it is a page header: the prints have the findings of the ruled print (the example's four
    real 02 errors), and none names the header's entity, title or year. (The last two were hunan 06's
    对民间非营利组织和群众性自治组织补贴, a label centred on two lines beside its one-line row, so printed
    half above and half below it: joined now, rows.join_split_rows.)"""
    xml, pdf = rendered[name]
    ruled_xml, ruled = rendered["shanghai" if name.startswith("shanghai") else "hunan"]
    h = load_instance(xml).header
    conv = convert_file(pdf, entity=h.entity, year=h.fiscal_year)
    want = convert_file(ruled, entity=h.entity, year=h.fiscal_year)
    assert [f.code for f in conv.findings if f.severity == "error"] == [f.code for f in want.findings if f.severity == "error"]
    assert not any(h.entity in f.text() or "年度决算" in f.text() or "公开0" in f.text() for f in conv.findings)
    assert [f.code for f in conv.findings] == [f.code for f in want.findings]


def test_rules_between_rows_only_read_as_no_ruling(rendered):
    """A page whose ruling forms no cells (here rules between the rows and none between the columns)
    is read from its layout spacing as a page without ruling is, not as lines of running text."""
    xml, unruled = rendered["hunan-unruled"]
    h = load_instance(xml).header
    ruled_rows = convert_file(rendered["hunan-horizontal"][1], entity=h.entity, year=h.fiscal_year)
    bare = convert_file(unruled, entity=h.entity, year=h.fiscal_year)
    assert ruled_rows.instance.fact_set() == bare.instance.fact_set() and len(bare.instance.facts) == 122


def test_printed_places_make_the_columns_and_a_note_across_them_does_not():
    """layout_grid over a PDF page's lines (GridRow.tokens, half-points): the amounts of a right-aligned
    column end together, so they are one column whatever their lengths; a note printed across the
    columns under the table (no amount; not a 注： line, which is left out of every table) does not
    join them into one."""
    from juesuan.readers.cells import Cell, GridRow
    from juesuan.readers.text import layout_grid

    def row(n, *toks):
        return GridRow([Cell(0, "  ".join(t for _, _, t in toks), None)], None, toks)

    rows = [row(1, (0, 40, "项目"), (300, 380, "本年收入"), (500, 580, "财政拨款")),
            row(2, (0, 120, "一般公共服务支出"), (312, 380, "2,112.86"), (528, 580, "10.00")),
            row(3, (0, 80, "行政运行"), (336, 380, "5.00"), (500, 580, "1,511.89")),
            row(4, (0, 600, "本单位无政府性基金收入，也没有使用政府性基金安排的支出，故本表无其他数据。"))]
    grid = layout_grid(rows)
    assert [[(c.col, c.text) for c in r.cells] for r in grid[1:3]] == [
        [(0, "一般公共服务支出"), (1, "2,112.86"), (2, "10.00")], [(0, "行政运行"), (1, "5.00"), (2, "1,511.89")]]
    assert [c.col for c in grid[0].cells] == [0, 1, 2]


def test_a_centred_column_number_over_short_right_aligned_amounts_is_their_column():
    """The last column of 02 表 printed without borders: its amounts (20.00) are right-aligned and do not
    reach its 栏次 number (7), centred under 其他收入; the header covers that one data column, so the
    number is its column's, not a column of its own with the amounts' column left unnamed."""
    from juesuan.readers.cells import Cell, GridRow
    from juesuan.readers.text import layout_grid

    def row(*toks):
        return GridRow([Cell(0, "  ".join(t for _, _, t in toks), None)], None, toks)

    grid = layout_grid([row((0, 40, "项目"), (300, 380, "本年收入合计"), (500, 580, "其他收入")),
                        row((0, 40, "栏次"), (334, 346, "1"), (534, 546, "7")),
                        row((0, 40, "合计"), (312, 380, "1,980.73"), (560, 580, "20.00")),
                        row((0, 60, "201"), (312, 380, "1,974.84"), (560, 580, "20.00"))])
    cols = [{c.text: c.col for c in r.cells} for r in grid]
    assert cols[1]["7"] == cols[2]["20.00"] == cols[0]["其他收入"] and cols[1]["1"] == cols[2]["1,980.73"]


def test_a_header_centred_over_short_labels_is_their_column_and_never_an_amounts():
    """The right block of 01 表 printed without borders: 项目 is centred over labels that end well
    before it, so it heads the label column on its left. A header in the gap right of an amount
    column (07 表's 因公出国（境）费, blank in every row, after the 合计 amount) stays its own column:
    joining it would put the 合计 amount under it."""
    from juesuan.readers.cells import Cell, GridRow
    from juesuan.readers.text import layout_grid

    def row(*toks):
        return GridRow([Cell(0, "  ".join(t for _, _, t in toks), None)], None, toks)

    grid = layout_grid([row((200, 240, "项目"), (600, 640, "行次"), (800, 860, "决算数")),
                        row((0, 180, "一、一般公共服务支出"), (610, 630, "14"), (790, 860, "2,027.27")),
                        row((0, 100, "二、外交支出"), (610, 630, "15"))])
    cols = [{c.text: c.col for c in r.cells} for r in grid]
    assert cols[0]["项目"] == cols[1]["一、一般公共服务支出"] == cols[2]["二、外交支出"]
    assert cols[0]["决算数"] == cols[1]["2,027.27"] and cols[0]["行次"] == cols[1]["14"]
    grid = layout_grid([row((100, 140, "合计"), (300, 420, "因公出国（境）费"), (900, 980, "公务接待费")),
                        row((150, 190, "5.00"), (940, 980, "5.00"))])
    heads = {c.text: c.col for c in grid[0].cells}
    assert grid[1].cells[0].text == "5.00" and grid[1].cells[0].col != heads["因公出国（境）费"]


def test_a_header_centred_left_of_short_right_aligned_amounts_is_their_column():
    """A header centred in its cell can end up to 12 pt left of the short amounts right-aligned in the
    same cell (06 表's third 决算数 over 39.04 and 1.36, 5 pt away; 07 表's 合计 over 5.00): it heads
    them. A header on their right, however near, is the next cell's (a blank column's) and stays
    apart: in 07 表 printed at 0.6, 因公出国（境）费 starts 1 pt right of the 合计 amounts."""
    from juesuan.readers.cells import Cell, GridRow
    from juesuan.readers.text import layout_grid

    def row(*toks):
        return GridRow([Cell(0, "  ".join(t for _, _, t in toks), None)], None, toks)

    grid = layout_grid([row((0, 60, "科目名称"), (300, 342, "决算数"), (420, 500, "公务接待费")),
                        row((0, 120, "资本性支出"), (360, 402, "39.04")),
                        row((0, 120, "其他资本性支出"), (370, 402, "1.36"))])
    cols = [{c.text: c.col for c in r.cells} for r in grid]
    assert cols[0]["决算数"] == cols[1]["39.04"] == cols[2]["1.36"]
    assert cols[0]["公务接待费"] != cols[1]["39.04"] and cols[0]["科目名称"] == cols[1]["资本性支出"]
    grid = layout_grid([row((0, 60, "项目"), (330, 350, "合计"), (404, 500, "因公出国（境）费")),
                        row((0, 60, "金额"), (370, 402, "5.00"))])
    cols = [{c.text: c.col for c in r.cells} for r in grid]
    assert cols[0]["合计"] == cols[1]["5.00"] != cols[0]["因公出国（境）费"]
    # an amount column whose own header is over it reaches no further: the header of a blank column,
    # on a line of its own 9 pt left of the amounts, stays that column's (else 其他收入's 20.00 would be
    # 附属单位上缴收入's, and every row sum would still hold)
    grid = layout_grid([row((0, 60, "项目"), (1560, 1628, "其他收入")), row((1420, 1560, "附属单位上缴收入")),
                        row((0, 60, "合计"), (1578, 1620, "20.00")), row((0, 60, "201"), (1578, 1620, "20.00"))])
    cols = [{c.text: c.col for c in r.cells} for r in grid]
    assert cols[0]["其他收入"] == cols[2]["20.00"] != cols[1]["附属单位上缴收入"]


def test_a_small_print_keeps_each_amount_apart_from_the_next_cells_label(rendered, tmp_path):
    """The 2024-shanghai print without borders, drawn at 0.6 of its size: an amount and the label or
    code of the next cell are under 1 pt apart ("6.20" and "八、社会保障和就业支出"; "2,082.85" and
    "302"), and were one token, so the amount was neither a fact nor a finding (or 06 表's rows were
    not read). They are two now, and the print comes back whole."""
    from .rendered import scaled_copy

    xml, pdf = rendered["shanghai-unruled"]
    want = load_instance(xml)
    conv = convert_file(scaled_copy(pdf, tmp_path / "small.pdf"), entity=want.header.entity,
                        year=want.header.fiscal_year)
    got = conv.instance.fact_set()
    assert got == want.fact_set()
    reported = " ".join(f.text() for f in conv.findings if f.code.startswith("convert:"))
    placed = {(f.concept, f.code) for f in conv.instance.facts}
    lost = [f for f in want.facts if (f.concept, f.code) not in placed and f.value != 0
            and f"{f.value:,.2f}" not in reported and f"{f.value}" not in reported]
    assert lost == []


def test_a_digit_and_a_digit_or_cjk_character_a_gap_apart_are_two_tokens():
    from juesuan.readers.pdfium_text import Char, layout_text

    def chars(text, x, size, step):
        return [Char(ch, x + k * step, x + k * step + step, 100.0, 100.0 + size, size) for k, ch in enumerate(text)]

    line = chars("6.20", 150.0, 4.7, 2.7) + chars("八、支出", 150.0 + 4 * 2.7 + 0.99, 4.7, 4.7)
    ext: dict = {}
    layout_text(line, 842.0, ext)
    assert [t for _, _, t in ext[8]] == ["6.20", "八、支出"]
    ext = {}
    layout_text(chars("2,082.85", 150.0, 4.3, 2.4) + chars("302", 150.0 + 8 * 2.4 + 0.9, 4.3, 2.4), 842.0, ext)
    assert [t for _, _, t in ext[8]] == ["2,082.85", "302"]  # an amount and the next cell's code
    ext = {}
    layout_text(chars("2021", 150.0, 9.0, 5.0) + chars("年度", 170.0, 9.0, 9.0), 842.0, ext)  # glyphs touching
    assert [t for _, _, t in ext[8]] == ["2021年度"]
    ext = {}
    layout_text(chars("1,980.73", 150.0, 9.0, 5.0), 842.0, ext)  # a number's glyphs touching
    assert [t for _, _, t in ext[8]] == ["1,980.73"]
    spaced = [Char(ch, 150.0 + 4.8 * k, 154.0 + 4.8 * k, 100.0, 107.0, 7.0) for k, ch in enumerate("2010601")]
    ext = {}
    layout_text(spaced, 842.0, ext)  # letter-spaced (0.8 pt between glyphs at 7 pt): one code, not seven
    assert [t for _, _, t in ext[8]] == ["2010601"]


def _with_text_drawn_at(pdf, dst, page: int, places):
    """A copy of pdf with text objects added to one page (pypdfium2's editing API): (x, y, text) in
    user space each, Helvetica 10 pt."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(pdf)
    target = doc[page]
    for x, y, text in places:
        obj = raw.FPDFPageObj_NewTextObj(doc.raw, b"Helvetica", ctypes.c_float(10))
        buf = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
        raw.FPDFText_SetText(obj, ctypes.cast(buf, ctypes.POINTER(raw.FPDF_WCHAR)))
        raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
        raw.FPDFPage_InsertObject(target.raw, obj)
    raw.FPDFPage_GenerateContent(target.raw)
    doc.save(dst)
    doc.close()
    return dst


def test_text_drawn_far_off_an_unruled_page_is_read_in_bounded_time(rendered, tmp_path):
    """Amounts drawn 100,000,000 pt right of, below and left of an unruled table page (found by
    fuzzing: a number of the content stream changed): its layout text gave them 50 million spaces
    and 7.7 million blank lines (the conversion of a 225 KB file took 72 s). Characters are now placed
    within 14,400 pt of the page's top left: the example comes back whole, in a fraction of a second,
    and those amounts are findings naming their lines."""
    import time

    xml, pdf = rendered["hunan-unruled"]
    h = load_instance(xml).header
    far = _with_text_drawn_at(pdf, tmp_path / "far.pdf", 2, [(1e8, 300, "9,999.99"), (100, -1e8, "8,888.88")])
    t = time.process_time()
    conv = convert_file(far, entity=h.entity, year=h.fiscal_year)
    assert time.process_time() - t < 2.0
    assert conv.instance.fact_set() == load_instance(xml).fact_set()
    said = " ".join(f.text("en") for f in conv.findings)
    assert "8,888.88" in said and "p3 line 1109" in said  # at the extent's bottom: 14,400 / 13 pt
    assert "9,99" in said


def test_layout_text_is_placed_within_the_extent_and_spent():
    from juesuan.readers.pdfium_text import LAYOUT_EXTENT, Char, layout_text

    far = [Char("1", x, x + 5.0, top, top + 10.0, 10.0)
           for x, top in ((1e8, 100.0), (100.0, 1e8), (-1.5e9, 200.0), (float("inf"), 300.0), (float("nan"), 400.0))]
    spent: list[int] = []
    ext: dict = {}
    text = layout_text(far, 842.0, ext, spent.append)
    assert len(text) < 2 * LAYOUT_EXTENT and sum(spent) == len(text)
    assert text.count("\n") == round(LAYOUT_EXTENT / 13.0)
    assert all(0 <= a <= b <= LAYOUT_EXTENT for toks in ext.values() for a, b, _ in toks)


def test_layout_text_past_the_documents_limit_refuses_the_file(rendered, monkeypatch):
    """The layout text of a document's unruled pages is counted line by line; past MAX_LAYOUT
    (20,000,000 characters: a printed report's page makes some 11,000) the file is refused in one
    line naming the page. Here the limit is lowered under what the printed example makes."""
    from juesuan.errors import UnusableInput
    from juesuan.readers import pdfium

    xml, pdf = rendered["hunan-unruled"]
    h = load_instance(xml).header
    assert pdfium.MAX_LAYOUT == 20_000_000
    monkeypatch.setitem(pdfium._LIMITS, "layout", 15_000)
    with pytest.raises(UnusableInput) as e:
        convert_file(pdf, entity=h.entity, year=h.fiscal_year)
    assert e.value.code == "input:pdf-layout" and e.value.values["page"] == 3
    assert "past the limit of 15,000" in str(e.value)
