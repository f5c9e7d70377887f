"""How a rule finding's terms are held and printed: `Terms` (compact, read as dicts) and the fields
of a rule's zh/en template (`message_fields`, called by juesuan.catalogue.render at output time)."""

from __future__ import annotations

from ..model import source_text
from ..taxonomy import Taxonomy, load_taxonomy


class Terms(tuple):
    """A rule finding's terms (its `terms` value), held compactly: one (side, concept, code, weight,
    tail) tuple per term, the tail (FactIndex.tail) shared by every finding the fact is in. Read, a term
    is the dict {"side", "concept", "code", "weight", "value", "table", "row", "column", "source",
    "line"} (iteration and indexing build it): 200,000 facts' findings hold a sixth of the memory."""

    __slots__ = ()

    @staticmethod
    def _dict(raw: tuple) -> dict:
        side, c, k, w, (v, tt, tr, tc, src, line) = raw
        return {"side": side, "concept": c, "code": k, "weight": w, "value": v, "table": tt, "row": tr,
                "column": tc, "source": src, "line": line}

    def __iter__(self):
        return map(Terms._dict, tuple.__iter__(self))

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [Terms._dict(r) for r in tuple.__getitem__(self, i)]
        return Terms._dict(tuple.__getitem__(self, i))

    def __contains__(self, item) -> bool:
        return any(item == t for t in self)

    def __eq__(self, other) -> bool:
        if isinstance(other, Terms):
            return tuple.__eq__(self, other)
        return isinstance(other, (list, tuple)) and list(self) == list(other)

    def __ne__(self, other) -> bool:
        return not self == other

    __hash__ = tuple.__hash__

    def __reduce__(self):
        return (Terms, (tuple(tuple.__iter__(self)),))

    def __repr__(self) -> str:
        return repr(list(self))


_TEXTS: dict[tuple, str] = {}


def _text(key: str, lang: str, value: str = "") -> str:
    """juesuan.catalogue.text for the few report lines a rule's terms use ("05表", "空"), memoised:
    a large instance's findings print them hundreds of thousands of times."""
    k = (key, lang, value)
    s = _TEXTS.get(k)
    if s is None:
        from ..catalogue import text

        s = _TEXTS[k] = text(key, lang, table=value) if key == "table" else text(key, lang)
    return s


_LABELS: dict[tuple, tuple[str, bool]] = {}


def _label(tax: Taxonomy, concept: str, code: str, lang: str) -> str:
    """A term's label: the concept's, or an economic code's own name (06 has one column: name the
    row, 30217 公务接待费)."""
    key = (tax.id, concept, lang)
    got = _LABELS.get(key)
    if got is None:
        c = tax.concepts[concept]
        got = _LABELS[key] = (c.label(lang), c.dim == "economic")
    label, economic = got
    if economic and code:
        label = tax.economic_codes.name(code, lang) or label
    return label


def _expr(terms: list[tuple], tax: Taxonomy, table: str, code: str, lang: str, hide_blank: bool) -> str:
    """One side of a rule from its (concept, code, weight, value, table) terms: '05表 201
    一般公共预算财政拨款支出合计 2001.35 + …'; per term its table when not the finding's, its code when
    not the finding's row, its label (an economic code's own name) and its value (or 空 / blank)."""
    out = []
    blank = None
    for c, k, w, value, tt in terms:
        if value is None:
            if hide_blank:
                continue
            value = blank = blank or _text("blank", lang)
        s = f"{_label(tax, c, k, lang)} {value}"
        if k and k != code:
            s = f"{k} {s}"
        if tt and tt != table:
            s = f"{_text('table', lang, tt)} {s}"
        if w < 0:
            s = f"-{s}" if not out else f"- {s}"
        elif out:
            s = f"+ {s}"
        out.append(s)
    return " ".join(out) if out else "0.00"


def _sides(terms) -> tuple[list[tuple], list[tuple], tuple]:
    """(left, right) terms as (concept, code, weight, value, table), and the first left-hand term as
    (table, code, row, column, concept): from Terms without building their dicts."""
    left: list[tuple] = []
    right: list[tuple] = []
    if isinstance(terms, Terms):
        for side, c, k, w, tail in tuple.__iter__(terms):
            (left if side == "left" else right).append((c, k, w, tail[0], tail[1]))
        _, c, k, _, tail = tuple.__getitem__(terms, 0)
        return left, right, (tail[1], k, tail[2], tail[3], c)
    for t in terms:
        (left if t["side"] == "left" else right).append((t["concept"], t["code"], t["weight"], t["value"], t["table"]))
    t = terms[0]
    return left, right, (t["table"], t["code"], t["row"], t["column"], t["concept"])


def message_fields(values: dict, lang: str, taxonomy: str | None = None) -> dict:
    """The fields of a rule's zh/en template ({lhs}, {rhs}, {left_value} …, see rules.toml) from a rule
    finding's values, in the asked language (juesuan.catalogue.render calls this at output time), and
    the finding's source appended: {source} of the `report:source` line."""
    tax = load_taxonomy(taxonomy)
    # the first left-hand term: where the finding is placed
    left, right, (table, code, row, column, concept) = _sides(values["terms"])
    hide_blank = values["kind"] in ("sum", "hierarchy")
    source = values.get("source")
    if source:
        from ..catalogue import text
    return {
        "lhs": _expr(left, tax, table, code, lang, False),
        "rhs": _expr(right, tax, table, code, lang, hide_blank),
        "left_value": values["left"],
        "right_value": values["right"],
        "diff": values["difference"],
        "table": table,
        # the row and column labels as printed; English names the concept instead (its code for a code row)
        "row": row if lang != "en" else (code or tax.concepts[concept].en),
        "column": column if lang != "en" else tax.concepts[concept].en,
        "code": code or _text("total", lang),
        # the converter's `src` reference ("line 138", "p21 line 13", "02表!D7") as a reader sees it
        "_source": text("source", lang, source=source_text(source, lang)) if source else "",
    }
