"""xBRL-JSON (Open Information Model, https://www.xbrl.org/Specification/xbrl-json/REC-2021-10-13/)
from the same model as the XBRL 2.1 instance: the same facts, periods, units and dimensions."""

from __future__ import annotations

import datetime as dt
import json

from . import names as N
from .instance import Context, XbrlReport

DOCUMENT_TYPE = "https://xbrl.org/2021/xbrl-json"
ENTITY_PREFIX = {N.SCHEME_USCC: "uscc", N.SCHEME_NAME: "jsname"}


def _period(c: Context) -> str:
    """OIM periods are date-times: an instant (end of its day) is the next day's 00:00."""
    end = (c.end + dt.timedelta(days=1)).isoformat() + "T00:00:00"
    return end if c.is_instant else f"{c.start.isoformat()}T00:00:00/{end}"


def _fact_id(concept: str, c: Context) -> str:
    return "f_" + concept + (f"_{c.id}" if c.is_instant or c.dim else "")


def to_json(rep: XbrlReport) -> bytes:
    tax = rep.taxonomy
    p = N.PREFIX
    eprefix = ENTITY_PREFIX[rep.scheme]
    ctx = {c.id: c for c in rep.contexts}
    facts: dict[str, dict] = {}
    for f in rep.facts:
        c = ctx[f.context]
        dims: dict[str, str] = {
            "concept": f"{p}:{f.concept}",
            "entity": f"{eprefix}:{rep.identifier}",
            "period": _period(c),
        }
        if f.decimals is not None:
            dims["unit"] = "iso4217:CNY"
        elif f.lang:
            dims["language"] = f.lang
        if c.dim:
            dims[f"{p}:{N.DIMENSIONS[c.dim][0]}"] = c.code
        fact: dict = {"value": f.value}
        if f.decimals is not None:
            fact["decimals"] = f.decimals
        fact["dimensions"] = dims
        facts[_fact_id(f.concept, c)] = fact
    doc = {
        "documentInfo": {
            "documentType": DOCUMENT_TYPE,
            "namespaces": {
                p: N.namespace(tax),
                eprefix: rep.scheme,
                "iso4217": N.ISO4217,
                "xbrl": "https://xbrl.org/2021",
                "xbrli": N.XBRLI,
            },
            "taxonomy": [rep.entry_point],
        },
        "facts": facts,
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
