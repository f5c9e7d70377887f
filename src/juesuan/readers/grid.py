"""Table matching shared by every reader: a grid of cells in, facts and findings out.

Readers (official-layout Excel, tab- or space-separated text, CSV, PDF) turn their input into
`GridRow`s: cells with a physical column index and a `Location`. This module finds the nine tables
by title, maps physical columns to the layout's columns (by 栏次 numbers, else by header text, else by
position), matches rows by classification code or by label (never by fixed address), and turns the
value cells into facts. Every non-empty cell of a recognised table becomes a fact or a finding.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, Iterable, Sequence

from ..errors import UnusableInput
from ..findings import Finding
from ..lazyre import lazy
from ..model import Fact, Location, parse_amount
from ..records import field, record, replace
from .accounting import TableAccount, account, is_number_token
from .doctype import DocumentKind, document_kind, refuse_budget
from ..taxonomy import (FUNCTION_CODE_RE, QUOTES_RE, Block, Layout, Row, Table, Taxonomy, normalize_label,
                        strip_ordinal, title_key)

CODE_PART_RE = lazy(r"^\d{2,3}$")
CODE_NAME_RE = lazy(r"^(\d{3}(?:\d{2}){0,2})\s*([^\d\s].*)$")
SPLIT_CODE_RE = lazy(r"^(\d{3})\s+(\d{2})(?:\s+(\d{2}))?(?:\s+(.*))?$")
AMOUNT_RE = lazy(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
INT_RE = lazy(r"^\d{1,3}$")
BLANK_MARKS = {"", "—", "-", "－", "–", "/", "／", "——", "…"}
HEADER_WORDS = {"项目", "栏次", "行次", "科目名称", "功能分类科目编码", "经济分类科目编码", "科目编码",
                "支出功能分类科目编码", "功能分类", "经济分类", "类", "款", "项", "收入", "支出", "金额",
                "决算数", "预算数"}
# lines inside a table region that are not rows: notes, unit and department lines, page furniture
META_RE = lazy(r"^(注[:：\d]|注\s|\d+[.．、]\s*[^\d\s.．]|说明[:：]|[（(]若|单位[:：]|部门[:：]|金额单位|公开\s*0?\d\s*表|_+\s*单位|第\s*\d+\s*页|\d+\s*/\s*\d+$)")
# where the tables end: the narrative parts
PART_RE = lazy(r"^第[三四五]部分")
# the 类 / 款 / 项 heads of split code columns; in some PDFs they share a grid row with 合计
CODE_HEADS = {"类", "款", "项"}
# header cells that may stand alone on a repeated header line (never a wrapped label's tail)
LONE_HEADS = {"栏次", "行次", "项目", "科目名称", "金额", "决算数", "预算数"}


@record(frozen=True)
class Cell:
    col: int
    text: str
    loc: Location
    span: int = 1  # physical columns covered (a merged header cell in a PDF table or a workbook)


@record
class GridRow:
    cells: list[Cell]
    loc: Location = field(default_factory=Location)

    def nonempty(self) -> list[Cell]:
        return [c for c in self.cells if c.text.strip()]

    def text(self) -> str:
        return " ".join(c.text.strip() for c in self.nonempty())

    def at(self, col: int) -> Cell | None:
        for c in self.cells:
            if c.col == col:
                return c
        return None


@record
class TableResult:
    table: Table
    facts: list[Fact] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    unplaced: list[Cell] = field(default_factory=list)
    rows_matched: int = 0
    rows: list[GridRow] = field(default_factory=list)  # the region read
    unit: str = "万元"  # as printed; amounts in 元 / 千元 were converted to 万元
    rounded: list[tuple[Cell, Decimal, Decimal]] = field(default_factory=list)  # (cell, exact, rounded)
    placed: list[Cell] = field(default_factory=list)  # the cells that became facts
    bad: list[Cell] = field(default_factory=list)  # cells reported as not amounts

    def account(self) -> TableAccount:
        """Seen = placed + reported (readers/accounting.py reports what a reader left over)."""
        reported = [*self.unplaced, *self.bad]
        n = sum(max(1, sum(1 for t in c.text.split() if is_number_token(t))) for c in reported)  # numbers, not cells
        return TableAccount(self.table.id, self.table.title, len(self.facts) + n, len(self.facts), n, self.unit,
                            tuple(str(c.loc.source or c.loc) for c in reported))

    def summary(self, lang: str = "zh") -> str:
        return self.account().text(lang)


def has_cjk(text: str) -> bool:
    """Has a CJK ideograph (U+3400–U+9FFF). A loop, not a regex: cells are short, and compiling that
    character class costs 2–3 ms of start-up."""
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def is_numberish(text: str) -> bool:
    """Meant as a number, if perhaps mistyped: has a digit and no Chinese ('7.0O', '1,9x0', '20')."""
    t = text.strip()
    return any(ch.isdecimal() for ch in t) and not has_cjk(t)


def is_meta(row: GridRow) -> bool:
    cells = row.nonempty()
    return bool(cells) and bool(META_RE.match(cells[0].text.strip()))


def is_amount(text: str) -> bool:
    return bool(AMOUNT_RE.match(text.strip().replace(" ", "")))


def is_blank(text: str) -> bool:
    return text.strip() in BLANK_MARKS


CENT = Decimal("0.01")
UNIT_RE = lazy(r"(?:金额)?单位\s*[:：]\s*(万元|千元|元)")
UNIT_SCALES = {"万元": Decimal(1), "千元": Decimal("0.1"), "元": Decimal("0.0001")}


def round_amount(value: Decimal) -> tuple[Decimal, bool]:
    """An amount in 万元 with two decimals; True when it had more (rounded half-up, as the 决算
    software does when it converts 元 to 万元)."""
    q = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return q, q != value


def read_amount(text: str, loc: Location, table: str) -> tuple[Decimal | None, Finding | None]:
    """The amount a cell's text shows, or (None, the not-an-amount error). Thousands separators must
    group by three ('2,001.35'; a full-width '，' counts as ','): '1,9,00' is a typo, not 1900."""
    t = text.strip()
    s = t.replace(" ", "").replace("，", ",")
    if is_amount(s):
        return parse_amount(s), None
    return None, Finding.of("convert:not-an-amount", loc, table=table, where=_where(loc), table_id=table, text=t)


def rounding_finding(loc: Location, exact: Decimal, q: Decimal, table: str) -> Finding:
    """One amount with more than two decimals, rounded half-up."""
    return Finding.of("convert:rounded", loc, table=table, where=_where(loc), exact=exact, rounded=q)


def duplicate_finding(table: str, key: str, loc: Location, key_en: str = "") -> Finding:
    """A (concept, code) read a second time: `key` names the row (`key_en` is no longer used: the
    row is named the same in both languages)."""
    return Finding.of("convert:duplicate", loc, table=table, where=_where(loc), table_id=table, key=key)


def _where(loc: Location) -> str:
    """A location as findings print it: the source cell if known, else file and line."""
    return str(loc.source or loc)


def document_unit(texts: Iterable[str]) -> str:
    """The unit for tables that print no unit line of their own: the document's, when all its unit
    lines agree; 万元 otherwise (the published unit)."""
    units = {m.group(1) for t in texts for m in [UNIT_RE.search(t.replace(" ", ""))] if m}
    return units.pop() if len(units) == 1 else "万元"


def unit_of(rows: Sequence[GridRow]) -> str | None:
    """The amount unit printed in a table's unit line ('单位：元'), if any."""
    for r in rows[:12]:
        m = UNIT_RE.search(r.text().replace(" ", ""))
        if m:
            return m.group(1)
    return None


