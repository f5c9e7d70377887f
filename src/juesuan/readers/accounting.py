"""Accounting per table: every number seen in a recognised table region is placed or reported.

`account(res, region)` counts the number-looking tokens of a table's region as the source printed
it (before any regridding), takes away those the matcher placed (facts) or reported (cells not
placed, cells that are not amounts), and reports what is left as cells not placed: so no number
of a recognised table is ever lost silently, whatever a reader's heuristics did. The result is a
`TableAccount` (table, title, seen, placed, reported, unit, where), which `convert` prints per table
and puts in its JSON, rendered at output time through the catalogue (messages/convert.toml).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Iterable, Sequence

from ..model import source_text
from ..records import record
from .cells import UNREADABLE, Cell, GridRow, has_cjk, is_meta

if TYPE_CHECKING:
    from .result import TableResult

WHERE_SHOWN = 8  # locations of cells not placed printed in the summary line


def is_number_token(token: str) -> bool:
    """A whitespace-free token meant as a number (an amount, perhaps mistyped: '7.0O', '1,9x0'), not
    a classification code (3/5/7 digits), a code part or a 行次/栏次 number (≤ 3 digits)."""
    if not _DIGIT_RE.search(token) or has_cjk(token):
        return False
    if token.isdigit() and (len(token) <= 3 or len(token) in (5, 7)):
        return False
    return True


_DIGIT_RE = re.compile(r"\d")  # a Unicode decimal digit, as str.isdecimal
_HELD_RE = re.compile(r"[\d" + UNREADABLE + "]")  # ... or a glyph read as UNREADABLE (a font without a Unicode map)


def _held(token: str) -> bool:
    """A token a table's accounting answers for: a number token, or one of unreadable glyphs (U+FFFD)
    that may be an amount. (Not counted where numbers weigh regions against each other.)"""
    return is_number_token(token) or UNREADABLE in token and not has_cjk(token)


def _by_place(cells: Iterable[Cell], keep=None, places=None) -> dict:
    """location -> Counter of the whitespace-separated tokens of its cells: with `keep`, only cells
    holding a digit and the tokens it keeps; with `places`, only cells at those locations."""
    # One list per location, counted once at the end. The cells of a line share one Location object,
    # and a line may hold 200,000 of them: the last location's answers are kept, not hashed again.
    tokens: dict = {}
    last, last_in, last_list = None, False, None
    for c in cells:
        if c.loc is not last:
            last, last_list = c.loc, None
            last_in = places is None or last in places
        if keep is not None:
            if not _HELD_RE.search(c.text):
                continue
            toks = [t for t in c.text.split() if keep(t)]
        elif not last_in:
            continue
        else:
            toks = c.text.split()
        if toks:
            if last_list is None:
                last_list = tokens.setdefault(last, [])
            last_list.extend(toks)
    return {loc: Counter(toks) for loc, toks in tokens.items()}


def account(res: "TableResult", region: Sequence[GridRow]) -> None:
    """Report every number token of `region` that is neither placed nor reported (in place: the lost
    cells join `res.unplaced`); then `res.account()` adds up."""
    seen = _by_place((c for r in region if not is_meta(r) for c in r.cells), _held)
    if not seen:
        return
    done = _by_place([*res.placed, *res.unplaced, *res.bad], places=seen)
    for loc, toks in seen.items():
        lost = toks - done.get(loc, Counter())
        for t, n in lost.items():
            res.unplaced.extend(Cell(0, t, loc) for _ in range(n))


@record(frozen=True)
class TableAccount:
    """What became of the numbers of one table: seen = placed + reported."""

    table: str
    title: str
    seen: int
    placed: int
    reported: int
    unit: str = "万元"  # as printed; amounts in 元 / 千元 were converted to 万元
    where: tuple[str, ...] = ()  # where the reported cells are (Location.source: "line 9", "02表!D7")

    def text(self, lang: str = "zh") -> str:
        from ..catalogue import render

        values = {"table_id": self.table, "title": self.title, "seen": self.seen, "placed": self.placed,
                  "reported": self.reported, "unit": self.unit}
        s = render("convert:table-summary", values, lang)
        if self.unit != "万元":
            s += render("convert:table-summary-unit", values, lang)
        if self.where:
            more = f" …(+{len(self.where) - WHERE_SHOWN})" if len(self.where) > WHERE_SHOWN else ""
            s += f" ({', '.join(source_text(w, lang) for w in self.where[:WHERE_SHOWN])}{more})"
        return s

    def to_dict(self, lang: str = "zh") -> dict:
        return {"table": self.table, "title": self.title, "seen": self.seen, "placed": self.placed,
                "reported": self.reported, "unit": self.unit, "where": list(self.where), "text": self.text(lang)}
