"""The checks over a whole part of the narrative (stated sums, [[total]]s, function-coded items
adding up to their total) and over the whole narrative (a table with nothing in it is said to be
empty); moved out of juesuan.narrative.checks."""

from __future__ import annotations

from ..checks.rounding import Interval
from ..findings import Finding
from ..model import Location, format_amount
from .claims import Figure, Part
from .context import ZERO, Ctx, _en, _s


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