# ------------------------------------------------------------------ tables and layouts by title


def match_title(text: str, layout: Layout) -> Table | None:
    """The table whose title (or alias) this text is; exact after normalisation (quotes ignored:
    PDF text often drops or displaces “ ”), or None."""
    n = normalize_label(re.sub(r"^(\d{4}\s*年度?)?", "", text.strip()))
    n = QUOTES_RE.sub("", re.sub(r"^[一二三四五六七八九]、", "", n))
    return layout.title_index.get(n)


def choose_layout(texts: Iterable[str], tax: Taxonomy, year: int | None = None) -> Layout:
    """Pick the layout whose table titles match the most lines exactly; ties go to the year."""
    lines = [title_key(t) for t in texts if t and len(t) < 80]
    best, best_score = None, -1
    for lay in tax.layouts.values():
        titles = {t.title_keys[0]: 2 for t in lay.tables}
        for t in lay.tables:
            for a in t.title_keys[1:]:
                titles.setdefault(a, 1)
        score = sum(titles.get(re.sub(r"^[一二三四五六七八九]、", "", l), 0) for l in set(lines))
        if year is not None and lay.years and year in lay.years:
            score += 1
        if score > best_score:
            best, best_score = lay, score
    assert best is not None
    return best


# ------------------------------------------------------------------ codes


