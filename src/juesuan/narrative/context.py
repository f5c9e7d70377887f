"""What the narrative checks share: a printed figure's rounding interval (`stated`), interval
arithmetic and text helpers, and `Ctx`, the facts, layout and counters of one instance's checks
(moved out of juesuan.narrative.checks, which re-exports the public names)."""

from __future__ import annotations

from decimal import Decimal

from ..checks.rounding import Interval
from ..findings import Finding
from ..model import Instance, Location
from .claims import BlockClaims, Figure, Sentence
from .phrases import Catalogue, norm

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def stated(f: Figure) -> Interval:
    if f.value == 0 and f.decimals <= 0:
        return Interval.exact(ZERO)
    return Interval.of(f.value, f.decimals)


_Q = Decimal("0.0001")


def _s(iv: Interval | None) -> str:
    """An interval as text; computed bounds are widened outwards to 4 decimals."""
    if iv is None:
        return ""
    from decimal import ROUND_CEILING, ROUND_FLOOR

    lo, hi = iv.low, iv.high
    if lo.as_tuple().exponent < -4:
        lo = lo.quantize(_Q, rounding=ROUND_FLOOR)
    if hi.as_tuple().exponent < -4:
        hi = hi.quantize(_Q, rounding=ROUND_CEILING)
    return f"[{Interval(lo, hi).as_strings()[0]}, {Interval(lo, hi).as_strings()[1]}]"


def _pct(d: Decimal) -> str:
    return format(d.quantize(Decimal("0.01")), "f")


_UNIT_EN = {"万元": " (10k yuan)", "元": " yuan", "亿元": " (100m yuan)", "%": "%"}


def _en(f: Figure | None) -> str:
    """A stated figure in English text: '1960.73 (10k yuan)', '98.99%'."""
    if f is None:
        return ""
    return f.text[: len(f.text) - len(f.unit)] + _UNIT_EN.get(f.unit, "")


def _meet(a: Interval, b: Interval) -> Interval | None:
    lo, hi = max(a.low, b.low), min(a.high, b.high)
    return Interval(lo, hi) if lo <= hi else None


def _quot(n: Interval, d: Interval) -> Interval | None:
    """n / d × 100 as an interval; None when d may be 0 or less."""
    if d.low <= 0:
        return None
    qs = [n.low / d.low, n.low / d.high, n.high / d.low, n.high / d.high]
    return Interval(min(qs) * HUNDRED, max(qs) * HUNDRED)


def _sub(a: Interval, b: Interval) -> Interval:
    return Interval(a.low - b.high, a.high - b.low)


