"""A year's table layout: tables, blocks, columns and rows, and where each fact is printed (`Place`).

Loaded from taxonomies/<version>/layouts/<id>.toml by juesuan.taxonomy (`Taxonomy.layout(id)`), which
re-exports these names.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING

from .errors import TaxonomyError
from .labels import normalize_label, strip_ordinal, title_key
from .records import field, record

if TYPE_CHECKING:
    from .taxonomy import Concept


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
        proto = self._group_proto(concept, code)
        if proto is None:
            return None
        p, codes = proto
        o = p.order
        return Place(p.layout, p.table, p.table_title, p.section, code,
                     (codes.name(code) or "") if codes is not None else "", p.column, "", p.column_number,
                     (o[0], o[1], o[2], code, o[4]), p.block, p.column_key, p.row_index)

    def cell_labels(self, concept: str, code: str | None) -> tuple[str, str, str, str] | None:
        """(table, section, row, column) of `place(concept, code)`, without building or keeping a
        Place: what the rule findings of a large instance print for each of their terms."""
        p = self._fixed.get((concept, code))
        if p is not None:
            return p.table, p.section, p.row, p.column
        if code is None:
            return None
        proto = self._group_proto(concept, code)
        if proto is None:
            return None
        p = proto[0]
        return p.table, p.section, code, p.column

    def _group_proto(self, concept: str, code: str):
        """(the Place of a group row's cell for `concept` with no code, the code list naming its
        rows), built once per concept; None when `code` has no row in the group."""
        g = self._groups.get(concept)
        if g is None:
            return None
        t, bi, ri, r = g
        if r.codes == "class" and len(code) != 3:
            return None
        proto = self._group_protos.get(concept)
        if proto is None:
            b = t.blocks[bi]
            ck = next((ck for ck, c in b.row_cells(r).items() if c == concept), None)
            if ck is None:
                return None
            c = self.concept_defs.get(concept)
            proto = self._group_protos[concept] = (_place_of(self, t, bi, ri, ck, "", None),
                                                   self.code_lists.get(c.dim) if c is not None else None)
        return proto

    @functools.cached_property
    def _group_protos(self) -> dict:
        return {}

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


# long: one straight pass over the layout TOML (tables > blocks > columns, rows), each field checked where read
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
