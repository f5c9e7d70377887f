"""The change model of a comparison: where a fact is printed, what changed, and the whole result.

Everything here is plain data (frozen records, Decimal amounts); the renderers read it and the
comparison in `compare.py` builds it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..records import field, record
from ..taxonomy import Place  # noqa: F401 - where a change is printed: the layout's own Place

if TYPE_CHECKING:
    from ..findings import Finding
    from ..model import Header, Instance

MODES = ("draft-final", "yoy", "plain")
MODE_NAMES = {
    "draft-final": ("草稿与定稿对比", "draft versus final"),
    "yoy": ("与上年相比", "year over year"),
    "plain": ("两份决算对比", "comparison"),
}
KINDS = ("changed", "added", "removed")


@record(frozen=True)
class Change:
    """One fact that differs between the two instances, matched by concept and code."""

    kind: str  # changed | added | removed
    concept: str
    code: str  # "" for a fact without a classification code (a 合计 row or a fixed cell)
    label_zh: str
    label_en: str
    old: Decimal | None
    new: Decimal | None
    delta: Decimal
    pct: Decimal | None  # percent of the old value, 2 decimals; None when old is absent or zero
    rounding: bool  # |delta| within the rounding of the two values' decimals
    old_place: Place | None
    new_place: Place | None

    @property
    def place(self) -> Place | None:
        """The position shown first: in the new instance's layout, else in the old one's."""
        return self.new_place or self.old_place

    @property
    def key(self) -> tuple[str, str]:
        return (self.concept, self.code)

    def label(self, lang: str = "zh") -> str:
        return self.label_en if lang == "en" else self.label_zh

    def moved(self) -> bool:
        """True when the two layouts print this fact at different table/row/column labels."""
        a, b = self.old_place, self.new_place
        if a is None or b is None:
            return a is not b
        return (a.table, a.section, a.row, a.column) != (b.table, b.section, b.row, b.column)


@record(frozen=True)
class HeaderChange:
    field: str  # entity, uscc, fiscal_year, taxonomy, layout, unit, status, preparer, date, note
    old: str
    new: str
    material: bool  # counts as a difference for the exit status (layout, preparer, date, note do not)


@record(frozen=True)
class KeyTotal:
    """One of the totals a 与上年相比 paragraph reports (see compare.KEY_TOTALS)."""

    concept: str
    code: str
    label_zh: str
    label_en: str
    old: Decimal | None
    new: Decimal | None
    delta: Decimal | None
    pct: Decimal | None


@record(frozen=True)
class RowChange:
    """A classification row (a code) that appears in one instance's table and not the other's."""

    kind: str  # added | removed
    table: str
    table_title: str
    code: str
    name: str


@record(frozen=True)
class NarrativeChange:
    """A 第三部分 block, matched by its key ("3.10"), whose text differs between a draft and its final."""

    kind: str  # added | removed | changed
    key: str
    title: str
    old: str | None
    new: str | None

    def pieces(self) -> list[tuple[str, str]]:
        """The text as (op, sentence): "=" in both, "-" only in the old text, "+" only in the new one.
        Sentences end at 。；！？, so a changed figure shows as one sentence out and one in; they are
        matched and shown with their white space folded (extracted text breaks lines mid-sentence)."""
        a, b = sentences(self.old or ""), sentences(self.new or "")
        from difflib import SequenceMatcher  # noqa: PLC0415 - only when a narrative differs

        ka, kb = [squeeze(x) for x in a], [squeeze(x) for x in b]
        out: list[tuple[str, str]] = []
        for op, i1, i2, j1, j2 in SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
            if op == "equal":
                out += [("=", " ".join(s.split())) for s in a[i1:i2]]
            else:
                out += [("-", " ".join(s.split())) for s in a[i1:i2]] + [("+", " ".join(s.split())) for s in b[j1:j2]]
        return out


_SENTENCE_END = frozenset("。；！？")


def squeeze(text: str) -> str:
    """Text without its white space: what narrative blocks and sentences are compared by."""
    return "".join(text.split())


def sentences(text: str) -> list[str]:
    """'一、…。二、…；' -> ['一、…。', '二、…；'] (blank pieces dropped, whitespace kept inside)."""
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch in _SENTENCE_END:
            out.append(text[start:i + 1])
            start = i + 1
    out.append(text[start:])
    return [s.strip() for s in out if s.strip()]


@record
class DiffResult:
    old: Header
    new: Header
    old_file: str
    new_file: str
    mode: str
    mode_auto: bool  # chosen from the headers (True) or forced by the caller
    header_changes: list[HeaderChange] = field(default_factory=list)
    # (old, new): ids of the tables each report's source did not contain; their facts are not compared
    tables_absent: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    changes: list[Change] = field(default_factory=list)  # beyond rounding, in table order
    rounding: list[Change] = field(default_factory=list)  # within rounding, reported apart
    rounding_hidden: bool = False
    key_totals: list[KeyTotal] = field(default_factory=list)  # yoy only
    rows: list[RowChange] = field(default_factory=list)
    checked: bool = False  # draft-final: the table checks ran on both instances
    findings_appeared: list[Finding] = field(default_factory=list)
    findings_disappeared: list[Finding] = field(default_factory=list)
    # draft-final, when both reports have a narrative (第三部分): its blocks were compared (year over year
    # every sentence differs; a report converted from a workbook has none)
    narrative_compared: bool = False
    narrative: list[NarrativeChange] = field(default_factory=list)
    # The compared instances, for renderers that show unchanged context (the HTML grids).
    old_instance: Instance | None = field(default=None, repr=False, compare=False)
    new_instance: Instance | None = field(default=None, repr=False, compare=False)

    @property
    def different(self) -> bool:
        """What the exit status reports (diff(1) style): 1 when this is True."""
        return bool(
            self.changes
            or (self.rounding and not self.rounding_hidden)
            or any(h.material for h in self.header_changes)
            or self.findings_appeared
            or self.findings_disappeared
            or self.narrative
        )

    def shown_rounding(self) -> list[Change]:
        return [] if self.rounding_hidden else self.rounding

    def counts(self) -> dict[str, int]:
        c = {k: sum(1 for x in self.changes if x.kind == k) for k in KINDS}
        c["rounding"] = len(self.shown_rounding())
        c["rows_added"] = sum(1 for r in self.rows if r.kind == "added")
        c["rows_removed"] = sum(1 for r in self.rows if r.kind == "removed")
        c["findings_appeared"] = len(self.findings_appeared)
        c["findings_disappeared"] = len(self.findings_disappeared)
        c["narrative_changed"] = len(self.narrative)
        return c

    def by_table(self, changes: list[Change] | None = None) -> list[tuple[str, str, list[Change]]]:
        """[(table id, title, changes)] in table order; changes already come sorted."""
        out: dict[str, tuple[str, list[Change]]] = {}
        for ch in self.changes if changes is None else changes:
            p = ch.place
            tid, title = (p.table, p.table_title) if p else ("", "")
            out.setdefault(tid, (title, []))[1].append(ch)
        return [(t, title, lst) for t, (title, lst) in sorted(out.items(), key=lambda kv: (kv[0] == "", kv[0]))]
