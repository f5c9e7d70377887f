"""The differ's HTML page in a real browser: headless Chromium loads it, and the DOM it builds holds
the changed cells. Skips only when Chromium is absent outside CI; in CI (CI=true) it must run."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from lxml import html as lhtml

from .conftest import EXAMPLES, EXAMPLE_XML, run_cli

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed in CI (.ci/run installs Debian's chromium)")
        pytest.skip("chromium not installed (apt-get install -y chromium); the HTML browser test needs it")
    return exe


def _run(exe: str, tmp_path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run([exe, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                          timeout=180)


def test_chromium_renders_the_changed_cells(chromium, tmp_path):
    page = tmp_path / "draft-vs-final.html"
    res = run_cli("diff", EXAMPLES / "liling-2021-draft.xml", EXAMPLE_XML, "--format", "html", "-o", page)
    assert res.returncode == 1, res.stderr
    dom = _run(chromium, tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    doc = lhtml.fromstring(dom.stdout)
    assert doc.findtext(".//h1") == "决算对比：草稿与定稿对比"
    cells = doc.xpath("//td[@data-concept]")
    got = {(td.get("data-kind"), td.get("data-concept"), td.get("data-code"), td.get("data-old"), td.get("data-new"),
            td.get("class")) for td in cells}
    assert got == {
        ("changed", "BasicExp", "30216", "14.24", "14.14", "n chg"),
        ("changed", "ThreeActualReception", "", "1.46", "1.64", "n chg"),
        ("added", "GpbExpTotal", "2101102", "—", "5.88", "n add"),
        ("added", "GpbExpBasic", "2101102", "—", "5.88", "n add"),
        ("changed", "SumIncGrandTotal", "", "2035.20", "2035.21", "n rnd"),
        ("changed", "BasicPublicTotal", "", "772.13", "772.12", "n rnd"),
    }
    # the changed cell shows old struck through and new, inside the grid of its table
    td = doc.xpath('//table[@data-table="06"]//td[@data-code="30216"]')[0]
    assert td.findtext("del") == "14.24" and td.findtext("ins") == "14.14"
    # the summary comes first
    sections = [s.get("id") for s in doc.xpath("//section")]
    assert sections[0] == "summary" and "changes" in sections


def test_chromium_screenshot(chromium, tmp_path):
    page = tmp_path / "yoy.html"
    assert run_cli("diff", EXAMPLES / "liling-2020.xml", EXAMPLE_XML, "--format", "html", "-o", page).returncode == 1
    shot = tmp_path / "yoy.png"
    res = _run(chromium, tmp_path, "--window-size=1280,2000", f"--screenshot={shot}", page.as_uri())
    assert res.returncode == 0, res.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a blank page is a few KB
    # the page was laid out with its style: changed cells are painted in their highlight colour (#ffe08a)
    from PIL import Image  # pdfplumber's dependency, so part of the test extra

    with Image.open(shot) as img:
        colours = img.convert("RGB").getcolors(maxcolors=1 << 20)
    painted = sum(n for n, rgb in colours if rgb == (0xFF, 0xE0, 0x8A))
    assert painted > 2_000, painted


def test_yoy_page_prints_in_few_pages_without_one_character_lines(chromium, tmp_path):
    """Printed (Chromium's print to PDF, the page's own print CSS: A4 landscape), the year-over-year
    page of the example pair takes a handful of pages, and no grid header wraps to one character a
    line (the only one-character lines of the printed text are 栏次 numbers)."""
    from .print_util import need, page_count

    need("pdfinfo", "pdftotext")
    page = tmp_path / "yoy.html"
    assert run_cli("diff", EXAMPLES / "liling-2020.xml", EXAMPLE_XML, "--format", "html", "-o", page).returncode == 1
    pdf = tmp_path / "yoy.pdf"
    res = _run(chromium, tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert res.returncode == 0 and pdf.exists(), res.stderr[-2000:]
    assert page_count(pdf) <= 12, page_count(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lonely = [ln.strip() for ln in text.splitlines() if len(ln.strip()) == 1 and not ln.strip().isdigit()]
    assert lonely == [], lonely
