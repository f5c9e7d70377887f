"""The narrative checked against the tables, with the table rules' rounding intervals.

A printed figure stands for its rounding interval at the precision it is printed with ("20 万元" is
[19.5, 20.5], "1.64 万元" [1.635, 1.645], "71.73%" [71.725, 71.735]; a stated 0 is exactly 0). A share,
rate or growth computed from printed figures is the quotient of their intervals. A claim is
consistent when the interval it states meets the interval computed from the tables (or from the
other figures the sentence states): a gap that rounding explains is never a finding.

`check_narrative(inst, prior=None, verbose=False)` returns the findings (codes `narrative:*`,
declared in messages/narrative.toml), ending with one `narrative:coverage` info finding that counts,
per block, the figures found, bound and checked (with `verbose`, a `narrative:unbound` finding per
block lists the figures not bound).
"""

from __future__ import annotations

from decimal import Decimal

from ..checks.rounding import Interval
from ..findings import Finding
from ..model import Instance, Location, format_amount
from .claims import BlockClaims, Figure, FunctionNames, Part, Sentence, extract_block
from .phrases import Catalogue, catalogue_of, norm

ZERO = Decimal(0)
HUNDRED = Decimal(100)
_CACHE: dict[tuple, BlockClaims] = {}
_CACHE_MAX = 512
_NAMES: dict[str, FunctionNames] = {}


def block_claims(inst: Instance, tax, cat: Catalogue) -> list[tuple[object, BlockClaims]]:
    """Claims of every block (cached per taxonomy, title and text: extraction needs nothing else)."""
    names = _NAMES.get(tax.id)
    if names is None:
        names = _NAMES[tax.id] = FunctionNames(tax.function_codes)
    out = []
    for b in inst.narrative:
        key = (tax.id, b.key, b.title, b.text)
        bc = _CACHE.get(key)
        if bc is None:
            if len(_CACHE) >= _CACHE_MAX:
                _CACHE.clear()
            bc = _CACHE[key] = extract_block(b.key, b.title, b.text, cat, names)
        out.append((b, bc))
    return out


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
             **values) -> None:
        loc = block.location
        line_in = s.part.line_of(s.start)
        if loc.xpath.startswith("/w:document/w:body/w:p[") and loc.line is None:  # a .docx paragraph
            n = int(loc.xpath[len("/w:document/w:body/w:p["):-1])
            loc = Location(file=loc.file, xpath=f"/w:document/w:body/w:p[{n + line_in + 1}]")
        elif loc.line is not None:
            line = _text_source_line(loc, block.text, line_in) if not loc.sheet else None
            loc = Location(file=loc.file or self.inst.source, sheet=loc.sheet,
                           line=line if line is not None else loc.line + line_in, xpath=loc.xpath)
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


_MEMO: dict[tuple, tuple[tuple, tuple, list[Finding]]] = {}


_STATEMENT: dict[str, dict[str, str]] = {}


def _signature(inst: Instance, prior: Instance | None, seen) -> tuple:
    """The values of the facts the checks looked at (and the fact count of the tables whose
    emptiness they judged): equal signatures give equal findings."""
    get = inst.facts.get
    pget = prior.facts.get if prior is not None else None
    out = []
    counts = None
    for which, concept, code in seen:
        if which == "count":
            if counts is None:
                stmt = _STATEMENT.get(inst.header.taxonomy)
                if stmt is None:
                    from ..taxonomy import load_taxonomy

                    tax = load_taxonomy(inst.header.taxonomy)
                    stmt = _STATEMENT[tax.id] = {c: k.statement for c, k in tax.concepts.items()}
                counts = {}
                for f in inst.facts:
                    st = stmt.get(f.concept, "")
                    counts[st] = counts.get(st, 0) + 1
            out.append(counts.get(concept, 0))
            continue
        f = get(concept, code) if which == "this" else pget(concept, code)
        out.append(None if f is None else (f.value, f.decimals, f.origin))
    return tuple(out)


