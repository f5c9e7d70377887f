"""XLSX: a summary sheet, then one sheet per table with old / new / change for every changed cell,
then the rounding differences, the findings that changed and the narrative. Made to be printed:
borders, number formats, wrapped text, each sheet one page wide (excel.printing). Concept ids and
layout ids stay out of it (they are in the JSON output); the place in the old layout gets a column
only when the two reports are in different layouts.

openpyxl is imported here only, so that the CLI does not pay for it unless xlsx is asked for. The
workbook is made byte-reproducible: fixed document timestamps and fixed zip entry dates.
"""

from __future__ import annotations

import re

from .model import KINDS, Change, DiffResult
from .phrasing import (KEY_COLS, count_label, header_field, header_value, mode_title, phrase, side_words,
                       wording)

FILLS = {"changed": "FFE08A", "added": "B9F0C0", "removed": "F9C0C0", "rounding": "DDE6FB"}
AMOUNT, PCT = "#,##0.00", "0.00"
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(text: str, used: set[str]) -> str:
    base = _BAD_SHEET.sub("_", text)[:31] or "sheet"
    name, i = base, 2
    while name.lower() in used:
        suffix = f"~{i}"
        name, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(name.lower())
    return name


class _Sheet:
    """Writes a titled, bordered table onto a sheet and sets it up for printing."""

    def __init__(self, wb, name: str, title: str, st):
        self.ws = wb.create_sheet(name) if wb.worksheets[0].title != "__blank__" else wb.worksheets[0]
        if self.ws.title == "__blank__":
            self.ws.title = name
        self.st, self.row, self.title = st, 1, title
        c = self.ws.cell(1, 1, title)
        c.font = st.title
        self.row = 2

    def blank(self) -> None:
        self.row += 1

    def head(self, values) -> None:
        for j, v in enumerate(values, 1):
            c = self.ws.cell(self.row, j, v)
            c.font, c.fill, c.border, c.alignment = self.st.bold, self.st.head, self.st.border, self.st.center
        self.row += 1

    def line(self, values, formats=None, fill=None, fill_cols=()) -> None:
        for j, v in enumerate(values, 1):
            c = self.ws.cell(self.row, j, v)
            c.font, c.border = self.st.font, self.st.border
            fmt = (formats or {}).get(j)
            if fmt:
                c.number_format, c.alignment = fmt, self.st.right
            else:
                c.alignment = self.st.left
            if fill is not None and j in fill_cols:
                c.fill = fill
        self.row += 1

    def finish(self, widths, header_left: str, repeat: tuple[int, int] | None = None) -> None:
        from openpyxl.utils import get_column_letter

        from ..excel.printing import fit_row_heights, page_setup

        for j, w in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(j)].width = w
        fit_row_heights(self.ws, 1)
        page_setup(self.ws, title_rows=repeat, left=header_left, center=self.title, last_col=len(widths))


class _Styles:
    def __init__(self):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="808080")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.title = Font(name="SimSun", size=14, bold=True)
        self.bold = Font(name="SimSun", size=10, bold=True)
        self.font = Font(name="SimSun", size=10)
        self.head = PatternFill("solid", fgColor="DDEBF7")
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="top", wrap_text=True)
        self.right = Alignment(horizontal="right", vertical="top")
        self.fills = {k: PatternFill("solid", fgColor=v) for k, v in FILLS.items()}


class _Book:
    """The workbook being written, with what every sheet needs: the result, its wording and styles,
    the sheet names already used, the entity for the page headers."""

    def __init__(self, r: DiffResult, lang: str):
        from openpyxl import Workbook

        self.r, self.L = r, "en" if lang == "en" else "zh"
        self.t = wording(self.L)
        self.st = _Styles()
        self.wb = Workbook()
        self.wb.worksheets[0].title = "__blank__"
        self.used: set[str] = set()
        self.entity = r.new.entity or r.old.entity
        self.old_w, self.new_w = side_words(r.mode, self.L)

    def sheet(self, name: str, title: str) -> _Sheet:
        return _Sheet(self.wb, _sheet_name(name, self.used), title, self.st)