def cell_code(text: str) -> tuple[str, str] | None:
    """'2010601' -> ('2010601', ''); '201 06 01 行政运行' -> ('2010601', '行政运行'); '2010601行政运行' too."""
    s = text.strip()
    if FUNCTION_CODE_RE.match(s):
        return s, ""
    m = SPLIT_CODE_RE.match(s)
    if m:
        return m.group(1) + m.group(2) + (m.group(3) or ""), (m.group(4) or "").strip()
    m = CODE_NAME_RE.match(s)
    if m and not is_amount(s):
        return m.group(1), m.group(2).strip()
    return None


# ------------------------------------------------------------------ the matcher


@record
class BlockMap:
    """Where one layout block sits among a region's physical columns."""

    block: Block
    start: int  # first physical column of the block (its label column)
    end: int  # one past the last physical column
    columns: dict[int, str] = field(default_factory=dict)  # physical column -> layout column key


class TableMatcher:
    """Maps one table region (rows between its title and the next table) onto a layout table."""

    def __init__(self, tax: Taxonomy, table: Table, unit: str = "万元"):
        """`unit`: the table's amount unit as printed (a key of UNIT_SCALES); amounts become 万元."""
        self.tax, self.table, self.unit, self.scale = tax, table, unit, UNIT_SCALES[unit]
        self.dim = table.dim
        self.codes = tax.codes_for(self.dim)

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
        words = self._column_words()
        return any(is_numberish(c.text) for c in rest) and not any(normalize_label(c.text) in words for c in rest)

    def _column_words(self) -> set[str]:
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
        raise _NoColumns(f"{self.table.id} 表：无法确定左右栏的起始列")

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
        except _NoColumns:
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
        header, data = [], []
        for r in rows:
            if not r.nonempty() or is_meta(r):
                continue
            if not data and not self._looks_like_data(r):
                header.append(r)
            else:
                data.append(r)
        # numbers in the header zone belong to no cell: never drop them silently (栏次/行次 numbers
        # are small integers in a 栏次 row, or beside a header word)
        words = self._column_words()
        for r in header:
            if self._numbers_row(r):
                continue
            texts = [normalize_label(c.text) for c in r.nonempty()]
            numbered = any(t in words for t in texts)
            res.unplaced.extend(c for c in r.nonempty()
                                if is_numberish(c.text) and not (numbered and INT_RE.match(c.text.strip())))
        if not data:
            return
        try:
            maps = self.map_columns(header, data)
        except _NoColumns as e:
            res.findings.append(Finding.of("convert:columns-not-found", rows[0].loc, table=self.table.id, table_id=self.table.id))
            # nothing of this table could be read: every amount in it counts as not placed
            res.unplaced.extend(c for r in data for c in r.nonempty()
                                if is_numberish(c.text) and not FUNCTION_CODE_RE.match(c.text.strip()))
            return
        data = self._drop_repeated_headers(header, maps, data)
        data = self.join_split_rows(maps, data)
        used: list[set[int]] = [set() for _ in maps]
        seen: set[tuple[str, str]] = set()
        for r in data:
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
                    vals = [c for c in cells if c.col in value_cols and not is_blank(c.text)]
                    first_value = min(value_cols, default=m.start + 1)
                    if pending is not None and all(
                        (is_amount(c.text) or is_blank(c.text)) and c.col >= first_value for c in cells
                    ):
                        # a label spanning blocks: its amount is printed further right (06 公用经费合计)
                        self._emit(res, pending[0], pending[1], pending[2], cells, seen, spill=True)
                        pending = None
                        continue
                    leftovers = [c for c in cells if not (INT_RE.match(c.text.strip()) and not vals)]
                    if vals:
                        label = " ".join(c.text.strip() for c in label_cells) or "（空）"
                        res.findings.append(Finding.of("convert:row-not-matched", r.loc, table=self.table.id,
                                                       table_id=self.table.id, label=label))
                        res.unplaced.extend(vals)
                    else:
                        res.unplaced.extend(c for c in leftovers if not is_blank(c.text))
                    continue
                row, code, consumed = target
                res.rows_matched += 1
                res.unplaced.extend(c for c in label_cells if c not in consumed and not is_blank(c.text))
                vals = [c for c in cells if c.col in value_cols]
                self._emit(res, m, row, code, vals, seen)
                pending = (m, row, code) if row.cells and not vals else None

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
            if texts and not any(is_amount(c.text) and "." in c.text for c in r.nonempty()):
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
        """Rows that extraction broke over lines: a label wrapped onto the next line, or the amounts
        printed on the line below their label. Joined only when the joined label is a layout row (or
        the code's own name), so no text is ever absorbed silently."""
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
        # classification code: one cell, or 类 | 款 | 项 split over cells, or code+name run together
        code, consumed = None, []
        parts = []
        for c in label_cells:
            t = c.text.strip()
            if CODE_PART_RE.match(t) and (not parts and len(t) == 3 or parts and len(t) == 2):
                parts.append(c)
                continue
            break
        if len(parts) >= 2:
            code = "".join(c.text.strip() for c in parts)
            consumed = list(parts)
        else:
            cc = cell_code(texts[0])
            if cc and not (INT_RE.match(texts[0]) and len(texts[0]) < 3):
                code = cc[0]
                consumed = [label_cells[0]]
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

    def _emit(self, res: TableResult, m: BlockMap, row: Row, code: str | None, cells: list[Cell],
              seen: set, spill: bool = False) -> None:
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
                continue
            exact = value * self.scale
            value, rounded = round_amount(exact)
            if rounded:
                res.rounded.append((c, exact.normalize(), value))
            if (concept, code or "") in seen:
                res.findings.append(duplicate_finding(self.table.id, code or strip_ordinal(row.label), c.loc, code or row.label))
                res.unplaced.append(c)
                continue
            seen.add((concept, code or ""))
            res.facts.append(Fact(concept, code, value, c.loc, origin=c.loc.source))
            res.placed.append(c)