_SOURCE_LINES: dict[str, list[str]] = {}


def _text_source_line(loc: Location, text: str, line_in: int) -> int | None:
    """The line of a text source (.txt / .md) where line `line_in` of a block's text was read: the
    reader keeps the non-blank lines after the heading, so count them in the file. None when the
    location is not a text file that still holds the block."""
    path = loc.file
    if not path.lower().endswith((".txt", ".text", ".md", ".markdown")):
        return None
    lines = _SOURCE_LINES.get(path)
    if lines is None:
        try:
            with open(path, "rb") as fh:
                data = fh.read(32 * 1024 * 1024)
            lines = data.decode("utf-8-sig", errors="replace").splitlines()
        except OSError:
            return None
        if len(_SOURCE_LINES) > 8:
            _SOURCE_LINES.clear()
        _SOURCE_LINES[path] = lines
    body = text.split("\n")
    if not body or loc.line is None or loc.line > len(lines):
        return None
    first = body[0].strip()
    start = loc.line - 1  # the heading's line: the text may start on it (after the title)
    nonblank = [i for i in range(start, len(lines)) if lines[i].strip()]
    if not nonblank:
        return None
    j0 = 0 if lines[nonblank[0]].strip().endswith(first) else 1  # text starting on the heading's line, or after it
    k = j0 + line_in
    if k >= len(nonblank) or lines[nonblank[k]].strip().lstrip("#*->").strip() != body[line_in].strip():
        return None
    return nonblank[k] + 1


def check_narrative(inst: Instance, prior: Instance | None = None, verbose: bool = False) -> list[Finding]:
    """The narrative's findings. Memoised: the findings depend only on the header, the blocks, and
    the facts the checks look at, so a repeated check of an unchanged report compares those facts'
    values with the last run's and returns its findings."""
    h = inst.header
    key = (inst.source, h.entity, h.fiscal_year, h.taxonomy, h.layout, verbose,
           None if prior is None else (prior.source, prior.header.layout, prior.header.fiscal_year),
           tuple((b.key, b.title, b.text, b.location) for b in inst.narrative))
    hit = _MEMO.get(key)
    if hit is not None:
        seen, sig, found = hit
        if _signature(inst, prior, seen) == sig:
            return list(found)
    found, seen = _check_narrative(inst, prior, verbose)
    seen = tuple(dict.fromkeys(seen))
    if len(_MEMO) > 64:
        _MEMO.clear()
    _MEMO[key] = (seen, _signature(inst, prior, seen), found)
    return list(found)


def _check_narrative(inst: Instance, prior: Instance | None, verbose: bool):
    from ..taxonomy import load_taxonomy

    tax = load_taxonomy(inst.header.taxonomy)
    lay = tax.layout(inst.header.layout)
    cat = catalogue_of(tax)
    ctx = Ctx(inst, tax, lay, prior, cat)
    blocks = block_claims(inst, tax, cat)
    coverage = []
    for block, bc in blocks:
        _check_block(ctx, block, bc)
        figs = [f for f in bc.figures()]
        n_found = len(figs)
        n_bound = sum(1 for f in figs if id(f) in ctx.bound or id(f) in ctx.checked)
        n_checked = sum(1 for f in figs if id(f) in ctx.checked)
        coverage.append((bc.key, n_found, n_bound, n_checked))
        if verbose:
            loose = [f for f in figs if id(f) not in ctx.bound and id(f) not in ctx.checked]
            if loose:
                ctx.findings.append(Finding.of(
                    "narrative:unbound", block.location, file=inst.source, block=bc.key, title=bc.title,
                    n=len(loose), figures="; ".join(f"{f.label}{f.text}" for f in loose)))
    _check_empty_tables(ctx, blocks)
    if blocks:
        tot = [sum(c[i] for c in coverage) for i in (1, 2, 3)]
        per = ", ".join(f"{k} {a}/{b}/{c}" for k, a, b, c in coverage)
        ctx.findings.append(Finding.of("narrative:coverage", Location(file=inst.source), file=inst.source,
                                       found=tot[0], bound=tot[1], checked=tot[2], blocks=per,
                                       per_block=[{"block": k, "found": a, "bound": b, "checked": c}
                                                  for k, a, b, c in coverage]))
    return ctx.findings, tuple(ctx.seen)


