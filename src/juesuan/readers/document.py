"""A whole document: its tables found by title, each region read by the matcher, the entity and year
from the cover, the document type (决算/预算, 部门/单位) decided before any placement."""

from __future__ import annotations

import re
from typing import Callable, Iterable, Sequence

from ..errors import UnusableInput
from ..findings import Finding
from ..model import Fact, Location
from ..records import record
from ..taxonomy import Layout, Table, Taxonomy, title_key
from .accounting import account, is_number_token
from .cells import Cell, GridRow, _where, document_unit, is_amount, is_meta, part_of, unit_of
from .doctype import DocumentKind, document_kind, refuse_budget
from .matcher import TableMatcher
from .result import TableResult, unplaced_findings
from .titles import MARK_RE, content_best, content_scores, drop_numbering, match_title, names, title_of_line, variant_candidates


def choose_layout(texts: Iterable[str], tax: Taxonomy, year: int | None = None) -> Layout:
    """Pick the layout whose table titles match the most lines exactly; ties go to the year."""
    scores = []
    for lay in tax.layouts.values():
        titles = {t.title_keys[0]: 2 for t in lay.tables}
        for t in lay.tables:
            for a in t.title_keys[1:]:
                titles.setdefault(a, 1)
        scores.append((lay, titles))
    # a line's key keeps only characters of the line: when every title has 表, only lines with 表 can score
    mark = "表" if all("表" in k for _, titles in scores for k in titles) else ""
    keys = [drop_numbering(k) for k in {title_key(t) for t in texts if t and len(t) < 80 and mark in t}]
    best, best_score = None, -1
    for lay, titles in scores:
        score = sum(titles.get(k, 0) for k in keys)
        if year is not None and lay.years and year in lay.years:
            score += 1
        if score > best_score:
            best, best_score = lay, score
    assert best is not None
    return best


MARK_NEAR = 6  # lines between a title and its 公开NN表 mark (or the title repeated under a page header)


@record
class Region:
    """A stretch of a document that starts a table: at a title (`table`), at a variant title whose
    `candidates` the content decides among, or at a 公开NN表 mark without any title near it (no
    table, no candidates: reported, never read by its number)."""

    rows: list[GridRow]
    title: str  # the line that starts it, as printed
    loc: Location  # where that line is
    table: Table | None = None
    candidates: tuple[Table, ...] = ()

    @property
    def key(self) -> str:
        return self.table.id if self.table is not None else "?" + title_key(self.title)


def _title_at(texts: Sequence[str], i: int, layout: Layout) -> tuple[Table | None, int]:
    """The table whose title starts at line i, and its last line: the line itself (or a page header
    holding it), or the title broken over two or three lines ("二、收入" / "决算表")."""
    t = title_of_line(texts[i], layout)
    if t is not None:
        return t, i
    joined = texts[i]
    for j in (i + 1, i + 2):
        if j >= len(texts) or not texts[j] or len(joined) + len(texts[j]) > 60:
            break
        joined += texts[j]
        t = match_title(joined, layout) if "表" in texts[j] else None  # (a title ends in 表)
        if t is not None:
            return t, j
    return None, i


Start = tuple[int, int, "Table | None", tuple[Table, ...]]


def _starts(texts: Sequence[str], layout: Layout) -> tuple[list[Start], list[int]]:
    """(line of the title's first line, its last line, table, candidates) of every title, variant
    title and lone 公开NN表 mark; and the lines of 第三部分 and later parts."""
    starts: list[Start] = []
    parts: list[int] = []
    marks: list[int] = []
    skip_to = -1
    part = ""  # the part the line is in: variant titles and lone marks count only in 第二部分 (or without parts)
    for i, text in enumerate(texts):
        if i <= skip_to:
            continue
        n = part_of(text.lstrip())
        if n:
            part = n
        if n in ("三", "四", "五") and not text[:1].isspace():
            parts.append(i)  # a region never runs into 第三部分 (the table of contents has one too)
            continue
        if not text or len(text) > 120 or len(text) > 60 and "   " in text:
            # a layout-spaced page header (unruled PDF pages) stays with the table above it, as it
            # always did: its positions take part in gridding that page's columns (readers/text.py)
            continue
        t, last = _title_at(texts, i, layout)
        if t is not None:
            skip_to = last
            prev = starts[-1] if starts else None
            if prev is not None and prev[2] is not None and prev[2].id == t.id and i - prev[1] <= MARK_NEAR:
                starts[-1] = (prev[0], last, t, ())  # the title under its page header (or printed twice):
                continue  # the table starts after it
            starts.append((i, last, t, ()))
            continue
        if part not in ("", "二"):
            continue  # (a sentence of 第三部分 naming "…“三公”经费支出决算表" starts no table)
        cands = variant_candidates(text, layout)
        if cands:
            starts.append((i, i, None, cands))
        elif "表" in text and MARK_RE.search(text) and len(" ".join(text.split())) <= 60:
            marks.append(i)
    titled = [s[0] for s in starts]
    for i in marks:  # a 公开NN表 mark near a title is that table's; a lone one starts a table without a title,
        if not any(abs(i - k) <= MARK_NEAR for k in titled):  # from the short lines of text above it (what
            j = i  # is left of its title) on
            while j > 0 and i - j < MARK_NEAR and _title_like(texts[j - 1]) and not any(s[1] == j - 1 for s in starts):
                j -= 1
            while j < i and not texts[j]:
                j += 1
            starts.append((j, i, None, ()))
    starts.sort(key=lambda s: s[0])
    return starts, parts


