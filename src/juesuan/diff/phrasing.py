"""The reports' own wording of a change: "增加 37.31 万元，增长 1.87%" / "减少 5.00 万元，下降 2.50%".

第三部分 of a 部门决算 states year-over-year changes in exactly this form (see the reference report:
"与上年相比，增加 37.31 万元，增长 1.87%"). Percentages are of the old value, rounded half up to two
decimals; when the old value is absent or zero there is no percentage.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..model import HEADER_FIELDS, format_amount

CENT = Decimal("0.01")
HEADER_FIELD_NAMES = {f.attr: (f.zh, f.en) for f in HEADER_FIELDS}
STATUS_NAMES = {"draft": ("草稿", "draft"), "final": ("定稿", "final")}


def percent(delta: Decimal, old: Decimal | None) -> Decimal | None:
    """delta as a percentage of old, 2 decimals half up; None when old is None or zero."""
    if old is None or old == 0:
        return None
    p = (delta * 100 / abs(old)).quantize(CENT, rounding=ROUND_HALF_UP)
    return CENT * 0 if p == 0 else p  # no "-0.00"


def amount(v: Decimal | None) -> str:
    return "—" if v is None else format_amount(v)


def signed(v: Decimal | None) -> str:
    if v is None:
        return "—"
    s = format_amount(v)
    return s if s.startswith("-") or s == "0.00" else f"+{s}"


def pct_text(p: Decimal | None) -> str:
    if p is None:
        return "—"
    s = format(p, "f")
    return s + "%" if s.startswith("-") or p == 0 else f"+{s}%"


def phrase(kind: str, old: Decimal | None, new: Decimal | None, delta: Decimal | None,
           pct: Decimal | None, lang: str = "zh") -> str:
    """The sentence fragment for one change, as 第三部分 words it."""
    en = lang == "en"
    if kind == "added":
        return f"new: {amount(new)} (10k yuan)" if en else f"新增 {amount(new)} 万元"
    if kind == "removed":
        return f"removed (was {amount(old)} (10k yuan))" if en else f"删除（原为 {amount(old)} 万元）"
    if delta is None:
        return "—"
    if delta == 0:
        return "unchanged" if en else "持平"
    up = delta > 0
    mag = format_amount(abs(delta))
    if en:
        s = f"{'up' if up else 'down'} {mag} (10k yuan)"
        sign = "" if pct is None or pct == 0 else ("+" if up else "-")
        return s + (f", {sign}{abs(pct)}%" if pct is not None else "")
    s = f"{'增加' if up else '减少'} {mag} 万元"
    return s + (f"，{'增长' if up else '下降'} {abs(pct)}%" if pct is not None else "")


def header_value(field: str, value: str, lang: str = "zh", limit: int = 0) -> str:
    if field == "status" and value in STATUS_NAMES:
        return STATUS_NAMES[value][1 if lang == "en" else 0]
    if limit and len(value) > limit:
        return value[:limit] + "…"
    return value if value else "—"


def header_field(field: str, lang: str = "zh") -> str:
    names = HEADER_FIELD_NAMES.get(field, (field, field))
    return names[1 if lang == "en" else 0]