def _check_block(ctx: Ctx, block, bc: BlockClaims) -> None:
    fy = ctx.inst.header.fiscal_year
    first = next(iter(bc.sentences()), None)
    for y in bc.title_years:
        if y != fy and first is not None:
            ctx.emit("narrative:year", bc, first, block, stated=str(y), expected=str(fy), where_zh="标题", where_en="title")
    for part in bc.parts:
        for s in part.sentences:
            _check_sentence(ctx, block, bc, part, s, fy)
        _check_sums(ctx, block, bc, part)
        _check_totals(ctx, block, bc, part)
        _check_items(ctx, block, bc, part)


def _check_sentence(ctx: Ctx, block, bc: BlockClaims, part: Part, s: Sentence, fy: int) -> None:
    if s.template:
        ctx.emit("narrative:template", bc, s, block, stated="、".join(dict.fromkeys(s.template)),
                 n=len(dict.fromkeys(s.template)))
    for y, kind in s.years:
        want = fy if kind == "current" else fy - 1
        if y != want:
            ctx.emit("narrative:year", bc, s, block, stated=str(y), expected=str(want),
                     where_zh="本年" if kind == "current" else "上年", where_en="this year" if kind == "current" else "last year")
    for y, m, d, text in s.dates:
        if (y, m, d) != (fy, 12, 31):
            ctx.emit("narrative:date", bc, s, block, stated=text, stated_en=f"{y}-{m:02d}-{d:02d}", expected=f"{fy}-12-31")
    if s.org and norm(s.org) != norm(ctx.inst.header.entity):
        ctx.emit("narrative:entity", bc, s, block, stated=s.org, expected=ctx.inst.header.entity)
    for f in s.figures:
        if f.why:
            continue
        k = f.kind
        if k == "amount":
            _check_amount(ctx, block, bc, s, f)
        elif k == "share":
            _check_share(ctx, block, bc, part, s, f)
        elif k == "rate":
            _check_rate(ctx, block, bc, s, f)
        elif k == "change":
            _check_change(ctx, block, bc, s, f)
        elif k == "growth":
            _check_growth(ctx, block, bc, s, f)
    if s.direction is not None:
        _check_direction(ctx, block, bc, s)
    _check_counts(ctx, block, bc, s)
    if s.flat is not None and ctx.prior is not None:
        subj, _ = s.flat
        if subj is not None and subj[0] is not None:
            c = subj[0].actual
            cur, prev = ctx.fact(c, subj[1]), ctx.fact(c, subj[1], "prior")
            if cur is not None and prev is not None and not cur[0].overlaps(prev[0]):
                ctx.emit("narrative:yoy-direction", bc, s, block, r=cur, stated="持平", concept=c,
                         table_value=format_amount(cur[1]), prior_value=format_amount(prev[1]),
                         table_interval=_s(cur[0]), prior_interval=_s(prev[0]))


def _check_counts(ctx: Ctx, block, bc, s: Sentence) -> None:
    """'共有车辆 N 辆，其中：… a 辆、… b 辆': the items add up to the total (counts are exact)."""
    counts = [f for f in s.figures if f.kind == "count"]
    for i, t in enumerate(counts):
        if "共" not in t.label:
            continue
        k = s.text.find("其中", t.start)
        if k == -1:
            continue
        items = []
        for g in counts[i + 1:]:
            if g.unit != t.unit or "共" in g.label:
                break
            items.append(g)
        if len(items) < 2 or items[0].start < k:
            continue
        for g in (t, *items):
            ctx.bound.add(id(g))
            ctx.checked.add(id(g))
        total = sum((g.value for g in items), ZERO)
        if total != t.value:
            ctx.emit("narrative:count-sum", bc, s, block, t, computed=f"{total}", stated_en=str(t.value))


