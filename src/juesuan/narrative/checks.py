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

The checks live in .context (intervals, Ctx), .claimchecks (one sentence's claims by kind) and
.partchecks (sums, totals, items, empty tables); this module runs them and re-exports their names.
"""

from __future__ import annotations

from ..findings import Finding
from ..model import Instance, Location
from .claimchecks import _check_sentence
from .claims import BlockClaims, FunctionNames, extract_block
from .context import HUNDRED, ZERO, Ctx, stated  # noqa: F401 - re-exported
from .partchecks import _check_empty_tables, _check_items, _check_sums, _check_totals
from .phrases import Catalogue, catalogue_of

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


def check_narrative(inst: Instance, prior: Instance | None = None, verbose: bool = False) -> list[Finding]:
    """The narrative's findings. Memoised: the findings depend only on the header, the blocks, and
    the facts the checks look at, so a repeated check of an unchanged report compares those facts'
    values with the last run's and returns its findings."""
    h = inst.header
    key = (inst.source, h.entity, h.fiscal_year, h.taxonomy, h.layout, verbose,
           None if prior is None else (prior.source, prior.header.layout, prior.header.fiscal_year),
           tuple((b.key, b.title, b.text, b.location, b.sources) for b in inst.narrative))
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


def checked_sentences(inst: Instance, prior: Instance | None = None) -> list[tuple[str, str]]:
    """(block key, sentence text) of the sentences with a figure the checks compared with the tables
    (for the validation report's "holds" marks; a sentence with a finding is marked by the finding)."""
    from ..taxonomy import load_taxonomy

    tax = load_taxonomy(inst.header.taxonomy)
    lay = tax.layout(inst.header.layout)
    cat = catalogue_of(tax)
    ctx = Ctx(inst, tax, lay, prior, cat)
    out = []
    for block, bc in block_claims(inst, tax, cat):
        _check_block(ctx, block, bc)
        out += [(bc.key, s.text) for s in bc.sentences() if any(id(f) in ctx.checked for f in s.figures)]
    return out


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
            ctx.emit("narrative:year", bc, first, block, stated=str(y), expected=str(fy), where_zh="标题", where_en="title",
                     title=True)
    for part in bc.parts:
        for s in part.sentences:
            _check_sentence(ctx, block, bc, part, s, fy)
        _check_sums(ctx, block, bc, part)
        _check_totals(ctx, block, bc, part)
        _check_items(ctx, block, bc, part)
