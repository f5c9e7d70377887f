"""Print set-up for the workbooks juesuan writes (template, export, diff): row heights that keep
wrapped text inside its cell, the orientation that prints the sheet largest, fit to one page wide
(and one page tall when that stays legible), repeated title rows, margins, header and footer.

Excel and LibreOffice do not grow a row for wrapped text in merged cells, so the heights are
computed here from the text's display width (a CJK character is about two column-width units at
10 pt, other characters one) and the width of the cell or merged range.
"""

from __future__ import annotations

import math

# points: A4 and the margins set below (inches * 72)
A4 = (595.0, 842.0)
MARGIN_LR, MARGIN_TB = 0.4 * 72, 0.75 * 72
LINE_PT = 14.5  # one line of 10 pt CJK text (Noto/SimSun line spacing ~1.45 em)
ROW_PT = 16.0  # a data row
MIN_SCALE_ONE_PAGE = 0.55  # below this a sheet prints on several pages instead (rows repeat)


def text_units(text: str, size: float = 10.0, bold: bool = False) -> float:
    """Display width of `text` in column-width units at `size` pt."""
    w = sum(2.0 if ord(ch) > 0x2E7F else 1.0 for ch in text)
    return w * size / 10.0 * (1.08 if bold else 1.0)


def _col_width(ws, letter: str) -> float:
    dim = ws.column_dimensions.get(letter)
    return float(dim.width) if dim is not None and dim.width else 8.43


def fit_row_heights(ws, first_row: int = 1, min_height: float = ROW_PT) -> None:
    """Give every row from `first_row` on a height that holds its wrapped text (merged ranges
    included: a range spanning several rows shares the height it needs among them)."""
    from openpyxl.utils import get_column_letter

    spans: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for rng in ws.merged_cells.ranges:
        spans[(rng.min_row, rng.min_col)] = (rng.min_row, rng.min_col, rng.max_row, rng.max_col)
    widths = {}

    def width(c1: int, c2: int) -> float:
        return sum(widths.setdefault(c, _col_width(ws, get_column_letter(c))) for c in range(c1, c2 + 1))

    need: dict[int, float] = {}
    multi: list[tuple[int, int, float]] = []
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            if cell.value is None or not isinstance(cell.value, str) or not cell.value:
                continue
            r1, c1, r2, c2 = spans.get((cell.row, cell.column), (cell.row, cell.column, cell.row, cell.column))
            size = float(cell.font.sz or 10) if cell.font is not None else 10.0
            bold = bool(cell.font is not None and cell.font.b)
            avail = max(1.0, width(c1, c2) - 1.5)
            wrap = bool(cell.alignment is not None and cell.alignment.wrap_text)
            lines = sum(max(1, math.ceil(text_units(part, size, bold) / avail)) if wrap else 1
                        for part in cell.value.split("\n"))
            h = lines * LINE_PT * size / 10.0 + 3.0
            if r2 > r1:
                multi.append((r1, r2, h))
            else:
                need[r1] = max(need.get(r1, min_height), h)
    last = ws.max_row
    heights = {r: need.get(r, min_height) for r in range(first_row, last + 1)}
    for r1, r2, h in multi:
        have = sum(heights[r] for r in range(r1, r2 + 1))
        if have < h:
            extra = (h - have) / (r2 - r1 + 1)
            for r in range(r1, r2 + 1):
                heights[r] += extra
    for r, h in heights.items():
        ws.row_dimensions[r].height = round(h, 1)


def sheet_size(ws, last_col: int | None = None) -> tuple[float, float]:
    """(width, height) of the used area in points."""
    from openpyxl.utils import get_column_letter

    ncol = last_col or ws.max_column
    w = sum(0.75 * (7 * _col_width(ws, get_column_letter(c)) + 5) for c in range(1, ncol + 1))
    h = 0.0
    for r in range(1, ws.max_row + 1):
        dim = ws.row_dimensions.get(r)
        h += float(dim.height) if dim is not None and dim.height else 15.0
    return w, h


def no_print(ws, cell: str) -> None:
    """Keep a sheet off paper: its print area is one empty cell, and an empty page is not printed
    (OOXML has no "do not print this sheet" flag). Used for the template's cover, an entry form whose
    header fields print in every table page's header and footer instead."""
    ws.print_area = cell


def _escape(text: str) -> str:
    return text.replace("&", "&&")


def page_setup(ws, *, title_rows: tuple[int, int] | None = None, left: str = "", center: str = "",
               right: str = "", footer: str = "第 &P 页，共 &N 页", footer_left: str = "", footer_right: str = "",
               last_col: int | None = None) -> str:
    """A4, the orientation that prints the sheet at the larger scale, one page wide, one page tall
    when the scale stays at least MIN_SCALE_ONE_PAGE, title rows repeated on every page, margins,
    header (left / center / right texts) and footer (page number). Returns the orientation."""
    from openpyxl.worksheet.page import PageMargins

    w, h = sheet_size(ws, last_col)
    portrait = (A4[0] - 2 * MARGIN_LR, A4[1] - 2 * MARGIN_TB)
    landscape = (A4[1] - 2 * MARGIN_LR, A4[0] - 2 * MARGIN_TB)
    sp = min(1.0, portrait[0] / w, portrait[1] / h)
    sl = min(1.0, landscape[0] / w, landscape[1] / h)
    orientation = "portrait" if sp >= sl * 0.98 else "landscape"
    scale = max(sp, sl) if orientation == "landscape" else sp
    ws.page_setup.orientation = orientation
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if scale >= MIN_SCALE_ONE_PAGE else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.75, bottom=0.75, header=0.3, footer=0.3)
    if title_rows:
        ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    if left:
        ws.oddHeader.left.text = _escape(left)
    if center:
        ws.oddHeader.center.text = _escape(center)
    if right:
        ws.oddHeader.right.text = _escape(right)
    for part in (ws.oddHeader.left, ws.oddHeader.center, ws.oddHeader.right):
        if part.text:
            part.size = 9
    if footer:
        ws.oddFooter.center.text = footer
        ws.oddFooter.center.size = 9
    for part, text in ((ws.oddFooter.left, footer_left), (ws.oddFooter.right, footer_right)):
        if text:
            part.text, part.size = _escape(text), 9
    return orientation
