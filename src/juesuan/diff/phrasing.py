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


# ------------------------------------------------------------------ the one wording table of summaries
# (the renderers take counts, titles and column heads from here; en plurals by count)

COUNT_WORDS = {  # key of DiffResult.counts(): (zh, en one, en many)
    "changed": ("数值变动 {n} 处", "{n} value changed", "{n} values changed"),
    "added": ("新增 {n} 处", "{n} value added", "{n} values added"),
    "removed": ("删除 {n} 处", "{n} value removed", "{n} values removed"),
    "rounding": ("尾数差异 {n} 处", "{n} rounding difference", "{n} rounding differences"),
    "rows_added": ("新增行 {n} 个", "{n} row added", "{n} rows added"),
    "rows_removed": ("删除行 {n} 个", "{n} row removed", "{n} rows removed"),
    "findings_appeared": ("审核发现新出现 {n} 条", "{n} check finding appeared", "{n} check findings appeared"),
    "findings_disappeared": ("审核发现已消失 {n} 条", "{n} check finding disappeared", "{n} check findings disappeared"),
    "narrative_changed": ("说明文字变动 {n} 段", "{n} narrative block changed", "{n} narrative blocks changed"),
}
COUNT_LABELS = {  # the same as a column head (xlsx summary): label, then the number beside it
    "changed": ("数值变动（处）", "values changed"), "added": ("新增（处）", "values added"),
    "removed": ("删除（处）", "values removed"), "rounding": ("尾数差异（处）", "rounding differences"),
    "rows_added": ("新增行（个）", "rows added"), "rows_removed": ("删除行（个）", "rows removed"),
    "findings_appeared": ("审核发现新出现（条）", "check findings appeared"),
    "findings_disappeared": ("审核发现已消失（条）", "check findings disappeared"),
    "narrative_changed": ("说明文字变动（段）", "narrative blocks changed"),
}
KEY_COLS = {"zh": ("项目", "上年", "本年", "增减", "幅度", "说明"),
            "en": ("item", "last year", "this year", "change", "change %", "wording")}
SIDE_WORDS = {  # (old, new) by mode: year over year the two sides are last year and this year
    "yoy": (("上年", "本年"), ("last year", "this year")),
    "draft-final": (("原稿", "新稿"), ("old", "new")),
    "plain": (("原", "新"), ("old", "new")),
}


def count_text(key: str, n: int, lang: str = "zh") -> str:
    zh, one, many = COUNT_WORDS[key]
    return (one if n == 1 else many).format(n=n) if lang == "en" else zh.format(n=n)


def count_label(key: str, lang: str = "zh") -> str:
    return COUNT_LABELS[key][1 if lang == "en" else 0]


def side_words(mode: str, lang: str = "zh") -> tuple[str, str]:
    return SIDE_WORDS.get(mode, SIDE_WORDS["plain"])[1 if lang == "en" else 0]


def mode_title(mode: str, old_status: str, new_status: str, lang: str = "zh") -> str:
    """What the comparison is, by mode and by the two statuses: draft-final of a draft and its final
    is 草稿与定稿对比; two finals of the same entity and year are 两份定稿对比, and so on."""
    en = lang == "en"
    if mode == "yoy":
        return "year over year" if en else "与上年相比"
    if mode == "draft-final":
        a, b = (STATUS_NAMES.get(s, (s, s))[1 if en else 0] for s in (old_status, new_status))
        if old_status == new_status:
            return f"two {a} versions" if en else f"两份{a}对比"
        return f"{a} versus {b}" if en else f"{a}与{b}对比"
    return "comparison" if en else "两份决算对比"
