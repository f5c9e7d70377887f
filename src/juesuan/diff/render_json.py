"""JSON: a header block, a summary, the key totals (yoy), the list of changes, rounding differences
and the check findings that appeared and disappeared (draft-final). Amounts are strings ("37.31"),
like every amount juesuan writes as JSON, so that no float ever touches them."""

from __future__ import annotations

import json

from ..model import HEADER_FIELDS, Header, format_amount
from .model import MODE_NAMES, Change, DiffResult, KeyTotal
from .phrasing import phrase


def _amt(v):
    return None if v is None else format_amount(v)


def _pct(v):
    return None if v is None else format(v, "f")


def header_dict(h: Header, path: str) -> dict:
    return {"file": path, **{f.attr: getattr(h, f.attr) for f in HEADER_FIELDS}}


def change_dict(c: Change, lang: str) -> dict:
    p = c.place
    return {
        "kind": c.kind,
        "table": p.table if p else "",
        "section": p.section if p else "",
        "row": p.row if p else c.code,
        "row_name": p.row_name if p else "",
        "column": p.column if p else "",
        "concept": c.concept,
        "code": c.code,
        "label": c.label(lang),
        "old": _amt(c.old),
        "new": _amt(c.new),
        "delta": _amt(c.delta),
        "pct": _pct(c.pct),
        "phrase": phrase(c.kind, c.old, c.new, c.delta, c.pct, lang),
        "rounding": c.rounding,
        "old_layout": c.old_place.to_dict() if c.old_place else None,
        "new_layout": c.new_place.to_dict() if c.new_place else None,
    }


def key_total_dict(k: KeyTotal, lang: str) -> dict:
    return {
        "concept": k.concept,
        "code": k.code,
        "label": k.label_en if lang == "en" else k.label_zh,
        "old": _amt(k.old),
        "new": _amt(k.new),
        "delta": _amt(k.delta),
        "pct": _pct(k.pct),
        "phrase": phrase("changed", k.old, k.new, k.delta, k.pct, lang) if k.delta is not None else None,
    }


def result_dict(r: DiffResult, lang: str = "zh") -> dict:
    counts = r.counts()
    out = {
        "mode": r.mode,
        "mode_name": MODE_NAMES[r.mode][1 if lang == "en" else 0],
        "mode_auto": r.mode_auto,
        "different": r.different,
        "header": {
            "old": header_dict(r.old, r.old_file),
            "new": header_dict(r.new, r.new_file),
            "changes": [
                {"field": h.field, "old": h.old, "new": h.new, "material": h.material} for h in r.header_changes
            ],
        },
        "summary": counts,
        "key_totals": [key_total_dict(k, lang) for k in r.key_totals],
        "changes": [change_dict(c, lang) for c in r.changes],
        "rounding_hidden": r.rounding_hidden,
        "rounding": [change_dict(c, lang) for c in r.shown_rounding()],
        "rows": [
            {"kind": x.kind, "table": x.table, "table_title": x.table_title, "code": x.code, "name": x.name}
            for x in r.rows
        ],
        "findings": {
            "checked": r.checked,
            "appeared": [f.to_dict(lang) for f in r.findings_appeared],
            "disappeared": [f.to_dict(lang) for f in r.findings_disappeared],
        },
        "narrative": {
            "compared": r.narrative_compared,
            "changes": [
                {"kind": n.kind, "key": n.key, "title": n.title, "old": n.old, "new": n.new,
                 "pieces": [{"op": op, "text": text} for op, text in n.pieces()]}
                for n in r.narrative
            ],
        },
    }
    if any(r.tables_absent):  # only then, so that the output of complete reports stays as it was
        out["tables_absent"] = {"old": list(r.tables_absent[0]), "new": list(r.tables_absent[1])}
    return out


def render_json(r: DiffResult, lang: str = "zh") -> str:
    return json.dumps(result_dict(r, lang), ensure_ascii=False, indent=2) + "\n"
