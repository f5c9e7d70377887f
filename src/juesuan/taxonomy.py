"""The taxonomy: concepts, code lists and table layouts, loaded from taxonomies/<version>/.

Everything else (the XSD, templates, XBRL files, the facts view) is derived from what this module
loads. Loading is pure: nothing happens at import time; `load_taxonomy()` reads and caches.
"""

from __future__ import annotations

import functools
import json
import re
import os
import zlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from .defaults import DEFAULT_TAXONOMY
from .errors import TaxonomyError
from .records import field, record

if TYPE_CHECKING:
    from pathlib import Path

FUNCTION_CODE_RE = re.compile(r"^(\d{3}|\d{5}|\d{7})$")
ECONOMIC_CODE_RE = re.compile(r"^(\d{3}|\d{5})$")
CONCEPT_ID_RE = re.compile(r"^[A-Z][A-Za-z0-9]*$")

# Leading ordinals printed before row labels: "一、", "（一）", "1.", "二十四、" ... The pattern, kept as
# the specification (tests check strip_ordinal against it): strip_ordinal does the same by hand, so
# that no command pays for compiling these CJK character classes.
ORDINAL_PATTERN = r"^\s*(?:[（(][一二三四五六七八九十百]+[)）][、.．]?|[一二三四五六七八九十百]+[、.．]|\d+[、.．](?!\d))\s*"
_NUMERALS = frozenset("一二三四五六七八九十百")
_SEPARATORS = frozenset("、.．")


def strip_ordinal(label: str) -> str:
    """'一、一般公共服务支出' -> '一般公共服务支出'; '（一）基本支出' -> '基本支出'; '1.5' stays."""
    s = label.lstrip()
    n = len(s)
    if n and s[0] in "（(":
        j = 1
        while j < n and s[j] in _NUMERALS:
            j += 1
        if j > 1 and j < n and s[j] in ")）":
            j += 1
            if j < n and s[j] in _SEPARATORS:
                j += 1
            return s[j:].strip()
        return label.strip()
    j = 0
    while j < n and s[j] in _NUMERALS:
        j += 1
    if j:
        return s[j + 1:].strip() if j < n and s[j] in _SEPARATORS else label.strip()
    while j < n and s[j].isdecimal():
        j += 1
    if j and j < n and s[j] in _SEPARATORS and not (j + 1 < n and s[j + 1].isdecimal()):
        return s[j + 1:].strip()
    return label.strip()


@functools.lru_cache(maxsize=65536)
def normalize_label(label: str) -> str:
    """Label form used for matching: no ordinal, no blanks, ASCII brackets and quotes unified."""
    s = strip_ordinal(label or "")
    return re.sub(r"\s+", "", s).translate(_LABEL_TRANS)


_LABEL_TRANS = str.maketrans({"(": "（", ")": "）", "\u201c": '"', "\u201d": '"', "'": '"', ":": "：", "＂": '"'})
QUOTES_RE = re.compile(r"[\"“”‘’'「」『』]")


def title_key(text: str) -> str:
    """A table title as matched: normalised, quotes dropped (PDF text often drops or displaces “ ”)."""
    return QUOTES_RE.sub("", normalize_label(text))


@functools.lru_cache(maxsize=1)
def resource_dir() -> str:
    """Folder holding taxonomies/ and schemas/: inside the installed package, or the source tree.

    A str: the commands that only read the taxonomy (validate, diff) then never import pathlib (a start-up
    cost); `resource_root()` is the same folder as a Path."""
    here = os.path.dirname(os.path.realpath(__file__))
    packaged = os.path.join(here, "data")
    if os.path.isdir(os.path.join(packaged, "taxonomies")):
        return packaged
    tree = os.path.dirname(os.path.dirname(here))
    if os.path.isdir(os.path.join(tree, "taxonomies")):
        return tree
    raise TaxonomyError(f"taxonomy files not found (looked in {packaged} and {tree})")


def resource_root() -> Path:
    """`resource_dir()` as a Path."""
    from pathlib import Path  # noqa: PLC0415 - see resource_dir

    return Path(resource_dir())


