"""Text for a terminal: Chinese labels (English with lang="en"), columns aligned by display width.

Chinese characters take two terminal cells (East Asian Width W/F), so columns are padded by
`display_width`, not by len().
"""

from __future__ import annotations

import unicodedata

from .model import Change, DiffResult
from .phrasing import (KEY_COLS, amount, count_text, header_field, header_value, mode_title, pct_text, phrase,
                       side_words, signed, wording)

RIGHT = {2, 3, 4, 5}  # numeric columns of the change tables


def display_width(s: str) -> int:
    """Terminal cells taken by s: 2 for East Asian Wide/Fullwidth characters, else 1."""
    if s.isascii():
        return len(s)
    eaw = unicodedata.east_asian_width
    return len(s) + sum(1 for ch in s if eaw(ch) in ("W", "F"))


def pad(s: str, width: int, right: bool = False, have: int | None = None) -> str:
    fill = " " * max(0, width - (display_width(s) if have is None else have))
    return fill + s if right else s + fill


def align(rows: list[tuple[str, ...]], right: set[int], indent: str = "  ") -> list[str]:
    w = [[display_width(c) for c in r] for r in rows]
    widths = [max(x[i] for x in w) for i in range(len(rows[0]))]
    out = []
    for r, wr in zip(rows, w):
        cells = [pad(c, widths[i], i in right, wr[i]) for i, c in enumerate(r)]
        out.append((indent + "  ".join(cells)).rstrip())
    return out


def _hdr(r: DiffResult, which: str, t: dict, lang: str) -> str:
    h, path = (r.old, r.old_file) if which == "old" else (r.new, r.new_file)
    parts = [path, h.entity, t["year"].format(y=h.fiscal_year), header_value("status", h.status, lang),
             t["layout_of"].format(l=h.layout)]
    sep = " | " if lang == "en" else "｜"
    return f"{t[which]}{': ' if lang == 'en' else '：'}" + sep.join(p for p in parts if p)


def _change_rows(changes: list[Change], t: dict, lang: str) -> list[tuple[str, ...]]:
    rows = [(t["row"], t["column"], t["old"], t["new"], t["delta"], t["pct"], t["wording"])]
    for c in changes:
        p = c.place
        row = "/".join(x for x in (p.section, p.row_label()) if x) if p else c.code
        col = p.column if p else c.label(lang)
        rows.append((row or "—", col or "—", amount(c.old), amount(c.new), signed(c.delta), pct_text(c.pct),
                     phrase(c.kind, c.old, c.new, c.delta, c.pct, lang)))
    return rows


def _table_block(r: DiffResult, changes: list[Change], t: dict, lang: str) -> list[str]:
    lines = []
    for tid, title, lst in r.by_table(changes):
        lines.append(t["table"].format(t=tid, title=title) if tid else t["other"])
        body = align(_change_rows(lst, t, lang), RIGHT)
        lines.append(body[0])
        for c, line in zip(lst, body[1:]):
            lines.append(line)
            if c.moved():
                if c.old_place is None:
                    lines.append("      " + t["moved"].format(w=t["no_place"]))
                else:
                    w = c.old_place.where(lang)
                    lines.append("      " + (t["new_unplaced"] if c.new_place is None else "")
                                 + t["moved"].format(w=w))
    return lines


def _head(t: dict, key: str, lang: str, extra: str = "") -> str:
    """A section heading: 【…】, in English […]."""
    return f"[{t[key]}]{extra}" if lang == "en" else f"【{t[key]}】{extra}"


def _intro(r: DiffResult, t: dict, lang: str) -> list[str]:
    """The title (mode, how it was chosen), both reports, the header fields that changed and the
    tables one report's source did not contain."""
    en = lang == "en"
    mode = mode_title(r.mode, r.old.status, r.new.status, lang)
    colon = ": " if en else "："
    how = t["auto"] if r.mode_auto else t["forced"]
    out = [f"{t['title']}{colon}{mode}" + (f" ({how})" if en else f"（{how}）"),
           _hdr(r, "old", t, lang), _hdr(r, "new", t, lang)]
    for h in r.header_changes:
        out.append(f"{t['header_changes']}{colon}{header_field(h.field, lang)} "
                   f"{header_value(h.field, h.old, lang, 24)} → {header_value(h.field, h.new, lang, 24)}"
                   + ("" if h.material else t["info"]))
    if any(r.tables_absent):  # tables one report's source did not contain: not compared, not "removed"
        from ..catalogue import render as _render

        for side, ids in zip(side_words("plain", lang), r.tables_absent):  # 原 / 新 report, in any mode
            if ids:
                out.append(_render("instance:tables-absent", {"side": side, "tables": list(ids)}, lang))
    return out


