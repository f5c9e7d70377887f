"""Writing a table sheet for the Excel template: styles, labelled and input cells, the title and
header rows, printed rows and code rows (`_Writer`, a mixin of template._Builder), and the sheet's
finish (protection, row heights, print set-up). Moved out of juesuan.excel.template."""

from __future__ import annotations

import itertools
from copy import copy

from ..taxonomy import Block, Table
from .sheetplan import _Group, _Spec, cn_ordinal
from .xlsx import cell_ref


def _ranges(cells: list[tuple[int, int]]) -> str:
    """[(7, 3), (8, 3), (9, 3)] -> 'C7:C9': runs of consecutive rows per column."""
    out = []
    for col in sorted({c for _, c in cells}):
        rows = sorted(r for r, c in cells if c == col)
        start = prev = rows[0]
        for r in rows[1:] + [None]:
            if r is not None and r == prev + 1:
                prev = r
                continue
            a, b = cell_ref(start, col), cell_ref(prev, col)
            out.append(a if a == b else f"{a}:{b}")
            if r is not None:
                start = prev = r
    return " ".join(out)


def _finish_sheet(ws, **print_kw) -> None:
    """Sheet protection (no password), row heights for wrapped text, and the print set-up (see
    printing.page_setup: orientation by size, one page wide, title rows, header and footer)."""
    from .printing import fit_row_heights, page_setup

    ws.protection.sheet = True
    fit_row_heights(ws, 1)
    page_setup(ws, **print_kw)


class _Styles:
    def __init__(self):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

        thin = Side(style="thin", color="808080")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.title_font = Font(name="SimSun", size=16, bold=True)
        self.bold = Font(name="SimSun", size=10, bold=True)
        self.font = Font(name="SimSun", size=10)
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        self.right = Alignment(horizontal="right", vertical="center")
        self.head_fill = PatternFill("solid", fgColor="DDEBF7")
        self.input_fill = PatternFill("solid", fgColor="FFF2CC")
        self.na_fill = PatternFill("solid", fgColor="E7E6E6")
        self.unlocked = Protection(locked=False)
        self.locked = Protection(locked=True)


