"""Row matching: which layout row a data row is (by classification code or label, never by fixed
address), header rows repeated after a page break, and rows that extraction broke over two lines."""

from __future__ import annotations

import re

from ..taxonomy import QUOTES_RE, Table, normalize_label
from .cells import (CODE_HEADS, CODE_PART_RE, HEADER_WORDS, INT_RE, LONE_HEADS, UNREADABLE, Cell, GridRow, cell_code,
                    is_amount)
from .header import BlockMap


class RowMatching:
    """Part of TableMatcher (readers/matcher.py): data rows to layout rows."""

    table: Table
    dim: str
    codes: object  # the taxonomy's code list for the table's dimension

    # -- rows broken by extraction
    def _drop_repeated_headers(self, header: list[GridRow], maps: list[BlockMap], data: list[GridRow]) -> list[GridRow]:
        """Header rows printed again inside the table (a page break repeats the header)."""
        head_texts = {normalize_label(c.text) for r in header for c in r.nonempty()}
        known = head_texts | HEADER_WORDS | CODE_HEADS
        for m in maps:
            known |= m.block.column_words
        title = set(self.table.title_keys)
        out = []
        for r in data:
            texts = [normalize_label(c.text) for c in r.nonempty()]
            # never a row with an amount, or with glyphs that could be one (read as U+FFFD: a font
            # without a Unicode map, whose cells a header zone may also hold)
            if texts and not any(is_amount(c.text) and "." in c.text or UNREADABLE in c.text for c in r.nonempty()):
                if self._numbers_row(r) and len(texts) >= 3:
                    continue
                if len(texts) >= 2 and all(t in known for t in texts):
                    continue
                if len(texts) == 1 and texts[0] in head_texts and texts[0] in LONE_HEADS:
                    continue  # a lone header cell again ("栏次")
                if len(texts) == 1 and QUOTES_RE.sub("", re.sub(r"[（(]续[)）]$", "", texts[0])) in title:
                    continue  # the title repeated on the next page, "（续）"
            out.append(r)
        return out

    def _label_status(self, maps: list[BlockMap], r: GridRow) -> tuple[bool, bool, bool, bool]:
        """(has labels, has amounts, every labelled block matches a layout row, ... and by its full
        name: a code row's name is the code list's name)."""
        has_labels = has_amounts = False
        matched = verified = True
        for m in maps:
            cells = [c for c in r.cells if m.start <= c.col < m.end and c.text.strip()]
            labels = [c for c in cells if c.col not in m.columns and normalize_label(c.text) not in CODE_HEADS]
            has_amounts |= any(c.col in m.columns and is_amount(c.text) for c in cells)
            if not labels:
                continue
            has_labels = True
            target = self.match_row(m, labels, set())
            if target is None:
                matched = verified = False
                continue
            code = target[1]
            if code is not None:
                words = [c.text.strip() for c in labels if not (INT_RE.match(c.text.strip()) and c is not labels[0])]
                name = re.sub(r"^[\d\s]+", "", " ".join(words))
                if normalize_label(name) and not self.codes.is_name(code, name):
                    verified = False
        return has_labels, has_amounts, matched, verified

    @staticmethod
    def _merge(a: GridRow, b: GridRow) -> GridRow | None:
        """One row from two lines: texts in the same column are joined; two amounts never are."""
        by_col: dict[int, Cell] = {c.col: c for c in a.nonempty()}
        for c in b.nonempty():
            prev = by_col.get(c.col)
            if prev is None:
                by_col[c.col] = c
            elif is_amount(prev.text) or is_amount(c.text):
                return None
            else:
                by_col[c.col] = Cell(c.col, prev.text.strip() + c.text.strip(), prev.loc, max(prev.span, c.span))
        return GridRow([by_col[k] for k in sorted(by_col)], a.loc)

    def join_split_rows(self, maps: list[BlockMap], data: list[GridRow]) -> list[GridRow]:
        """Rows that extraction broke over lines: a label wrapped onto the next line (or round its row:
        a two-line label centred beside a one-line row prints half above and half below it), or the
        amounts printed on the line below their label. Joined only when the joined label is a layout
        row (or the code's own name), so no text is ever absorbed silently."""
        rows = list(data)
        status = [self._label_status(maps, r) for r in rows]
        i = 0
        while i < len(rows):
            has_labels, has_amounts, matched, verified = status[i]
            if has_labels and not verified:
                joined = False
                for j in ((i - 1, i), (i, i + 1)) if i > 0 and not status[i - 1][3] else ((i, i + 1), (i - 1, i)):
                    a, b = j
                    if a < 0 or b >= len(rows):
                        continue
                    merged = self._merge(rows[a], rows[b])
                    if merged is None:
                        continue
                    st = self._label_status(maps, merged)
                    if st[3]:
                        rows[a:b + 1] = [merged]
                        status[a:b + 1] = [st]
                        i = a
                        joined = True
                        break
                if joined:
                    continue
                if i + 2 < len(rows):  # a label wrapped round its row (centred: half above, half below)
                    first = self._merge(rows[i], rows[i + 1])
                    merged = self._merge(first, rows[i + 2]) if first is not None else None
                    st = self._label_status(maps, merged) if merged is not None else None
                    if st is not None and st[3]:
                        rows[i:i + 3] = [merged]
                        status[i:i + 3] = [st]
                        continue
            if has_labels and matched and not has_amounts and i + 1 < len(rows):
                nh, na = status[i + 1][:2]
                if na and not nh:  # the amounts sit on the line below their label
                    merged = self._merge(rows[i], rows[i + 1])
                    if merged is not None:
                        rows[i:i + 2] = [merged]
                        status[i:i + 2] = [self._label_status(maps, merged)]
            i += 1
        return rows

    def match_row(self, m: BlockMap, label_cells: list[Cell], used: set[int]):
        """(row, code, consumed cells) for the label part of one block of a data row, or None."""
        block = m.block
        if not label_cells:
            # tables with one unlabelled row (07): the values are the row
            blank = [i for i, r in enumerate(block.rows) if not r.label and r.cells and not r.is_group]
            if len(blank) == 1 and len(block.rows) == 1:
                return block.rows[blank[0]], None, []
            return None
        texts = [c.text.strip() for c in label_cells]
        code, consumed = self._code_cells(label_cells)
        if code is not None:
            if self.dim == "economic" and len(code) == 7:
                return None
            for i, r in enumerate(block.rows):
                if r.code == code:
                    used.add(i)
                    return r, code, consumed + self._name_cells(label_cells, consumed)
            for r in block.rows:
                if r.is_group and (r.codes != "class" or len(code) == 3):
                    return r, code, consumed + self._name_cells(label_cells, consumed)
            return None
        # label
        n = normalize_label(texts[0])
        keys = block.label_index
        number = None
        if len(texts) > 1 and INT_RE.match(texts[1]):
            number = int(texts[1])
        if n in keys:
            cands = keys[n]
            if number is not None:
                by_num = [i for i in cands if block.rows[i].number == number]
                cands = by_num or cands
            free = [i for i in cands if i not in used] or cands
            i = free[0]
            used.add(i)
            return block.rows[i], None, label_cells[:2] if number is not None else label_cells[:1]
        # 类 rows printed by name ("一、一般公共服务支出")
        group = next((r for r in block.rows if r.is_group), None)
        if group is not None and n in self.codes.by_name:
            codes = [c for c in self.codes.by_name[n] if group.codes != "class" or len(c) == 3]
            if codes:
                return group, codes[0], label_cells[:2] if number is not None else label_cells[:1]
        # a bare 行次 (label lost in extraction): the row by its number
        if INT_RE.match(texts[0]):
            num = int(texts[0])
            for r in block.rows:
                if r.number == num and not r.is_group:
                    return r, None, label_cells[:1]
        return None

    @staticmethod
    def _code_cells(label_cells: list[Cell]) -> tuple[str | None, list[Cell]]:
        """The classification code a row's label cells print and the cells holding it: one cell, or
        类 | 款 | 项 split over cells, or code and name run together; (None, []) for none."""
        parts = []
        for c in label_cells:
            t = c.text.strip()
            if CODE_PART_RE.match(t) and (not parts and len(t) == 3 or parts and len(t) == 2):
                parts.append(c)
                continue
            if parts and len(t) == 2 and UNREADABLE in t and all(ch.isdecimal() or ch == UNREADABLE for ch in t):
                return None, []  # the next code part is unreadable (a font without a Unicode map): no code
            break
        if len(parts) >= 2:
            return "".join(c.text.strip() for c in parts), list(parts)
        first = label_cells[0].text.strip()
        cc = cell_code(first)
        if cc and not (INT_RE.match(first) and len(first) < 3):
            return cc[0], [label_cells[0]]
        return None, []

    @staticmethod
    def _name_cells(label_cells: list[Cell], consumed: list[Cell]) -> list[Cell]:
        """The 科目名称 cell(s) after a code: text cells that are not amounts."""
        out = []
        for c in label_cells:
            if c in consumed:
                continue
            if is_amount(c.text):
                break
            out.append(c)
        return out
