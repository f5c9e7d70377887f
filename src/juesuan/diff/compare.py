"""Compare two instances: match facts by concept + classification code, never by position.

A fact is identified by (concept, code) alone, so a 2021-hunan instance compares against a
2024-shanghai one; each change is then placed in both layouts (`Layout.place`) so that a reader sees
the table/row/column labels of the old and of the new report.

Mode (chosen from the headers unless the caller forces one):
  draft-final  same entity, same fiscal year: what changed between a draft and the final, plus the
               table-check findings that appeared and disappeared (`check_instance` on both);
  yoy          same entity, new year = old year + 1: the key totals first (KEY_TOTALS, as
               第三部分's "与上年相比" paragraphs report them), then table by table;
  plain        anything else (different entities, years further apart): the changes only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from ..model import HEADER_FIELDS, Header, Instance
from ..taxonomy import Layout, Taxonomy, load_taxonomy
from .model import Change, DiffResult, HeaderChange, KeyTotal, NarrativeChange, RowChange, squeeze
from .phrasing import percent

if TYPE_CHECKING:
    from ..findings import Finding

CheckFn = Callable[[Instance], Iterable["Finding"]]

# The key totals a year-over-year comparison opens with, in the order 第三部分 reports them.
# (concept, code, zh, en); a function-dim concept without a code is the table's 合计 row.
KEY_TOTALS: tuple[tuple[str, str, str, str], ...] = (
    # 01 总计 (收入 side; equals 支出总计): "收、支总计 … 与上年相比" (第三部分 一)
    ("SumIncGrandTotal", "", "收入总计", "Income grand total"),
    # 01 本年收入合计 (第三部分 二 "收入合计")
    ("SumIncTotal", "", "本年收入合计", "Total income for the year"),
    # 01 本年支出合计: SumExp without a code (第三部分 三 "支出合计")
    ("SumExp", "", "本年支出合计", "Total expenditure for the year"),
    # 04 总计: "财政拨款收、支总计 … 与上年相比" (第三部分 四)
    ("GrantIncGrandTotal", "", "财政拨款收支总计", "Appropriations, grand total"),
    # 04 本年收入合计
    ("GrantIncTotal", "", "财政拨款收入", "Appropriation income"),
    # 04 本年支出合计, 合计 column: GrantExpTotal without a code ("财政拨款支出 … 与上年相比", 第三部分 五)
    ("GrantExpTotal", "", "财政拨款支出", "Appropriation expenditure"),
    # 03 合计 row, 基本支出 / 项目支出 columns (第三部分 三)
    ("ExpBasic", "", "基本支出", "Basic expenditure"),
    ("ExpProject", "", "项目支出", "Project expenditure"),
    # 07 决算数 合计 (第三部分 七)
    ("ThreeActualTotal", "", "“三公”经费支出合计", "“Three public” expenses, total"),
)

# Header fields that make two reports different; the others are presentation or bookkeeping.
MATERIAL_HEADER_FIELDS = ("entity", "uscc", "fiscal_year", "taxonomy", "unit", "status")


# ---------------------------------------------------------------------------------------- placing
def _layout(header: Header) -> tuple[Taxonomy, Layout]:
    tax = load_taxonomy(header.taxonomy)
    return tax, tax.layout(header.layout)


# ---------------------------------------------------------------------------------------- modes
def _same_entity(a: Header, b: Header) -> bool:
    if a.uscc and b.uscc:
        return a.uscc == b.uscc
    return "".join(a.entity.split()) == "".join(b.entity.split()) and bool(a.entity.strip())


def choose_mode(old: Header, new: Header) -> str:
    """draft-final (same entity and year), yoy (same entity, consecutive years), else plain."""
    if _same_entity(old, new):
        if old.fiscal_year == new.fiscal_year:
            return "draft-final"
        if new.fiscal_year == old.fiscal_year + 1:
            return "yoy"
    return "plain"


# ---------------------------------------------------------------------------------------- comparing
def _tolerance(a: int, b: int) -> Decimal:
    """Half a unit is what rounding can move a value; two values rounded independently can differ by
    one unit of the coarser precision (0.01 for amounts in 万元 with two decimals)."""
    return Decimal(1).scaleb(-min(a, b))


# long: the comparison loop and the mode-dependent parts of the result, read top to bottom
def compare(
    old: Instance,
    new: Instance,
    mode: str = "auto",
    ignore_rounding: bool = False,
    check: CheckFn | None = None,
) -> DiffResult:
    """Compare two instances. `check` replaces juesuan.checks.check_instance (draft-final mode)."""
    if mode == "auto":
        chosen, auto = choose_mode(old.header, new.header), True
    elif mode in ("draft-final", "yoy", "plain"):
        chosen, auto = mode, False
    else:
        raise ValueError(f"unknown mode {mode!r}")
    res = DiffResult(
        old=old.header, new=new.header, old_file=old.source, new_file=new.source,
        mode=chosen, mode_auto=auto, rounding_hidden=ignore_rounding, old_instance=old, new_instance=new,
    )
    res.header_changes = list(_header_changes(old.header, new.header))
    res.tables_absent = (tuple(t.id for t in _layout(old.header)[1].tables if not old.has_table(t.id)),
                         tuple(t.id for t in _layout(new.header)[1].tables if not new.has_table(t.id)))
    (tax_old, lo), (tax_new, ln) = _layout(old.header), _layout(new.header)
    oi, ni = old.facts, new.facts  # by (concept, code): the instances' own mappings
    changes: list[Change] = []
    for key, o, n in _pairs(oi, ni):
        if o is not None and n is not None and o.value == n.value:
            continue  # most facts of a draft and its final
        if (o is None and _absent(old, lo, key)) or (n is None and _absent(new, ln, key)):
            continue  # its table was not in that report's source: absent, not blank (res.tables_absent)
        if o is not None and n is not None:
            if o.value == n.value:
                continue
            delta = n.value - o.value
            kind = "changed"
            rounding = abs(delta) <= _tolerance(o.decimals, n.decimals)
        elif n is not None:
            kind, delta, rounding = "added", n.value, False
        else:
            kind, delta, rounding = "removed", -o.value, False
        concept, code = key
        c = tax_new.concepts.get(concept) or tax_old.concepts.get(concept)
        ov = o.value if o is not None else None
        changes.append(Change(
            kind=kind, concept=concept, code=code,
            label_zh=c.zh if c else concept, label_en=c.en if c else concept,
            old=ov, new=n.value if n is not None else None, delta=delta,
            pct=percent(delta, ov) if kind == "changed" else None,
            rounding=rounding, old_place=lo.place(concept, code or None), new_place=ln.place(concept, code or None),
        ))
    changes.sort(key=_order)
    res.changes = [c for c in changes if not c.rounding]
    res.rounding = [c for c in changes if c.rounding]
    res.rows = _row_changes(old, new, (tax_old, lo), (tax_new, ln))
    if chosen == "yoy":
        res.key_totals = [_key_total(old, new, *kt) for kt in KEY_TOTALS]
    if chosen == "draft-final":
        if check is None:
            appeared, disappeared = checked_changes(old, new)
        else:
            appeared, disappeared = finding_changes(check(old), check(new))
        res.checked = True
        res.findings_appeared, res.findings_disappeared = appeared, disappeared
        # a report read from a workbook has no narrative at all: that is the format, not 13 deleted blocks
        if old.narrative and new.narrative:
            res.narrative_compared = True
            res.narrative = narrative_changes(old, new)
    return res


def _pairs(oi, ni) -> Iterator[tuple[tuple[str, str], object, object]]:
    """(key, old fact or None, new fact or None) over the keys of either instance (the changes are
    sorted by place afterwards)."""
    nget = dict(zip(ni.keys(), ni)).get  # Facts iterates its facts in the order of its keys
    for key, o in zip(oi.keys(), oi):
        yield key, o, nget(key)
    for key in ni.keys() - oi.keys():
        yield key, None, ni[key]


def _absent(inst: Instance, lay: Layout, key: tuple[str, str]) -> bool:
    """Is the fact of this key printed in a table the instance's source did not contain?"""
    if not inst.tables:
        return False
    p = lay.place(key[0], key[1] or None)
    return p is not None and not inst.has_table(p.table)