def _summary(r: DiffResult, t: dict, lang: str) -> list[str]:
    """The counts line, the unit, and "no differences" when there are none."""
    counts = r.counts()
    comma, semi = (", ", "; ") if lang == "en" else ("，", "；")
    groups = [["changed", "added", "removed"], ["rounding"], ["rows_added", "rows_removed"]]
    if r.checked:
        groups.append(["findings_appeared", "findings_disappeared"])
    if r.narrative_compared:
        groups.append(["narrative_changed"])
    parts = [comma.join(count_text(k, counts[k], lang) for k in g) for g in groups]
    if r.rounding_hidden:
        parts[1] += t["rhidden"]
    s = t["summary"] + (": " if lang == "en" else "：") + semi.join(parts)
    if r.checked and not r.narrative_compared:
        s += semi + t["nskipped"]
    out = [s + ("." if lang == "en" else "。"), t["unit"]]
    if not r.different:
        out.append(t["none"])
    return out


def _key_lines(r: DiffResult, lang: str) -> list[str]:
    rows = [KEY_COLS["en" if lang == "en" else "zh"]]
    for k in r.key_totals:
        rows.append((k.label_en if lang == "en" else k.label_zh, amount(k.old), amount(k.new), signed(k.delta),
                     pct_text(k.pct),
                     phrase("changed", k.old, k.new, k.delta, k.pct, lang) if k.delta is not None else "—"))
    return align(rows, {1, 2, 3, 4})


def _row_lines(r: DiffResult, t: dict) -> list[str]:
    rows = [(t["row_added"] if x.kind == "added" else t["row_removed"],
             t["table"].format(t=x.table, title=x.table_title), x.code, x.name)
            for x in r.rows]
    return align(rows, set())


def _finding_lines(r: DiffResult, t: dict, lang: str) -> list[str]:
    colon = ": " if lang == "en" else "："
    out = [] if (r.findings_appeared or r.findings_disappeared) else ["  " + t["no_findings"]]
    for label, lst in ((t["appeared"], r.findings_appeared), (t["disappeared"], r.findings_disappeared)):
        for f in lst:
            where = f.where(lang)
            out.append(f"  {label} [{f.code}] {where + colon if where else ''}{f.text(lang)}")
    return out


def _narrative_lines(r: DiffResult, t: dict, lang: str) -> list[str]:
    out = []
    for n in r.narrative:
        out.append(f"  {n.key} {n.title}（{t['nkind'][n.kind]}）" if lang != "en"
                   else f"  {n.key} {n.title} ({t['nkind'][n.kind]})")
        out += [f"    {'−' if op == '-' else '+'} {text}" for op, text in n.pieces() if op != "="]
    return out


def render_text(r: DiffResult, lang: str = "zh") -> str:
    t = {**wording(lang), **dict(zip(("old", "new"), side_words(r.mode, lang)))}
    out = _intro(r, t, lang) + _summary(r, t, lang)
    if r.key_totals:
        out += ["", _head(t, "key", lang), *_key_lines(r, lang)]
    if r.changes:
        out += ["", _head(t, "tables", lang), *_table_block(r, r.changes, t, lang)]
    if r.rows:
        out += ["", _head(t, "rows", lang), *_row_lines(r, t)]
    if r.shown_rounding():
        out += ["", _head(t, "rounding_heading", lang, t["rounding_note"]), *_table_block(r, r.shown_rounding(), t, lang)]
    if r.checked:
        out += ["", _head(t, "findings", lang), *_finding_lines(r, t, lang)]
    if r.narrative:
        out += ["", _head(t, "narrative", lang, t["narrative_legend"]), *_narrative_lines(r, t, lang)]
    return "\n".join(out) + "\n"
