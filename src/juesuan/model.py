"""The instance model: a report's header, its facts (Decimal amounts) and its narrative blocks.

Every reader (instance XML, Excel, extracted text, PDF) produces an `Instance`; every consumer
(checks, diff, exports) reads one. Each fact and block remembers where it came from (`Location`).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Iterable, Iterator

from .defaults import DEFAULT_TAXONOMY
from .records import field, record, replace

STATUSES = ("draft", "final")
UNIT = "万元"
USCC_RE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")  # the XSD's pattern (schema.py)
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015's 31 characters and their values 0-30
_AMOUNT_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# patterns used only when a location is rendered or read back (re compiles them at first use)
_PAGE = r"p(\d+)"  # a PDF page as a Location's sheet
_SRC_LINE, _SRC_CELL, _SRC_PAGE = r"line (\d+)", r"(?:(.+)!)?(\$?[A-Z]{1,3}\$?\d+)", r"(.+) line (\d+)"  # Location.source


def uscc_check_char(uscc: str) -> str | None:
    """The check character (the 18th) that GB 32100-2015 gives the first 17 characters of `uscc`:
    the character whose value is minus the sum of each character's value times 3**(i-1), mod 31
    (the standard's weights 1, 3, 9, 27, 19, … are 3**(i-1) mod 31). None when `uscc` does not have
    the code's shape (the XSD's pattern reports that)."""
    if not USCC_RE.fullmatch(uscc):
        return None
    total = sum(USCC_CHARS.index(c) * pow(3, i, 31) for i, c in enumerate(uscc[:17]))
    return USCC_CHARS[-total % 31]


@record(frozen=True, order=True)
class Location:
    """Where a value was read: a file plus sheet!cell, a line number, or an XPath."""

    file: str = ""
    sheet: str = ""
    cell: str = ""
    line: int | None = None
    xpath: str = ""

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: str = "zh") -> str:
        """The location for a reader, in the asked language: "f.txt 第 138 行" / "f.txt line 138",
        "f.pdf 第 12 页第 7 行" / "f.pdf p12 line 7", "f.xlsx 02表!D7" (a cell stays as it is), an
        instance's "r.xml 第 116 行 /report/…" (an XPath stays as it is)."""
        page_line = bool(self.sheet and not self.cell and self.line is not None)
        parts = [self.file] if self.file else []
        if page_line:
            parts.append(_page_line(self.sheet, self.line, lang))
        elif self.sheet or self.cell:
            parts.append(f"{self.sheet}!{self.cell}" if self.sheet else self.cell)
        if self.line is not None and not page_line:
            parts.append(_line(self.line, lang))
        if self.xpath and not (self.sheet or self.cell):
            parts.append(self.xpath)
        return " ".join(parts)

    def source_text(self, lang: str = "zh") -> str:
        """The place within its file (no file name, no XPath) in the asked language: what `source`
        holds, as a reader sees it ("第 138 行", "第 12 页第 7 行", "02表!D7"); "" when none."""
        if self.sheet and not self.cell and self.line is not None:
            return _page_line(self.sheet, self.line, lang)
        if self.sheet or self.cell:
            return f"{self.sheet}!{self.cell}" if self.sheet else self.cell
        if self.line is not None:
            return _line(self.line, lang)
        return ""

    @property
    def source(self) -> str:
        """Compact source reference kept in instance XML (`src` attribute): 'sheet!cell', 'line N', or
        'pN line M' (page N of a PDF, its M-th text line from the top). Data, not text for a reader:
        `source_text(lang)` renders it; `from_source` reads it back."""
        if self.sheet and not self.cell and self.line is not None:
            return f"{self.sheet} line {self.line}"
        if self.sheet or self.cell:
            return f"{self.sheet}!{self.cell}" if self.sheet else self.cell
        if self.line is not None:
            return f"line {self.line}"
        return ""

    @staticmethod
    def from_source(src: str, file: str = "") -> "Location | None":
        """The location a `source` reference (an instance's `src` attribute) names; None when `src`
        is not one ('line N', 'pN line M', 'sheet!cell', 'cell')."""
        m = re.fullmatch(_SRC_LINE, src)
        if m:
            return Location(file=file, line=int(m.group(1)))
        m = re.fullmatch(_SRC_CELL, src)
        if m:
            return Location(file=file, sheet=m.group(1) or "", cell=m.group(2))
        m = re.fullmatch(_SRC_PAGE, src)
        if m:
            return Location(file=file, sheet=m.group(1), line=int(m.group(2)))
        return None

    def to_dict(self) -> dict:
        d: dict = {}
        for k in ("file", "sheet", "cell", "line", "xpath"):
            v = getattr(self, k)
            if v not in ("", None):
                d[k] = v
        return d


