"""Printing a workbook as a person would: LibreOffice to PDF, poppler for the text per page and a
PNG (as greyscale PGM) of a page, and an overflow check: no word printed across a cell border.

A border is a run of dark pixels at least LINE_MIN pixels long (horizontal or vertical); a word's
box comes from `pdftotext -bbox`. A word whose box a border crosses (beyond a pixel of anti-aliasing)
is text outside its cell: a header wrapped over the row below, a label running into the next cell.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

DPI = 100
LINE_MIN = 40  # pixels (about 29 pt at 100 dpi): longer than any stroke of a 10 pt glyph


def need(*tools: str) -> None:
    """Fail in CI (CI=true) when an external judge is missing, skip elsewhere."""
    missing = [t for t in tools if not shutil.which(t)]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{', '.join(missing)} not installed in CI (.ci/run installs them)")
        pytest.skip(f"{', '.join(missing)} not on PATH")


def soffice() -> str:
    return shutil.which("soffice") or shutil.which("libreoffice") or "soffice"


def to_pdf(files: list[Path], outdir: Path) -> dict[str, Path]:
    """Convert workbooks to PDF with one LibreOffice run; {stem: pdf}."""
    outdir.mkdir(parents=True, exist_ok=True)
    res = subprocess.run([soffice(), "--headless", f"-env:UserInstallation=file://{outdir}/lo-profile",
                          "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)],
                         capture_output=True, text=True, timeout=300)
    out = {f.stem: outdir / (f.stem + ".pdf") for f in files}
    missing = [k for k, p in out.items() if not p.exists()]
    assert not missing, (missing, res.stdout, res.stderr)
    return out


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    return pages[:page_count(pdf)]


def _pgm(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, data[m.end():m.end() + w * h]


def render_page(pdf: Path, page: int, out: Path, png: bool = False) -> Path:
    """Page `page` (1-based) as greyscale PGM (or PNG) at DPI; returns the file."""
    args = ["pdftoppm", "-r", str(DPI), "-f", str(page), "-l", str(page), "-singlefile"]
    args += ["-png"] if png else ["-gray"]
    subprocess.run([*args, str(pdf), str(out)], check=True, capture_output=True)
    return out.with_suffix(".png" if png else ".pgm")


_DARK = bytes(0x23 if v < 170 else 0x2E for v in range(256))  # '#' dark, '.' light


def border_lines(w: int, h: int, px: bytes):
    """(horizontal [(y, x0, x1)], vertical [(x, y0, y1)]) runs of dark pixels at least LINE_MIN long."""
    mask = px.translate(_DARK)
    run = re.compile(rb"#{%d,}" % LINE_MIN)
    hor = [(y, m.start(), m.end()) for y in range(h) for m in run.finditer(mask, y * w, (y + 1) * w)]
    hor = [(y, a - y * w, b - y * w) for y, a, b in hor]
    ver = [(x, m.start(), m.end()) for x in range(w) for m in run.finditer(mask[x::w])]
    return hor, ver


def word_boxes(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(word, x0, y0, x1, y1) in pixels at DPI."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    k = DPI / 72.0
    return [(m.group(5), float(m.group(1)) * k, float(m.group(2)) * k, float(m.group(3)) * k, float(m.group(4)) * k)
            for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                                 html)]


def overflowing_words(pdf: Path, page: int, tmp: Path) -> list[str]:
    """Words of the page that a cell border crosses."""
    w, h, px = _pgm(render_page(pdf, page, tmp / f"page{page}"))
    hor, ver = border_lines(w, h, px)
    bad = []
    for word, x0, y0, x1, y1 in word_boxes(pdf, page):
        m = 2.0  # anti-aliasing and the glyph box's own slack
        if any(y0 + m < y < y1 - m and a < x1 - m and b > x0 + m for y, a, b in hor) or \
           any(x0 + m < x < x1 - m and a < y1 - m and b > y0 + m for x, a, b in ver):
            bad.append(word)
    return bad
