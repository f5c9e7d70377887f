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
    """Records in table order (the Place's sort key: table, block, printed row, code, column), then
    the facts the layout has no cell for."""
    tax = tax or load_taxonomy(inst.header.taxonomy)
    lay = tax.layout(layout or inst.header.layout)
    records = []
    for f in inst.facts:
        c = tax.concepts.get(f.concept)
        p = lay.place(f.concept, f.code)
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
            "row_name": p.row_name if p else _code_name(tax, c, f.code),
            "source": f.origin,
        }
        records.append(((0, p.order) if p else (1, f.code or ""), rec))
    records.sort(key=lambda x: x[0])
    return [r for _, r in records]


def _code_name(tax: Taxonomy, c, code: str | None) -> str:
    """The name of a code the layout does not print (a 款 under 01's 类 rows)."""
    return (tax.codes_for(c.dim).name(code) or "") if code and c is not None else ""


def to_csv(records: Iterable[dict], fields: tuple[str, ...] = FIELDS) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(fields), extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in records:
        w.writerow(r)
    return buf.getvalue()


def to_json(records: Iterable[dict]) -> str:
    return json.dumps(list(records), ensure_ascii=False, indent=2) + "\n"