class Ctx:
    """What the checks of one instance share: facts, layout, prior instance, counters."""

    def __init__(self, inst: Instance, tax, lay, prior: Instance | None, cat: Catalogue):
        self.inst, self.tax, self.lay, self.prior, self.cat = inst, tax, lay, prior, cat
        self.findings: list[Finding] = []
        self.checked: set[int] = set()
        self.bound: set[int] = set()
        self.seen: list[tuple[str, str, str | None]] = []  # the facts the checks looked at (memo key)
        self.body: dict[int, list[str]] = {}  # id(block) -> the lines of its text
        self.prior_lay = None
        if prior is not None:
            try:
                self.prior_lay = tax.layout(prior.header.layout)
            except Exception:  # noqa: BLE001 - a prior in an unknown layout: no placements
                self.prior_lay = None

    def fact(self, concept: str | None, code: str | None, which: str = "this"):
        """(interval, value, fact-or-None, placement) of a concept in this year's (or the prior's)
        tables; None when the layout has no cell for it. A blank cell is exactly 0."""
        if concept is None:
            return None
        self.seen.append((which, concept, code))
        inst = self.inst if which == "this" else self.prior
        lay = self.lay if which == "this" else self.prior_lay
        if inst is None or lay is None:
            return None
        p = lay.place(concept, code)
        if p is None or not inst.has_table(p.table):  # absent is not blank: nothing to compare with
            return None
        f = inst.get(concept, code)
        if f is None:
            return Interval.exact(ZERO), ZERO, None, p, concept, code
        return Interval.of(f.value, f.decimals), f.value, f, p, concept, code

    def tight(self, f: Figure) -> Interval:
        """A stated amount's interval, narrowed by its table fact when the two agree."""
        iv = stated(f)
        if f.concept is not None and not f.partial:
            r = self.fact(f.concept, f.code)
            if r is not None:
                m = _meet(iv, r[0])
                if m is not None:
                    return m
        return iv

    def cell(self, r, concept: str, code: str | None) -> str:
        p = r[3]
        parts = [f"{p.table}表"]
        if p.section:
            parts.append(p.section)
        parts.append(p.row)
        if p.column:
            parts.append(p.column)
        return " ".join(x for x in parts if x)

    def emit(self, code: str, bc: BlockClaims, s: Sentence, block, fig: Figure | None = None, r=None,
             title: bool = False, **values) -> None:
        """Record a finding on sentence s (at fig, when given; title: on the block's heading)."""
        loc = block.location
        pos = s.start + (fig.start if fig is not None else 0)  # the figure's place, else the sentence's
        line_in = s.part.line_of(pos)
        if title:  # the heading's own place
            loc = Location(file=loc.file or self.inst.source, sheet=loc.sheet, line=loc.line, xpath=loc.xpath)
        elif line_in < len(block.sources):  # where the reader read that line (a PDF's page and line)
            body = self.body.get(id(block))
            if body is None:  # split once per block: a block may have thousands of findings
                body = self.body[id(block)] = block.text.split("\n")
            sheet, number = block.sources[line_in][0], _printed_line(s.part, block, line_in, pos, body[line_in])
            loc = (Location(file=loc.file, xpath=f"/w:document/w:body/w:p[{number}]")
                   if loc.xpath.startswith("/w:document/w:body/w:p[")  # a .docx paragraph
                   else Location(file=loc.file or self.inst.source, sheet=sheet, line=number))
        elif loc.line is not None:  # an instance's block element: its line plus the line in the text
            loc = Location(file=loc.file or self.inst.source, sheet=loc.sheet, line=loc.line + line_in,
                           xpath=loc.xpath)
        elif not loc.file:
            loc = Location(file=self.inst.source, xpath=loc.xpath)
        table = row = column = ""
        fact: tuple = ()
        if r is not None:
            p = r[3]
            table, row, column = p.table, p.row, p.column
            f = r[2]
            values.setdefault("source", f.origin if f is not None else "")
            if len(r) > 4:
                fact = (self.tax.id, self.lay.id, r[4], r[5] or "")
        values.setdefault("stated", fig.text if fig is not None else "")
        values.setdefault("stated_en", _en(fig) if fig is not None else values["stated"])
        self.findings.append(Finding.of(
            code, loc, table=table, row=row, column=column, file=self.inst.source, fact=fact,
            block=bc.key, title=bc.title, sentence=s.text if len(s.text) <= 400 else s.text[:400] + "…",
            position=str(loc), line_in_block=line_in + 1,
            **values))


def _printed_line(part, block, line_in: int, pos: int, line: str) -> int:
    """The source line of offset `pos` of a part's (normalised) text, on line `line_in` of the
    block's text (`line`): that line's printed lines are (offset in the line, line number) pairs,
    their offsets counted in the line as read; normalise the text before each to compare."""
    segs = block.sources[line_in][1]
    k = line_in - part.line
    off = pos - (part.breaks[k - 1] if k > 0 else 0)
    text = line.strip()
    base = len(part.heading) if k == 0 and part.heading else 0  # the part's text starts after its heading
    for o, number in reversed(segs):
        if o <= base or len(norm(text[base:o])) <= off:
            return number
    return segs[0][1]