def _check_amount(ctx: Ctx, block, bc, s, f: Figure) -> None:
    if f.concept is None:
        if f.subject is not None:
            ctx.bound.add(id(f))  # a 预算 figure without a table concept: used by rates and directions
        return
    r = ctx.fact(f.concept, f.code)
    if r is None:
        return
    ctx.bound.add(id(f))
    iv, value, fact = r[0], r[1], r[2]
    if f.partial and fact is None:
        return
    ctx.checked.add(id(f))
    st = stated(f)
    if st.overlaps(iv):
        return
    if f.partial:
        code = "narrative:partial-amount"
    elif f.value == 0 and f.decimals <= 0:
        code = "narrative:zero-amount"
    else:
        code = "narrative:amount"
    ctx.emit(code, bc, s, block, f, r, concept=f.concept, fact_code=f.code or "", cell=ctx.cell(r, f.concept, f.code),
             table_value=format_amount(value), stated_interval=_s(st), table_interval=_s(iv),
             label=f.label, label_en=ctx.tax.concepts[f.concept].en)


def _share_base(ctx: Ctx, part: Part, s: Sentence, f: Figure):
    """(interval, description, fact result or None) of the base a share is of, or None."""
    den = f.base_label
    if den:
        best = None
        for p, b in part.section.phrases:
            if p in den and (best is None or len(p) > len(best[0])):
                best = (p, b)
        if best is not None and best[1].actual is not None:
            r = ctx.fact(best[1].actual, best[1].code)
            if r is not None:
                return r[0], ctx.cell(r, best[1].actual, best[1].code), r, format_amount(r[1])
        for s2 in part.sentences:  # a figure stated in the same part with that label
            for g in s2.figures:
                if g.kind == "amount" and g is not f.base and den in g.label:
                    return ctx.tight(g), g.label + g.text, None, _en(g)
            if s2 is s:
                break
        return None
    if s.total is not None and s.total is not f.base:
        return ctx.tight(s.total), s.total.label + s.total.text, None, _en(s.total)
    base = part.section.share_base
    if base:
        r = ctx.fact(base, None)
        if r is not None:
            return r[0], ctx.cell(r, base, None), r, format_amount(r[1])
    return None


def _check_share(ctx: Ctx, block, bc, part, s, f: Figure) -> None:
    if f.base is None:
        return
    b = _share_base(ctx, part, s, f)
    if b is None:
        return
    ctx.bound.add(id(f))
    den, what, r, what_en = b
    num = ctx.tight(f.base)
    q = _quot(num, den)
    if q is None:
        return
    ctx.checked.add(id(f))
    st = stated(f)
    mid = (f.base.value / ((den.low + den.high) / 2) * HUNDRED) if den.low > 0 else ZERO
    if not st.overlaps(q):
        ctx.emit("narrative:share", bc, s, block, f, r, numerator=f.base.text, base=what, computed=_pct(mid),
                 numerator_en=_en(f.base), base_en=what_en,
                 stated_interval=_s(st), computed_interval=_s(q))
    if f.value > HUNDRED:
        ctx.emit("narrative:share-over-100", bc, s, block, f, r, numerator=f.base.text, base=what,
                 numerator_en=_en(f.base), base_en=what_en,
                 computed=_pct(mid), computed_interval=_s(q))


