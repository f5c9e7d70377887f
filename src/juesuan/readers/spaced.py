"""Plain space-separated table text (pdfplumber `extract_text()` without layout) -> grid rows.

In such text every cell is a word and blank cells vanish, so an amount's column is known only when
a row prints as many amounts as its block has columns. How the columns are decided, in order:

1. Tokens: amounts (with a decimal point, thousands separators allowed: "2,001.35", "0.00"),
   integers (行次, or the 类/款/项 parts of a code: "201 06 01"), codes run together with their
   name ("2010601行政运行"), and words. A line is cut into one segment per side-by-side block
   (01, 04, 06): a segment is [code] [label] [行次] [amounts]; a new one starts at a word or code
   after a number. Each segment goes to the first block, left to right, whose rows know its code,
   label or 行次.
2. Broken rows: a line of words only that completes the label of the row above is joined to it
   ("三、国有资本经营预算财政" / "拨款收入"); otherwise it is kept for the row below (a code row's
   name printed above its code: "一般公共服务支出" / "201 2,112.86 …"). A line of amounts only goes
   to the row above when that row has none ("八、其他收入 8 …" / "20.00 5.88"), one amount per
   segment in order, or all of them when that row has one segment.
3. Columns: a segment with as many amounts as its block has columns fills them in order (so a
   report that prints 0.00 in blank cells is never ambiguous). Otherwise every order-keeping
   placement is a candidate, narrowed by identities the layout implies, never by guessing:
   a. row sums: a 合计/小计/本年收入合计/本年支出合计 column equals the sum of its parts
      (the columns of its group, else of its section), within 0.01 per part;
   b. support: a row has amounts only in columns where its parent row has them (parent = the
      code one level up; for 类 rows and the block's other rows, the block's 合计 row);
   c. column sums: Σ children = parent in every column (合计 = Σ 类, 类 = Σ 款, 款 = Σ 项), within
      0.01 per child; the placement of the undecided children (or parent) with the smallest gap
      wins when it is unique.
   Rows still undecided are reported (convert:ambiguous-columns, with the line) and their amounts
   counted as not placed. Text with layout spacing never gets here (readers/text.layout_grid).
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from typing import Sequence

from ..findings import Finding
from ..model import Location, Where, parse_amount
from ..records import field, record
from ..taxonomy import FUNCTION_CODE_RE, Block, normalize_label, title_key
from .tabless import Columns
from .cells import heading_number
from .grid import CODE_HEADS, HEADER_WORDS, BlockMap, Cell, GridRow, TableMatcher, is_meta

AMT_RE = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)\.\d+$")
INT_TOKEN_RE = re.compile(r"^\d+$")
RUN_RE = re.compile(r"^(\d{3}(?:\d{2}){0,2})([^\d\s.,].*)$")
_NUMERALS = "一二三四五六七八九十"


def _opens_with_ordinal(t: str) -> bool:
    """'八、…' or '（二）…': a row label's ordinal. By hand: a regex class of CJK numerals costs ~0.3 ms to
    compile."""
    if heading_number(t):
        return True
    j = 1
    while j < len(t) and t[j] in _NUMERALS:
        j += 1
    return j > 1 and t[:1] in ("（", "(") and t[j:j + 1] in (")", "）")


SUM_LABELS = {"合计", "小计", "本年收入合计", "本年支出合计"}
MAX_COMBOS = 4096


@record
class Seg:
    loc: Location
    code: str = ""
    label: str = ""
    number: int | None = None
    amounts: list[Cell] = field(default_factory=list)
    block: int = -1
    row: object = None  # the layout Row it matched
    key: str = ""  # code, or "label:<row index>"
    cands: list[tuple[int, ...]] = field(default_factory=list)
    placed: tuple[int, ...] | None = None


def _tokens(text: str) -> list[str]:
    return [t for t, _ in _words(text)]


def _words(text: str) -> list[tuple[str, int]]:
    """(token, index of the whitespace-separated word it comes from): a code run together with its
    name is two tokens of one word."""
    out = []
    for k, t in enumerate(text.split()):
        m = RUN_RE.match(t)
        if m:
            out.extend([(m.group(1), k), (m.group(2), k)])
        else:
            out.append((t, k))
    return out


class PlainTable:
    """One table region of plain extract_text() output, laid out in the layout's own grid."""

    def __init__(self, matcher: TableMatcher, columns: Columns | None = None):
        """`columns`: for text whose tabs became spaces (readers/tabless.py), the tab column of each
        word of a line; the distances between a row's amounts are then exact."""
        self.m = matcher
        self.columns = columns
        self.table = matcher.table
        self.blocks = list(self.table.blocks)
        self.numbered = any(r.number for b in self.blocks for r in b.rows)
        self.maps = [BlockMap(b, 0, 0) for b in self.blocks]
        # synthetic physical columns: per block a label column, a 行次 column, the value columns
        self.label_col, self.number_col, self.value_cols = [], [], []
        col = 0
        for b in self.blocks:
            self.label_col.append(col)
            self.number_col.append(col + 1)
            self.value_cols.append(list(range(col + 2, col + 2 + len(b.columns))))
            col += 2 + len(b.columns)
        self.findings: list[Finding] = []
        self.lost: list[Cell] = []

    # -- matching helpers
    def _match(self, bi: int, seg: Seg):
        cells = []
        if seg.code:
            cells.append(Cell(0, seg.code + (" " + seg.label if seg.label else ""), seg.loc))
        elif seg.label:
            cells.append(Cell(0, seg.label, seg.loc))
        if seg.number is not None:
            cells.append(Cell(1, str(seg.number), seg.loc))
        if not cells:
            return None
        return self.m.match_row(self.maps[bi], cells, set())

    def _name_ok(self, seg: Seg) -> bool:
        """A code row's printed name is the code's name (a mis-joined line never is)."""
        return not seg.code or not seg.label or self.m.codes.is_name(seg.code, seg.label)

    def _known_label(self, text: str) -> bool:
        return any(self._match(bi, Seg(Location(), label=text)) is not None for bi in range(len(self.blocks)))

    # -- lines -> segments
    def _segments(self, text: str, loc: Location, raw: str = "") -> tuple[list[Seg], list[Cell]]:
        """Segments of a line, or ([], amounts) for a line of amounts only. An amount cell's `col` is
        its tab column (with `self.columns`; 0 otherwise)."""
        words = _words(text)
        toks = [t for t, _ in words]
        tabcol = self.columns(raw or text) if self.columns is not None else []
        cols = [tabcol[k] if k < len(tabcol) else 0 for _, k in words]
        if toks and all(AMT_RE.match(t) for t in toks):
            return [], [Cell(c, t, loc) for t, c in zip(toks, cols)]
        segs: list[Seg] = []
        cur: Seg | None = None
        i = 0
        while i < len(toks):
            t = toks[i]
            is_amt = bool(AMT_RE.match(t))
            is_int = bool(INT_TOKEN_RE.match(t))
            if cur is not None and (cur.amounts or cur.number is not None) and not is_amt:
                cur = None  # a word, code or 行次 after numbers opens the next block's segment
            if cur is not None and is_int and (cur.code or cur.label) and FUNCTION_CODE_RE.match(t) and len(t) >= 3:
                cur = None  # a code after a label: the next block's row ("30109 职业年金缴费 30207 …")
            if cur is not None and not is_amt and not is_int and cur.label and _opens_with_ordinal(t):
                cur = None  # two labels side by side ("八、其他收入 八、社会保障和就业支出")
            if cur is None:
                cur = Seg(loc)
                segs.append(cur)
            if is_amt:
                cur.amounts.append(Cell(cols[i], t, loc))
            elif is_int:
                if not cur.code and not cur.label and FUNCTION_CODE_RE.match(t) and len(t) >= 3:
                    cur.code = t
                    while (not self.numbered and len(cur.code) < 7 and i + 1 < len(toks)
                           and re.fullmatch(r"\d{2}", toks[i + 1])):
                        cur.code += toks[i + 1]  # 类 款 项 printed apart: "201 06 01"
                        i += 1
                elif self.numbered:
                    cur.number = int(t)
                else:
                    cur.label = f"{cur.label} {t}".strip()
            else:
                cur.label = f"{cur.label}{t}" if cur.label else t
            i += 1
        return segs, []

    def _assign_blocks(self, segs: list[Seg]) -> None:
        nxt = 0
        for seg in segs:
            chosen = None
            for bi in range(nxt, len(self.blocks)):
                target = self._match(bi, seg)
                if target is not None:
                    chosen = bi
                    seg.row, code = target[0], target[1]
                    seg.key = code or f"label:{bi}:{self.blocks[bi].rows.index(target[0])}"
                    if code and not seg.code:
                        seg.code = ""  # 类 row printed by name: the matcher finds the code again
                    break
            if chosen is None:
                chosen = min(nxt, len(self.blocks) - 1)
            seg.block = chosen
            nxt = chosen + 1

    # -- the region
    def grid(self, region: Sequence[GridRow]) -> list[GridRow]:
        raws = [r.cells[0].text if r.cells else "" for r in region]
        lines = [(raw.strip(), r.cells[0].loc if r.cells else r.loc) for raw, r in zip(raws, region)]
        known_heads = set(HEADER_WORDS) | CODE_HEADS | {"栏次", "栏", "次", "项", "目"}
        for b in self.blocks:
            known_heads |= b.column_words | {normalize_label(h) for h in b.header}
        rows: list[list[Seg]] = []
        head_lines: set[str] = set()
        started = False
        carry: list[str] = []  # words kept for the row below
        for (text, loc), raw in zip(lines, raws):
            if not text or is_meta(GridRow([Cell(0, text, loc)])):
                continue
            toks = _tokens(text)
            has_amount = any(AMT_RE.match(t) for t in toks)
            if not has_amount and (normalize_label(text) in head_lines or len(toks) >= 2 and all(
                    normalize_label(t) in known_heads or re.fullmatch(r"\d{1,2}", t) for t in toks)):
                continue  # header lines, also when repeated after a page break
            if not has_amount and _TITLE_RE.sub("", title_key(text)) in self.table.title_keys:
                continue
            segs, amounts = self._segments(text, loc, raw)
            if not started:
                first = segs[0] if segs else None
                if not amounts and not (first and (first.code or first.amounts or self._known_label(first.label)
                                                   or first.number is not None and first.label)):
                    head_lines.add(normalize_label(text))
                    continue
                started = True
            if amounts:
                if not rows and len(self.blocks) == 1 and any(not r.label and r.cells for r in self.blocks[0].rows):
                    seg = Seg(loc, amounts=amounts, block=0)  # the one unlabelled row (07)
                    seg.row = next(r for r in self.blocks[0].rows if not r.label and r.cells)
                    rows.append([seg])
                elif carry:  # words between the row and these amounts: the lines are out of order
                    self._ambiguous(loc, amounts, "convert:amounts-out-of-order")
                else:
                    self._amounts_below(rows, amounts, loc)
                continue
            words_only = all(not s.code and s.number is None and not s.amounts for s in segs)
            if words_only and rows:
                frag = "".join(s.label for s in segs)
                if self._complete_above(rows[-1], frag):
                    continue
                if not self._known_label(frag):
                    if carry:  # only the line just above a row can be its first part
                        self.lost.extend(Cell(0, c, loc) for c in carry)
                        carry = []
                    carry.append(frag)
                    continue
            if carry and segs:
                segs[0].label = "".join(carry) + segs[0].label
                carry = []
            self._assign_blocks(segs)
            rows.append(segs)
        for frag in carry:
            self.lost.append(Cell(0, frag, lines[-1][1] if lines else Location()))
        self._solve(rows)
        return self._emit(rows)

    def _complete_above(self, segs: list[Seg], frag: str) -> bool:
        for seg in segs:
            if (seg.row is None or not self._name_ok(seg)) and seg.label:
                trial = Seg(seg.loc, seg.code, seg.label + frag, seg.number)
                if not self._name_ok(trial):
                    continue
                for bi in range(len(self.blocks)):
                    if self._match(bi, trial) is not None:
                        seg.label += frag
                        self._assign_blocks_one(seg)
                        return True
        return False

    def _assign_blocks_one(self, seg: Seg) -> None:
        for bi in range(len(self.blocks)):
            target = self._match(bi, seg)
            if target is not None:
                seg.block, seg.row = bi, target[0]
                seg.key = target[1] or f"label:{bi}:{self.blocks[bi].rows.index(target[0])}"
                return

    def _amounts_below(self, rows: list[list[Seg]], amounts: list[Cell], loc: Location) -> None:
        empty = [s for s in (rows[-1] if rows else []) if not s.amounts]
        widths = [len(self.blocks[s.block].columns) for s in empty]
        if len(empty) == 1:
            empty[0].amounts.extend(amounts)
        elif empty and all(w == 1 for w in widths[:-1]) and len(empty) - 1 < len(amounts) <= len(empty) - 1 + widths[-1]:
            # one amount for each one-column segment, the rest for the last one
            for s, a in zip(empty[:-1], amounts):
                s.amounts.append(a)
            empty[-1].amounts.extend(amounts[len(empty) - 1:])
        else:
            self._ambiguous(loc, amounts, "convert:ambiguous-row")

    # -- columns
    def _relations(self, block: Block) -> list[tuple[int, list[int]]]:
        cols = block.columns
        is_sum = [bool(c.names & SUM_LABELS) for c in cols]
        sum_groups = {c.group for c, s in zip(cols, is_sum) if s and c.group}
        rels = []
        for i, c in enumerate(cols):
            if not is_sum[i]:
                continue
            if c.group:
                parts = [j for j, o in enumerate(cols) if j != i and o.group == c.group and o.section == c.section]
            else:
                parts = [j for j, o in enumerate(cols) if j != i and o.section == c.section
                         and (not o.group or (o.group in sum_groups and is_sum[j]))]
            if parts:
                rels.append((i, parts))
        return rels

    @staticmethod
    def _values(seg: Seg, placement: tuple[int, ...]) -> dict[int, Decimal]:
        return {col: parse_amount(a.text) for col, a in zip(placement, seg.amounts)}

    def _solve(self, rows: list[list[Seg]]) -> None:
        for bi, block in enumerate(self.blocks):
            segs = [s for r in rows for s in r if s.block == bi and s.amounts]
            n = len(block.columns)
            rels = self._relations(block)
            for s in segs:
                if len(s.amounts) > n:
                    self._ambiguous(s.loc, s.amounts, "convert:too-many-amounts")
                    s.amounts = []
                    continue
                s.cands = list(itertools.combinations(range(n), len(s.amounts)))
                if self.columns is not None:  # tabs lost: the amounts' distances are known
                    s.cands = [c for c in s.cands if self._keeps_distances(s, c)]
                    if not s.cands:
                        self._ambiguous(s.loc, s.amounts, "convert:spacing-fits-no-columns")
                        s.amounts = []
                        continue
                good = [c for c in s.cands if self._sums_hold(rels, self._values(s, c))]
                if good:
                    s.cands = good
            for s in segs:
                if s.amounts and not self._name_ok(s):
                    self._ambiguous(s.loc, s.amounts, "convert:name-not-code", row_code=s.code, label=s.label)
                    s.amounts = []
            segs = [s for s in segs if s.amounts]
            self._narrow(block, bi, segs)
            for s in segs:
                if len(s.cands) == 1:
                    s.placed = s.cands[0]
                else:
                    s.placed = None
                    self._ambiguous(s.loc, s.amounts, "convert:ambiguous-columns", n=len(s.cands))

    @staticmethod
    def _keeps_distances(seg: Seg, placement: tuple[int, ...]) -> bool:
        first, col = seg.amounts[0].col, placement[0]
        return all(a.col - first == c - col for a, c in zip(seg.amounts, placement))

    @staticmethod
    def _sums_hold(rels, v: dict[int, Decimal]) -> bool:
        for total, parts in rels:
            if total not in v and not any(p in v for p in parts):
                continue
            gap = abs(v.get(total, Decimal(0)) - sum((v.get(p, Decimal(0)) for p in parts), Decimal(0)))
            if gap > Decimal("0.01") * len(parts):
                return False
        return True

    def _narrow(self, block: Block, bi: int, segs: list[Seg]) -> None:
        by_key = {s.key: s for s in segs if s.key}
        total = next((s for s in segs if s.row is not None and not s.row.cells and not s.row.is_group
                      and not s.row.code and s.row.label), None)

        def parent(s: Seg) -> Seg | None:
            code = s.key if s.key and s.key[0].isdigit() else ""
            if code and len(code) > 3:
                return by_key.get(code[:-2]) or total
            return total if s is not total else None

        def children(p: Seg) -> list[Seg]:
            return [s for s in segs if s is not p and parent(s) is p and (s.key[:1].isdigit())]

        changed = True
        while changed:
            changed = False
            for s in segs:  # support: columns used by the parent row
                p = parent(s)
                if p is not None and len(p.cands) == 1 and len(s.cands) > 1:
                    support = set(p.cands[0])
                    kept = [c for c in s.cands if set(c) <= support]
                    if kept and len(kept) < len(s.cands):
                        s.cands, changed = kept, True
            for p in [x for x in segs if children(x)]:  # column sums: Σ children = parent
                kids = children(p)
                open_ = [k for k in kids if len(k.cands) > 1] + ([p] if len(p.cands) > 1 else [])
                if not open_:
                    continue
                pools = [x.cands for x in open_]
                size = 1
                for pool in pools:
                    size *= len(pool)
                if size > MAX_COMBOS:
                    continue
                scored = []
                for combo in itertools.product(*pools):
                    pick = dict(zip(map(id, open_), combo))
                    pv = self._values(p, pick.get(id(p), p.cands[0]))
                    sums: dict[int, Decimal] = {}
                    for k in kids:
                        for col, v in self._values(k, pick.get(id(k), k.cands[0])).items():
                            sums[col] = sums.get(col, Decimal(0)) + v
                    gap = sum((abs(pv.get(c, Decimal(0)) - sums.get(c, Decimal(0))) for c in set(pv) | set(sums)), Decimal(0))
                    scored.append((gap, combo))
                scored.sort(key=lambda x: x[0])
                best = scored[0][0]
                if best <= Decimal("0.01") * len(kids) and (len(scored) == 1 or scored[1][0] > best):
                    for x, c in zip(open_, scored[0][1]):
                        x.cands = [c]
                    changed = True

    def _ambiguous(self, loc: Location, amounts: list[Cell], code: str, **values) -> None:
        """These amounts cannot be placed: one finding for the line, the amounts counted as lost."""
        vals = " ".join(a.text for a in amounts[:12]) + (f" …(+{len(amounts) - 12})" if len(amounts) > 12 else "")
        self.findings.append(Finding.of(code, loc, table=self.table.id, where=Where(loc),
                                        table_id=self.table.id, amounts=vals, **values))
        self.lost.extend(amounts)

    # -- grid rows in the layout's own columns
    def _header(self) -> list[GridRow]:
        loc = Location()
        sections, groups, labels = [], [], []
        for bi, b in enumerate(self.blocks):
            labels.append(Cell(self.label_col[bi], b.header[0] if b.header else "项目", loc))
            if self.numbered:
                labels.append(Cell(self.number_col[bi], "行次", loc))
            cols = self.value_cols[bi]
            for k, c in enumerate(b.columns):
                labels.append(Cell(cols[k], c.label, loc))
            for attr, out in (("section", sections), ("group", groups)):
                k = 0
                while k < len(b.columns):
                    v = getattr(b.columns[k], attr)
                    j = k
                    while j + 1 < len(b.columns) and getattr(b.columns[j + 1], attr) == v:
                        j += 1
                    if v:
                        out.append(Cell(cols[k], v, loc, j - k + 1))
                    k = j + 1
        return [GridRow(cells) for cells in (sections, groups, labels) if cells]

    def _emit(self, rows: list[list[Seg]]) -> list[GridRow]:
        out = self._header()
        for segs in rows:
            cells: list[Cell] = []
            for s in segs:
                bi = s.block
                label = " ".join(x for x in (s.code, s.label) if x)
                if label:
                    cells.append(Cell(self.label_col[bi], label, s.loc))
                if s.number is not None:
                    cells.append(Cell(self.number_col[bi], str(s.number), s.loc))
                if s.placed:
                    for k, a in zip(s.placed, s.amounts):
                        cells.append(Cell(self.value_cols[bi][k], a.text, a.loc))
            if cells:
                out.append(GridRow(sorted(cells, key=lambda c: c.col), segs[0].loc))
        return out


_TITLE_RE = re.compile(r"[（(]续[)）]$")


def plain_regrid(matcher: TableMatcher, region: list[GridRow],
                 columns: Columns | None = None) -> tuple[list[GridRow], list[Finding], list[Cell]]:
    t = PlainTable(matcher, columns)
    rows = t.grid(region)
    return rows, t.findings, t.lost
