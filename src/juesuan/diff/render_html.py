"""HTML: ONE self-contained page (inline CSS, no scripts, no external assets), summary first, then
table by table a grid of the rows that changed with the changed cells highlighted, then the details
of each change in both layouts. Every changed cell is a <td class="chg|add|del|rnd"> carrying
data-concept / data-code / data-old / data-new, so tools (and the Chromium test) can find them.
"""

from __future__ import annotations

from html import escape

from ..model import format_amount
from ..taxonomy import load_taxonomy
from .model import Change, DiffResult
from .phrasing import (KEY_COLS, amount, count_text, header_field, header_value, mode_title, pct_text, phrase,
                       side_words, signed, wording)

CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:1.5em;color:#222;line-height:1.45}
h1{font-size:1.4em;margin:.2em 0 .6em}h2{font-size:1.15em;margin:1.6em 0 .4em;border-bottom:1px solid #ccc}
h3{font-size:1em;margin:1em 0 .3em;color:#444}
table{border-collapse:collapse;margin:.3em 0 .8em}th,td{border:1px solid #bbb;padding:.2em .5em;vertical-align:top}
th{background:#f2f2f2;font-weight:600;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.chg,.legend .chg{background:#ffe08a}td.add,.legend .add{background:#b9f0c0}td.del,.legend .del{background:#f9c0c0}
td.rnd,.legend .rnd{background:#dde6fb}
td del{color:#a00}td ins{text-decoration:none;font-weight:700}td small{display:block;color:#555}
tr.chg td.k{border-left:4px solid #e0a800}tr.add td.k{border-left:4px solid #2a9d3a}tr.del td.k{border-left:4px solid #c62828}
tr.rnd td.k{border-left:4px solid #6b8bd6}
.summary li{margin:.15em 0}.none{font-weight:700;color:#2a7a2a}.muted{color:#777}
.legend span{display:inline-block;padding:0 .5em;margin-right:.5em;border:1px solid #bbb}
.narrative p{line-height:1.7}.narrative del{background:#f9c0c0;color:#700}.narrative ins{background:#b9f0c0;text-decoration:none}
table.grid th{min-width:4.5em}table.grid th.r{min-width:8em;text-align:left}table.details td.k{min-width:14em}
@media print{body{margin:0;font-size:9pt;line-height:1.3}@page{size:A4 landscape;margin:10mm}
h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}th,td{padding:.1em .3em}
section#changes>h2:first-child{break-before:auto}}
"""

def e(s) -> str:
    return escape(str(s), quote=True)


def _cls(c: Change) -> str:
    return "rnd" if c.rounding else {"changed": "chg", "added": "add", "removed": "del"}[c.kind]


def _cell(c: Change, lang: str) -> str:
    body = []
    if c.old is not None:
        body.append(f"<del>{e(amount(c.old))}</del>")
    if c.new is not None:
        body.append(f"<ins>{e(amount(c.new))}</ins>")
    body.append(f"<small>{e(signed(c.delta))}{' ' + e(pct_text(c.pct)) if c.pct is not None else ''}</small>")
    return (f'<td class="n {_cls(c)}" data-concept="{e(c.concept)}" data-code="{e(c.code)}" '
            f'data-old="{e(amount(c.old))}" data-new="{e(amount(c.new))}" data-kind="{e(c.kind)}" '
            f'title="{e(phrase(c.kind, c.old, c.new, c.delta, c.pct, lang))}">{" ".join(body)}</td>')


def _grid(r: DiffResult, changes: list[Change], lang: str, t: dict) -> list[str]:
    """The rows of one table that hold a change, in the layout the changes are placed in."""
    # the grid is drawn in the new layout; changes with no cell there (only in the old layout) are
    # listed in the details table only, unless none of the table's changes has a cell in the new layout
    in_new = [c for c in changes if c.new_place is not None]
    side, grid = (r.new, in_new) if in_new else (r.old, changes)
    inst = r.new_instance if in_new else r.old_instance
    lay = load_taxonomy(side.taxonomy).layout(side.layout)
    first = grid[0].new_place if in_new else grid[0].old_place
    table = lay.table(first.table)
    by_cell = {(c.concept, c.code): c for c in grid}
    place = (lambda c: c.new_place) if in_new else (lambda c: c.old_place)
    rows: dict[int, dict[tuple[int, str], str]] = {}  # block -> (row index, code) -> the code row's label
    for c in by_cell.values():
        p = place(c)
        bi, ri = p.order[1], p.order[2]
        rows.setdefault(bi, {})[(ri, p.order[3])] = p.row_label()
    out = []
    for bi in sorted(rows):
        block = table.blocks[bi]
        if block.section:
            out.append(f"<h3>{e(block.section)}</h3>")
        head = "".join(
            f"<th>{e(' '.join(x for x in (col.section, col.group, col.label) if x))}"
            f"{'<br><span class=muted>' + e(col.number) + '</span>' if col.number else ''}</th>"
            for col in block.columns)
        out.append(f'<table class="grid" data-table="{e(table.id)}"><tr><th class="r">{e(t["row"])}</th>{head}</tr>')
        for ri, code in sorted(rows[bi]):
            row = block.rows[ri]
            cells = block.row_cells(row)
            rcode = code or row.code
            label = rows[bi][(ri, code)] if rcode else (row.label or t["amount_row"])
            tds = []
            for col in block.columns:
                concept = cells.get(col.key)
                if concept is None:
                    tds.append("<td></td>")
                    continue
                ch = by_cell.get((concept, rcode or ""))
                if ch is not None:
                    tds.append(_cell(ch, lang))
                else:
                    v = inst.value(concept, rcode or None) if inst is not None else None
                    tds.append(f'<td class="n">{e(format_amount(v)) if v is not None else ""}</td>')
            out.append(f"<tr><th class=\"r\">{e(label)}</th>{''.join(tds)}</tr>")
        out.append("</table>")
    return out


def _where(p, lang: str) -> str:
    """A place within its table (the table is the heading above): '收入 / 本年收入合计 / 决算数'."""
    return " / ".join(x for x in (p.section, p.row_label(), p.column) if x) or p.where(lang)


def _details(r: DiffResult, changes: list[Change], lang: str, t: dict) -> list[str]:
    """One line per change: its place (one column when both reports share a layout, else the place in
    each layout), both values, the change and the reports' wording. Concept ids stay in the data-
    attributes and the JSON output."""
    two = r.old.layout != r.new.layout
    old_w, new_w = side_words(r.mode, lang)
    heads = [t["new_place"], t["old_place"]] if two else [t["place"]]
    heads += [old_w, new_w, t["delta"], t["pct"], t["wording"]]
    out = ['<table class="details"><tr>' + "".join(f"<th>{e(h)}</th>" for h in heads) + "</tr>"]
    for c in changes:
        place = _where(c.place, lang) if c.place else t["no_place"]
        cells = f'<td class="k">{e(place)}</td>'
        if two:
            new_p = c.new_place.where(lang) if c.new_place else t["no_place"]
            old_p = c.old_place.where(lang) if c.old_place else t["no_place"]
            cells = f'<td class="k">{e(new_p)}</td><td>{e(old_p)}</td>'
        out.append(
            f'<tr class="{_cls(c)}" data-concept="{e(c.concept)}" data-code="{e(c.code)}">{cells}'
            f'<td class="n">{e(amount(c.old))}</td><td class="n">{e(amount(c.new))}</td>'
            f'<td class="n">{e(signed(c.delta))}</td><td class="n">{e(pct_text(c.pct))}</td>'
            f"<td>{e(phrase(c.kind, c.old, c.new, c.delta, c.pct, lang))}</td></tr>")
    out.append("</table>")
    return out


def _tables(r: DiffResult, changes: list[Change], lang: str, t: dict) -> list[str]:
    out = []
    for tid, title, lst in r.by_table(changes):
        out.append(f'<h2 id="t{e(tid)}">{e(t["table"].format(t=tid, title=title)) if tid else e(t["other"])}</h2>')
        if tid:
            out += _grid(r, lst, lang, t)
        out += _details(r, lst, lang, t)
    return out


def _page_head(r: DiffResult, lang: str, title: str) -> list[str]:
    return [f'<!DOCTYPE html>\n<html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{e(title)} — {e(r.new.entity)}</title><style>{CSS}</style></head><body>",
            f"<h1>{e(title)}</h1>"]


def _header_table(r: DiffResult, lang: str, t: dict) -> list[str]:
    """The two reports' header fields side by side, the fields that changed highlighted."""
    old_w, new_w = side_words(r.mode, lang)
    o = [f'<table class="header"><tr><th>{e(t["field"])}</th><th>{e(old_w)}</th><th>{e(new_w)}</th></tr>']
    material = {h.field: h for h in r.header_changes}
    for field, ov, nv in (("file", r.old_file, r.new_file), ("entity", r.old.entity, r.new.entity),
                          ("fiscal_year", r.old.fiscal_year, r.new.fiscal_year),
                          ("status", r.old.status, r.new.status), ("layout", r.old.layout, r.new.layout)):
        name = t["file"] if field == "file" else header_field(field, lang)
        cls = ' class="chg"' if field in material else ""
        o.append(f"<tr><th>{e(name)}</th><td{cls}>{e(header_value(field, str(ov), lang))}</td>"
                 f"<td{cls}>{e(header_value(field, str(nv), lang))}</td></tr>")
    o.append("</table>")
    return o


def _summary_list(r: DiffResult, lang: str, t: dict, mode: str) -> list[str]:
    """The mode, the counts, the header changes, absent tables, hidden rounding and the unit."""
    counts = r.counts()
    keys = ["changed", "added", "removed", "rounding", "rows_added", "rows_removed"]
    keys += ["findings_appeared", "findings_disappeared"] if r.checked else []
    keys += ["narrative_changed"] if r.narrative_compared else []
    items = [count_text(k, counts[k], lang) for k in keys]
    if not r.narrative_compared and r.checked:
        items.append(t["nskipped"])
    o = ['<ul class="summary">']
    colon = ": " if lang == "en" else "："
    how = t["auto"] if r.mode_auto else t["forced"]
    o.append(f"<li>{e(t['mode'])}{colon}{e(mode)}{' (' + e(how) + ')' if lang == 'en' else '（' + e(how) + '）'}</li>")
    o.append(f"<li>{e('；'.join(items) if lang != 'en' else '; '.join(items))}</li>")
    for h in r.header_changes:
        o.append(f"<li>{e(header_field(h.field, lang))}{colon}{e(header_value(h.field, h.old, lang, 40))} → "
                 f"{e(header_value(h.field, h.new, lang, 40))}{'' if h.material else e(t['info'])}</li>")
    if any(r.tables_absent):  # tables one report's source did not contain: not compared, not "removed"
        from ..catalogue import render as _render

        for side, ids in zip(side_words("plain", lang), r.tables_absent):  # 原 / 新 report, in any mode
            if ids:
                o.append(f"<li>{e(_render('instance:tables-absent', {'side': side, 'tables': list(ids)}, lang))}</li>")
    if r.rounding_hidden:
        o.append(f"<li>{e(t['rounding_heading'] + t['rhidden'].strip())}</li>")
    o.append(f"<li>{e(t['unit'])}</li></ul>")
    return o


def _key_totals(r: DiffResult, lang: str, t: dict) -> list[str]:
    o = [f'<h2 id="key-totals">{e(t["key"])}</h2><table class="key"><tr>'
         + "".join(f"<th>{e(h)}</th>" for h in KEY_COLS["en" if lang == "en" else "zh"]) + "</tr>"]
    for k in r.key_totals:
        o.append(f"<tr><th>{e(k.label_en if lang == 'en' else k.label_zh)}</th><td class=n>{e(amount(k.old))}</td>"
                 f"<td class=n>{e(amount(k.new))}</td><td class=n>{e(signed(k.delta))}</td>"
                 f"<td class=n>{e(pct_text(k.pct))}</td>"
                 f"<td>{e(phrase('changed', k.old, k.new, k.delta, k.pct, lang) if k.delta is not None else '—')}</td></tr>")
    o.append("</table>")
    return o


def _summary(r: DiffResult, lang: str, t: dict, mode: str) -> list[str]:
    """The summary section: header table, summary list, legend, key totals."""
    o = ['<section id="summary">', f"<h2>{e(t['summary'])}</h2>", *_header_table(r, lang, t),
         *_summary_list(r, lang, t, mode)]
    if not r.different:
        o.append(f'<p class="none">{e(t["none"])}</p>')
    o.append('<p class="legend">' + "".join(f'<span class="{k}">{e(v)}</span>' for k, v in t["legend"]) + "</p>")
    if r.key_totals:
        o += _key_totals(r, lang, t)
    o.append("</section>")
    return o


def _rows_section(r: DiffResult, t: dict) -> list[str]:
    o = [f'<section id="rows"><h2>{e(t["rows"])}</h2><ul>']
    for x in r.rows:
        o.append(f"<li>{e(t['row_added'] if x.kind == 'added' else t['row_removed'])}: "
                 f"{e(t['table'].format(t=x.table, title=x.table_title))} {e(x.code)} {e(x.name)}</li>")
    o.append("</ul></section>")
    return o


def _findings_section(r: DiffResult, lang: str, t: dict) -> list[str]:
    o = [f'<section id="findings"><h2>{e(t["findings"])}</h2>']
    if not (r.findings_appeared or r.findings_disappeared):
        o.append(f"<p>{e(t['no_findings'])}</p>")
    else:
        colon = ": " if lang == "en" else "："
        o.append("<ul>")
        for label, cls, lst in ((t["appeared"], "add", r.findings_appeared),
                                (t["disappeared"], "del", r.findings_disappeared)):
            for f in lst:
                o.append(f'<li class="finding {cls}" data-code="{e(f.code)}">{e(label)}{colon}'
                         f"{e(f.where(lang))} {e(f.text(lang))}</li>")
        o.append("</ul>")
    o.append("</section>")
    return o


def _narrative_section(r: DiffResult, t: dict) -> list[str]:
    o = [f'<section id="narrative" class="narrative"><h2>{e(t["narrative"])}</h2>']
    tags = {"=": "{}", "-": "<del>{}</del>", "+": "<ins>{}</ins>"}
    for n in r.narrative:
        cls = {"changed": "chg", "added": "add", "removed": "del"}[n.kind]
        o.append(f'<h3 class="{cls}" data-key="{e(n.key)}">{e(n.key)} {e(n.title)}（{e(t["nkind"][n.kind])}）</h3>')
        o.append("<p>" + "".join(tags[op].format(e(text)) for op, text in n.pieces()) + "</p>")
    o.append("</section>")
    return o


def render_html(r: DiffResult, lang: str = "zh") -> str:
    t = wording(lang)
    mode = mode_title(r.mode, r.old.status, r.new.status, lang)
    title = f"{t['title']}：{mode}" if lang != "en" else f"{t['title']}: {mode}"
    o = _page_head(r, lang, title) + _summary(r, lang, t, mode)
    if r.changes:
        o += [f'<section id="changes"><h2>{e(t["tables"])}</h2>', *_tables(r, r.changes, lang, t), "</section>"]
    if r.rows:
        o += _rows_section(r, t)
    if r.shown_rounding():
        o += [f'<section id="rounding"><h2>{e(t["rounding_heading"] + t["rounding_note"])}</h2>',
              *_tables(r, r.shown_rounding(), lang, t), "</section>"]
    if r.checked:
        o += _findings_section(r, lang, t)
    if r.narrative:
        o += _narrative_section(r, t)
    o.append("</body></html>\n")
    return "\n".join(o)