def _pair_value(ctx: Ctx, pair: dict, subj, role: str):
    """(interval, text) of the subject's 决算 or 预算: stated in the text, else its table fact."""
    g = pair.get(role) if pair else None
    if g is not None:
        return ctx.tight(g), g.text, _en(g)
    if subj is None or subj[0] is None:
        return None
    c = subj[0].concept(role)
    r = ctx.fact(c, subj[1])
    if r is None:
        return None
    return r[0], format_amount(r[1]) + "（" + ctx.cell(r, c, subj[1]) + "）", format_amount(r[1]) + f" (table {r[3].table})"


def _check_rate(ctx: Ctx, block, bc, s, f: Figure) -> None:
    pair = f.base or {}
    a = _pair_value(ctx, pair, f.subject, "actual")
    b = _pair_value(ctx, pair, f.subject, "budget")
    if a is None or b is None:
        return
    ctx.bound.add(id(f))
    ctx.checked.add(id(f))
    for g in pair.values():  # the 决算 and 预算 figures the rate is computed from
        ctx.checked.add(id(g))
    if b[0].high <= 0:
        ctx.emit("narrative:zero-base", bc, s, block, f, actual=a[1], base=b[1], actual_en=a[2], base_en=b[2])
        return
    q = _quot(a[0], b[0])
    st = stated(f)
    if q is not None and not st.overlaps(q):
        mid = (a[0].low + a[0].high) / (b[0].low + b[0].high) * HUNDRED
        ctx.emit("narrative:rate", bc, s, block, f, actual=a[1], budget=b[1], computed=_pct(mid),
                 actual_en=a[2], budget_en=b[2],
                 stated_interval=_s(st), computed_interval=_s(q))


def _yoy(ctx: Ctx, f: Figure):
    """(this year's, last year's) table results of the figure's subject, when --prior gives both."""
    if ctx.prior is None or f.subject is None or f.subject[0] is None:
        return None
    c = f.subject[0].actual
    cur, prev = ctx.fact(c, f.subject[1]), ctx.fact(c, f.subject[1], "prior")
    if cur is None or prev is None:
        return None
    return c, cur, prev


def _check_change(ctx: Ctx, block, bc, s, f: Figure) -> None:
    y = _yoy(ctx, f)
    if y is None:
        if f.base is not None:
            ctx.bound.add(id(f))
        return
    c, cur, prev = y
    ctx.bound.add(id(f))
    ctx.checked.add(id(f))
    diff = _sub(cur[0], prev[0])
    st = stated(f)
    signed = Interval(st.low * f.sign, st.high * f.sign) if f.sign > 0 else Interval(-st.high, -st.low)
    if not signed.overlaps(diff):
        ctx.emit("narrative:change", bc, s, block, f, cur, concept=c, direction="增加" if f.sign > 0 else "减少",
                 signed_en=("+" if f.sign > 0 else "-") + _en(f),
                 table_value=format_amount(cur[1]), prior_value=format_amount(prev[1]),
                 computed=format_amount(cur[1] - prev[1]), stated_interval=_s(signed), computed_interval=_s(diff))


