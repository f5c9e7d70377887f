"""`juesuan draft`: 第三部分 (情况说明) written from an instance's facts, in the standard wording.

Every figure comes from the tables and every percentage is computed from them, rounded half up to
the printed precision (amounts 2 decimals in 万元, percentages 2 decimals), so the narrative checks
find nothing to object to in the figures. What the tables cannot say is left as a marked
placeholder, 【请说明原因】, which the template check (narrative:template) flags until it is filled.
Year-over-year sentences are written only with the prior year's instance (--prior). The sections
are the ones the tables speak to: 一 to 八 (and 九 国有资本经营 in the 2024-shanghai structure).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..model import Instance, format_amount

REASON = "【请说明原因】"
ZERO = Decimal(0)
_CENT = Decimal("0.01")
_CN = "一二三四五六七八九十"


def _pct(num: Decimal, den: Decimal) -> str:
    return format((num / den * 100).quantize(_CENT, rounding=ROUND_HALF_UP), "f")


class _Facts:
    """The instance's figures as the draft reads them (0 when absent), the prior year's (None
    without --prior or where the prior layout has no such cell), the year and the code lists."""

    def __init__(self, inst: Instance, lay, prior: Instance | None, prior_lay, tax):
        self.inst, self.lay, self.prior, self.prior_lay = inst, lay, prior, prior_lay
        self.y = inst.header.fiscal_year
        self.fcodes, self.ecodes = tax.function_codes, tax.economic_codes

    def placed(self, concept: str, code: str | None = None) -> bool:
        return self.lay.place(concept, code) is not None

    def v(self, concept: str, code: str | None = None) -> Decimal:
        return self.inst.value(concept, code) or ZERO

    def pv(self, concept: str, code: str | None = None) -> Decimal | None:
        if self.prior is None or self.prior_lay is None or self.prior_lay.place(concept, code) is None:
            return None
        return self.prior.value(concept, code) or ZERO


def _a(v: Decimal) -> str:
    return format_amount(v) + "万元"


def _yoy(fx: _Facts, concept: str, phrase: str, code: str | None = None) -> str:
    """'与上年相比，收入支出总计增加 X 万元，增长 Y%，主要原因是【请说明原因】。' (empty without --prior)."""
    prev = fx.pv(concept, code)
    if prev is None:
        return ""
    cur = fx.v(concept, code)
    d = cur - prev
    if d == 0:
        return f"与上年相比，{phrase}持平。"
    up = d > 0
    s = f"与上年相比，{phrase}{'增加' if up else '减少'}{_a(abs(d))}"
    if prev > 0:
        s += f"，{'增长' if up else '下降'}{_pct(abs(d), prev)}%"
    return s + f"，主要原因是{REASON}。"


def _shares(fx: _Facts, total: Decimal, items: list[tuple[str, Decimal]]) -> str:
    out = []
    for name, v in items:
        out.append(f"{name}{_a(v)}" + (f"，占{_pct(v, total)}%" if total > 0 else ""))
    return "；".join(out)


Block = tuple[str, list[str]]


def draft_blocks(inst: Instance, prior: Instance | None = None) -> list[Block]:
    """The narrative as (heading, paragraphs) pairs; a paragraph starting with （一） is a sub-heading."""
    from ..taxonomy import load_taxonomy

    tax = load_taxonomy(inst.header.taxonomy)
    lay = tax.layout(inst.header.layout)
    prior_lay = None
    if prior is not None:
        try:
            prior_lay = tax.layout(prior.header.layout)
        except Exception:  # noqa: BLE001 - an unknown layout: no year-over-year sentences
            prior_lay = None
    fx = _Facts(inst, lay, prior, prior_lay, tax)
    return [_overall(fx), _income(fx), _expenditure(fx), _grant_overall(fx), _gpb(fx), _basic(fx), _three(fx),
            *_funds(fx)]


def _overall(fx: _Facts) -> Block:
    """一、收入支出决算总体情况."""
    return ("收入支出决算总体情况说明",
            [f"{fx.y}年度收入支出总计{_a(fx.v('SumIncGrandTotal'))}。" + _yoy(fx, "SumIncGrandTotal", "收入支出总计")])


def _income(fx: _Facts) -> Block:
    """二、收入决算."""
    inc = [("财政拨款收入", "IncGrant"), ("上级补助收入", "IncSuperiorSubsidy"), ("事业收入", "IncService"),
           ("经营收入", "IncOperating"), ("附属单位上缴收入", "IncAffiliatedRemittance"), ("其他收入", "IncOther")]
    total = fx.v("IncTotal")
    items = [(n, fx.v(c)) for n, c in inc if fx.placed(c)]
    return ("收入决算情况说明", [f"{fx.y}年度本年收入合计{_a(total)}，其中：{_shares(fx, total, items)}。"])


def _expenditure(fx: _Facts) -> Block:
    """三、支出决算."""
    exp = [("基本支出", "ExpBasic"), ("项目支出", "ExpProject"), ("上缴上级支出", "ExpRemitSuperior"),
           ("经营支出", "ExpOperating"), ("对附属单位补助支出", "ExpSubsidyAffiliated")]
    total = fx.v("ExpTotal")
    items = [(n, fx.v(c)) for n, c in exp if fx.placed(c)]
    return ("支出决算情况说明", [f"{fx.y}年度本年支出合计{_a(total)}，其中：{_shares(fx, total, items)}。"])


def _grant_overall(fx: _Facts) -> Block:
    """四、财政拨款收入支出决算总体情况."""
    return ("财政拨款收入支出决算总体情况说明",
            [f"{fx.y}年度财政拨款收入支出总计{_a(fx.v('GrantIncGrandTotal'))}。"
             + _yoy(fx, "GrantIncGrandTotal", "财政拨款收入支出总计")])


def _gpb(fx: _Facts) -> Block:
    """五、一般公共预算财政拨款支出决算: the total, its structure by 类, each leaf code."""
    y, gpb, sum_exp = fx.y, fx.v("GpbExpTotal"), fx.v("SumExp")
    p5 = ["（一）一般公共预算财政拨款支出决算总体情况",
          f"{y}年度一般公共预算财政拨款支出{_a(gpb)}" + (f"，占本年支出合计的{_pct(gpb, sum_exp)}%" if sum_exp > 0 else "")
          + "。" + _yoy(fx, "GpbExpTotal", "一般公共预算财政拨款支出")]
    codes = sorted(f.code for f in fx.inst.by_concept("GpbExpTotal") if f.code)
    classes = [c for c in codes if len(c) == 3]
    p5.append("（二）一般公共预算财政拨款支出决算结构情况")
    if classes:
        parts = [f"{fx.fcodes.name(c) or c}（类）{_a(fx.v('GpbExpTotal', c))}"
                 + (f"，占{_pct(fx.v('GpbExpTotal', c), gpb)}%" if gpb > 0 else "") for c in classes]
        p5.append(f"{y}年度一般公共预算财政拨款支出{_a(gpb)}，主要用于以下方面：" + "；".join(parts) + "。")
    else:
        p5.append(f"{y}年度一般公共预算财政拨款支出{_a(gpb)}。")
    p5.append("（三）一般公共预算财政拨款支出决算具体情况")
    leaves = [c for c in codes if not any(o != c and o.startswith(c) for o in codes)]
    if leaves:
        p5.append(f"{y}年度一般公共预算财政拨款支出决算为{_a(gpb)}，其中：")
        for i, c in enumerate(leaves, 1):
            chain = [c[:3]] + ([c[:5]] if len(c) >= 5 else []) + ([c] if len(c) == 7 else [])
            marks = ("（类）", "（款）", "（项）")
            name = "".join(f"{fx.fcodes.name(k) or k}{marks[j]}" for j, k in enumerate(chain))
            p5.append(f"{i}、{name}。")
            p5.append(f"支出决算为{_a(fx.v('GpbExpTotal', c))}。")
    return ("一般公共预算财政拨款支出决算情况说明", p5)


def _basic(fx: _Facts) -> Block:
    """六、基本支出: 人员经费 and 公用经费, each with its share and the items it mainly holds."""
    basic = fx.v("GpbExpBasic")
    pers, pub = fx.v("BasicPersonnelTotal"), fx.v("BasicPublicTotal")

    def names(prefixes):
        return "、".join(fx.ecodes.name(f.code) or f.code
                        for f in sorted(fx.inst.by_concept("BasicExp"), key=lambda f: f.code)
                        if f.code and len(f.code) == 5 and f.code[:3] in prefixes and f.value)

    pn, qn = names(("301", "303")), names(("302", "307", "309", "310", "399"))
    s6 = (f"{fx.y}年度一般公共预算财政拨款基本支出{_a(basic)}，其中：人员经费{_a(pers)}"
          + (f"，占基本支出的{_pct(pers, basic)}%" if basic > 0 else "") + (f"，主要包括{pn}" if pn else "")
          + f"；公用经费{_a(pub)}" + (f"，占基本支出的{_pct(pub, basic)}%" if basic > 0 else "")
          + (f"，主要包括{qn}" if qn else "") + "。")
    return ("一般公共预算财政拨款基本支出决算情况说明", [s6])


def _budget_sentence(name: str, b: Decimal, a: Decimal) -> str:
    """'…支出预算为 B，支出决算为 A，完成预算的 R%。' and, when they differ, the reason to give."""
    s = f"{name}支出预算为{_a(b)}，支出决算为{_a(a)}"
    if b > 0:
        s += f"，完成预算的{_pct(a, b)}%"
    s += "。"
    if a > b:
        s += f"决算数大于预算数的主要原因是{REASON}。"
    elif a < b:
        s += f"决算数小于预算数的主要原因是{REASON}。"
    return s


def _three(fx: _Facts) -> Block:
    """七、“三公”经费: budget against actual in total and per item, then the items' shares."""
    y = fx.y
    p7 = ["（一）“三公”经费财政拨款支出决算总体情况说明"]
    three = [("因公出国（境）费", "Overseas"), ("公务用车购置费", "VehiclePurchase"),
             ("公务用车运行维护费", "VehicleOperation"), ("公务接待费", "Reception")]
    tb, ta = fx.v("ThreeBudgetTotal"), fx.v("ThreeActualTotal")
    p7.append(f"{y}年度" + _budget_sentence("“三公”经费财政拨款", tb, ta)
              + _yoy(fx, "ThreeActualTotal", "“三公”经费财政拨款支出"))
    for name, k in three:
        if fx.placed("ThreeActual" + k):
            p7.append(_budget_sentence(name, fx.v("ThreeBudget" + k), fx.v("ThreeActual" + k)))
    p7.append("（二）“三公”经费财政拨款支出决算具体情况说明")
    if ta > 0:
        parts = [f"{name}支出决算{_a(fx.v('ThreeActual' + k))}，占{_pct(fx.v('ThreeActual' + k), ta)}%"
                 for name, k in (("因公出国（境）费", "Overseas"), ("公务用车购置及运行维护费", "Vehicle"),
                                 ("公务接待费", "Reception")) if fx.placed("ThreeActual" + k)]
        p7.append(f"{y}年度“三公”经费财政拨款支出决算中，" + "；".join(parts) + "。")
    else:
        p7.append(f"{y}年度本单位无“三公”经费财政拨款支出。")
    return ("一般公共预算财政拨款“三公”经费支出决算情况说明", p7)