@record(frozen=True)
class Concept:
    id: str
    zh: str
    en: str
    statement: str
    dim: str = "none"  # none | function | economic
    period: str = "duration"  # duration | instant
    balance: str = "credit"  # credit | debit
    type: str = "amount"

    def label(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


@record(frozen=True)
class Code:
    code: str
    name: str
    aliases: tuple[str, ...] = ()
    en: str = ""  # English name, for --lang en ("" = none)

    @property
    def level(self) -> int:
        """1 for 类 (3 digits), 2 for 款 (5), 3 for 项 (7)."""
        return {3: 1, 5: 2, 7: 3}[len(self.code)]

    @functools.cached_property
    def names(self) -> frozenset[str]:
        """The code's name and aliases, normalised."""
        return frozenset(normalize_label(x) for x in (self.name, *self.aliases))


@record(frozen=True)
class CodeList:
    kind: str  # function | economic
    codes: dict[str, Code]

    def name(self, code: str, lang: str = "zh") -> str | None:
        """The code's name (English: its `en` name, None when it has none)."""
        c = self.codes.get(code)
        if c is None:
            return None
        return (c.en or None) if lang == "en" else c.name

    @functools.cached_property
    def by_name(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for c in self.codes.values():
            for n in (c.name, *c.aliases):
                out.setdefault(normalize_label(n), []).append(c.code)
        return out

    def is_name(self, code: str, text: str) -> bool:
        """Is `text` the name of `code` (true for a code not in the list)?"""
        c = self.codes.get(code)
        return c is None or normalize_label(text) in c.names

    def __hash__(self) -> int:
        return hash(self.kind)


@record(frozen=True)
class Column:
    key: str
    label: str
    group: str = ""
    section: str = ""
    number: str = ""
    aliases: tuple[str, ...] = ()
    group_aliases: tuple[str, ...] = ()
    en: str = ""  # English label (label_en in --lang en output)
    group_en: str = ""
    section_en: str = ""

    @functools.cached_property
    def names(self) -> frozenset[str]:
        """The column's label and aliases, normalised."""
        return frozenset(normalize_label(x) for x in (self.label, *self.aliases))


@record(frozen=True)
class Row:
    """A printed row. Exactly one of: a fixed label row, a fixed code row, a code-row group."""

    label: str = ""
    number: int | None = None
    code: str = ""  # fixed classification row (06)
    codes: str = ""  # "class" | "function" | "economic": rows the unit fills in
    standard: tuple[str, ...] = ()  # codes a template prints for a code-row group
    parent: str = ""
    cells: tuple[tuple[str, str], ...] = ()  # (column key, concept id)
    aliases: tuple[str, ...] = ()
    filler: bool = False
    en: str = ""  # English label of a label row

    @property
    def cell_map(self) -> dict[str, str]:
        return dict(self.cells)

    @property
    def is_group(self) -> bool:
        return bool(self.codes)


@record(frozen=True)
class Block:
    section: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    header: tuple[str, ...] = ()
    code_columns: tuple[str, ...] = ()
    cells: tuple[tuple[str, str], ...] = ()  # concepts of the code rows and the 合计 row, by column
    section_en: str = ""

    @property
    def cell_map(self) -> dict[str, str]:
        return dict(self.cells)

    def row_cells(self, row: Row) -> dict[str, str]:
        """Concepts printed in a row: its own cells, else the block's (code rows, 合计 rows)."""
        if row.cells:
            return row.cell_map
        if row.filler or not (row.code or row.codes or row.label):
            return {}
        return self.cell_map

    @functools.cached_property
    def column_words(self) -> frozenset[str]:
        """Every text a header line may print over the columns (labels, groups, sections, aliases)."""
        return frozenset(normalize_label(x) for c in self.columns
                         for x in (c.label, c.group, c.section, *c.aliases, *c.group_aliases) if x)

    @functools.cached_property
    def label_index(self) -> dict[str, list[int]]:
        """Normalised label (and aliases) of each fixed label row -> its row indices."""
        out: dict[str, list[int]] = {}
        for i, r in enumerate(self.rows):
            if not (r.is_group or r.code):
                for lab in (r.label, *r.aliases):
                    if lab:
                        out.setdefault(normalize_label(lab), []).append(i)
        return out

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)


@record(frozen=True)
class Table:
    id: str
    statement: str
    title: str
    blocks: tuple[Block, ...]
    aliases: tuple[str, ...] = ()

    @property
    def dim(self) -> str:
        """The classification of the table's code rows: economic for 06 (basic), else function."""
        return "economic" if self.statement == "basic" else "function"

    @functools.cached_property
    def title_keys(self) -> tuple[str, ...]:
        """The title and its aliases as matched (see title_key)."""
        return tuple(title_key(t) for t in (self.title, *self.aliases))


@record(frozen=True)
class Place:
    """Where one (concept, code) is printed in one layout, with every label a reader sees: the one
    placement that facts, diff, checks, exports and templates read (`Layout.place`)."""

    layout: str
    table: str
    table_title: str
    section: str  # 收入 / 支出 (01, 04), 预算数 / 决算数 (07), else ""
    row: str  # the facts view's row: a code, or the label without ordinal (parent-prefixed if repeated)
    row_name: str  # the code's name for code rows ("事业单位医疗"), else ""
    column: str
    row_number: str = ""  # 行次 as printed (2021-hunan), else ""
    column_number: str = ""  # 栏次 as printed
    order: tuple = ()  # sort key within the layout (table, block, row, code, column)
    block: int = field(default=0, compare=False, repr=False)
    column_key: str = field(default="", compare=False, repr=False)
    row_index: int = field(default=0, compare=False, repr=False)  # into block.rows (the group row for code rows)

    def row_label(self) -> str:
        """'2101102 事业单位医疗', '本年收入合计', or '' for a table with one row."""
        return f"{self.row} {self.row_name}" if self.row_name else self.row

    def where(self, lang: str = "zh") -> str:
        """One line: '05表 合计 / 小计', '01表 收入 / 本年收入合计 / 决算数'."""
        parts = [p for p in (self.section, self.row_label(), self.column) if p]
        head = f"table {self.table}" if lang == "en" else f"{self.table}表"
        return f"{head} " + " / ".join(parts) if parts else head

    def to_dict(self) -> dict:
        return {
            "layout": self.layout,
            "table": self.table,
            "table_title": self.table_title,
            "section": self.section,
            "row": self.row,
            "row_name": self.row_name,
            "column": self.column,
            "row_number": self.row_number,
            "column_number": self.column_number,
        }



def _place_of(lay: "Layout", t: Table, bi: int, ri: int, ck: str, row_key: str, code: str | None) -> Place:
    b = t.blocks[bi]
    r = b.rows[ri]
    ci = next(i for i, c in enumerate(b.columns) if c.key == ck)
    col = b.columns[ci]
    row_name = ""
    if code:
        c = lay.concept_defs.get(b.row_cells(r)[ck])
        codes = lay.code_lists.get(c.dim) if c is not None else None
        row_name = (codes.name(code) or "") if codes is not None else ""
    return Place(
        layout=lay.id, table=t.id, table_title=t.title, section=col.section or b.section, row=row_key,
        row_name=row_name, column=col.label,
        row_number="" if r.is_group or r.number is None else str(r.number), column_number=col.number,
        order=(t.id, bi, ri, code or "" if r.is_group else "", ci), block=bi, column_key=ck, row_index=ri)


@record(frozen=True)
class Layout:
    id: str
    taxonomy: str
    zh: str
    en: str
    years: tuple[int, ...]
    tables: tuple[Table, ...]
    # the taxonomy's concepts and code lists (by dim), for the labels of a Place
    concept_defs: dict = field(default_factory=dict, compare=False, repr=False)
    code_lists: dict = field(default_factory=dict, compare=False, repr=False)

    def table(self, table_id: str) -> Table:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    def table_for_statement(self, statement: str) -> Table | None:
        for t in self.tables:
            if t.statement == statement:
                return t
        return None

    @functools.cached_property
    def title_index(self) -> dict[str, Table]:
        """Title keys (titles and aliases) -> table; the first table wins a shared key."""
        out: dict[str, Table] = {}
        for t in self.tables:
            for k in t.title_keys:
                out.setdefault(k, t)
        return out

    @functools.cached_property
    def _fixed(self) -> dict[tuple[str, str | None], Place]:
        out: dict[tuple[str, str | None], Place] = {}
        for t in self.tables:
            keys = _row_keys(t)
            for bi, b in enumerate(t.blocks):
                for ri, r in enumerate(b.rows):
                    if r.is_group:
                        continue
                    cells = b.row_cells(r)
                    for ck, concept in cells.items():
                        col = b.column(ck)
                        code = r.code or None
                        key = (concept, code)
                        if key in out:
                            raise TaxonomyError(f"layout {self.id}: {concept} {code or ''} placed twice")
                        out[key] = _place_of(self, t, bi, ri, ck, r.code or keys[(bi, ri)], code)
        return out

    @functools.cached_property
    def _groups(self) -> dict[str, tuple[Table, int, int, Row]]:
        out: dict[str, tuple[Table, int, int, Row]] = {}
        for t in self.tables:
            for bi, b in enumerate(t.blocks):
                for ri, r in enumerate(b.rows):
                    if r.is_group:
                        for concept in b.row_cells(r).values():
                            out[concept] = (t, bi, ri, r)
        return out

    def place(self, concept: str, code: str | None) -> Place | None:
        """Where a fact is printed in this layout, or None when the layout has no cell for it
        (memoised: placements never change once a layout is built)."""
        key = (concept, code)
        try:
            return self._placed[key]
        except KeyError:
            p = self._placed[key] = self._place(concept, code)
            return p

    @functools.cached_property
    def _placed(self) -> dict[tuple[str, str | None], Place | None]:
        return {}

    def has_cell(self, concept: str, code: str | None) -> bool:
        """Whether `place` would find a cell, without building (and keeping) the Place: what the
        checks ask of every fact of a large instance."""
        if (concept, code) in self._fixed:
            return True
        if code is None:
            return False
        g = self._groups.get(concept)
        return g is not None and (g[3].codes != "class" or len(code) == 3)

    def _place(self, concept: str, code: str | None) -> Place | None:
        p = self._fixed.get((concept, code))
        if p is not None:
            return p
        if code is None:
            return None
        g = self._groups.get(concept)
        if g is None:
            return None
        t, bi, ri, r = g
        if r.codes == "class" and len(code) != 3:
            return None
        b = t.blocks[bi]
        for ck, c in b.row_cells(r).items():
            if c == concept:
                return _place_of(self, t, bi, ri, ck, code, code)
        return None

    def labels(self, concept: str, code: str | None, lang: str = "zh") -> tuple[str, str, str] | None:
        """(section, row, column) of a fact as the asked language prints them, None when the layout
        has no cell for it. Chinese: the Placement's own; English: the layout's `en` labels (a code row
        is its code; a repeated row label is prefixed by its parent's, as in Chinese)."""
        p = self.place(concept, code)
        if p is None:
            return None
        if lang != "en":
            return p.section, p.row, p.column
        b = self.table(p.table).blocks[p.block]
        col = b.column(p.column_key)
        section = (col.section_en or b.section_en) if (col.section or b.section) else ""
        r = b.rows[p.row_index]
        if r.is_group or r.code:
            row = p.row
        else:
            row = r.en
            if p.row != strip_ordinal(r.label) and r.parent:  # "年初财政拨款结转和结余/一般公共预算财政拨款"
                parent = next((x for x in b.rows if x.label == r.parent), None)
                row = f"{parent.en if parent else r.parent}/{r.en}"
        return section, row, col.en

    def concepts(self) -> frozenset[str]:
        """The concepts this layout places somewhere."""
        return self._concepts

    @functools.cached_property
    def _concepts(self) -> frozenset[str]:
        return frozenset({k[0] for k in self._fixed} | set(self._groups))


def _row_keys(t: Table) -> dict[tuple[int, int], str]:
    """Facts-view row names for the fixed label rows of a table."""
    labels: dict[tuple[int, int], tuple[str, str]] = {}
    for bi, b in enumerate(t.blocks):
        for ri, r in enumerate(b.rows):
            if r.is_group or r.code:
                continue
            labels[(bi, ri)] = (b.section, strip_ordinal(r.label))
    seen: dict[tuple[str, str], int] = {}
    for v in labels.values():
        seen[v] = seen.get(v, 0) + 1
    out = {}
    for (bi, ri), (section, lab) in labels.items():
        r = t.blocks[bi].rows[ri]
        if seen[(section, lab)] > 1 and r.parent:
            lab = f"{strip_ordinal(r.parent)}/{lab}"
        out[(bi, ri)] = lab
    return out


@record(frozen=True)
class Taxonomy:
    id: str
    namespace: str
    folder: str  # taxonomies/<id>/
    statements: dict[str, dict[str, str]]
    concepts: dict[str, Concept]
    function_codes: CodeList
    economic_codes: CodeList
    layouts: Mapping[str, Layout] = field(default_factory=dict)  # a LayoutMap when loaded
    # the other parsed TOML sources of this version by relative path (rules.toml), from compiled.json
    sources: dict[str, dict] = field(default_factory=dict, repr=False, compare=False)

    @property
    def root(self) -> Path:
        """`folder` as a Path."""
        from pathlib import Path  # noqa: PLC0415 - see resource_dir

        return Path(self.folder)

    def concept(self, concept_id: str) -> Concept:
        return self.concepts[concept_id]

    def layout(self, layout_id: str) -> Layout:
        try:
            return self.layouts[layout_id]
        except KeyError:
            raise TaxonomyError(
                f"unknown layout {layout_id!r}; this taxonomy has: {', '.join(sorted(self.layouts))}"
            ) from None

    def codes_for(self, dim: str) -> CodeList:
        return self.function_codes if dim == "function" else self.economic_codes

    def __hash__(self) -> int:
        return hash(self.id)


def _read_codes(path: str, kind: str, pattern: re.Pattern) -> CodeList:
    """A code list: a plain tab-separated file with a header row naming `code`, `name` and `aliases`
    (aliases separated by "|"). No quoting: names hold no tabs or line breaks."""
    codes: dict[str, Code] = {}
    if not os.path.exists(path):
        return CodeList(kind, codes)
    with open(path, encoding="utf-8-sig") as fh:
        lines = fh.read().splitlines()
    if not lines:
        return CodeList(kind, codes)
    head = [h.strip() for h in lines[0].split("\t")]
    if "code" not in head:
        raise TaxonomyError(f"{path}: the header row has no 'code' column")
    for n, line in enumerate(lines[1:], start=2):
        rec = dict(zip(head, (cell.strip() for cell in line.split("\t"))))
        code = rec.get("code", "")
        if not code:
            continue
        if not pattern.match(code):
            raise TaxonomyError(f"{path}:{n}: bad {kind} code {code!r}")
        aliases = tuple(a for a in rec.get("aliases", "").split("|") if a.strip())
        codes[code] = Code(code, rec.get("name", ""), aliases, rec.get("en", ""))
    return CodeList(kind, codes)


COMPILED = "compiled.json"  # derived: the parsed TOML sources, for fast start-up (python -m juesuan.derive)


def _layout_ids(folder: str) -> list[str]:
    return sorted(n[:-5] for n in os.listdir(os.path.join(folder, "layouts")) if n.endswith(".toml"))


def _source_files(folder: str) -> list[str]:
    """The TOML sources of a taxonomy version, as paths relative to its folder ('/'-separated)."""
    rules = ["rules.toml"] if os.path.exists(os.path.join(folder, "rules.toml")) else []
    narrative = ["narrative.toml"] if os.path.exists(os.path.join(folder, "narrative.toml")) else []
    return ["concepts.toml", *(f"layouts/{i}.toml" for i in _layout_ids(folder)), *rules, *narrative]


def _read_file(folder: str, rel: str) -> bytes:
    with open(os.path.join(folder, *rel.split("/")), "rb") as fh:
        return fh.read()


def _read_sources(folder: str) -> dict[str, dict]:
    """The parsed TOML sources by relative path (concepts.toml, layouts/*.toml, rules.toml).

    Parsing TOML is most of a command's start-up (tomllib is pure Python), so `compiled.json` beside
    the sources keeps the parsed data with a fingerprint of each source (length and CRC-32: a change
    detector, not a security measure; hashlib would cost more start-up than it saves); it is used only
    when every fingerprint matches, otherwise the TOML is parsed. Stale or missing, it is never wrong,
    only slower.
    """
    raw = {rel: _read_file(folder, rel) for rel in _source_files(folder)}
    if os.path.isfile(os.path.join(folder, COMPILED)):
        try:
            doc = json.loads(_read_file(folder, COMPILED))
        except ValueError:
            doc = None
        if isinstance(doc, dict) and doc.get("sources") == {k: _fingerprint(v) for k, v in raw.items()}:
            return doc["toml"]
    import tomllib  # noqa: PLC0415 - only when compiled.json is missing or stale

    out = {}
    for rel, data in raw.items():
        try:
            out[rel] = tomllib.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            raise TaxonomyError(f"{os.path.join(folder, *rel.split('/'))}: {e}") from None
    return out


def _fingerprint(data: bytes) -> str:
    return f"{len(data)}:{zlib.crc32(data):08x}"


def compiled_path(taxonomy_id: str = DEFAULT_TAXONOMY) -> Path:
    return resource_root() / "taxonomies" / taxonomy_id / COMPILED


def build_compiled(taxonomy_id: str = DEFAULT_TAXONOMY) -> str:
    """Text of compiled.json: the sources' fingerprints and their parsed data (JSON keeps it exactly)."""
    folder = os.path.join(resource_dir(), "taxonomies", taxonomy_id)
    import tomllib  # noqa: PLC0415

    sources, parsed = {}, {}
    for rel in _source_files(folder):
        p = os.path.join(folder, *rel.split("/"))
        data = _read_file(folder, rel)
        sources[rel] = _fingerprint(data)
        parsed[rel] = tomllib.loads(data.decode("utf-8"))
        if json.loads(json.dumps(parsed[rel])) != parsed[rel]:
            raise TaxonomyError(f"{p}: holds values JSON cannot keep (dates?); compiled.json cannot cache it")
    doc = {"generated_by": "python -m juesuan.derive (do not edit)", "sources": sources, "toml": parsed}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def _load_layout(path: str, concepts: dict[str, Concept], data: dict | None = None,
                 code_lists: dict | None = None) -> Layout:
    if data is None:
        import tomllib  # noqa: PLC0415

        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    name = os.path.basename(path)
    tables = []
    for t in data.get("table", []):
        blocks = []
        for b in t.get("block", []):
            cols = tuple(
                Column(
                    key=c["key"],
                    label=c.get("label", ""),
                    group=c.get("group", ""),
                    section=c.get("section", ""),
                    number=str(c.get("number", "")),
                    aliases=tuple(c.get("aliases", ())),
                    group_aliases=tuple(c.get("group_aliases", ())),
                    en=c.get("en", ""),
                    group_en=c.get("group_en", ""),
                    section_en=c.get("section_en", ""),
                )
                for c in b.get("columns", [])
            )
            colkeys = {c.key for c in cols}
            rows = []
            for r in b.get("rows", []):
                cells = tuple(sorted(r.get("cells", {}).items()))
                for ck, cid in cells:
                    if ck not in colkeys:
                        raise TaxonomyError(f"{name}: table {t['id']}: unknown column {ck!r}")
                    if cid not in concepts:
                        raise TaxonomyError(f"{name}: table {t['id']}: unknown concept {cid!r}")
                rows.append(
                    Row(
                        label=r.get("label", ""),
                        number=r.get("number"),
                        code=r.get("code", ""),
                        codes=r.get("codes", ""),
                        standard=tuple(r.get("standard", ())),
                        parent=r.get("parent", ""),
                        cells=cells,
                        aliases=tuple(r.get("aliases", ())),
                        filler=bool(r.get("filler", False)),
                        en=r.get("en", ""),
                    )
                )
            bcells = tuple(sorted(b.get("cells", {}).items()))
            for ck, cid in bcells:
                if ck not in colkeys or cid not in concepts:
                    raise TaxonomyError(f"{name}: table {t['id']}: bad block cell {ck}={cid}")
            block = Block(
                section=b.get("section", ""),
                columns=cols,
                rows=tuple(rows),
                header=tuple(b.get("header", ())),
                code_columns=tuple(b.get("code_columns", ())),
                cells=bcells,
                section_en=b.get("section_en", ""),
            )
            blocks.append(block)
        tables.append(
            Table(
                id=t["id"],
                statement=t["statement"],
                title=t["title"],
                blocks=tuple(blocks),
                aliases=tuple(t.get("aliases", ())),
            )
        )
    layout = Layout(
        id=data["layout"],
        taxonomy=data.get("taxonomy", ""),
        zh=data.get("zh", ""),
        en=data.get("en", ""),
        years=tuple(data.get("years", ())),
        tables=tuple(tables),
        concept_defs=concepts,
        code_lists=code_lists or {},
    )
    layout._fixed  # noqa: B018 - validate placements eagerly (raises on a concept placed twice)
    return layout


def load_taxonomy(taxonomy_id: str | None = None) -> Taxonomy:
    """The taxonomy version, loaded once per process (`load_taxonomy()` and `load_taxonomy("juesuan-1.0")`
    share one cache entry)."""
    return _load_taxonomy(taxonomy_id or DEFAULT_TAXONOMY)


def _clear_taxonomy_cache() -> None:
    _load_taxonomy.cache_clear()


load_taxonomy.cache_clear = _clear_taxonomy_cache  # type: ignore[attr-defined] - derive and tests reload


class LayoutMap(Mapping[str, Layout]):
    """The layouts of a taxonomy version by id, each built the first time it is asked for.

    A command reads one layout (a conversion, a validation, a diff of two reports of the same layout), so
    building every layout up front is start-up spent for nothing. The ids are the file stems of
    layouts/*.toml; a layout file whose `layout` differs from its name is a TaxonomyError when it is
    built. Everything that walks all layouts (derive, the XSD, docs, XBRL) builds them all, so a broken
    layout still fails `python -m juesuan.derive --check` and the tests.
    """

    def __init__(self, folder: str, concepts: dict[str, Concept], sources: dict[str, dict],
                 code_lists: dict | None = None) -> None:
        self._folder = folder
        self._concepts = concepts
        self._code_lists = code_lists or {}
        self._sources = sources
        self._ids = _layout_ids(folder)
        self._built: dict[str, Layout] = {}

    def __getitem__(self, layout_id: str) -> Layout:
        lay = self._built.get(layout_id)
        if lay is None:
            if layout_id not in self._ids:
                raise KeyError(layout_id)
            path = os.path.join(self._folder, "layouts", f"{layout_id}.toml")
            try:
                lay = _load_layout(path, self._concepts, self._sources.get(f"layouts/{layout_id}.toml"),
                                   self._code_lists)
            except KeyError as e:  # a table or column without a required field: not an "unknown layout"
                raise TaxonomyError(f"{path}: a required field is missing: {e}") from None
            if lay.id != layout_id:
                raise TaxonomyError(f"{path}: declares layout {lay.id!r}; the file must be named {lay.id}.toml")
            self._built[layout_id] = lay
        return lay

    def __contains__(self, layout_id: object) -> bool:
        return layout_id in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __repr__(self) -> str:
        return f"LayoutMap({self._ids!r})"


@functools.lru_cache(maxsize=8)
def _load_taxonomy(taxonomy_id: str) -> Taxonomy:
    folder = os.path.join(resource_dir(), "taxonomies", taxonomy_id)
    if not os.path.isdir(folder):
        raise TaxonomyError(f"unknown taxonomy {taxonomy_id!r}")
    sources = _read_sources(folder)
    data = sources["concepts.toml"]
    concepts: dict[str, Concept] = {}
    for c in data["concept"]:
        if not CONCEPT_ID_RE.match(c["id"]):
            raise TaxonomyError(f"bad concept id {c['id']!r}")
        if c["id"] in concepts:
            raise TaxonomyError(f"duplicate concept id {c['id']!r}")
        concepts[c["id"]] = Concept(
            id=c["id"],
            zh=c["zh"],
            en=c["en"],
            statement=c["statement"],
            dim=c.get("dim", "none"),
            period=c.get("period", "duration"),
            balance=c.get("balance", "credit"),
            type=c.get("type", "amount"),
        )
    code_lists = {
        "function": _read_codes(os.path.join(folder, "codes", "function.tsv"), "function", FUNCTION_CODE_RE),
        "economic": _read_codes(os.path.join(folder, "codes", "economic.tsv"), "economic", ECONOMIC_CODE_RE),
    }
    return Taxonomy(
        id=data["taxonomy"],
        namespace=data["namespace"],
        folder=folder,
        statements=data["statements"],
        concepts=concepts,
        function_codes=code_lists["function"],
        economic_codes=code_lists["economic"],
        layouts=LayoutMap(folder, concepts, sources, code_lists),
        sources={k: v for k, v in sources.items() if k in ("rules.toml", "narrative.toml")},
    )