def _check_growth(ctx: Ctx, block, bc, s, f: Figure) -> None:
    st = stated(f)
    signed = st if f.sign > 0 else Interval(-st.high, -st.low)
    y = _yoy(ctx, f)
    if y is not None:
        c, cur, prev = y
        ctx.bound.add(id(f))
        ctx.checked.add(id(f))
        if prev[0].high <= 0:
            ctx.emit("narrative:zero-base", bc, s, block, f, cur, actual=format_amount(cur[1]),
                     base=format_amount(prev[1]), actual_en=format_amount(cur[1]), base_en=format_amount(prev[1]))
            return
        q = _quot(_sub(cur[0], prev[0]), prev[0])
        mid = (cur[1] - prev[1]) / prev[1] * HUNDRED if prev[1] else ZERO
        if q is not None and not signed.overlaps(q):
            ctx.emit("narrative:growth", bc, s, block, f, cur, change=format_amount(cur[1] - prev[1]),
                     prior=format_amount(prev[1]), computed=_pct(mid), stated_interval=_s(signed),
                     signed_en=("+" if f.sign > 0 else "-") + _en(f), change_en=format_amount(cur[1] - prev[1]),
                     prior_en=format_amount(prev[1]),
                     computed_interval=_s(q))
        return
    ch, base = f.change, f.base
    if ch is None or base is None:
        return  # without --prior a growth rate is checked only against the figures the sentence states
    ctx.bound.add(id(f))
    ctx.checked.add(id(f))
    ctx.checked.add(id(ch))  # the change is checked with the rate: rate = change / (current - change)
    cur = ctx.tight(base)
    chi = stated(ch)
    change = chi if ch.sign > 0 else Interval(-chi.high, -chi.low)
    prev = _sub(cur, change)
    if prev.high <= 0:
        ctx.emit("narrative:zero-base", bc, s, block, f, actual=base.text, base=format_amount(base.value - ch.sign * ch.value),
                 actual_en=_en(base), base_en=format_amount(base.value - ch.sign * ch.value))
        return
    q = _quot(change, prev)
    if q is not None and not signed.overlaps(q):
        p = base.value - ch.sign * ch.value
        mid = ch.sign * ch.value / p * HUNDRED if p else ZERO
        ctx.emit("narrative:growth", bc, s, block, f, change=ch.text, prior=format_amount(p), computed=_pct(mid),
                 signed_en=("+" if f.sign > 0 else "-") + _en(f), change_en=_en(ch), prior_en=format_amount(p),
                 stated_interval=_s(signed), computed_interval=_s(q))


_MORE = ("大于", "高于", "超过")
_LESS = ("小于", "低于")


def _check_direction(ctx: Ctx, block, bc, s: Sentence) -> None:
    word, subj, pair = s.direction
    a = _pair_value(ctx, pair, subj, "actual")
    b = _pair_value(ctx, pair, subj, "budget")
    if a is None or b is None:
        return
    ai, bi = a[0], b[0]
    if word in _MORE:
        ok = ai.high > bi.low
    elif word in _LESS:
        ok = ai.low < bi.high
    else:
        ok = ai.overlaps(bi)
    if not ok:
        ctx.emit("narrative:direction", bc, s, block, stated=word, actual=a[1], budget=b[1], actual_en=a[2],
                 budget_en=b[2], word_en="more than" if word in _MORE else ("less than" if word in _LESS else "equal to"),
                 actual_interval=_s(ai), budget_interval=_s(bi))


def _check_sums(ctx: Ctx, block, bc, part: Part) -> None:
    amounts = [f for s in part.sentences for f in s.figures if f.kind == "amount" and f.why in ("", "label")]
    for totals, items in part.section.sums:
        for i, t in enumerate(amounts):
            if not any(x in t.label for x in totals):
                continue
            found = []
            for words in items:
                g = next((g for g in amounts[i + 1:] if any(w in g.label for w in words)), None)
                if g is None:
                    break
                found.append(g)
            if len(found) != len(items):
                continue
            ti = ctx.tight(t)
            si = Interval.exact(ZERO)
            for g in found:
                si = si + ctx.tight(g)
            for g in (t, *found):
                ctx.bound.add(id(g))
                ctx.checked.add(id(g))
            if not ti.overlaps(si):
                total = sum((g.value for g in found), ZERO)
                ctx.emit("narrative:sum", bc, t.sentence, block, t, items=" + ".join(g.text for g in found),
                         items_en=" + ".join(_en(g) for g in found),
                         computed=format_amount(total), stated_interval=_s(ti), computed_interval=_s(si))
            break