def _fund(fx: _Facts, prefix: str, name: str, table: str) -> str:
    """A fund's income, carry-over, spending and closing balance, or that the table is empty."""
    y = fx.y
    cs = [f"{prefix}{x}" for x in ("Income", "Opening", "ExpTotal", "ExpBasic", "ExpProject", "Closing")]
    vals = [fx.v(c) for c in cs if fx.placed(c)]
    if not any(vals):
        return f"{y}年度本单位没有{name}收入，也没有使用{name}安排的支出，故{table}表无数据。"
    g = {c: _a(fx.v(c)) for c in cs}
    return (f"{y}年度{name}预算财政拨款收入{g[cs[0]]}；年初结转和结余{g[cs[1]]}；支出{g[cs[2]]}，"
            f"其中基本支出{g[cs[3]]}，项目支出{g[cs[4]]}；年末结转和结余{g[cs[5]]}。")


def _funds(fx: _Facts) -> list[Block]:
    """八、政府性基金; 九、国有资本经营 as its own section in the 2024-shanghai structure, else a
    sentence under 八 when it is empty."""
    shanghai = any(t.id == "09" for t in fx.lay.tables) and fx.lay.id.startswith("2024")
    p8 = [_fund(fx, "Fund", "政府性基金", "08")]
    if not shanghai:
        soe_empty = not any(f.value for f in fx.inst.facts if f.concept.startswith("Soe"))
        if soe_empty:
            p8.append(f"{fx.y}年度本单位无国有资本经营预算财政拨款收入和支出，故09表无数据。")
    out = [("政府性基金预算财政拨款收入支出决算情况说明", p8)]
    if shanghai:
        out.append(("国有资本经营预算财政拨款收入支出决算情况说明", [_fund(fx, "Soe", "国有资本经营", "09")]))
    return out


