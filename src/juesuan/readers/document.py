"""A whole document: its tables found by title, each region read by the matcher, the entity and year
from the cover, the document type (决算/预算, 部门/单位) decided before any placement."""

from __future__ import annotations

import re
from typing import Callable, Iterable, Sequence

from ..errors import UnusableInput
from ..findings import Finding
from ..model import Fact, Location
from ..records import record
from ..taxonomy import QUOTES_RE, Layout, Table, Taxonomy, normalize_label, title_key
from .accounting import account
from .cells import PART_RE, Cell, GridRow, _where, document_unit, unit_of
from .doctype import DocumentKind, document_kind, refuse_budget
from .matcher import TableMatcher
from .result import TableResult, unplaced_findings


TABLE_MARK_RE = re.compile(r"公开\s*0?([1-9])\s*表")
_TITLE_MARK_RE = re.compile(r"\s*[（(]?公开\s*\d+\s*表[)）]?|\s+\d{4}\s*年度?(?:决算)?$")


def match_title(text: str, layout: Layout) -> Table | None:
    """The table whose title (or alias) this text is; exact after normalisation (quotes ignored:
    PDF text often drops or displaces “ ”), or None. A 公开NN表 mark and a year printed with the title
    ("…决算表（公开08表） 2021 年度决算") are not part of it; the number never decides the table."""
    t = _TITLE_MARK_RE.sub("", text.strip())
    n = normalize_label(re.sub(r"^(\d{4}\s*年度?)?", "", t))
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
        if t is None:  # a 公开NN表 mark with no title near it (a title the extraction mangled); a 预算
            # document never gets here: it is refused before (readers/doctype.py)
            m = TABLE_MARK_RE.search(text)
            if m and not any(s[1].id == f"0{m.group(1)}" and i - s[0] <= 6 for s in starts):
                try:
                    t = layout.table(f"0{m.group(1)}")
                except KeyError:
                    t = None
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


_DEPT_RE = re.compile(r"部门\s*[:：]\s*(?P<entity>[^\s:：_][^:：]*?)\s*(?:(?:金额)?单位\s*[:：].*|公开\s*0?\d\s*表.*)?$")


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


def require_tables(tables: list, where: str, sheets: bool = False) -> list:
    """The tables read, or UnusableInput when a document holds none of the set."""
    if not tables:
        raise UnusableInput.of("input:no-tables-in-sheets" if sheets else "input:no-tables", where,
                               kind="部门决算", title="收入支出决算总表")
    return tables
