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


# ------------------------------------------------------------------ the one wording table
# Every word the text, html and xlsx renderers print comes from here (zh, en), so that a term is
# worded once: `wording(lang)` gives the table of one language; counts and titles below.

WORDS: dict[str, tuple] = {
    "title": ("决算对比", "Comparison"),
    "summary": ("概要", "Summary"),
    "mode": ("模式", "Mode"),
    "auto": ("按表头判断", "from the headers"),
    "forced": ("按指定模式", "mode given"),
    "field": ("项目", "field"),
    "file": ("文件", "file"),
    "year": ("{y} 年度", "FY {y}"),
    "layout_of": ("版式 {l}", "layout {l}"),
    "header_changes": ("表头变化", "Header changes"),
    "info": ("（不计为差异）", " (not counted as a difference)"),
    "rhidden": ("（已按 --ignore-rounding 隐藏）", " (hidden by --ignore-rounding)"),
    "none": ("两份决算没有差异。", "No differences."),
    "unit": ("金额单位：万元", "Amounts in 10,000 yuan (万元)"),
    "key": ("主要指标与上年相比", "Key totals, year over year"),
    "tables": ("逐表变动", "Changes table by table"),
    "table": ("{t}表 {title}", "Table {t} {title}"),
    "other": ("未列入表格的数据", "Facts not printed in a table"),
    "other_short": ("其他", "other"),
    "row": ("行", "row"),
    "column": ("栏", "column"),
    "delta": ("增减", "change"),
    "pct": ("幅度", "change %"),
    "pct_unit": ("幅度(%)", "change (%)"),
    "kind": ("类型", "kind"),
    "wording": ("说明", "wording"),
    "place": ("位置", "place"),
    "new_place": ("位置（新版式）", "place (new layout)"),
    "old_place": ("位置（原版式）", "place (old layout)"),
    "moved": ("原版式位置：{w}", "old layout: {w}"),
    "no_place": ("（本版式无此栏）", "(no cell in this layout)"),
    "new_unplaced": ("新版式无此栏；", "no cell in the new layout; "),
    "amount_row": ("金额", "amount"),
    "counts": ("差异数", "differences"),
    "rows": ("新增与删除的行", "Rows added and removed"),
    "row_added": ("新增行", "added"),
    "row_removed": ("删除行", "removed"),
    "rounding_prefix": ("尾数 ", "Rounding "),
    "rounding_heading": ("尾数差异", "Rounding differences"),
    "rounding_note": ("（|差额| 不超过两值小数位的舍入误差，如 0.01 万元；不计入数值变动）",
                      " (within rounding of the two values' decimals, e.g. 0.01; not counted as changes)"),
    "findings": ("审核发现的变化", "Check findings that changed"),
    "findings_short": ("审核发现", "Findings"),
    "appeared": ("新出现", "appeared"),
    "disappeared": ("已消失", "disappeared"),
    "no_findings": ("审核发现没有变化。", "No change in check findings."),
    "finding_cols": (("变化", "表", "位置", "说明"), ("change", "table", "place", "message")),
    "narrative": ("说明文字（第三部分）的变化", "Narrative (第三部分) changes"),
    "narrative_short": ("说明文字", "Narrative"),
    "narrative_legend": ("（− 原稿中的句子，+ 新稿中的句子）", " (− sentence of the old text, + of the new one)"),
    "narrative_cols": (("段落", "标题", "类型", "原文", "新文"), ("key", "title", "kind", "old", "new")),
    "nskipped": ("说明文字未比较（有一份没有第三部分）", "narrative not compared (one report has none)"),
    "nkind": ({"changed": "改动", "added": "新增", "removed": "删除"},
              {"changed": "changed", "added": "added", "removed": "removed"}),
    "kinds": ({"changed": "变动", "added": "新增", "removed": "删除", "rounding": "尾数差异"},
              {"changed": "changed", "added": "added", "removed": "removed", "rounding": "rounding"}),
    "legend": ((("chg", "数值变动"), ("add", "新增"), ("del", "删除"), ("rnd", "尾数差异")),
               (("chg", "changed"), ("add", "added"), ("del", "removed"), ("rnd", "rounding"))),
}


def wording(lang: str = "zh") -> dict:
    """WORDS in one language: {key: text}."""
    i = 1 if lang == "en" else 0
    return {k: v[i] for k, v in WORDS.items()}


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
        drafts = [side for side, st in zip(side_words("yoy", lang), (old_status, new_status)) if st == "draft"]
        if drafts:  # a draft compared with last year says so
            return f"year over year ({' and '.join(drafts)}: draft)" if en else f"与上年相比（{'、'.join(drafts)}为草稿）"
        return "year over year" if en else "与上年相比"
    if mode == "draft-final":
        a, b = (STATUS_NAMES.get(s, (s, s))[1 if en else 0] for s in (old_status, new_status))
        if old_status == new_status:
            return f"two {a} versions" if en else f"两份{a}对比"
        return f"{a} versus {b}" if en else f"{a}与{b}对比"
    return "comparison" if en else "两份决算对比"
