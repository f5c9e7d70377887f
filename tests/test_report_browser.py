"""validate's HTML report in a real browser, offline: headless Chromium (every host unresolvable,
every request sent to a dead proxy) loads the page; the example's four errors are cells of their
tables' grids painted in the error colour, each linking to its finding, which links back. Skips only
when Chromium is absent outside CI; in CI (CI=true) it fails."""

from __future__ import annotations

import re

from lxml import html as lhtml

from .conftest import EXAMPLE_XML, EXAMPLES, run_cli
from .test_diff_browser import _run, chromium  # noqa: F401 - the fixture

OFFLINE = ["--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
           "--proxy-bypass-list=<-loopback>"]
ERROR_RGB = (0xF4, 0xA3, 0xA3)


def _report(tmp_path, *args):
    page = tmp_path / "report.html"
    res = run_cli("validate", EXAMPLE_XML, "--format", "html", "-o", page, *args)
    assert res.returncode == 1 and res.stdout == "", res.stderr
    return page


def test_report_is_self_contained():
    html = run_cli("validate", EXAMPLE_XML, "--format", "html").stdout
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html
    assert not re.search(r"(https?:|//[a-z]|url\(|@import|<link|<img|<iframe)", html)
    assert "@media print" in html and "break-before:page" in html


def test_chromium_error_cells_link_to_their_findings(chromium, tmp_path):  # noqa: F811
    page = _report(tmp_path)
    dom = _run(chromium, tmp_path, *OFFLINE, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    doc = lhtml.fromstring(dom.stdout)
    assert doc.findtext(".//h1") == "决算审核报告"
    cells = doc.xpath('//td[@data-severity="error"]')
    got = {(td.xpath("ancestor::table[1]")[0].get("data-table"), td.get("data-concept"), td.get("data-code"),
            td.text_content().strip()) for td in cells}
    assert got == {("02", "IncTotal", "210", "5.88"), ("02", "IncTotal", "21011", "5.88"),
                   ("02", "IncTotal", "2101102", "5.88"), ("02", "IncOther", "", "20.00")}
    ids = {el.get("id") for el in doc.xpath("//*[@id]")}
    for td in cells:
        assert "sev-error" in td.get("class")
        href = td.xpath(".//a/@href")[0]
        assert href.startswith("#") and href[1:] in ids, href
        finding = doc.get_element_by_id(href[1:])
        assert finding.get("data-severity") == "error" and finding.get("data-code").startswith("rule:T02.")
        back = finding.xpath(".//a/@href")[0]
        assert back == f"#{td.get('id')}"
    # findings listed with both sides and the difference
    cell210 = next(td for td in cells if td.get("data-code") == "210")
    row = doc.get_element_by_id(cell210.xpath(".//a/@href")[0][1:])
    texts = [x.text_content().strip() for x in row.xpath("td")]
    assert "5.88" in texts and "25.88" in texts and "-20.00" in texts


def test_chromium_screenshot_shows_the_error_colour(chromium, tmp_path):  # noqa: F811
    page = _report(tmp_path)
    shot = tmp_path / "report.png"
    res = _run(chromium, tmp_path, *OFFLINE, "--window-size=1280,1400", f"--screenshot={shot}", page.as_uri())
    assert res.returncode == 0, res.stderr[-2000:]
    from PIL import Image

    with Image.open(shot) as img:
        colours = img.convert("RGB").getcolors(maxcolors=1 << 20)
    painted = sum(n for n, rgb in colours if rgb == ERROR_RGB)
    assert painted > 1_500, painted  # four cells of about 75 x 22 px


def test_report_in_english_and_as_workbook(tmp_path):
    html = run_cli("validate", EXAMPLE_XML, "--format", "html", "--lang", "en").stdout
    assert "<h1>Validation report</h1>" in html and "4 errors, 0 warnings" in html
    body = re.sub(r"<[^>]+>", " ", html.split("</style>", 1)[1])
    # English words only, except the tables' own labels and names (Chinese layout text)
    assert "错误" not in body and "审核" not in body
    assert '<th class="r">Total income for the year</th>' in html and "<th>Other income<br>" in html
    assert '<th class="r">2101102 Medical care of public institutions</th>' in html and "事业单位医疗" not in body.split("Narrative (第三部分)")[0]
    from openpyxl import load_workbook

    out = tmp_path / "r.xlsx"
    assert run_cli("validate", EXAMPLE_XML, "--format", "xlsx", "-o", out).returncode == 1
    wb = load_workbook(out)
    ws = wb["审核发现"]
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[0]]
    assert len(rows) == 4 and {r[1] for r in rows} == {"错误"}
    links = [ws.cell(i, 5).hyperlink.location or ws.cell(i, 5).hyperlink.target for i in range(3, 7)]
    sheet, ref = rows[0][4].split("!")
    assert wb[sheet][ref].value == 5.88 and wb[sheet][ref].fill.fgColor.rgb.endswith("F4A3A3")
    assert all(link for link in links)


def test_report_of_unusable_and_draft_files(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("not xml", encoding="utf-8")
    res = run_cli("validate", bad, EXAMPLES / "liling-2021-draft.xml", "--format", "html")
    assert res.returncode == 2 and "无法读取" in res.stdout and "草稿" in res.stdout


def test_narrative_claims_are_marked_through_the_extension_point():
    """The narrative checks hand ClaimMark records to render_html; a claim that holds is marked ok, a
    claim a finding contradicts is marked with its severity and links to that finding."""
    from juesuan.report_html import ClaimMark, render_html, validate_for_report

    res = validate_for_report(str(EXAMPLE_XML))
    block = res.instance.narrative[0]
    words = block.text.split("，")[0][:12]
    html = render_html([res], claims={res.path: [ClaimMark(block.key, words, "error", 0),
                                                 ClaimMark(block.key, "不存在的句子", "ok")]})
    assert f'<a href="#f0-0"><mark class="claim sev-error" data-finding="f0-0">{words}</mark></a>' in html
    assert 'id="f0-0"' in html and "不存在的句子" not in html


def test_report_of_a_schema_invalid_file_lists_its_findings(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text(EXAMPLE_XML.read_text("utf-8").replace("<IncOther code=\"210\">20.00", "<IncOther code=\"210\">2x"),
                   encoding="utf-8")
    res = run_cli("validate", bad, "--format", "html")
    assert res.returncode == 1
    assert 'data-code="schema:' in res.stdout and "无效" in res.stdout and 'class="grid"' not in res.stdout


def test_printed_report_puts_each_table_on_its_own_page(chromium, tmp_path):  # noqa: F811
    import subprocess

    from juesuan.taxonomy import load_taxonomy

    from .print_util import need, page_count

    need("pdfinfo", "pdftotext")
    page = _report(tmp_path)
    pdf = tmp_path / "report.pdf"
    res = _run(chromium, tmp_path, *OFFLINE, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert res.returncode == 0 and pdf.exists(), res.stderr[-2000:]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    firsts = [next((ln.strip() for ln in p.splitlines() if ln.strip()), "") for p in text.split("\f")]
    titles = [f"{t.id}表 {t.title}" for t in load_taxonomy().layout("2021-hunan").tables]
    # the summary, then one page per table (each table fits its page), then the narrative (two pages)
    assert firsts[0] == "决算审核报告" and firsts[1:10] == titles
    assert firsts[10].startswith("说明文字") and page_count(pdf) <= 12