def _summary_sheet(b: _Book) -> None:
    """Both reports' header fields (changed ones filled), the counts, the unit, the key totals."""
    r, L, t, st = b.r, b.L, b.t, b.st
    title = f"{t['title']}{': ' if L == 'en' else '：'}{mode_title(r.mode, r.old.status, r.new.status, L)}"
    sh = b.sheet(t["summary"], title)
    sh.blank()
    sh.head([t["field"], b.old_w, b.new_w])
    sh.line([t["file"], r.old_file, r.new_file])
    changed_fields = {h.field for h in r.header_changes}
    for f in ("entity", "fiscal_year", "status", "layout", "unit"):
        sh.line([header_field(f, L), header_value(f, str(getattr(r.old, f)), L),
                 header_value(f, str(getattr(r.new, f)), L)],
                fill=st.fills["changed"] if f in changed_fields else None, fill_cols=(2, 3))
    sh.blank()
    counts = r.counts()
    keys = [*KINDS, "rounding", "rows_added", "rows_removed"]
    if r.checked:
        keys += ["findings_appeared", "findings_disappeared"]
    if r.narrative_compared:
        keys.append("narrative_changed")
    sh.head([t["counts"], "", ""])
    sh.ws.merge_cells(start_row=sh.row - 1, start_column=1, end_row=sh.row - 1, end_column=3)
    for k in keys:
        sh.line([count_label(k, L), counts[k]], formats={2: "0"})
    sh.ws.cell(sh.row, 1, t["unit"]).font = st.font
    sh.row += 1
    widths = [24, 44, 44]
    if r.key_totals:
        sh.blank()
        sh.head(KEY_COLS[L])
        for k in r.key_totals:
            sh.line([k.label_en if L == "en" else k.label_zh, k.old, k.new, k.delta, k.pct,
                     phrase("changed", k.old, k.new, k.delta, k.pct, L) if k.delta is not None else ""],
                    formats={2: AMOUNT, 3: AMOUNT, 4: AMOUNT, 5: PCT})
        widths = [24, 26, 26, 12, 10, 30]
    sh.finish(widths, b.entity)


def _table_sheets(b: _Book, changes: list[Change], prefix: str = "") -> None:
    """One sheet per table: every change with its place, both values, the change, kind and wording
    (and the place in the old layout when the layouts differ)."""
    r, L, t, st = b.r, b.L, b.t, b.st
    same_layout = r.old.layout == r.new.layout
    for tid, ttitle, lst in r.by_table(changes):
        heading = t["table"].format(t=tid, title=ttitle) if tid else t["other"]
        name = f"{prefix}{tid} {ttitle}" if tid else f"{prefix}{t['other_short']}"
        s = b.sheet(name, f"{prefix}{heading}")
        cols = [t["row"], t["column"], b.old_w, b.new_w, t["delta"], t["pct_unit"], t["kind"], t["wording"]]
        if not same_layout:
            cols.append(t["old_place"])
        s.head(cols)
        for c in lst:
            p = c.place
            kind = "rounding" if c.rounding else c.kind
            row = " / ".join(x for x in (p.section, p.row_label()) if x) if p else c.code
            vals = [row or "—", p.column if p else c.label(L), c.old, c.new, c.delta, c.pct, t["kinds"][kind],
                    phrase(c.kind, c.old, c.new, c.delta, c.pct, L)]
            if not same_layout:
                vals.append(c.old_place.where(L) if c.old_place else t["no_place"])
            s.line(vals, formats={3: AMOUNT, 4: AMOUNT, 5: AMOUNT, 6: PCT}, fill=st.fills[kind],
                   fill_cols=(3, 4, 5))
        s.finish([30, 22, 12, 12, 11, 9, 9, 30] + ([30] if not same_layout else []), b.entity, (2, 2))


def _findings_sheet(b: _Book) -> None:
    r, t = b.r, b.t
    s = b.sheet(t["findings_short"], t["findings"])
    s.head(t["finding_cols"])
    for label, kind, lst in ((t["appeared"], "added", r.findings_appeared),
                             (t["disappeared"], "removed", r.findings_disappeared)):
        for f in lst:
            s.line([label, f.table, f.where(b.L), f.text(b.L)], fill=b.st.fills[kind], fill_cols=(1,))
    s.finish([10, 6, 28, 80], b.entity, (2, 2))


def _narrative_sheet(b: _Book) -> None:
    t = b.t
    s = b.sheet(t["narrative_short"], t["narrative"])
    s.head(t["narrative_cols"])
    for n in b.r.narrative:
        s.line([n.key, n.title, t["nkind"][n.kind], n.old or "", n.new or ""])
    s.finish([6, 20, 8, 50, 50], b.entity, (2, 2))


def render_xlsx(r: DiffResult, lang: str = "zh") -> bytes:
    b = _Book(r, lang)
    _summary_sheet(b)
    _table_sheets(b, r.changes)
    _table_sheets(b, r.shown_rounding(), prefix=b.t["rounding_prefix"])
    if r.checked and (r.findings_appeared or r.findings_disappeared):
        _findings_sheet(b)
    if r.narrative:
        _narrative_sheet(b)
    b.wb.properties.creator = "juesuan"
    from ..excel.template import workbook_bytes

    return workbook_bytes(b.wb)
