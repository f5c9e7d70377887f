"""Which layout table a stretch of a document is: by its title (tolerant of how extraction prints
it) and by its content (its column headers and row labels), never by its 公开NN number.

A title is matched exactly after normalisation (match_title, line_key); a page header that
prints the entity, the title with its 公开NN表 mark and the year on one line ("醴陵市… 收入决算表（公开02表）
2021 年度决算", as LibreOffice prints a workbook's header) gives its title segment; a provincial
variant of a title (an added 收入, 明细, "及会议费、培训费", an ordinal "（一）") only names the
candidates, and the content decides among them. The content of a region is scored against each table
of the layout by the header words and row labels they share, each weighted by how few of the
layout's tables print it. readers/document.py cuts a document into regions and decides each.
"""

from __future__ import annotations

import functools
import re
from typing import Sequence

from ..labels import QUOTES_RE, normalize_label
from ..taxonomy import Layout, Table
from .cells import UNREADABLE, GridRow, has_cjk

MARK_RE = re.compile(r"[（(]?公开\s*\d{1,2}\s*表[)）]?")
_TITLE_MARK_RE = re.compile(r"\s*[（(]?公开\s*\d+\s*表[)）]?|\s+\d{4}\s*年度?(?:决算)?$")
_YEAR_RE = re.compile(r"^20\d\d\s*年度?(?:决算)?$|^年度?(?:决算)?$|^20\d\d$")
_NUMERALS = "一二三四五六七八九"  # (no regex class of these: scattered CJK characters cost ~0.3 ms to compile)


def drop_numbering(text: str) -> str:
    """'一、收入决算表' -> '收入决算表': a leading 一、 to 九、 numbering dropped."""
    return text[2:] if text[1:2] == "、" and text[0] in _NUMERALS else text


def _ordinal_tail(key: str) -> int:
    """Where an ordinal tail ("（一）", "(2)": 一 to 九, 1 to 9) ends the key, or -1."""
    if len(key) >= 3 and key[-3] in "（(" and key[-1] in ")）" and (key[-2] in _NUMERALS or "1" <= key[-2] <= "9"):
        return len(key) - 3
    return -1


def line_key(text: str) -> str:
    """A line as a title key: normalised, quotes dropped (PDF text often drops or displaces “ ”),
    without a 公开NN表 mark, a year printed with the title ("…决算表（公开08表） 2021 年度决算") or a
    leading 一、 numbering."""
    t = _TITLE_MARK_RE.sub("", text.strip())
    n = normalize_label(re.sub(r"^(\d{4}\s*年度?)?", "", t))
    return QUOTES_RE.sub("", drop_numbering(n))


def match_title(text: str, layout: Layout) -> Table | None:
    """The table whose title (or alias) this text is, exactly after normalisation (line_key), or
    None; the number never decides the table. Glyphs read as UNREADABLE (a font without a Unicode
    map) may stand for the title's quotes, which the key drops anyway: the Putuo PDF's Arial-less
    财政拨款�三公�经费支出决算表 is 07. Never for more glyphs than the title prints quotes, so
    that 一般公共预算财政拨款��支出决算表 (06's 基本 unreadable) is not 05, nor a row of unreadable
    amounts joined with the next line a title."""
    key = line_key(text)
    hit = layout.title_index.get(key)
    if hit is None and UNREADABLE in key:
        hit = layout.title_index.get(key.replace(UNREADABLE, ""))
        if hit is not None and key.count(UNREADABLE) > max(len(QUOTES_RE.findall(t)) for t in (hit.title, *hit.aliases)):
            hit = None
    return hit


def _collapse(text: str) -> str:
    return " ".join(text.split())


def variant_key(key: str) -> str:
    """A title key without the words provincial sets add or drop (research-notes.md §1): every
    “三公”经费 title (2020 Shaanxi "…“三公”经费及会议费、培训费支出决算表", Yunnan "“三公”经费、
    行政参公单位机关运行经费情况表", "一般公共预算" dropped from 2022) is one; 收入 between
    预算财政拨款 and 支出 (Yunnan "一般公共预算财政拨款收入支出决算表", 柳州 "国有资本经营预算
    财政拨款收入支出决算表"); 明细 or 情况 before 表 (2024 Shanghai "…基本支出决算表" for 2021's
    "…基本支出决算明细表"); the closing 决算表."""
    if "三公经费" in key:
        return "三公经费"
    k = re.sub(r"(?:明细|情况)表$", "表", key)
    k = re.sub(r"(?:决算)?表$", "", k)
    return re.sub(r"(?<=预算财政拨款)收入(?=支出)", "", k)


def _per_layout(fn):
    """Cache fn(layout) by the layout object (a Layout hashes its whole content)."""
    cache: dict[int, tuple[Layout, object]] = {}

    @functools.wraps(fn)
    def get(layout: Layout):
        hit = cache.get(id(layout))
        if hit is None or hit[0] is not layout:
            hit = cache[id(layout)] = (layout, fn(layout))
        return hit[1]
    return get