def _line(n: int, lang: str) -> str:
    return f"line {n}" if lang == "en" else f"第 {n} 行"


def _page_line(sheet: str, n: int, lang: str) -> str:
    """A PDF's page and line ("p12", 7): "p12 line 7" / "第 12 页第 7 行"."""
    if lang == "en":
        return f"{sheet} line {n}"
    m = re.fullmatch(_PAGE, sheet)
    return f"第 {m.group(1)} 页第 {n} 行" if m else f"{sheet} 第 {n} 行"


def source_text(src: str, lang: str = "zh") -> str:
    """An instance's `src` reference as a reader sees it, in the asked language ("line 138" ->
    "第 138 行"); a reference of no known form is shown as it is."""
    loc = Location.from_source(src) if src else None
    return loc.source_text(lang) if loc is not None else src


@record(frozen=True)
class Where:
    """A place named inside a finding's text (a `{where}` or `{cell}` value): the catalogue renders it
    in the asked language (`text`); its str(), what JSON keeps, is the English text it always had: the
    source reference (else the whole location), or with `full` the whole location (file first)."""

    loc: Location
    full: bool = False

    def __str__(self) -> str:
        return str(self.loc) if self.full else (self.loc.source or str(self.loc))

    def text(self, lang: str = "zh") -> str:
        return self.loc.text(lang) if self.full else (self.loc.source_text(lang) or self.loc.text(lang))


def parse_amount(text: str) -> Decimal:
    """'2,001.35' -> Decimal('2001.35'). Raises ValueError for anything that is not an amount."""
    s = text.strip().replace(",", "").replace("，", "")
    if not _AMOUNT_RE.match(s):
        raise ValueError(f"{text!r} is not an amount")
    try:
        return Decimal(s)
    except InvalidOperation:  # pragma: no cover - the regex already excludes these
        raise ValueError(f"{text!r} is not an amount") from None


def format_amount(value: Decimal) -> str:
    """Canonical text of an amount in 万元: two fraction digits, no separators ('20.00')."""
    q = value.quantize(Decimal("0.01")) if value == value.quantize(Decimal("0.01")) else value
    s = format(q, "f")
    if "." not in s:
        s += ".00"
    elif len(s.split(".")[1]) == 1:
        s += "0"
    return "0.00" if s in ("-0.00",) else s


@record(frozen=True)
class Fact:
    concept: str
    code: str | None
    value: Decimal
    location: Location = field(default_factory=Location, compare=False)
    decimals: int = 2
    # Where a converter read the value ("Sheet!E9", "line 123"), kept in instance XML as `src` so that
    # findings on a converted instance can still point into the source document.
    origin: str = field(default="", compare=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.concept, self.code or "")


@record(frozen=True)
class NarrativeBlock:
    key: str  # e.g. "3.1": part 3 (第三部分), item 1
    title: str
    text: str
    location: Location = field(default_factory=Location, compare=False)
    # where each line of `text` was read: (sheet, ((offset in the line, source line), ...)) - one
    # pair per printed line a wrapped paragraph was joined from; () when not known (an XML instance)
    sources: tuple = field(default=(), compare=False, repr=False)


UNITS_NOTE = "决算单位构成："  # the note of a consolidated instance: 决算单位构成：A；B；C


@record(frozen=True)
class Header:
    entity: str
    fiscal_year: int
    layout: str
    taxonomy: str = DEFAULT_TAXONOMY
    unit: str = UNIT
    status: str = "final"
    uscc: str = ""
    preparer: str = ""
    date: str = ""
    note: str = ""

    def unit_count(self) -> int:
        """How many units a consolidated instance sums (juesuan.consolidate lists them in its note:
        决算单位构成：A；B；C), else 1: the table rules allow a sum of n printed figures n half-cents of
        rounding (juesuan.checks.engine)."""
        if not self.note.startswith(UNITS_NOTE):
            return 1
        return max(1, len([n for n in self.note[len(UNITS_NOTE):].split("；") if n.strip()]))


@record(frozen=True)
class HeaderField:
    attr: str  # attribute of Header
    tag: str  # element of the instance XML header
    required: bool  # written (and required by the XSD) even when empty
    xsd: str  # its XSD type
    zh: str
    en: str