def narrative_changes(old: Instance, new: Instance) -> list[NarrativeChange]:
    """The 第三部分 blocks added, removed or changed, by key, in the new report's order then the old's.
    Text that differs only in white space (line breaks of a re-extraction) is the same text."""
    ob = {b.key: b for b in old.narrative}
    nb = {b.key: b for b in new.narrative}
    keys = [*nb, *(k for k in ob if k not in nb)]
    out = []
    for key in keys:
        o, n = ob.get(key), nb.get(key)
        if o is not None and n is not None:
            if squeeze(o.text) == squeeze(n.text) and squeeze(o.title) == squeeze(n.title):
                continue
            out.append(NarrativeChange("changed", key, n.title or o.title, o.text, n.text))
        elif n is not None:
            out.append(NarrativeChange("added", key, n.title, None, n.text))
        else:
            out.append(NarrativeChange("removed", key, o.title, o.text, None))
    return out


def compare_files(old_path, new_path, mode: str = "auto", ignore_rounding: bool = False,
                  check: CheckFn | None = None) -> DiffResult:
    from ..loader import gc_paused, load_valid  # noqa: PLC0415

    with gc_paused():  # two large instances and their findings (see gc_paused)
        return compare(load_valid(old_path), load_valid(new_path), mode, ignore_rounding, check)


