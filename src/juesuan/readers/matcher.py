"""Amount placement: TableMatcher reads one table region onto a layout table, with header recognition
(readers/header.py) and row matching (readers/rows.py) as its parts, and turns value cells into facts;
every non-empty cell of the region becomes a fact or a finding."""

from __future__ import annotations

from typing import Sequence

from ..findings import Finding
from ..model import Fact, Facts
from ..taxonomy import FUNCTION_CODE_RE, Row, Table, Taxonomy, normalize_label, strip_ordinal
from .cells import (CODE_HEADS, INT_RE, UNIT_SCALES, Cell, GridRow, _where, is_amount, is_blank, is_meta, is_numberish,
                    read_amount, round_amount)
from .header import BlockMap, HeaderRecognition, NoColumns
from .result import TableResult, duplicate_finding, rounding_finding
from .rows import RowMatching


class TableMatcher(HeaderRecognition, RowMatching):
    """Maps one table region (rows between its title and the next table) onto a layout table."""

    def __init__(self, tax: Taxonomy, table: Table, unit: str = "万元"):
        """`unit`: the table's amount unit as printed (a key of UNIT_SCALES); amounts become 万元."""
        self.tax, self.table, self.unit, self.scale = tax, table, unit, UNIT_SCALES[unit]
        self.dim = table.dim
        self.codes = tax.codes_for(self.dim)

    # -- rows
    def read(self, rows: Sequence[GridRow]) -> TableResult:
        res = TableResult(self.table, rows=list(rows), unit=self.unit)
        self._read(rows, res)
        self._report_rounding(res)
        return res

    def _report_rounding(self, res: TableResult) -> None:
        if not res.rounded:
            return
        if self.scale == 1:
            res.findings.extend(rounding_finding(c.loc, exact, q, self.table.id) for c, exact, q in res.rounded)
        else:
            c, exact, q = res.rounded[0]
            n = len(res.rounded)
            res.findings.append(Finding.of("convert:rounded-converted", c.loc, table=self.table.id, table_id=self.table.id,
                                           n=n, unit=res.unit, where=_where(c.loc), exact=exact, rounded=q))

    def _read(self, rows: Sequence[GridRow], res: TableResult) -> None:
        header, data = self._zones(rows, res)
        if not data:
            return
        try:
            maps = self.map_columns(header, data)
        except NoColumns:
            res.findings.append(Finding.of("convert:columns-not-found", rows[0].loc, table=self.table.id, table_id=self.table.id))
            # nothing of this table could be read: every amount in it counts as not placed
            res.unplaced.extend(c for r in data for c in r.nonempty()
                                if is_numberish(c.text) and not FUNCTION_CODE_RE.match(c.text.strip()))
            return
        data = self._drop_repeated_headers(header, maps, data)
        data = self.join_split_rows(maps, data)
        used: list[set[int]] = [set() for _ in maps]
        seen = Facts()  # what this table read: a second fact for a key is reported, not added
        for r in data:
            self._read_row(res, maps, r, used, seen)

    def _zones(self, rows: Sequence[GridRow], res: TableResult) -> tuple[list[GridRow], list[GridRow]]:
        """(header rows, data rows): the first data row ends the header zone. Numbers in the header
        zone belong to no cell: never dropped silently (栏次/行次 numbers are small integers in a 栏次
        row, or beside a header word)."""
        header, data = [], []
        for r in rows:
            if not r.nonempty() or is_meta(r):
                continue
            if not data and not self._looks_like_data(r):
                header.append(r)
            else:
                data.append(r)
        words = self._column_words
        for r in header:
            if self._numbers_row(r):
                continue
            texts = [normalize_label(c.text) for c in r.nonempty()]
            numbered = any(t in words for t in texts)
            res.unplaced.extend(c for c in r.nonempty()
                                if is_numberish(c.text) and not (numbered and INT_RE.match(c.text.strip())))
        return header, data

    def _read_row(self, res: TableResult, maps: list[BlockMap], r: GridRow, used: list[set[int]], seen: Facts) -> None:
        """One data row, block by block: its label matched to a layout row, its values emitted."""
        pending: tuple[BlockMap, Row, str | None] | None = None
        for bi, m in enumerate(maps):
            cells = [c for c in r.cells if m.start <= c.col < m.end and c.text.strip()]
            if not cells:
                continue
            value_cols = set(m.columns)
            label_cells = [c for c in cells if c.col not in value_cols]
            heads = [c for c in label_cells if normalize_label(c.text) in CODE_HEADS]
            if heads:  # 类 | 款 | 项 heads sharing a grid row with 合计 (PDF tables)
                label_cells = [c for c in label_cells if c not in heads]
                if not label_cells and not any(c.col in value_cols for c in cells):
                    continue
            target = self.match_row(m, label_cells, used[bi])
            if target is None:
                first_value = min(value_cols, default=m.start + 1)
                if pending is not None and all(
                    (is_amount(c.text) or is_blank(c.text)) and c.col >= first_value for c in cells
                ):
                    # a label spanning blocks: its amount is printed further right (06 公用经费合计)
                    self._emit(res, pending[0], pending[1], pending[2], cells, seen, spill=True)
                    pending = None
                    continue
                self._unmatched(res, r, cells, label_cells, value_cols)
                continue
            row, code, consumed = target
            res.rows_matched += 1
            res.unplaced.extend(c for c in label_cells if c not in consumed and not is_blank(c.text))
            vals = [c for c in cells if c.col in value_cols]
            self._emit(res, m, row, code, vals, seen)
            pending = (m, row, code) if row.cells and not vals else None

    def _unmatched(self, res: TableResult, r: GridRow, cells: list[Cell], label_cells: list[Cell], value_cols: set) -> None:
        """A block of a data row that matches no layout row: its values are reported, not read."""
        vals = [c for c in cells if c.col in value_cols and not is_blank(c.text)]
        if vals:
            label = " ".join(c.text.strip() for c in label_cells) or "（空）"
            res.findings.append(Finding.of("convert:row-not-matched", r.loc, table=self.table.id,
                                           table_id=self.table.id, label=label))
            res.unplaced.extend(vals)
        else:
            leftovers = [c for c in cells if not INT_RE.match(c.text.strip())]
            res.unplaced.extend(c for c in leftovers if not is_blank(c.text))

    def _emit(self, res: TableResult, m: BlockMap, row: Row, code: str | None, cells: list[Cell],
              seen: Facts, spill: bool = False) -> None:
        concepts = m.block.row_cells(row)
        for c in cells:
            t = c.text.strip()
            if is_blank(t):
                continue
            key = (next(iter(concepts), None) if len(concepts) == 1 else None) if spill else m.columns.get(c.col)
            concept = concepts.get(key) if key else None
            if concept is None:
                res.unplaced.append(c)
                continue
            value, bad = read_amount(t, c.loc, self.table.id)
            if bad is not None:
                res.findings.append(bad)
                res.bad.append(c)
                res.unreadable.append((concept, code or "", c))
                continue
            exact = value * self.scale
            value, rounded = round_amount(exact)
            if rounded:
                res.rounded.append((c, exact.normalize(), value))
            fact = Fact(concept, code, value, c.loc, origin=c.loc.source)
            if seen.add(fact) is not None:
                res.findings.append(duplicate_finding(self.table.id, code or strip_ordinal(row.label), c.loc, code or row.label))
                res.unplaced.append(c)
                continue
            res.facts.append(fact)
            res.placed.append(c)
