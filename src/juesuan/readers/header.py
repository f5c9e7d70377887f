"""Header recognition: where a table's header ends and its data begins, and which physical column
holds which layout column (by 栏次 numbers, else by header text, else by position)."""

from __future__ import annotations

import functools

from ..records import field, record, replace
from ..taxonomy import FUNCTION_CODE_RE, Block, Table, normalize_label
from .cells import CODE_HEADS, HEADER_WORDS, INT_RE, GridRow, cell_code, is_amount, is_blank, is_numberish


@record
class BlockMap:
    """Where one layout block sits among a region's physical columns."""

    block: Block
    start: int  # first physical column of the block (its label column)
    end: int  # one past the last physical column
    columns: dict[int, str] = field(default_factory=dict)  # physical column -> layout column key


class NoColumns(Exception):
    """The side-by-side blocks of a table cannot be told apart."""


class HeaderRecognition:
    """Part of TableMatcher (readers/matcher.py): the header zone and the column map."""

    table: Table
    codes: object  # the taxonomy's code list for the table's dimension

    # -- row kinds
    def _looks_like_data(self, row: GridRow) -> bool:
        """The first data row ends the header zone: an amount, a code, or a known row label alone."""
        cells = row.nonempty()
        if not cells:
            return False
        if any(is_amount(c.text) and "." in c.text for c in cells):
            return True
        first = cells[0].text.strip()
        if FUNCTION_CODE_RE.match(first) or (cell_code(first) and not INT_RE.match(first)):
            return True
        n = normalize_label(first)
        known = any(n in b.label_index for b in self.table.blocks) or (
            n in self.codes.by_name and len(self.codes.by_name[n][0]) == 3)
        # a known label followed by numbers (even mistyped ones like '7.0O') is a row; followed by
        # other labels it is a header line (2024 05: 合计 | 基本支出 | 项目支出). A word standing for a
        # value ('n/a', 'NaN', '无') beside a number does not make it a header.
        rest = cells[1:]
        if not known:
            return False
        if all(is_blank(c.text) or is_numberish(c.text) for c in rest):
            return True
        words = self._column_words
        return any(is_numberish(c.text) for c in rest) and not any(normalize_label(c.text) in words for c in rest)

    @functools.cached_property
    def _column_words(self) -> set[str]:
        """Every word a header line of this table may print (once per matcher: asked for each header row)."""
        words = set(HEADER_WORDS) | CODE_HEADS
        for b in self.table.blocks:
            words |= b.column_words | {normalize_label(h) for h in b.header}
        return words

    def _numbers_row(self, row: GridRow) -> bool:
        """A 栏次 row: '栏次' then column numbers, or only small integers in sequence (07)."""
        cells = row.nonempty()
        if not cells:
            return False
        texts = [normalize_label(c.text) for c in cells]
        nums = [t for t in texts if INT_RE.match(t)]
        if any(t == "栏次" for t in texts):
            return True
        return len(nums) >= 3 and len(nums) == len(texts) and nums == [str(i) for i in range(int(nums[0]), int(nums[0]) + len(nums))]

    # -- columns
    def _block_starts(self, header: list[GridRow], data: list[GridRow]) -> list[int]:
        nblocks = len(self.table.blocks)
        if nblocks == 1:
            return [min((c.col for r in header + data[:3] for c in r.nonempty()), default=0)]
        firsts = {normalize_label(b.header[0]) for b in self.table.blocks if b.header}
        for r in header:
            cols = [c.col for c in r.nonempty() if normalize_label(c.text) in firsts]
            if len(cols) == nblocks:
                return cols
        # fallback: spread data-row codes / labels (06: code columns repeat every k columns)
        for r in data:
            cols = [c.col for c in r.nonempty() if FUNCTION_CODE_RE.match(c.text.strip())]
            if len(cols) == nblocks:
                return cols
        raise NoColumns(f"{self.table.id} 表：无法确定左右栏的起始列")

    def _stacked(self) -> Block | None:
        """Side-by-side blocks with the same columns and cells (06) printed as one long block, as in a
        CSV of one table: one block holding all their rows."""
        bs = self.table.blocks
        if len(bs) < 2 or any((b.columns, b.cells, b.section) != (bs[0].columns, bs[0].cells, bs[0].section) for b in bs):
            return None
        return replace(bs[0], rows=tuple(r for b in bs for r in b.rows))

    def map_columns(self, header: list[GridRow], data: list[GridRow]) -> list[BlockMap]:
        blocks = self.table.blocks
        try:
            starts = self._block_starts(header, data)
        except NoColumns:
            stacked = self._stacked()
            if stacked is None:
                raise
            blocks = (stacked,)
            starts = [min((c.col for r in header + data[:3] for c in r.nonempty()), default=0)]
        maxcol = max((c.col for r in header + data for c in r.cells), default=0) + 1
        maps = []
        for i, b in enumerate(blocks):
            end = starts[i + 1] if i + 1 < len(starts) else maxcol
            maps.append(BlockMap(b, starts[i], end))
        numbers = [r for r in header if self._numbers_row(r)]
        for m in maps:
            if numbers and all(c.number for c in m.block.columns):
                self._map_by_numbers(m, numbers[-1])
            if len(m.columns) < len(m.block.columns):
                self._map_by_header(m, [r for r in header if not self._numbers_row(r)])
            if not m.columns:
                self._map_by_position(m, data)
        return maps

    def _map_by_numbers(self, m: BlockMap, row: GridRow) -> None:
        bynum = {c.number: c.key for c in m.block.columns}
        for c in row.nonempty():
            if m.start <= c.col < m.end and normalize_label(c.text) in bynum:
                m.columns[c.col] = bynum[normalize_label(c.text)]

    def _header_paths(self, m: BlockMap, header: list[GridRow]) -> dict[int, list[str]]:
        """Header texts above each physical column, top to bottom. A cell with a known span covers
        its columns; without span information a spanning group/section label is carried rightwards
        over empty cells."""
        spanning = self._spanning(m.block)
        paths: dict[int, list[str]] = {col: [] for col in range(m.start, m.end)}
        for r in header:
            covered: dict[int, str] = {}
            for c in r.nonempty():
                for col in range(c.col, c.col + max(1, c.span)):
                    covered.setdefault(col, normalize_label(c.text))
            last = ""
            for col in range(m.start, m.end):
                t = covered.get(col, "")
                if t:
                    last = t
                    paths[col].append(t)
                elif last and last in spanning:
                    paths[col].append(last)
        return paths

    def _section_ok(self, m: BlockMap, c, path: list[str]) -> bool:
        if c.section and normalize_label(c.section) not in path and any(
            normalize_label(o.section) in path for o in m.block.columns if o.section
        ):
            return False
        return True

    def _map_by_header(self, m: BlockMap, header: list[GridRow]) -> None:
        paths = self._header_paths(m, header)
        taken = set(m.columns.values())
        # pass 1: the lowest header text is the column's label (or a label wrapped over header rows)
        for col in sorted(paths):
            if col in m.columns:
                continue
            path = paths[col]
            if not path:
                continue
            sections = {normalize_label(o.section) for o in m.block.columns if o.section}
            # a section printed under the leaf (预算数 | 决算数 under each item) is not the leaf
            lpath = path[:-1] if len(path) > 1 and path[-1] in sections else path
            leaves = [lpath[-1]] + ["".join(lpath[-k:]) for k in (2, 3) if len(lpath) >= k]
            for c in m.block.columns:
                if c.key in taken:
                    continue
                if not c.names.intersection(leaves) or not self._section_ok(m, c, path):
                    continue
                m.columns[col] = c.key
                taken.add(c.key)
                break
        # pass 2: the label sits above the leaf (Shanghai 07: 合计 over 预算数 | 决算数)
        for col in sorted(paths):
            if col in m.columns or not paths[col]:
                continue
            path = paths[col]
            done = False
            for text in reversed(path[:-1]):
                for c in m.block.columns:
                    if c.key in taken or text not in c.names:
                        continue
                    if not self._section_ok(m, c, path):
                        continue
                    groups = {normalize_label(g) for g in (c.group, *c.group_aliases) if g}
                    if groups and not groups.intersection(path) and any(
                        normalize_label(g) in path for o in m.block.columns for g in (o.group, *o.group_aliases) if g
                    ):
                        continue
                    m.columns[col] = c.key
                    taken.add(c.key)
                    done = True
                    break
                if done:
                    break

    @staticmethod
    def _spanning(block: Block) -> set[str]:
        out = set()
        for c in block.columns:
            for g in (c.group, *c.group_aliases, c.section):
                if g:
                    out.add(normalize_label(g))
        return out

    def _map_by_position(self, m: BlockMap, data: list[GridRow]) -> None:
        """Last resort: value columns are the columns right of the label (and 行次) columns, in order."""
        amount_cols = sorted({c.col for r in data for c in r.nonempty() if m.start <= c.col < m.end and is_amount(c.text) and "." in c.text})
        if not amount_cols:
            return
        first = amount_cols[0]
        for i, c in enumerate(m.block.columns):
            m.columns[first + i] = c.key
