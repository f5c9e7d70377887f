"""The cells of a table as the readers see them, and what their texts are: amounts, blanks, codes,
units, page furniture. The bottom of the shared table reader (readers/grid.py lists its parts)."""

from __future__ import annotations

import re

from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Iterable, Sequence

from ..findings import Finding
from ..model import Location, Where, parse_amount
from ..records import field, record
from ..taxonomy import FUNCTION_CODE_RE

CODE_PART_RE = re.compile(r"^\d{2,3}$")
CODE_NAME_RE = re.compile(r"^(\d{3}(?:\d{2}){0,2})\s*([^\d\s].*)$")
SPLIT_CODE_RE = re.compile(r"^(\d{3})\s+(\d{2})(?:\s+(\d{2}))?(?:\s+(.*))?$")
AMOUNT_RE = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
INT_RE = re.compile(r"^\d{1,3}$")
BLANK_MARKS = {"", "—", "-", "－", "–", "/", "／", "——", "…"}
HEADER_WORDS = {"项目", "栏次", "行次", "科目名称", "功能分类科目编码", "经济分类科目编码", "科目编码",
                "支出功能分类科目编码", "功能分类", "经济分类", "类", "款", "项", "收入", "支出", "金额",
                "决算数", "预算数"}
# lines inside a table region that are not rows: notes, unit and department lines, page furniture
# ("[.．]…|、…", not "[.．、]": a class of more than two runs with CJK in it costs ~0.1 ms to compile)
META_RE = re.compile(r"^(注[:：\d]|注\s|\d+(?:[.．]\s*[^\d\s.．]|、\s*[^\d\s.．])|说明[:：]|[（(]若|单位[:：]|部门[:：]|金额单位|公开\s*0?\d\s*表|_+\s*单位|第\s*\d+\s*页|\d+\s*/\s*\d+$)")
PAGE_RE = re.compile(r"第\d+页(?:[，,]?共\d+页)?")  # a page footer's whole text, blanks removed
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
    # a PDF page's layout-spaced line: its tokens as (start, end, text) in half-points from the page's
    # left edge, where they are printed (readers/text.layout_grid finds its columns by them)
    tokens: tuple | None = None

    def nonempty(self) -> list[Cell]:
        """The cells with text: made once per row (the matcher asks for them many times; a row's
        cells are never changed once it is made). The list is shared: do not change it."""
        cells = self.__dict__.get("_nonempty")
        if cells is None:
            cells = self.__dict__["_nonempty"] = [c for c in self.cells if c.text.strip()]
        return cells

    def text(self) -> str:
        return " ".join([t for t in (c.text.strip() for c in self.cells) if t])

    def at(self, col: int) -> Cell | None:
        for c in self.cells:
            if c.col == col:
                return c
        return None


def part_of(text: str) -> str:
    """'第三部分…' -> '三': the part a line opens (一 to 五), else "". The tables end at 第三部分 (the
    narrative). By hand: a regex class of scattered CJK numerals costs ~0.3 ms to compile."""
    return text[1] if text[:1] == "第" and text[2:4] == "部分" and text[1] in "一二三四五" else ""


def heading_number(text: str) -> str:
    """'十三、…' -> '十三': the Chinese numeral (一 to 十, repeated) before a leading 、, else ""."""
    j = 0
    while j < len(text) and text[j] in "一二三四五六七八九十":
        j += 1
    return text[:j] if text[j:j + 1] == "、" else ""


def has_cjk(text: str) -> bool:
    """Has a CJK ideograph (U+3400–U+9FFF). A loop, not a regex: cells are short, and compiling that
    character class costs 2–3 ms of start-up."""
    return not text.isascii() and any("\u3400" <= ch <= "\u9fff" for ch in text)  # (amounts are ASCII)


UNREADABLE = "\ufffd"  # a glyph its font maps to no character, as readers/pdfium reads it (U+FFFD)