def _order(ch: Change) -> tuple:
    p = ch.new_place or ch.old_place
    if p is None:
        return (1, (), ch.concept, ch.code)
    return (0, p.order, ch.concept, ch.code)


def _header_changes(a: Header, b: Header) -> Iterator[HeaderChange]:
    for name in (f.attr for f in HEADER_FIELDS):
        va, vb = str(getattr(a, name)), str(getattr(b, name))
        if va != vb:
            yield HeaderChange(name, va, vb, name in MATERIAL_HEADER_FIELDS)


def _key_total(old: Instance, new: Instance, concept: str, code: str, zh: str, en: str) -> KeyTotal:
    ov, nv = old.value(concept, code or None), new.value(concept, code or None)
    delta = nv - ov if ov is not None and nv is not None else None
    return KeyTotal(concept, code, zh, en, ov, nv, delta, percent(delta, ov) if delta is not None else None)


def _row_changes(old: Instance, new: Instance, po: tuple[Taxonomy, Layout],
                 pn: tuple[Taxonomy, Layout]) -> list[RowChange]:
    """Classification rows (statement, code) present in one instance and not in the other."""
    def rows(inst: Instance, tax: Taxonomy, lay: Layout, other: Instance, olay: Layout) -> set[tuple[str, str, str]]:
        out = set()
        kinds: dict[str, tuple[str, str] | None] = {}  # concept -> (statement, dim)
        for f in inst.facts:
            if f.code and (not other.tables or not _absent(other, olay, f.key)):
                k = kinds.get(f.concept, False)
                if k is False:
                    c = tax.concepts.get(f.concept)
                    k = kinds[f.concept] = (c.statement, c.dim) if c is not None else None
                if k is not None:
                    out.add((*k, f.code))
        return out

    ro, rn = rows(old, po[0], po[1], new, pn[1]), rows(new, pn[0], pn[1], old, po[1])
    out = []
    for kind, items, (tax, lay) in (("added", rn - ro, pn), ("removed", ro - rn, po)):
        for statement, dim, code in items:
            t = lay.table_for_statement(statement)
            out.append(RowChange(kind, t.id if t else "", t.title if t else statement, code,
                                 tax.codes_for(dim).name(code) or ""))
    out.sort(key=lambda r: (r.kind, r.table, r.code))
    return out


def finding_key(f: Finding) -> tuple[str, str, str, str, str]:
    return (f.code, f.table, f.section, f.row, f.column)


def checked_changes(old: Instance, new: Instance) -> tuple[list[Finding], list[Finding]]:
    """`finding_changes` of juesuan.validate.check_present on both instances, building only the
    findings that appeared or disappeared: first the keys of each side's findings (no rule finding
    built), then the findings of the keys the other side lacks. A large draft whose findings mostly
    stay pays for the comparisons, not for rendering tens of thousands of findings twice."""
    from ..validate import check_present  # noqa: PLC0415 - optional, loaded on use

    def into(keys: set) -> Callable[[tuple], bool]:
        return lambda key: keys.add(key) or False

    ko: set = set()
    kn: set = set()
    check_present(old, keep=into(ko))
    check_present(new, keep=into(kn))
    gone, came = ko - kn, kn - ko
    return finding_changes(check_present(old, keep=gone.__contains__) if gone else [],
                           check_present(new, keep=came.__contains__) if came else [])


def finding_changes(old: Iterable[Finding], new: Iterable[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(appeared, disappeared): findings of new whose key old lacks, and the other way round.

    Findings are compared by (code, table, section, row, column), not by message or values, so a
    finding whose amounts merely changed is neither appeared nor disappeared.
    """
    ok: dict[tuple, Finding] = {}
    for f in old:
        ok.setdefault(finding_key(f), f)
    nk: dict[tuple, Finding] = {}
    for f in new:
        nk.setdefault(finding_key(f), f)
    appeared = [nk[k] for k in sorted(nk.keys() - ok.keys())]
    disappeared = [ok[k] for k in sorted(ok.keys() - nk.keys())]
    return appeared, disappeared