@_per_layout
def _variants(layout: Layout) -> dict[str, tuple[Table, ...]]:
    out: dict[str, list[Table]] = {}
    for t in layout.tables:
        for k in t.title_keys:
            v = out.setdefault(variant_key(k), [])
            if t not in v:
                v.append(t)
    return {k: tuple(v) for k, v in out.items()}


def _segments_title(text: str, layout: Layout) -> Table | None:
    """A page header's title: one whitespace-separated run of the line (with or beside its 公开NN表
    mark; a title the rendering split into up to 4 runs) is a title, the other runs being the
    entity, the mark and the year. Only lines holding a mark or a year run are page headers, and
    they must name one table."""
    segs = text.split()
    if not 2 <= len(segs) <= 12 or not (MARK_RE.search(text) or any(_YEAR_RE.match(s) for s in segs)):
        return None
    hits: dict[str, Table] = {}
    for i in range(len(segs)):
        for j in range(i + 1, min(len(segs), i + 4) + 1):
            t = match_title(" ".join(segs[i:j]), layout)
            if t is not None:
                hits[t.id] = t
    return next(iter(hits.values())) if len(hits) == 1 else None


def title_of_line(text: str, layout: Layout) -> Table | None:
    """The table a line is the title of: the whole line (≤ 60 characters once runs of blanks are
    one), else a page header's title segment (a line of ≤ 120)."""
    if "表" not in text:
        return None  # (every title ends in 表: most lines are done here)
    t = _collapse(text)
    if not t or len(t) > 120:
        return None
    if len(t) <= 60:
        hit = match_title(t, layout)
        if hit is not None:
            return hit
    return _segments_title(t, layout)


def variant_candidates(text: str, layout: Layout) -> tuple[Table, ...]:
    """Tables a line may be a variant title of (when it is no exact title): the same title once the
    words provinces add or drop are dropped (variant_key); with an ordinal tail ("…支出决算表（二）":
    吕梁 2021 prints 05 and 06 so) every table is a candidate, and content decides."""
    if "表" not in text:
        return ()
    t = _collapse(text)
    if not t or len(t) > 60 or MARK_RE.fullmatch(t):
        return ()
    key = line_key(t)
    tail = _ordinal_tail(key)
    if len(key) < 4 or not (key.endswith("表") or tail > 0 and key[tail - 1] == "表"):
        return ()
    variants = _variants(layout)
    if tail >= 0:
        base = key[:tail]
        return tuple(layout.tables) if base in layout.title_index or variant_key(base) in variants else ()
    return variants.get(variant_key(key), ())


def names(text: str, table: Table) -> bool:
    """Does a variant title name this table itself (not only make it a candidate): the same
    variant key, an ordinal tail ("（一）") left off."""
    key = line_key(text)
    tail = _ordinal_tail(key)
    key = variant_key(key[:tail] if tail >= 0 else key)
    return any(variant_key(k) == key for k in table.title_keys)


# ------------------------------------------------------------------ content

CONTENT_ROWS = 400  # rows of a region looked at for its content (headers come first)


@_per_layout
def _table_words(layout: Layout) -> dict[str, dict[str, float]]:
    """Per table: the words its header and rows print (column labels, groups, sections, header
    words, fixed row labels, fixed row codes), each weighted 1/(number of tables printing it)."""
    words: dict[str, set[str]] = {}
    for t in layout.tables:
        ws: set[str] = set()
        for b in t.blocks:
            ws |= b.column_words
            ws |= {normalize_label(h) for h in b.header if h}
            ws |= set(b.label_index)
            ws |= {r.code for r in b.rows if r.code}
        words[t.id] = {w for w in ws if w}
    df: dict[str, int] = {}
    for ws in words.values():
        for w in ws:
            df[w] = df.get(w, 0) + 1
    return {tid: {w: 1.0 / df[w] for w in sorted(ws)} for tid, ws in words.items()}  # sorted: sums are the same every run


def region_words(rows: Sequence[GridRow]) -> set[str]:
    """The words a region prints: each cell's text normalised, and each run of it between blanks
    (text whose columns are not yet recovered holds a whole line in one cell)."""
    out: set[str] = set()
    for r in rows[:CONTENT_ROWS]:
        for c in r.cells:
            t = c.text.strip()
            if not t or len(t) > 2000:
                continue  # (a line of amounts prints no header word)
            if t.isascii():
                if t.isdigit():
                    out.add(t)  # a fixed row's code (06)
                continue  # amounts
            parts = t.split()
            for p in (t, *parts) if len(parts) > 1 else (t,):
                if p.isdigit():
                    out.add(p)
                elif has_cjk(p):
                    out.add(normalize_label(p))
    return out


def content_scores(rows: Sequence[GridRow], layout: Layout) -> dict[str, float]:
    """Table id -> the weight of that table's words the region prints (0 when it prints none)."""
    seen = region_words(rows)
    return {tid: round(sum(w for word, w in ws.items() if word in seen), 6) for tid, ws in _table_words(layout).items()}


def content_best(scores: dict[str, float]) -> tuple[str | None, float, float]:
    """(best table id or None, its score, the runner-up's score)."""
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    if not ranked or ranked[0][1] <= 0:
        return None, 0.0, 0.0
    return ranked[0][0], ranked[0][1], ranked[1][1] if len(ranked) > 1 else 0.0