def _title_like(text: str) -> bool:
    """A blank line or a short line of words (no numbers, no note or 单位 line): a title's place."""
    if not text:
        return True
    t = " ".join(text.split())
    return len(t) <= 60 and not is_meta(GridRow([Cell(0, t, Location())])) and not any(ch.isdecimal() for ch in t)


def find_regions(rows: Sequence[GridRow], layout: Layout, texts: Sequence[str] | None = None) -> list[Region]:
    """Cut a document's rows into regions at table titles, variant titles and lone 公开NN表 marks.

    A title broken over two or three lines is joined; a page header printing the title with its
    mark is the title. The same title again right after its own region (the next page of the table)
    continues the region. The 公开NN表 number never names a table. Repeated header rows inside a
    region are the matcher's business. `texts`: the rows' texts, if the caller has them.
    """
    texts = [r.text() for r in rows] if texts is None else texts
    starts, parts = _starts(texts, layout)
    out: list[Region] = []
    for k, (i, last, t, cands) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(rows)
        end = min([p for p in parts if p > i] + [end])
        title = " ".join(" ".join(x.split()) for x in texts[i:last + 1] if x)
        region = Region(list(rows[last + 1:end]), title, rows[i].loc, t, cands)
        if out and out[-1].key == region.key:
            out[-1].rows.extend(region.rows)  # the table goes on under its title repeated on the next page
        else:
            out.append(region)
    return out


def _size(rows: Sequence[GridRow]) -> int:
    return sum(len(r.nonempty()) for r in rows)


def split_tables(rows: Sequence[GridRow], layout: Layout) -> list[tuple[Table, list[GridRow]]]:
    """The titled table regions of a document (find_regions), in layout order; a title seen again
    elsewhere (table of contents) keeps the region with the most cells."""
    regions: dict[str, list[GridRow]] = {}
    for reg in find_regions(rows, layout):
        if reg.table is not None and reg.rows and _size(reg.rows) >= _size(regions.get(reg.table.id, [])):
            regions[reg.table.id] = reg.rows
    return [(t, regions[t.id]) for t in layout.tables if t.id in regions]

