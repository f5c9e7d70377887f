"""The validation report as a workbook (`juesuan validate FILE --format xlsx`): a findings sheet,
severity-filled, each finding linked to its cell in the filled tables of the first readable instance,
where the finding cells are coloured and commented. The HTML page and the per-file results it shares
are in juesuan.report_html."""

from __future__ import annotations

from .report_html import T, FileResult, _amt, _marks, _source

_FILLS = {"error": "F4A3A3", "warning": "FFD966", "info": "CFE3FF"}


def render_xlsx(results: list[FileResult], lang: str = "zh") -> bytes:
    """The report as a workbook: a findings sheet (severity-filled, each linked to its cell), then the
    filled tables of the first readable instance with the finding cells coloured and commented."""
    from .excel.printing import fit_row_heights, page_setup
    from .excel.template import export_workbook, workbook_bytes

    t = T["en" if lang == "en" else "zh"]
    first = next((r for r in results if r.instance is not None), None)
    if first is not None:
        wb, _, where = export_workbook(first.instance)
    else:
        from openpyxl import Workbook

        wb, where = Workbook(), {}
        wb.remove(wb.active)
    ws = _findings_sheet(wb, t)
    for res in results:
        if res.unusable:
            ws.append([res.path, "", "", f"{t['unusable']}{'：' if lang == 'zh' else ': '}{res.unusable}"])
            continue
        _finding_lines(ws, wb, res, where if res is first else None, lang, t)
    _style_body(ws)
    for col, w in zip("ABCDEFGHI", (22, 7, 20, 60, 14, 10, 10, 10, 16)):
        ws.column_dimensions[col].width = w
    fit_row_heights(ws, 1)
    page_setup(ws, title_rows=(2, 2), left=first.instance.header.entity if first else "", center=t["title"])
    wb.active = 0
    return workbook_bytes(wb)


def _border():
    from openpyxl.styles import Border, Side

    thin = Side(style="thin", color="808080")
    return Border(left=thin, right=thin, top=thin, bottom=thin)


def _findings_sheet(wb, t: dict):
    """The findings sheet, first in the workbook: its title and column heads."""
    from openpyxl.styles import Alignment, Font

    border = _border()
    ws = wb.create_sheet(t["findings"], 0)
    ws.append([t["title"]])
    ws["A1"].font = Font(name="SimSun", size=14, bold=True)
    ws.append([t["file"], *t["cols"][:3], t["cell"], *t["cols"][3:]])
    for c in ws[2]:
        c.font, c.border = Font(name="SimSun", size=10, bold=True), border
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return ws


def _finding_lines(ws, wb, res: FileResult, where: dict | None, lang: str, t: dict) -> None:
    """One line per finding of the file, severity-filled; with `where` (the cells of the instance
    whose tables the workbook holds) each links to its cell, which is filled and commented."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    own, _ = _marks(res)
    for i, f in enumerate(res.findings):
        # the cell of the finding's left-hand fact, in the tables of the first instance
        keys = [k for k, idx in own.items() if i in idx] if where is not None else []
        cell = next((where[k] for k in keys if k in where), ("", ""))
        v = f.values
        ws.append([res.path, t["sev"].get(f.severity, f.severity), f.where(lang), f.text(lang),
                   f"{cell[0]}!{cell[1]}" if cell[0] else "", _amt(v.get("left")), _amt(v.get("right")),
                   _amt(v.get("difference")), _source(f, lang, t)])
        row = ws.max_row
        ws.cell(row, 2).fill = PatternFill("solid", fgColor=_FILLS.get(f.severity, "FFFFFF"))
        if cell[0]:
            ws.cell(row, 5).hyperlink = f"#'{cell[0]}'!{cell[1]}"
            target = wb[cell[0]][cell[1]]
            target.fill = PatternFill("solid", fgColor=_FILLS.get(f.severity, "FFFFFF"))
            note = f"[{f.code}] {f.text(lang)}"
            target.comment = Comment(note if target.comment is None else target.comment.text + "\n" + note,
                                     "juesuan")


def _style_body(ws) -> None:
    from openpyxl.styles import Alignment, Font

    border = _border()
    for row in ws.iter_rows(min_row=3):
        for c in row:
            c.border = border
            c.font = Font(name="SimSun", size=10)
            c.alignment = Alignment(vertical="top", wrap_text=True)