class _NoColumns(Exception):
    pass


# ------------------------------------------------------------------ regions of a whole document


def split_tables(rows: Sequence[GridRow], layout: Layout) -> list[tuple[Table, list[GridRow]]]:
    """Cut a document's rows into table regions at table titles or 公开NN表 marks.

    A title broken over two lines ("二、收入" / "决算表") is joined. The same title again right
    after its own region (the next page of the table) continues the region; a title seen again
    elsewhere (table of contents) keeps the region with the most cells. Repeated header rows
    inside a region are the matcher's business.
    """
    starts: list[tuple[int, Table]] = []
    begins: list[int] = []  # first line of each title (a broken title starts a line earlier)
    stop = len(rows)
    parts: list[int] = []
    texts = [r.text() for r in rows]
    skip_to = -1
    for i, text in enumerate(texts):
        if i <= skip_to:
            continue
        if PART_RE.match(text):
            parts.append(i)  # a region never runs into 第三部分 (the table of contents has one too)
            continue
        if not text or len(text) > 60:
            continue
        t = match_title(text, layout)
        at = i
        if t is None and i + 1 < len(texts) and texts[i + 1] and len(text) + len(texts[i + 1]) <= 60:
            t = match_title(text + texts[i + 1], layout)  # a title broken over two lines
            if t is not None:
                at = skip_to = i + 1
        if t is not None:
            if starts and starts[-1][1].id == t.id and i - starts[-1][0] <= 6:
                continue
            starts.append((at, t))
            begins.append(i)
    pieces: list[tuple[Table, list[GridRow]]] = []
    for k, (i, t) in enumerate(starts):
        end = begins[k + 1] if k + 1 < len(starts) else stop
        end = min([p for p in parts if p > i] + [end])
        region = list(rows[i + 1:end])
        if pieces and pieces[-1][0].id == t.id:
            pieces[-1][1].extend(region)  # the table goes on under its title repeated on the next page
        else:
            pieces.append((t, region))
    regions: dict[str, list[GridRow]] = {}
    for t, region in pieces:
        if region and sum(len(r.nonempty()) for r in region) >= sum(len(r.nonempty()) for r in regions.get(t.id, [])):
            regions[t.id] = region
    return [(t, regions[t.id]) for t in layout.tables if t.id in regions]