_ENTITY_PATTERNS = [
    re.compile(r"第[一二]部分\s*(?P<entity>\S.*?)\s*(?P<year>20\d\d)\s*年度?\s*部门决算"),
    re.compile(r"^(?P<year>20\d\d)\s*年度?\s*(?P<entity>\S.*?)\s*部门决算"),
    re.compile(r"^(?P<entity>\S.*?)\s*(?P<year>20\d\d)\s*年度?\s*部门决算"),
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


_DEPT_RE = re.compile(r"部门\s*[:：]\s*(?P<entity>(?!_)[^\s:：][^:：]*?)\s*(?:(?:金额)?单位\s*[:：].*|公开\s*0?\d\s*表.*)?$")


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


MIN_EVIDENCE = 2.0  # content score (readers/titles.py) that can speak against a title or name a table


def _numbers(rows: Sequence[GridRow]) -> int:
    return sum(1 for r in rows if not is_meta(r) for c in r.cells for t in c.text.split() if is_number_token(t))


def _by_content(reg: Region, layout: Layout) -> Finding | None:
    """Decide a region by its content: a variant title's candidate the content names (the best
    score, ties going to the candidate the title names itself) becomes its table; a title the
    content contradicts (another table's words weigh twice its own, and enough) is reported, as is
    a region that stays without a table. None when the region is read (or holds no numbers)."""
    scores = content_scores(reg.rows, layout)
    best, top, _ = content_best(scores)
    if reg.table is not None:
        own = scores.get(reg.table.id, 0.0)
        if best is None or best == reg.table.id or top < MIN_EVIDENCE or own > top / 2:
            return None
        n, tid = _numbers(reg.rows), reg.table.id
        reg.table = None
        return Finding.of("convert:table-title-content", reg.loc, table=tid, where=_where(reg.loc), title=reg.title,
                          n=n, table_id=tid, like=best) if n else None
    if reg.candidates and best is not None and top >= MIN_EVIDENCE / 2:
        tops = [c for c in reg.candidates if scores.get(c.id, 0.0) >= top - 1e-9]
        own = [c for c in tops if names(reg.title, c)]
        pick = tops if len(tops) == 1 else own if len(own) == 1 else []
        if pick:
            reg.table = pick[0]
            return None
    n = _numbers(reg.rows)
    if not n:
        return None
    if best is not None and top >= MIN_EVIDENCE and scores.get(best, 0) > sorted(scores.values())[-2]:
        return Finding.of("convert:table-like", reg.loc, where=_where(reg.loc), title=reg.title, n=n, like=best)
    return Finding.of("convert:table-not-recognised", reg.loc, where=_where(reg.loc), title=reg.title, n=n)


def _continues(reg: Region, prev: Region, layout: Layout) -> bool:
    """Does a lone 公开NN表 mark's region go on with the table above it: its content says nothing
    (data rows only) or names that table as much as any other (not its number: that is never read)."""
    scores = content_scores(reg.rows, layout)
    best, top, _ = content_best(scores)
    return prev.table is not None and (best is None or scores.get(prev.table.id, 0.0) >= top - 1e-9)


def identify_tables(secs: Sequence[Sequence[GridRow]], layout: Layout, texts: Sequence[Sequence[str]] | None = None
                    ) -> tuple[dict[str, list[GridRow]], list[tuple[str, list[GridRow]]], list[Finding]]:
    """The region of each table found (by title, confirmed by content; a variant title decided by
    content), the further copies of a table found in another section, and the findings about regions
    that are not read: a title the content contradicts, a 公开NN表 mark or variant title without a
    table. Within a section, a title seen again (table of contents) keeps the region with most cells.
    `texts`: each section's rows' texts, if the caller has them."""
    found: dict[str, list[GridRow]] = {}
    dropped: list[tuple[str, list[GridRow]]] = []
    refused: list[Finding] = []
    for k, sec in enumerate(secs):
        regions = find_regions(sec, layout, texts[k] if texts is not None else None)
        prev: Region | None = None
        for reg in regions:
            if reg.table is None:
                if not reg.candidates and prev is not None and _continues(reg, prev, layout):
                    prev.rows.extend(reg.rows)  # a mark atop the next page of the table above
                    reg.rows = []
                    continue
                f = _by_content(reg, layout)
                if f is not None:
                    refused.append(f)
            if reg.table is not None:
                prev = reg
        own: dict[str, Region] = {}
        for reg in regions:
            if reg.table is None or not reg.rows:
                continue
            other = own.get(reg.table.id)
            if other is not None and _size(reg.rows) < _size(other.rows):
                reg, other = other, reg
            own[reg.table.id] = reg
            if other is not None and (reg.candidates or other.candidates) and _numbers(other.rows):
                dropped.append((reg.table.id, other.rows))  # a variant title's table found twice: reported
        for tid, reg in list(own.items()):
            if reg.candidates:
                continue  # decided by content already
            f = _by_content(reg, layout)
            if reg.table is None:
                del own[tid]
                if f is not None:
                    refused.append(f)
        for t in layout.tables:
            if t.id not in own:
                continue
            region = own[t.id].rows
            if t.id in found:
                if _size(region) > _size(found[t.id]):
                    dropped.append((t.id, found[t.id]))
                    found[t.id] = region
                else:
                    dropped.append((t.id, region))
            else:
                found[t.id] = region
    return found, dropped, refused


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
    sec_texts = [[r.text() for r in sec] for sec in secs]
    texts = [t for sec in sec_texts for t in sec]
    kind = document_kind(texts)  # 决算 or 预算, 部门 or 单位: decided before any placement
    refuse_budget(kind, next((r.loc.file for sec in secs for r in sec if r.loc.file), ""))
    doc_unit = document_unit(texts)
    entity, year = guess_entity_year(texts)
    if not entity:
        entity = entity_from_department_lines(texts)
    lay = layout or choose_layout(texts, tax, year)
    found, dropped, refused = identify_tables(secs, lay, sec_texts)
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
        res = matcher.read([r for r in region if not _page_header(r, lay)])
        res.findings[:0] = lost_findings
        res.unplaced.extend(lost)
        account(res, [r for r in found[t.id] if not _page_header(r, lay)])
        results.append(res)
    facts = [f for r in results for f in r.facts]
    findings = [f for r in results for f in r.findings]
    for tid, region in dropped:
        first = next((r for r in region if r.nonempty()), None)
        loc = first.loc if first else Location()
        n = sum(len(r.nonempty()) for r in region)
        findings.append(Finding.of("convert:table-repeated", loc, table=tid, where=_where(loc), table_id=tid, n=n))
    findings.extend(refused)
    findings.extend(unplaced_findings(results))
    return DocumentResult(lay, results, facts, findings, entity, year, kind)


def _page_header(row: GridRow, layout: Layout) -> bool:
    """A page header inside a region: a table's title with the entity, its 公开NN表 mark or the year
    (titles.title_of_line), as a sheet's printed header shows on every page. A layout-spaced one stays
    in the region above it for its positions (_starts), but it is no row of the table: its entity,
    title and year are neither amounts nor labels to report. A row with an amount is never one."""
    text = row.text()
    return ("表" in text and len(row.nonempty()) <= 12 and not any(is_amount(c.text) and "." in c.text for c in row.nonempty())
            and title_of_line(text, layout) is not None)


def require_tables(tables: list, where: str, sheets: bool = False) -> list:
    """The tables read, or UnusableInput when a document holds none of the set."""
    if not tables:
        raise UnusableInput.of("input:no-tables-in-sheets" if sheets else "input:no-tables", where,
                               kind="部门决算", title="收入支出决算总表")
    return tables
