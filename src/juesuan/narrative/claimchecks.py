"""The checks of one sentence's claims, by kind: counts, amounts, shares, rates, changes, growth
rates and directions (moved out of juesuan.narrative.checks)."""

from __future__ import annotations

from ..checks.rounding import Interval
from ..model import format_amount
from .claims import BlockClaims, Figure, Part, Sentence
from .context import HUNDRED, ZERO, Ctx, _en, _pct, _quot, _s, _sub, stated
from .phrases import norm


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