def is_numberish(text: str) -> bool:
    """Meant as a number, if perhaps mistyped or unreadable: has a digit, or a glyph its font maps to
    no character (read as U+FFFD), and no Chinese ('7.0O', '1,9x0', '20', '�,��.��')."""
    t = text.strip()
    return any(ch.isdecimal() or ch == UNREADABLE for ch in t) and not has_cjk(t)


def is_meta(row: GridRow) -> bool:
    cells = row.nonempty()
    if not cells:
        return False
    if META_RE.match(cells[0].text.strip()):
        # a note, unit or page-number line; but not one with an amount in a cell of its own, which a
        # table row's is ("0/0 | 0.0": the amount would be lost with the line)
        return not any(is_amount(c.text) for c in cells[1:])
    # a page footer set out in columns ("第 8 | 页，共 9 | 页" from a report printed without rulings):
    # the whole row is the page-number phrase, so no amount of a table row is ever taken for it
    return len(cells) > 1 and bool(PAGE_RE.fullmatch("".join("".join(c.text.split()) for c in cells)))


def is_amount(text: str) -> bool:
    return bool(AMOUNT_RE.match(text.strip().replace(" ", "")))


def is_blank(text: str) -> bool:
    return text.strip() in BLANK_MARKS


CENT = Decimal("0.01")
UNIT_RE = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|千元|元)")
UNIT_SCALES = {"万元": Decimal(1), "千元": Decimal("0.1"), "元": Decimal("0.0001")}


MAX_AMOUNT = Decimal("1E16")  # |amount| below this: the XSD's 18 digits with 2 decimals
_WIDE = Context(prec=60)  # quantize never fails below 1E58


def round_amount(value: Decimal) -> tuple[Decimal, bool]:
    """An amount in 万元 with two decimals; True when it had more (rounded half-up, as the 决算
    software does when it converts 元 to 万元). Callers keep |value| < MAX_AMOUNT (read_amount)."""
    q = value.quantize(CENT, rounding=ROUND_HALF_UP, context=_WIDE)
    return q, q != value


_DIGITS_APART_RE = re.compile(r"\d\s+\d")


def read_amount(text: str, loc: Location, table: str) -> tuple[Decimal | None, Finding | None]:
    """The amount a cell's text shows, or (None, the not-an-amount error). Thousands separators must
    group by three ('2,001.35'; a full-width '，' counts as ','): '1,9,00' is a typo, not 1900. A space
    between two digits is never squeezed out: '1 1960.73' is a 行次 and an amount run together, not
    11960.73."""
    t = text.strip()
    s = t.replace(" ", "").replace("，", ",")
    if is_amount(s) and not _DIGITS_APART_RE.search(t):
        value = parse_amount(s)
        if abs(value) >= MAX_AMOUNT:
            return None, Finding.of("convert:amount-out-of-range", loc, table=table, cell=_where(loc),
                                    text=t if len(t) <= 40 else t[:20] + "…" + t[-8:])
        return value, None
    return None, Finding.of("convert:not-an-amount", loc, table=table, where=_where(loc), table_id=table, text=t)


def _where(loc: Location) -> Where:
    """A location as findings name it: the source cell if known, else file and line (rendered in the
    asked language; JSON keeps the English text)."""
    return Where(loc)


def document_unit(texts: Iterable[str]) -> str:
    """The unit for tables that print no unit line of their own: the document's, when all its unit
    lines agree; 万元 otherwise (the published unit)."""
    units = {m.group(1) for t in texts if "位" in t for m in [UNIT_RE.search(t.replace(" ", ""))] if m}
    return units.pop() if len(units) == 1 else "万元"


def unit_of(rows: Sequence[GridRow]) -> str | None:
    """The amount unit printed in a table's unit line ('单位：元'), if any."""
    for r in rows[:12]:
        m = UNIT_RE.search(r.text().replace(" ", ""))
        if m:
            return m.group(1)
    return None


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
