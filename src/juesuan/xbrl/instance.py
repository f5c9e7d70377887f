"""An Instance as XBRL: contexts, units and facts (one model), written as XBRL 2.1 XML.

- Amounts: 万元 × 10000 = yuan, `decimals` = the fact's decimals − 4 (−2 for the published two
  fraction digits), unit iso4217:CNY.
- Entity: the 统一社会信用代码 under http://juesuan.org/entity/uscc, else a stable id derived from the
  entity name under http://juesuan.org/entity/name (see names.entity_identifier).
- Periods: flows (period = "duration") over the fiscal year, 1 Jan .. 31 Dec; 年初 balances at the
  instant 31 Dec of the previous year and 年末 balances at 31 Dec of the fiscal year (an XBRL instant
  is the end of its day, so 31 Dec of the previous year is the start of the fiscal year).
- Codes: a typed dimension member (FunctionCodeAxis / EconomicCodeAxis) in the context's segment.
- Contexts are deduplicated and named from their content (D2021, I20201231_F201 ...), so the output
  is byte-identical for identical input.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..errors import TaxonomyError, UnusableInput
from ..model import Instance
from ..records import record
from ..taxonomy import ECONOMIC_CODE_RE, FUNCTION_CODE_RE, Taxonomy, load_taxonomy
from ..xmlio import xml_attr, xml_text
from . import names as N

YUAN_PER_WANYUAN = Decimal(10000)
UNIT_ID = "CNY"


@record(frozen=True)
class Context:
    id: str
    start: dt.date | None  # None for an instant
    end: dt.date  # the instant, or the last day of the duration
    dim: str | None = None
    code: str | None = None

    @property
    def is_instant(self) -> bool:
        return self.start is None


@record(frozen=True)
class XFact:
    concept: str
    context: str
    value: str  # lexical value (yuan for amounts)
    decimals: int | None = None  # None for non-numeric facts
    lang: str = ""


@record
class XbrlReport:
    taxonomy: Taxonomy
    layout: str
    entry_point: str
    scheme: str
    identifier: str
    contexts: list[Context]
    facts: list[XFact]


def balance_time(tax: Taxonomy, concept: str) -> str:
    """'opening' (年初) or 'closing' (年末) for an instant concept, read from its label."""
    c = tax.concepts[concept]
    if "年初" in c.zh:
        return "opening"
    if "年末" in c.zh:
        return "closing"
    raise TaxonomyError(f"instant concept {concept} is neither a 年初 nor a 年末 balance")


def yuan(value: Decimal) -> str:
    v = value * YUAN_PER_WANYUAN
    if v == 0:
        return "0"
    if v == v.to_integral_value():
        return format(v.quantize(Decimal(1)), "f")
    return format(v.normalize(), "f")


def _context_id(start: dt.date | None, end: dt.date, dim: str | None, code: str | None) -> str:
    base = f"D{end.year}" if start is not None else f"I{end:%Y%m%d}"
    return base + (f"_{N.CODE_LETTER[dim]}{code}" if dim else "")


def build_report(inst: Instance, tax: Taxonomy | None = None) -> XbrlReport:
    """The XBRL view of an instance. Raises UnusableInput for what XBRL cannot carry."""
    tax = tax or load_taxonomy(inst.header.taxonomy)
    h = inst.header
    where = inst.source or ""
    if h.layout not in tax.layouts:
        raise UnusableInput.of("input:unknown-layout", where, layout=h.layout, layouts=list(tax.layouts))
    if not (1900 < h.fiscal_year < 3000):
        raise UnusableInput.of("input:xbrl-year", where, year=h.fiscal_year)
    scheme, ident = N.entity_identifier(h.entity, h.uscc)
    fy = h.fiscal_year
    start, end = dt.date(fy, 1, 1), dt.date(fy, 12, 31)
    opening, closing = dt.date(fy - 1, 12, 31), end
    contexts: dict[str, Context] = {}

    def context(period_start: dt.date | None, period_end: dt.date, dim: str | None, code: str | None) -> str:
        cid = _context_id(period_start, period_end, dim, code)
        contexts.setdefault(cid, Context(cid, period_start, period_end, dim, code))
        return cid

    facts: list[XFact] = []
    seen: set[tuple[str, str]] = set()
    for f in inst.sorted_facts():
        c = tax.concepts.get(f.concept)
        if c is None:
            raise UnusableInput.of("input:xbrl-unknown-concept", where, concept=f.concept, taxonomy=tax.id)
        if f.key in seen:
            raise UnusableInput.of("input:xbrl-twice", where, concept=f.concept, given=f.code or "")
        seen.add(f.key)
        code = f.code or None
        if c.dim == "economic" and not code:
            raise UnusableInput.of("input:xbrl-needs-code", where, concept=f.concept)
        if c.dim == "none" and code:
            raise UnusableInput.of("input:xbrl-no-code", where, concept=f.concept, given=code)
        kind = "function" if c.dim == "function" else "economic"
        if code and not (FUNCTION_CODE_RE if kind == "function" else ECONOMIC_CODE_RE).match(code):
            raise UnusableInput.of(f"input:xbrl-bad-{kind}-code", where, concept=f.concept, given=code)
        if c.period == "instant":
            cid = context(None, opening if balance_time(tax, c.id) == "opening" else closing,
                          c.dim if code else None, code)
        else:
            cid = context(start, end, c.dim if code else None, code)
        facts.append(XFact(c.id, cid, yuan(f.value), f.decimals - 4))
    if h.entity.strip():
        facts.insert(0, XFact(N.ENTITY_NAME, context(start, end, None, None), h.entity.strip(), None, "zh"))
    return XbrlReport(
        taxonomy=tax,
        layout=h.layout,
        entry_point=N.entry_point_url(tax, h.layout),
        scheme=scheme,
        identifier=ident,
        contexts=[contexts[k] for k in sorted(contexts)],
        facts=facts,
    )


def to_xml(rep: XbrlReport) -> bytes:
    """The XBRL 2.1 instance document (UTF-8, canonical order, deterministic)."""
    tax = rep.taxonomy
    p = N.PREFIX
    L = ['<?xml version="1.0" encoding="UTF-8"?>']
    a = L.append
    a(f'<xbrli:xbrl xmlns:xbrli="{N.XBRLI}" xmlns:link="{N.LINK}" xmlns:xlink="{N.XLINK}"'
      f' xmlns:xbrldi="{N.XBRLDI}" xmlns:iso4217="{N.ISO4217}" xmlns:{p}="{N.namespace(tax)}">')
    a(f'  <link:schemaRef xlink:type="simple" xlink:href="{rep.entry_point}"/>')
    for c in rep.contexts:
        a(f'  <xbrli:context id="{c.id}">')
        ident = f"<xbrli:identifier scheme={xml_attr(rep.scheme)}>{xml_text(rep.identifier)}</xbrli:identifier>"
        if c.dim:
            axis, domain = N.DIMENSIONS[c.dim][:2]
            a(f"    <xbrli:entity>{ident}")
            a(f'      <xbrli:segment><xbrldi:typedMember dimension="{p}:{axis}"><{p}:{domain}>{c.code}</{p}:{domain}>'
              "</xbrldi:typedMember></xbrli:segment>")
            a("    </xbrli:entity>")
        else:
            a(f"    <xbrli:entity>{ident}</xbrli:entity>")
        if c.is_instant:
            a(f"    <xbrli:period><xbrli:instant>{c.end.isoformat()}</xbrli:instant></xbrli:period>")
        else:
            a(f"    <xbrli:period><xbrli:startDate>{c.start.isoformat()}</xbrli:startDate>"
              f"<xbrli:endDate>{c.end.isoformat()}</xbrli:endDate></xbrli:period>")
        a("  </xbrli:context>")
    a(f'  <xbrli:unit id="{UNIT_ID}"><xbrli:measure>iso4217:CNY</xbrli:measure></xbrli:unit>')
    for f in rep.facts:
        if f.decimals is None:
            lang = f' xml:lang="{f.lang}"' if f.lang else ""
            a(f'  <{p}:{f.concept} contextRef="{f.context}"{lang}>{xml_text(f.value)}</{p}:{f.concept}>')
        else:
            a(f'  <{p}:{f.concept} contextRef="{f.context}" unitRef="{UNIT_ID}" decimals="{f.decimals}">'
              f"{f.value}</{p}:{f.concept}>")
    a("</xbrli:xbrl>")
    return ("\n".join(L) + "\n").encode("utf-8")