def draft_text(inst: Instance, prior: Instance | None = None, fmt: str = "text") -> str:
    h = inst.header
    lines = [("# " if fmt == "md" else "") + f"第三部分 {h.entity}{h.fiscal_year}年度部门决算情况说明", ""]
    for i, (head, paras) in enumerate(draft_blocks(inst, prior)):
        lines += [("## " if fmt == "md" else "") + f"{_CN[i] if i < 10 else '十' + _CN[i - 10]}、{head}", ""]
        for p in paras:
            sub = p.startswith("（") and not p.startswith("（" + "类")
            lines += [("### " if fmt == "md" and sub else "") + p, ""]
    return "\n".join(lines)


def draft_docx(inst: Instance, prior: Instance | None = None) -> bytes:
    """The draft as a .docx (python-docx), with fixed zip timestamps and core properties so that
    the same instance always gives the same bytes."""
    import datetime
    import io
    import zipfile

    try:
        import docx  # noqa: PLC0415 - python-docx, optional
        from docx.oxml.ns import qn
        from docx.shared import Pt
    except ImportError:
        from ..errors import OutputError

        raise OutputError("writing .docx needs python-docx: pip install 'juesuan[docx]'", code="output:docx-extra",
                          values={"package": "python-docx", "command": "pip install 'juesuan[docx]'"}) from None
    h = inst.header
    doc = docx.Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")
    when = datetime.datetime(h.fiscal_year + 1, 1, 1)
    cp = doc.core_properties
    cp.created = cp.modified = when
    cp.last_printed = when
    cp.author = cp.last_modified_by = "juesuan"
    cp.revision = 1
    cp.title = f"{h.entity}{h.fiscal_year}年度部门决算情况说明"
    doc.add_heading(f"第三部分 {h.entity}{h.fiscal_year}年度部门决算情况说明", level=1)
    for i, (head, paras) in enumerate(draft_blocks(inst, prior)):
        doc.add_heading(f"{_CN[i] if i < 10 else '十' + _CN[i - 10]}、{head}", level=2)
        for p in paras:
            if p.startswith("（") and p[1] in _CN:
                doc.add_heading(p, level=3)
            else:
                doc.add_paragraph(p)
    raw = io.BytesIO()
    doc.save(raw)
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return fixed.getvalue()