# ------------------------------------------------------------------ a whole document

_ENTITY_PATTERNS = [
    lazy(r"第[一二]部分\s*(?P<entity>\S.*?)\s*(?P<year>20\d\d)\s*年度?\s*部门决算"),
    lazy(r"^(?P<year>20\d\d)\s*年度?\s*(?P<entity>\S.*?)\s*部门决算"),
    lazy(r"^(?P<entity>\S.*?)\s*(?P<year>20\d\d)\s*年度?\s*部门决算"),
]


def guess_entity_year(texts: Sequence[str]) -> tuple[str, int | None]:
    """Entity name and fiscal year from a report's cover and part titles."""
    head = [t.strip() for t in texts[:400] if t and t.strip()]
    for pat in _ENTITY_PATTERNS:
        for t in head:
            m = pat.search(t)
            if m and 2 <= len(m.group("entity")) <= 60 and "部门决算" not in m.group("entity"):
                return m.group("entity").strip(), int(m.group("year"))
    # cover: "2021 年度" / "<entity>" / "部门决算"
    for i, t in enumerate(head[:12]):
        m = re.fullmatch(r"(20\d\d)\s*年度?", t)
        if m and i + 2 < len(head) and head[i + 2].replace(" ", "") in ("部门决算", "年度部门决算"):
            return head[i + 1], int(m.group(1))
    years = [int(y) for t in head for y in re.findall(r"(20\d\d)\s*年度", t)]
    return "", (max(set(years), key=years.count) if years else None)


_DEPT_RE = lazy(r"部门\s*[:：]\s*(?P<entity>[^\s:：_][^:：]*?)\s*(?:(?:金额)?单位\s*[:：].*|公开\s*0?\d\s*表.*)?$")


def entity_from_department_lines(texts: Sequence[str]) -> str:
    """'部门：醴陵市网格化管理服务中心   单位：万元' -> the entity, when every such line agrees."""
    names = []
    for t in texts:
        m = _DEPT_RE.search(t.strip())
        if m and 2 <= len(m.group("entity").strip()) <= 60:
            names.append(m.group("entity").strip())
    return names[0] if names and len(set(names)) == 1 else ""


@record
class DocumentResult:
    layout: Layout
    tables: list[TableResult]
    facts: list[Fact]
    findings: list[Finding]
    entity: str
    year: int | None
    kind: DocumentKind | None = None


Regrid = Callable[["TableMatcher", list[GridRow]], tuple[list[GridRow], list[Finding], list[Cell]]]


