"""Tab-separated text whose tabs became spaces: where each word's tab column can still be read.

Two ways of losing the tabs keep the columns recoverable from the spacing:

- every tab replaced by one space (``tr '\\t' ' '``): a run of k spaces between two words is k tabs,
  so the word after it is k columns further right (a space inside a cell, "项 目", counts as a
  tab too: words of labels may be off, amounts never hold a space);
- tabs expanded to tab stops (``expand -t 8``, editors, ``column``): a word after a run of two or
  more spaces starts on a tab stop, and the stops passed tell the tabs. GNU expand counts bytes,
  others characters or display width (CJK = 2); the measure under which every such word sits on a
  stop is the one used.

`tab_columns(lines)` decides which of the two (if either) a region's lines are and returns a
function giving the tab column of each whitespace-separated word of a line. The plain-text reader
(readers/spaced.py) then takes the distance between two amounts of a row as exact: only placements
that keep those distances are candidates, and rows still undecided are findings, never guesses.
"""

from __future__ import annotations

import re

import unicodedata
from typing import Callable, Iterator, Sequence


WORD_RE = re.compile(r"\S+")
TAB_SIZES = (8, 4)
MIN_STOPS = 6  # words after a run of spaces needed before a tab-stop measure is believed

Columns = Callable[[str], list[int]]


def _width_bytes(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def _width_display(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


MEASURES: dict[str, Callable[[str], int]] = {"bytes": _width_bytes, "chars": len, "display": _width_display}


def _positions(line: str, measure: Callable[[str], int]) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) of each word, positions in the measure's units (linear in the line)."""
    pos = last = 0
    for m in WORD_RE.finditer(line):
        gap = line[last:m.start()]
        pos += len(gap) if gap.isascii() else measure(gap)
        start = pos
        pos += measure(m.group())
        last = m.end()
        yield start, pos, m.group()


_GAP_END_RE = re.compile(r"(?:^ +| {2,})(?=\S)")  # a run of spaces a tab stop would end (or leading)


def _expanded_fits(lines: Sequence[str], measure: Callable[[str], int], size: int) -> bool:
    """Does every word after a run of two or more spaces (or leading spaces) start on a tab stop?
    Only those words are measured, segment by segment (linear, at C speed on ASCII)."""
    stops = 0
    for line in lines:
        pos = last = 0
        for m in _GAP_END_RE.finditer(line):
            pos += measure(line[last:m.end()])
            last = m.end()
            if pos % size:
                return False
            stops += 1
    return stops >= MIN_STOPS


def _expand_columns(measure: Callable[[str], int], size: int) -> Columns:
    def columns(line: str) -> list[int]:
        out: list[int] = []
        col, prev_end = 0, None
        for start, end, _ in _positions(line, measure):
            if prev_end is None:
                col = start // size  # leading spaces: blank cells before the first word
            elif start % size == 0 and start > prev_end:
                col += (start - ((prev_end // size) + 1) * size) // size + 1
            # else: a space inside a cell (the word is not on a stop): same column
            out.append(col)
            prev_end = end
        return out

    return columns


def _tr_columns(line: str) -> list[int]:
    out = []
    spaces = 0
    last = 0
    for m in WORD_RE.finditer(line):
        spaces += line.count(" ", last, m.start())
        last = m.end()
        out.append(spaces)
    return out


_ADJACENT_AMOUNTS_RE = re.compile(r"(?:^|\s)-?[\d,]+\.\d+ -?[\d,]+\.\d+(?:\s|$)")
_RUN_RE = re.compile(r"\S {2,}\S")


def tab_columns(lines: Sequence[str]) -> Columns | None:
    """The tab-column function for a region whose tabs were lost, or None (not such text).

    Lines holding tabs or other whitespace than spaces are not such text. Expanded tabs are
    recognised first (every word after a run of spaces on a stop, under one measure); one space
    per tab when amounts stand one space apart and blank cells left runs of spaces."""
    body = [l.rstrip() for l in lines if l.strip()]
    if not body or any("\t" in l for l in body):
        return None
    for size in TAB_SIZES:
        for measure in MEASURES.values():
            if _expanded_fits(body, measure, size):
                return _expand_columns(measure, size)
    if any(_ADJACENT_AMOUNTS_RE.search(l) for l in body) and sum(1 for l in body if _RUN_RE.search(l)) >= 2:
        return _tr_columns
    return None