def _check_totals(ctx: Ctx, block, bc, part: Part) -> None:
    """[[total]]: a total and its items stated in words, by concept (the first figure of each after
    the total; function-coded figures are not these concepts' 合计 and are left out)."""
    figs = [f for s in part.sentences for f in s.figures
            if f.kind == "amount" and f.concept and not f.why and not f.code]
    if len(figs) < 3:
        return
    for total, items, optional in ctx.cat.totals:
        t = next((f for f in figs if f.concept == total), None)
        if t is None:
            continue
        after = figs[figs.index(t) + 1:]
        first: dict[str, Figure] = {}
        for f in after:
            first.setdefault(f.concept, f)
        chosen: list[Figure] = []
        missing = 0
        for alts in items:
            alt = next((a for a in alts if all(c in first for c in a)), None)
            if alt is None:
                missing += 1
                continue
            chosen.extend(first[c] for c in alt)
        if (missing and not optional) or len(chosen) < 2:
            continue
        si = Interval.exact(ZERO)
        for g in chosen:
            si = si + ctx.tight(g)
        ti = ctx.tight(t)
        for g in (t, *chosen):
            ctx.checked.add(id(g))
        if not ti.overlaps(si):
            ctx.emit("narrative:sum", bc, t.sentence, block, t, items=" + ".join(g.text for g in chosen),
                     items_en=" + ".join(_en(g) for g in chosen),
                     computed=format_amount(sum((g.value for g in chosen), ZERO)),
                     stated_interval=_s(ti), computed_interval=_s(si))


def _check_items(ctx: Ctx, block, bc, part: Part) -> None:
    """Function-coded figures stated after their total (其中：1、…) add up to it, per role."""
    groups: dict = {}
    for s in part.sentences:
        for f in s.figures:
            if f.kind == "amount" and f.binding is not None and f.binding.function and not f.why:
                groups.setdefault((id(f.binding), f.role), []).append(f)
    for figs in groups.values():
        total = next((f for f in figs if f.code is None), None)
        if total is None:
            continue
        items = [f for f in figs[figs.index(total) + 1:] if f.code]
        if len(items) < 2 or len({len(f.code) for f in items}) != 1 or len({f.code for f in items}) != len(items):
            continue
        si = Interval.exact(ZERO)
        for g in items:
            si = si + ctx.tight(g)
        ti = ctx.tight(total)
        for g in (total, *items):
            ctx.bound.add(id(g))
            ctx.checked.add(id(g))
        if not ti.overlaps(si):
            ctx.emit("narrative:items-sum", bc, total.sentence, block, total, n=len(items),
                     computed=format_amount(sum((g.value for g in items), ZERO)),
                     stated_interval=_s(ti), computed_interval=_s(si))


def _check_empty_tables(ctx: Ctx, blocks) -> None:
    cat = ctx.cat
    tables = {t.id: t for t in ctx.lay.tables}
    for sec in cat.sections:
        tid = sec.empty_table
        if not tid or tid not in tables:
            continue
        if not ctx.inst.has_table(tid):
            continue
        stmt = tables[tid].statement
        concepts = {c for c, con in ctx.tax.concepts.items() if con.statement == stmt}
        present = [f for f in ctx.inst.facts if f.concept in concepts]
        ctx.seen.extend(("this", f.concept, f.code) for f in present)
        ctx.seen.append(("count", stmt, len(present)))
        if any(f.value != 0 for f in present):
            continue
        if not any(part.section is sec for _, bc in blocks for part in bc.parts):
            continue  # the narrative has no part for this table (a 2021-hunan text has no 09 section)
        said = False
        for _, bc in blocks:
            for part in bc.parts:
                mine = part.section is sec
                for s in part.sentences:
                    if any(w in s.text for w in cat.none_said) and (mine or any(k in s.text for k in sec.titles)):
                        said = True
        if not said:
            ctx.findings.append(Finding.of("narrative:empty-table", Location(file=ctx.inst.source), table=tid,
                                           file=ctx.inst.source, tid=tid, title=tables[tid].title,
                                           title_en=ctx.tax.statements.get(stmt, {}).get("en", tid)))