# The header fields in schema order: the XML reader and writer, the XSD and the diff's labels use it.
HEADER_FIELDS = (
    HeaderField("entity", "entity", True, "j:nonEmptyText", "单位", "entity"),
    HeaderField("uscc", "uscc", False, "j:uscc", "统一社会信用代码", "USCC"),
    HeaderField("fiscal_year", "fiscalYear", True, "j:fiscalYear", "年度", "fiscal year"),
    HeaderField("taxonomy", "taxonomy", True, "j:taxonomyId", "分类标准", "taxonomy"),
    HeaderField("layout", "layout", True, "j:layoutId", "版式", "layout"),
    HeaderField("unit", "unit", True, "j:unit", "金额单位", "unit"),
    HeaderField("status", "status", True, "j:status", "状态", "status"),
    HeaderField("preparer", "preparer", False, "j:nonEmptyText", "编制人", "preparer"),
    HeaderField("date", "date", False, "xs:date", "日期", "date"),
    HeaderField("note", "note", False, "xs:string", "说明", "note"),
)


class Facts:
    """An instance's facts by (concept, code), in the order they were added: one fact per key, so a
    duplicate cannot exist. `add` is how every reader inserts (it reports a taken key instead of
    adding); every consumer looks facts up here instead of building an index of its own."""

    __slots__ = ("_by",)

    def __init__(self, facts: Iterable[Fact] = ()) -> None:
        self._by: dict[tuple[str, str], Fact] = {}
        for f in facts:
            if self.add(f) is not None:
                raise ValueError(f"two facts {f.concept} {f.code or '(no code)'}: a reader must report "
                                 "the second one (Facts.add) instead of passing both")

    def add(self, fact: Fact) -> Fact | None:
        """Add `fact` unless its (concept, code) is taken. Returns the fact already holding the key
        (and adds nothing), else None."""
        key = (fact.concept, fact.code or "")
        held = self._by.get(key)
        if held is None:
            self._by[key] = fact
        return held

    def put(self, fact: Fact) -> None:
        """Add or replace the fact of this key (an edit, not a reading)."""
        self._by[(fact.concept, fact.code or "")] = fact

    def pop(self, concept: str, code: str | None = None) -> Fact | None:
        return self._by.pop((concept, code or ""), None)

    def get(self, concept: str, code: str | None = None) -> Fact | None:
        return self._by.get((concept, code or ""))

    def keys(self):
        """The (concept, code) keys, code "" for none: a set-like view."""
        return self._by.keys()

    def __getitem__(self, key: tuple[str, str]) -> Fact:
        return self._by[key]

    def __contains__(self, key: object) -> bool:
        return key in self._by

    def __iter__(self) -> Iterator[Fact]:
        return iter(self._by.values())

    def __len__(self) -> int:
        return len(self._by)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Facts):
            return list(self._by.values()) == list(other._by.values())
        if isinstance(other, (list, tuple)):
            return list(self._by.values()) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Facts({list(self._by.values())!r})"


@record
class Instance:
    header: Header
    facts: Facts = field(default_factory=Facts)  # an iterable of facts is taken as Facts(facts)
    narrative: list[NarrativeBlock] = field(default_factory=list)
    source: str = ""  # file it was read from, for messages
    # ids of the layout's tables the source contained; () = all of them. An absent table is not a
    # blank one: its rules are not run and the diff does not read its facts as removed.
    tables: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.facts, Facts):
            self.facts = Facts(self.facts)

    def add(self, fact: Fact) -> Fact | None:
        """Add a fact; a taken (concept, code) returns the fact holding it and adds nothing."""
        return self.facts.add(fact)

    def get(self, concept: str, code: str | None = None) -> Fact | None:
        return self.facts.get(concept, code)

    def value(self, concept: str, code: str | None = None) -> Decimal | None:
        f = self.facts.get(concept, code)
        return f.value if f else None

    def by_concept(self, concept: str) -> Iterator[Fact]:
        return (f for f in self.facts if f.concept == concept)

    def sorted_facts(self) -> list[Fact]:
        return [self.facts[k] for k in sorted(self.facts.keys())]

    def fact_set(self) -> set[tuple[str, str, Decimal]]:
        """Facts as comparable values (concept, code, amount), ignoring order and locations."""
        return {(f.concept, f.code or "", f.value) for f in self.facts}

    def has_table(self, table_id: str) -> bool:
        """Did the source contain this table of the layout (all of them when not recorded)?"""
        return not self.tables or table_id in self.tables

    def with_header(self, **changes) -> "Instance":
        return Instance(replace(self.header, **changes), list(self.facts), list(self.narrative), self.source,
                        self.tables)

    @staticmethod
    def from_facts(header: Header, facts: Iterable[Fact], narrative: Iterable[NarrativeBlock] = ()) -> "Instance":
        return Instance(header, list(facts), list(narrative))