class _Writer:
    """Cells and rows of a sheet (template._Builder: uses self.st, _fixed, _amount_cells, inst, mapping,
    cells and _value)."""

    # -- cells
    def _static(self, ws, r, c, value, *, font=None, align=None, fill=None, border=True):
        cell = ws.cell(row=r, column=c, value=value)
        cell.font = font or self.st.font
        cell.alignment = align or self.st.left
        if fill is not None:
            cell.fill = fill
        if border:
            cell.border = self.st.border
        if value not in (None, ""):
            self._fixed.append((r, c, value))
        return cell

    def _input(self, ws, r, c, value=None, *, text=False, amount=True):
        cell = ws.cell(row=r, column=c, value=value)
        # An export of 200,000 facts writes as many input cells: the first of each kind is styled
        # attribute by attribute, the rest take a copy of its style ids (`_style`, the idiom openpyxl's
        # own WorksheetCopy uses), not five style objects each hashed into the workbook's style lists.
        kind = (text, amount)
        protos = self.__dict__.setdefault("_input_styles", {})  # per builder: style ids are per workbook
        proto = protos.get(kind)
        if proto is not None:
            cell._style = copy(proto)
        else:
            cell.font = self.st.font
            cell.fill = self.st.input_fill
            cell.border = self.st.border
            cell.protection = self.st.unlocked
            if text:
                cell.number_format = "@"
                cell.alignment = self.st.left
            elif amount:
                cell.number_format = "#,##0.00"
                cell.alignment = self.st.right
            protos[kind] = copy(cell._style)
        if amount and not text:
            self._amount_cells.append((r, c))
        return cell

    def _na(self, ws, r, c):
        cell = ws.cell(row=r, column=c)
        cell.fill = self.st.na_fill
        cell.border = self.st.border
        return cell

    def _merge(self, ws, r1, c1, r2, c2):
        if (r1, c1) != (r2, c2):
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)

    def _title_rows(self, ws, table: Table, last_col: int) -> None:
        """Title, 公开NN表 mark, department and unit."""
        st = self.st
        self._static(ws, 1, 1, table.title, font=st.title_font, align=st.center, border=False)
        self._merge(ws, 1, 1, 1, last_col)
        ws.row_dimensions[1].height = 30
        self._static(ws, 2, last_col, f"公开{table.id}表", align=st.right, border=False)
        dept = f"部门：{self.inst.header.entity}" if self.inst else "部门："
        self._static(ws, 3, 1, dept, border=False)
        if last_col > 2:
            self._merge(ws, 3, 1, 3, max(1, last_col // 2))
        self._static(ws, 3, last_col, "单位：万元", align=st.right, border=False)

    def _header_rows(self, ws, table: Table, starts: list[int]) -> int:
        """The header levels (block sections, column sections, groups, leaves) and the 栏次 row; returns
        the first data row."""
        st = self.st
        levels = []
        if len(table.blocks) > 1 and any(b.section for b in table.blocks):
            levels.append("bsec")
        allcols = [col for b in table.blocks for col in b.columns]
        if any(col.section for col in allcols):
            levels.append("csec")
        if any(col.group for col in allcols):
            levels.append("group")
        levels.append("leaf")
        top = 4
        leaf_row = top + len(levels) - 1
        first_head = top + (1 if "bsec" in levels else 0)
        for b, s in zip(table.blocks, starts):
            width = len(b.header) + len(b.columns)
            if "bsec" in levels:
                self._static(ws, top, s, b.section, font=st.bold, align=st.center, fill=st.head_fill)
                for k in range(1, width):
                    self._head_blank(ws, top, s + k)
                self._merge(ws, top, s, top, s + width - 1)
            for k, lab in enumerate(b.header):
                self._static(ws, first_head, s + k, lab, font=st.bold, align=st.center, fill=st.head_fill)
                for rr in range(first_head + 1, leaf_row + 1):
                    self._head_blank(ws, rr, s + k)
                self._merge(ws, first_head, s + k, leaf_row, s + k)
            self._column_heads(ws, b, s + len(b.header), levels, first_head)
        row = leaf_row + 1
        if not any(col.number for col in allcols):
            return row
        for b, s in zip(table.blocks, starts):
            if b.header:
                self._static(ws, row, s, "栏次", font=st.bold, align=st.center, fill=st.head_fill)
                for k in range(1, len(b.header)):
                    self._head_blank(ws, row, s + k)
                self._merge(ws, row, s, row, s + len(b.header) - 1)
            for k, col in enumerate(b.columns):
                self._static(ws, row, s + len(b.header) + k, int(col.number) if col.number.isdigit() else col.number,
                             font=st.bold, align=st.center, fill=st.head_fill)
        return row + 1

    def _column_heads(self, ws, b: Block, vstart: int, levels: list[str], first_head: int) -> None:
        """A block's value-column headers: each header text starts one level below the previous text of
        its column and is merged down to its own level; equal group/section texts side by side are merged
        across. Sections (预算数 / 决算数) head their columns when each section's columns are side by
        side, else (interleaved under each item) they are printed below the item."""
        st = self.st
        secs = [col.section for col in b.columns]
        runs = [x for i, x in enumerate(secs) if i == 0 or secs[i - 1] != x]
        sec_below = "csec" in levels and len(runs) != len(set(runs))
        paths = []
        for col in b.columns:
            p = []
            if "csec" in levels and not sec_below:
                p.append(col.section)
            if "group" in levels:
                p.append(col.group)
            p.append(col.label)
            if sec_below:
                p.append(col.section)
            paths.append(p)
        n_levels = len([lv for lv in levels if lv != "bsec"])
        placed: list[dict[int, tuple[int, str]]] = []
        for p in paths:
            d, prev = {}, -1
            for j, text in enumerate(p):
                if text:
                    d[prev + 1] = (j, text)
                    prev = j
            placed.append(d)
        for li in range(n_levels):
            k = 0
            while k < len(paths):
                if li not in placed[k]:
                    k += 1
                    continue
                end_level, text = placed[k][li]
                k2 = k
                if end_level < n_levels - 1:
                    while (k2 + 1 < len(paths) and placed[k2 + 1].get(li) == (end_level, text)
                           and paths[k2 + 1][:li] == paths[k][:li]):
                        k2 += 1
                r1, r2 = first_head + li, first_head + end_level
                self._static(ws, r1, vstart + k, text, font=st.bold, align=st.center, fill=st.head_fill)
                for kk, rr in itertools.product(range(k, k2 + 1), range(r1, r2 + 1)):
                    if (kk, rr) != (k, r1):
                        self._head_blank(ws, rr, vstart + kk)
                self._merge(ws, r1, vstart + k, r2, vstart + k2)
                k = k2 + 1

    def _new_group(self, b: Block, s: int, spec: _Spec) -> _Group:
        """A run of code rows; its mapping line is a placeholder until its rows are known."""
        cells = b.row_cells(spec.row)
        group = _Group(spec.row.codes if spec.kind == "group" else "class", [], s,
                       s + 1 if len(b.header) > 1 and "行次" not in b.header else 0,
                       {s + len(b.header) + b.columns.index(b.column(k)): cpt for k, cpt in cells.items()})
        self.mapping.append(None)
        group.slot = len(self.mapping) - 1
        return group

    def _group_row(self, ws, b: Block, s: int, r: int, spec: _Spec, group: _Group, queue: dict[int, list[str]],
                   codes) -> None:
        """A row the unit fills with a code (or a 类 beyond the printed ones); an export fills it."""
        vstart = s + len(b.header)
        rowno_col = s + b.header.index("行次") if "行次" in b.header else None
        cells = b.row_cells(spec.row)
        group.rows.append(r)
        pending = queue.get(b.rows.index(spec.row), [])
        code = pending.pop(0) if pending else None
        if spec.kind == "class":
            label = f"{code} {codes.name(code) or ''}".strip() if code else None
            self._input(ws, r, s, label, text=True)
            for k in range(1, len(b.header)):
                if s + k == rowno_col:
                    self._static(ws, r, s + k, None)
                else:
                    self._input(ws, r, s + k, None, text=True)
        else:
            self._input(ws, r, s, code, text=True)
            if group.name_col:
                self._input(ws, r, group.name_col, (codes.name(code) or None) if code else None, text=True)
            for k in range(2 if group.name_col else 1, len(b.header)):
                self._static(ws, r, s + k, None)
        for k, col in enumerate(b.columns):
            cpt = cells.get(col.key)
            if cpt:
                self._input(ws, r, vstart + k, self._value(cpt, code) if code else None)
                if code:
                    self.cells[(cpt, code)] = (ws.title, cell_ref(r, vstart + k))
            else:
                self._na(ws, r, vstart + k)

    def _fixed_row(self, ws, b: Block, s: int, r: int, spec: _Spec, codes) -> list[str]:
        """A printed row (label, code, standard 类 or blank); returns its mapping entries."""
        st = self.st
        vstart = s + len(b.header)
        rowno_col = s + b.header.index("行次") if "行次" in b.header else None
        code_header = bool(b.header) and "编码" in b.header[0]
        cells = b.row_cells(spec.row) if spec.row is not None else {}
        label = ""
        code = spec.code or None
        if spec.kind == "code":
            self._static(ws, r, s, spec.code, align=st.left)
            if len(b.header) > 1:
                self._static(ws, r, s + 1, codes.name(spec.code) or "")
        elif spec.kind == "std":
            cname = codes.name(spec.code) or spec.code
            if code_header:
                self._static(ws, r, s, spec.code)
                if len(b.header) > 1:
                    self._static(ws, r, s + 1, cname)
            else:
                label = f"{cn_ordinal(spec.row.standard.index(spec.code) + 1)}、{cname}"
        elif spec.kind == "label" and spec.row is not None:
            label = spec.row.label
        if spec.kind in ("std", "label", "blank") and b.header and not (spec.kind == "std" and code_header):
            self._static(ws, r, s, label or None)
            for k in range(1, len(b.header)):
                if rowno_col is not None:
                    self._static(ws, r, s + k, spec.number if s + k == rowno_col else None, align=st.center)
                else:
                    self._static(ws, r, s + k, None)
            if rowno_col is None and label and len(b.header) > 1:
                self._merge(ws, r, s, r, s + len(b.header) - 1)
        mapped = []
        for k, col in enumerate(b.columns):
            cpt = cells.get(col.key) if spec.kind != "blank" else None
            if cpt:
                self._input(ws, r, vstart + k, self._value(cpt, code))
                self.cells[(cpt, code or "")] = (ws.title, cell_ref(r, vstart + k))
                mapped.append(f"{cell_ref(r, vstart + k)}={cpt}" + (f":{code}" if code else ""))
            else:
                self._na(ws, r, vstart + k)
        return mapped

    def _head_blank(self, ws, r, c):
        cell = ws.cell(row=r, column=c)
        cell.fill = self.st.head_fill
        cell.border = self.st.border
