"""The flat facts view: one record per fact, placed in the instance's layout (table/section/row/column)."""

from __future__ import annotations

import csv
import io
import json
from typing import Iterable

from .model import Instance, format_amount
from .taxonomy import Taxonomy, load_taxonomy

FIELDS = (
    "table",
    "section",
    "row",
    "column",
    "value",
    "concept",
    "code",
    "label_zh",
    "label_en",
    "row_name",
    "source",
)


def fact_records(inst: Instance, tax: Taxonomy | None = None, layout: str | None = None) -> list[dict]:
    """Records in table order (table, block, printed row order, column order), then unplaced facts."""
    tax = tax or load_taxonomy(inst.header.taxonomy)
    lay = tax.layout(layout or inst.header.layout)
    records = []
    for f in inst.facts:
        c = tax.concepts.get(f.concept)
        p = lay.place(f.concept, f.code)
        row_name = ""
        if f.code and c is not None:
            row_name = tax.codes_for(c.dim).name(f.code) or ""
        rec = {
            "table": p.table if p else "",
            "section": p.section if p else "",
            "row": p.row if p else (f.code or ""),
            "column": p.column if p else "",
            "value": format_amount(f.value),
            "concept": f.concept,
            "code": f.code or "",
            "label_zh": c.zh if c else "",
            "label_en": c.en if c else "",
            "row_name": row_name,
            "source": f.origin,
        }
        order = _order_key(lay, p, f.code)
        records.append((order, rec))
    records.sort(key=lambda x: x[0])
    return [r for _, r in records]


def _order_key(lay, p, code):
    if p is None:
        return ("~", 0, 0, code or "", 0)
    t = lay.table(p.table)
    b = t.blocks[p.block]
    col_index = [c.key for c in b.columns].index(p.column_key)
    row = b.rows[p.row_index]
    code_key = _code_sort(code) if row.is_group else ""
    return (p.table, p.block, p.row_index, code_key, col_index)


def _code_sort(code: str | None) -> str:
    """Hierarchical order: 201, 20199, 2019999, 210, 21011 ... (plain string order does this)."""
    return code or ""


def to_csv(records: Iterable[dict], fields: tuple[str, ...] = FIELDS) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(fields), extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in records:
        w.writerow(r)
    return buf.getvalue()


def to_json(records: Iterable[dict]) -> str:
    return json.dumps(list(records), ensure_ascii=False, indent=2) + "\n"
