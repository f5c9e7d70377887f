"""Real rendered PDFs for the PDF reader's tests and benchmark: an instance exported as the filled
workbook (`juesuan export --format xlsx`), printed to PDF by LibreOffice headless (CJK text in the
fonts-noto-cjk fonts .ci/run installs).

Two adjustments are made to the exported workbook before printing, both about how LibreOffice
prints it, neither about its content:
- a row holding wrapped header text gets the height its lines need (LibreOffice keeps the default
  row height of an imported .xlsx, so the second line of "一般公共预算财政拨款" would be printed
  over the row below, where no reader can tell it from that row's text);
- `borders=False` removes every cell border and cell shading (shaded cells print as filled
  rectangles, which are ruling too): pages with no drawn lines at all, for the reader's path for
  pages without ruled tables; `borders="horizontal"` keeps only the cells' top and bottom borders
  (no shading): rules between the rows and none between the columns, so no ruled cells either.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from pathlib import Path

import pytest


def soffice() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def need_soffice() -> str:
    """LibreOffice, or skip (fail in CI, where .ci/run installs it)."""
    exe = soffice()
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice is not installed in CI (.ci/run installs Debian's libreoffice-calc)")
        pytest.skip("LibreOffice (libreoffice/soffice) is not on PATH; install libreoffice-calc and fonts-noto-cjk")
    return exe


def _east_asian(text: str) -> float:
    return sum(2.0 if ord(ch) > 0x2E80 else 1.0 for ch in text)


def print_ready(src: Path, dst: Path, borders: bool | str = True) -> Path:
    """A copy of the workbook `src` with wrapped rows tall enough (and, without `borders`, no cell
    borders; with "horizontal", only their top and bottom ones)."""
    import openpyxl
    from openpyxl.styles import Border, PatternFill
    from openpyxl.utils import get_column_letter

    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        widths = {k: (v.width or 8.43) for k, v in ws.column_dimensions.items()}
        merged = {r.min_row * 100000 + r.min_col: r for r in ws.merged_cells.ranges}
        for row in ws.iter_rows():
            need = 1
            for c in row:
                if c.value is None or not isinstance(c.value, str) or not (c.alignment and c.alignment.wrap_text):
                    continue
                rng = merged.get(c.row * 100000 + c.column)
                if rng is not None and rng.max_row > rng.min_row:
                    continue  # a header spanning rows has room
                cols = range(c.column, (rng.max_col if rng else c.column) + 1)
                width = sum(widths.get(get_column_letter(k), 8.43) for k in cols)
                need = max(need, math.ceil(_east_asian(c.value) / max(width - 1, 1.0)))
            if need > 1:
                r = row[0].row
                height = ws.row_dimensions[r].height or 15.0
                ws.row_dimensions[r].height = max(height, 15.0 * need)
            if borders is not True:
                for c in row:
                    c.border = Border(top=c.border.top, bottom=c.border.bottom) if borders == "horizontal" else Border()
                    c.fill = PatternFill()
    wb.save(dst)
    return dst


def render(workbooks: list[tuple[Path, bool | str]], out_dir: Path, exe: str | None = None) -> list[Path]:
    """Each (workbook, borders) printed to a PDF in `out_dir` by one LibreOffice run (its own
    profile in out_dir, so parallel runs do not share one)."""
    exe = exe or need_soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    suffix = {True: "-ruled", False: "-unruled", "horizontal": "-horizontal"}
    ready = [print_ready(w, out_dir / (w.stem + suffix[b] + ".xlsx"), b) for w, b in workbooks]
    res = subprocess.run([exe, "--headless", f"-env:UserInstallation=file://{out_dir.resolve()}/lo-profile",
                          "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, ready)],
                         capture_output=True, text=True, timeout=600)
    pdfs = [out_dir / (r.stem + ".pdf") for r in ready]
    assert res.returncode == 0 and all(p.exists() for p in pdfs), res.stderr
    return pdfs


def export_and_render(instances: list[tuple[Path, bool | str]], out_dir: Path) -> list[Path]:
    """Each (instance XML, borders): `juesuan export INSTANCE --format xlsx`, then printed by LibreOffice."""
    from juesuan.excel import export_xlsx
    from juesuan.xmlio import load_instance

    out_dir.mkdir(parents=True, exist_ok=True)
    books = []
    for xml, borders in instances:
        xlsx = out_dir / (xml.stem + ".xlsx")
        if not xlsx.exists():
            export_xlsx(load_instance(xml), xlsx)
        books.append((xlsx, borders))
    return render(books, out_dir)


def rotated_copy(pdf: Path, dst: Path) -> Path:
    """The LibreOffice PDF `pdf` with every page stored sideways and shown upright: user space turned
    a quarter (MediaBox width and height swapped, each page's content drawn through `0 1 -1 0 h 0 cm`)
    and /Rotate 90 to turn it back, as scanners and some print drivers write landscape pages. The
    added content stream is appended before the cross-reference table, whose offsets no longer hold:
    PDFium (and pdfminer) rebuild it, as they do for any damaged table."""
    import re

    data = pdf.read_bytes()
    next_id = max(int(x) for x in re.findall(rb"\n(\d+) 0 obj", data)) + 1
    streams: dict[bytes, int] = {}  # page height -> the turning stream for pages of that height

    def turn(m: re.Match) -> bytes:
        d = m.group(0)
        box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", d)
        sid = streams.setdefault(box.group(2), next_id + len(streams))
        d = d.replace(box.group(0), b"/MediaBox[0 0 %s %s]/Rotate 90" % (box.group(2), box.group(1)))
        return re.sub(rb"/Contents (\d+) 0 R", rb"/Contents[%d 0 R \1 0 R]" % sid, d)

    out = re.sub(rb"<</Type/Page/[^>]*>>", turn, data)
    assert streams  # portrait and landscape pages each get the stream of their own height
    objs = b""
    for height, sid in streams.items():
        content = b"0 1 -1 0 %s 0 cm\n" % height
        objs += b"%d 0 obj\n<</Length %d>>\nstream\n" % (sid, len(content)) + content + b"\nendstream\nendobj\n"
    at = out.rindex(b"\nxref") + 1
    dst.write_bytes(out[:at] + objs + out[at:])
    return dst


def scaled_copy(pdf: Path, dst: Path, factor: float = 0.6) -> Path:
    """The LibreOffice PDF `pdf` with every page's content drawn at `factor` of its size (a report
    printed small: its 7.8 pt text at 4.7 pt, the gaps between cells under 1 pt), through a
    `factor 0 0 factor 20 30 cm` stream put before each page's own (tests/pdfgen.turned_pages)."""
    from .pdfgen import turned_pages

    dst.write_bytes(turned_pages(pdf.read_bytes(), 0, matrix=b"%g 0 0 %g 20 30" % (factor, factor)))
    return dst