def read_document(rows: Sequence[GridRow], tax: Taxonomy, layout: Layout | None = None, regrid: Regrid | None = None,
                  sections: Sequence[Sequence[GridRow]] | None = None) -> DocumentResult:
    """Find the tables of a whole document and read them all.

    `sections` (e.g. the sheets of a workbook) are cut into tables each on its own, so that a table
    never runs on into the next section; `rows` is then only used for the document's texts. A table
    found twice keeps the copy with the most cells (the other is reported). Each table's own unit line
    decides its amounts' unit (单位：元 -> 0.0001 万元), else the document's, else 万元.

    `regrid`, if given, turns each table region into grid rows first (text whose columns must be
    recovered: layout-spaced or plain extract_text output); it returns the rows, its own findings
    and the cells it could not place.
    """
    secs = list(sections) if sections is not None else [rows]
    texts = [r.text() for sec in secs for r in sec]
    kind = document_kind(texts)  # 决算 or 预算, 部门 or 单位: decided before any placement
    refuse_budget(kind, next((r.loc.file for sec in secs for r in sec if r.loc.file), ""))
    doc_unit = document_unit(texts)
    entity, year = guess_entity_year(texts)
    if not entity:
        entity = entity_from_department_lines(texts)
    lay = layout or choose_layout(texts, tax, year)
    found: dict[str, list[GridRow]] = {}
    dropped: list[tuple[str, list[GridRow]]] = []
    for sec in secs:
        for t, region in split_tables(sec, lay):
            size = sum(len(r.nonempty()) for r in region)
            if t.id in found:
                if size > sum(len(r.nonempty()) for r in found[t.id]):
                    dropped.append((t.id, found[t.id]))
                    found[t.id] = region
                else:
                    dropped.append((t.id, region))
            else:
                found[t.id] = region
    results = []
    for t in lay.tables:
        if t.id not in found:
            continue
        region = found[t.id]
        matcher = TableMatcher(tax, t, unit_of(region) or doc_unit)
        lost_findings: list[Finding] = []
        lost: list[Cell] = []
        if regrid is not None:
            region, lost_findings, lost = regrid(matcher, region)
        res = matcher.read(region)
        res.findings[:0] = lost_findings
        res.unplaced.extend(lost)
        account(res, found[t.id])
        results.append(res)
    facts = [f for r in results for f in r.facts]
    findings = [f for r in results for f in r.findings]
    for tid, region in dropped:
        first = next((r for r in region if r.nonempty()), None)
        loc = first.loc if first else Location()
        n = sum(len(r.nonempty()) for r in region)
        findings.append(Finding.of("convert:table-repeated", loc, table=tid, where=_where(loc), table_id=tid, n=n))
    findings.extend(unplaced_findings(results))
    return DocumentResult(lay, results, facts, findings, entity, year, kind)


NOT_PLACED_ZH, NOT_PLACED_EN = "未能对应到任何行列", "was not placed in any row/column"


def unplaced_findings(results: Iterable[TableResult], already: Iterable[Finding] | None = None,
                      zh: str = NOT_PLACED_ZH, en: str = NOT_PLACED_EN) -> list[Finding]:
    """One warning per cell of a recognised table that became no fact (no silent loss). With
    `already`, none for a cell whose location has a finding there (or here) already."""
    seen = None if already is None else {f.location for f in already}
    out = []
    for r in results:
        for c in r.unplaced:
            if seen is not None:
                if c.loc in seen:
                    continue
                seen.add(c.loc)
            where, t = c.loc.source or c.loc, c.text.strip()
            if (zh, en) == (NOT_PLACED_ZH, NOT_PLACED_EN):
                out.append(Finding.of("convert:cell-not-placed", c.loc, table=r.table.id, where=str(where),
                                      table_id=r.table.id, text=t))
            else:  # a reader's own wording (the workbook reader's "was not read"); not in the catalogue yet
                out.append(Finding.at("convert:cell-not-placed", "warning", f"{where}：{r.table.id} 表中的“{t}”{zh}",
                                      f"{where}: {t!r} in table {r.table.id} {en}", c.loc, r.table.id))
    return out


def require_tables(tables: list, where: str, sheets: bool = False) -> list:
    """The tables read, or UnusableInput when a document holds none of the set."""
    if not tables:
        looked = " in any sheet (looked for titles like 收入支出决算总表 or 公开01表)" if sheets else \
            " (looked for titles like 收入支出决算总表)"
        raise UnusableInput("no table of the 部门决算 set found" + looked, where)
    return tables
