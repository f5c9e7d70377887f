"""The validation report as one self-contained HTML page (`juesuan validate FILE --format html`).

For each file: its nine tables drawn as grids in the instance's layout, every cell that a finding is
about coloured by the finding's severity and linked to it (a cell named on the other side of a rule
is outlined); then the findings table by table, each with both sides' values, the difference and
the source cells, linking back to its cell; then the narrative (第三部分), where checked claims are
marked. No scripts, no external assets (it opens offline and prints: each table on its own page).

Narrative claims: `render_html(..., claims=...)` takes ClaimMark records (block key, the claimed
text, severity, the index of the finding that checks it, or -1 when the claim holds); `claims_of`
builds them from the narrative findings (each names its block and sentence) and the sentences the
narrative checks found holding. The narrative's findings are listed in its section.
"""

from __future__ import annotations

from html import escape
from typing import Iterable

from .findings import Finding
from .model import Instance, format_amount, source_text
from .records import field, record

SEV_ORDER = {"error": 0, "warning": 1, "info": 2}

CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:1.5em;color:#222;line-height:1.45}
h1{font-size:1.4em;margin:.2em 0 .5em}h2{font-size:1.15em;margin:1.4em 0 .4em;border-bottom:1px solid #ccc}
h3{font-size:1em;margin:.8em 0 .3em;color:#444}
table{border-collapse:collapse;margin:.3em 0 .8em}th,td{border:1px solid #999;padding:.15em .45em;vertical-align:top}
th{background:#eef3f9;font-weight:600}table.grid th{font-size:.9em;text-align:center}
table.grid th.r{text-align:left;white-space:nowrap}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.sev-error,.badge.sev-error,mark.sev-error{background:#f4a3a3}td.sev-warning,.badge.sev-warning,mark.sev-warning{background:#ffd966}
td.sev-info,.badge.sev-info,mark.sev-info{background:#cfe3ff}td.term{outline:2px dashed #c0504d;outline-offset:-3px}
td a{color:inherit;text-decoration:none;display:block}.badge{padding:0 .4em;border:1px solid #999;white-space:nowrap}
mark.ok{background:#c6efce}.muted{color:#666}.sum li{margin:.1em 0}.valid{color:#2a7a2a;font-weight:700}
.invalid{color:#a00;font-weight:700}.blocks{display:flex;flex-wrap:wrap;gap:0 1.2em;align-items:flex-start}table.findings td{font-size:.92em}table.findings td:first-child,table.findings td:last-child{white-space:nowrap}:target{box-shadow:0 0 0 3px #1f6fd1}
@media print{body{margin:0;font-size:7.5pt;line-height:1.25}section.tbl,section.narrative{break-before:page}
.blocks{flex-wrap:nowrap;gap:0 .8em}th,td{padding:0 .25em}h2{margin:0 0 .3em}h3{margin:.3em 0 .1em}
table{margin:.1em 0 .4em}a{color:inherit;text-decoration:none}.noprint{display:none}
@page{size:A4 landscape;margin:8mm}}
"""

T = {
    "zh": {"lang": "zh-CN", "title": "决算审核报告", "file": "文件", "entity": "单位", "year": "年度", "layout": "表样",
           "status": "状态", "valid": "有效：没有错误", "invalid": "无效：有错误", "unusable": "无法读取",
           "counts": "错误 {error} 个，警告 {warning} 个，提示 {info} 个",
           "sev": {"error": "错误", "warning": "警告", "info": "提示"}, "tables": "报表", "table": "{t}表 {title}",
           "findings": "审核发现", "none": "没有审核发现。", "other": "表外（表头、结构）",
           "cols": ("级别", "位置", "说明", "左边", "右边", "差额", "来源"), "item": "项目",
           "narrative": "说明文字（第三部分）", "unit": "单位：万元", "cell": "单元格",
           "statuses": {"final": "定稿", "draft": "草稿"}, "back": "回到单元格", "line": "第 {n} 行",
           "amount": "金额"},
    "en": {"lang": "en", "title": "Validation report", "file": "file", "entity": "entity", "year": "fiscal year",
           "layout": "layout", "status": "status", "valid": "valid: no errors", "invalid": "INVALID: errors found",
           "unusable": "unusable", "counts": "{error}, {warning}, {info}",
           "sev": {"error": "error", "warning": "warning", "info": "info"}, "tables": "Tables",
           "table": "Table {t} {title}", "findings": "Findings", "none": "No findings.",
           "other": "Outside the tables (header, structure)",
           "cols": ("severity", "place", "message", "left", "right", "difference", "source"), "item": "item",
           "narrative": "Narrative (第三部分)", "unit": "amounts in 10,000 yuan (万元)", "cell": "cell",
           "statuses": {"final": "final", "draft": "draft"}, "back": "back to the cell", "line": "line {n}",
           "amount": "amount"},
}


@record(frozen=True)
class ClaimMark:
    """A checked claim of the narrative: `text` inside block `key`, marked with `severity` ("ok" when
    it holds) and linked to finding number `finding` of the file (-1: none)."""

    key: str
    text: str
    severity: str = "ok"
    finding: int = -1


@record
class FileResult:
    """What validate found for one file: its findings, the instance when it was schema-valid, or why
    the file could not be read."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    instance: Instance | None = None
    unusable: str = ""


def validate_for_report(path: str, lang: str = "zh", prior: Instance | None = None, verbose: bool = False) -> FileResult:
    """Validate one file, keeping the instance for the grids (UnusableInput becomes `unusable`, its
    reason in `lang`); `prior` and `verbose` as for validate (carry-over, unbound figures)."""
    from .errors import JuesuanError
    from .loader import load
    from .validate import check_present

    try:
        loaded = load(path)  # the one loader: what validate reads, the report draws
        if loaded.findings or loaded.instance is None:
            return FileResult(path, list(loaded.findings))
        return FileResult(path, check_present(loaded.instance, prior, verbose), loaded.instance)
    except JuesuanError as e:
        why = e.text(lang) if callable(getattr(e, "text", None)) else ""
        return FileResult(path, unusable=why or getattr(e, "message", "") or str(e))


def is_narrative(f: Finding) -> bool:
    return f.code.startswith("narrative:")


def claims_of(res: FileResult, prior: Instance | None = None) -> list[ClaimMark]:
    """The claim marks of a file's narrative: each narrative finding on its sentence (severity, link
    to the finding), then each sentence whose figures the checks compared with the tables and found
    holding, marked ok."""
    out = []
    marked = set()
    for i, f in enumerate(res.findings):
        key, sentence = f.values.get("block"), f.values.get("sentence")
        if is_narrative(f) and key and sentence:
            out.append(ClaimMark(str(key), str(sentence), f.severity, i))
            marked.add((str(key), str(sentence)))
    if res.instance is not None and res.instance.narrative:
        from .narrative.checks import checked_sentences

        for key, sentence in checked_sentences(res.instance, prior):
            if (key, sentence) not in marked:
                marked.add((key, sentence))
                out.append(ClaimMark(key, sentence))
    return out


_IGNORED = frozenset(" \t\r\n\u3000\u00a0“”‘’\"'「」『』")


def _span(text: str, claim: str) -> tuple[int, int] | None:
    """Where `claim` stands in `text`, ignoring blanks, line breaks and quotation marks (the narrative
    checks read sentences from normalised text); a claim cut at 400 characters ("…") by its prefix."""
    claim = claim[:-1] if claim.endswith("…") else claim
    pos = [i for i, ch in enumerate(text) if ch not in _IGNORED]
    hay = "".join(text[i] for i in pos)
    needle = "".join(ch for ch in claim if ch not in _IGNORED)
    if not needle:
        return None
    k = hay.find(needle)
    if k < 0:
        return None
    return pos[k], pos[k + len(needle) - 1] + 1


def e(s) -> str:
    return escape(str(s), quote=True)


def _cell_id(fi: int, concept: str, code: str) -> str:
    return f"c{fi}-{concept}-{code or '0'}"


def _marks(res: FileResult) -> tuple[dict, dict]:
    """({(concept, code): [finding index]} of the cells findings are about (left-hand terms), the
    same for the cells named on the other side)."""
    own: dict[tuple[str, str], list[int]] = {}
    other: dict[tuple[str, str], list[int]] = {}
    for i, f in enumerate(res.findings):
        for term in f.values.get("terms", ()) or ():
            if not isinstance(term, dict):
                continue
            key = (term.get("concept", ""), term.get("code", "") or "")
            if term.get("side") == "left":
                own.setdefault(key, []).append(i)
            elif term.get("value") is not None:  # blank cells of the other side count as 0: not outlined
                other.setdefault(key, []).append(i)
    return own, other


def _amt(v) -> str:
    if v is None or v == "":
        return ""
    try:
        from decimal import Decimal

        return format_amount(Decimal(str(v)))
    except Exception:  # noqa: BLE001 - a value of another kind is shown as it is
        return str(v)


def _rows(block, inst: Instance, codes, t_amount: str = "金额", lang: str = "zh") -> list[tuple[str, str | None, dict]]:
    """(label, code, cells) of the block's printed rows, the instance's codes filled into code rows
    (labels and code names in English with lang="en", where the taxonomy has them)."""
    en = lang == "en"

    def name(c: str) -> str:
        return (codes.name(c, "en") if en else None) or codes.name(c) or ""

    out = []
    have: dict[str, set[str]] = {}
    for f in inst.facts:
        if f.code:
            have.setdefault(f.concept, set()).add(f.code)
    from .excel.template import cn_ordinal

    for r in block.rows:
        cells = block.row_cells(r)
        if r.is_group:
            found = sorted({c for cpt in cells.values() for c in have.get(cpt, ())
                            if r.codes != "class" or len(c) == 3})
            if r.codes == "class" and r.standard:
                for i, c in enumerate(r.standard):
                    out.append((f"{c} {name(c)}" if en else f"{cn_ordinal(i + 1)}、{name(c) or c}", c, cells))
                found = [c for c in found if c not in r.standard]
            for c in found:
                out.append((f"{c} {name(c)}".strip(), c, cells))
        elif r.code:
            out.append((f"{r.code} {name(r.code)}".strip(), r.code, cells))
        elif r.filler or not cells:
            continue
        else:  # a one-row table (07) prints no row label: name the row by what it holds
            out.append(((r.en if en else "") or r.label or t_amount, None, cells))
    return out


def _grid(fi: int, table, inst: Instance, tax, own: dict, other: dict, findings: list[Finding], t: dict) -> list[str]:
    codes = tax.codes_for(table.dim)
    out = ['<div class="blocks">']
    for block in table.blocks:
        out.append('<div class="block">')
        if block.section and len(table.blocks) > 1:
            out.append(f"<h3>{e((block.section_en if t['lang'] == 'en' else '') or block.section)}</h3>")
        en = t["lang"] == "en"

        def head(col) -> str:
            parts = ((col.section_en or col.section, col.group_en or col.group, col.en or col.label) if en
                     else (col.section, col.group, col.label))
            return " ".join(x for x in parts if x)

        heads = "".join(
            f"<th>{e(head(col))}{'<br><span class=muted>' + e(col.number) + '</span>' if col.number else ''}</th>"
            for col in block.columns)
        item = t["item"] if en else (" / ".join(h for h in block.header if h != "行次") or t["item"])
        out.append(f'<table class="grid" data-table="{e(table.id)}"><tr><th class="r">{e(item)}</th>{heads}</tr>')
        for label, code, cells in _rows(block, inst, codes, t["amount"], t["lang"][:2]):
            tds = []
            for col in block.columns:
                cpt = cells.get(col.key)
                if cpt is None:
                    tds.append("<td></td>")
                    continue
                key = (cpt, code or "")
                v = inst.value(cpt, code)
                text = e(format_amount(v)) if v is not None else ""
                cid = _cell_id(fi, cpt, code or "")
                hits = own.get(key)
                if hits:
                    worst = min((findings[i] for i in hits), key=lambda f: SEV_ORDER.get(f.severity, 9))
                    tip = ("; " if t["lang"] == "en" else "；").join(f"[{findings[i].code}] {findings[i].text(t['lang'][:2])}" for i in hits)
                    tds.append(f'<td class="n sev-{e(worst.severity)}" id="{e(cid)}" data-concept="{e(cpt)}" '
                               f'data-code="{e(code or "")}" data-severity="{e(worst.severity)}" title="{e(tip)}">'
                               f'<a href="#f{fi}-{hits[0]}">{text or "&nbsp;"}</a></td>')
                elif key in other:
                    tds.append(f'<td class="n term" id="{e(cid)}"><a href="#f{fi}-{other[key][0]}">'
                               f'{text or "&nbsp;"}</a></td>')
                else:
                    tds.append(f'<td class="n" id="{e(cid)}">{text}</td>')
            out.append(f'<tr><th class="r">{e(label)}</th>{"".join(tds)}</tr>')
        out.append("</table></div>")
    out.append("</div>")
    return out


def _source(f: Finding, lang: str, t: dict) -> str:
    """The source cells (or lines) of the finding's figures: every term's `src` when the converter kept
    one, else the instance line of the left-hand side."""
    parts = []
    terms = [x for x in f.values.get("terms", ()) or () if isinstance(x, dict) and x.get("value") is not None]
    for term in terms:
        if term.get("source") and source_text(term["source"], lang) not in parts:
            parts.append(source_text(term["source"], lang))  # "line 138" -> "第 138 行"
    if not parts:
        parts = [t["line"].format(n=x["line"]) for x in terms if x.get("side") == "left" and x.get("line")]
    if not parts and f.location.line:
        parts.append(t["line"].format(n=f.location.line))
    return "、".join(parts) if lang != "en" else ", ".join(parts)


def _finding_rows(fi: int, res: FileResult, idx: list[int], own: dict, lang: str, t: dict,
                  marks: dict[int, str] | None = None) -> list[str]:
    out = ['<table class="findings"><tr>' + "".join(f"<th>{e(h)}</th>" for h in t["cols"]) + "</tr>"]
    for i in idx:
        f = res.findings[i]
        cells = [k for k, v in own.items() if i in v]
        back = "".join(f' <a class="noprint" href="#{e(_cell_id(fi, c, k))}">↑</a>' for c, k in cells[:1])
        if not back and marks and i in marks:  # a narrative finding: back to its sentence
            back = f' <a class="noprint" href="#{e(marks[i])}">↑</a>'
        v = f.values
        if is_narrative(f) and v.get("stated"):  # the text's figure against the table's
            v = {"left": v.get("stated_en" if lang == "en" else "stated"), "right": v.get("table_value")}
        out.append(
            f'<tr id="f{fi}-{i}" class="finding" data-code="{e(f.code)}" data-severity="{e(f.severity)}">'
            f'<td><span class="badge sev-{e(f.severity)}">{e(t["sev"].get(f.severity, f.severity))}</span>{back}</td>'
            f"<td>{e(f.where(lang))}</td><td>{e(f.text(lang))}</td>"
            f'<td class="n">{e(_amt(v.get("left")))}</td><td class="n">{e(_amt(v.get("right")))}</td>'
            f'<td class="n">{e(_amt(v.get("difference")))}</td><td>{e(_source(f, lang, t))}</td></tr>')
    out.append("</table>")
    return out


def _narrative(res: FileResult, claims: list[ClaimMark], fi: int, own: dict, lang: str, t: dict) -> list[str]:
    """The narrative blocks, each checked sentence marked (the worst severity of its findings, linked
    to the first, which links back; "ok" when it holds), then the narrative's findings."""
    inst = res.instance
    out = [f'<section class="narrative" id="n{fi}"><h2>{e(t["narrative"])}</h2>']
    by_key: dict[str, list[ClaimMark]] = {}
    for c in claims:
        by_key.setdefault(c.key, []).append(c)
    for b in inst.narrative:
        spans: dict[tuple[int, int], list[ClaimMark]] = {}
        for c in by_key.get(b.key, []):
            sp = _span(b.text, c.text) if c.text else None
            if sp is not None:
                spans.setdefault(sp, []).append(c)
        parts, at = [], 0
        for (a, z), cs in sorted(spans.items()):
            if a < at:  # overlaps a sentence already marked
                continue
            linked = sorted((c for c in cs if c.finding >= 0), key=lambda c: (SEV_ORDER.get(c.severity, 9), c.finding))
            worst = linked[0] if linked else cs[0]
            cls = "ok" if worst.severity == "ok" else f"sev-{worst.severity}"
            body = e(b.text[a:z])
            if linked:
                ids = " ".join(f"f{fi}-{c.finding}" for c in linked)
                tip = ("; " if lang == "en" else "；").join(f"[{res.findings[c.finding].code}] {res.findings[c.finding].text(lang)}"
                               for c in linked if c.finding < len(res.findings))
                mark = (f'<a href="#f{fi}-{worst.finding}"><mark class="claim {cls}" id="m{fi}-{worst.finding}" '
                        f'data-finding="{e(ids)}" data-severity="{e(worst.severity)}" title="{e(tip)}">{body}</mark></a>')
            else:
                mark = f'<mark class="claim {cls}" data-severity="ok">{body}</mark>'
            parts += [e(b.text[at:a]), mark]
            at = z
        parts.append(e(b.text[at:]))
        out.append(f'<h3 data-key="{e(b.key)}">{e(b.key)} {e(b.title)}</h3><p>{"".join(parts)}</p>')
    idx = [i for i, f in enumerate(res.findings) if is_narrative(f)]
    if idx:
        back = {c.finding: f"m{fi}-{c.finding}" for cs in by_key.values() for c in cs if c.finding >= 0}
        out.append(f"<h3>{e(t['findings'])}</h3>")
        out += _finding_rows(fi, res, idx, own, lang, t, back)
    out.append("</section>")
    return out


def render_html(results: list[FileResult], lang: str = "zh", claims: dict[str, Iterable[ClaimMark]] | None = None) -> str:
    """The report page for the files; `claims` maps a file's path to its narrative claim marks
    (default: `claims_of` each file, without a prior instance)."""
    t = T["en" if lang == "en" else "zh"]
    o = [f'<!DOCTYPE html>\n<html lang="{t["lang"]}"><head><meta charset="utf-8">',
         '<meta name="viewport" content="width=device-width, initial-scale=1">',
         f"<title>{e(t['title'])}</title><style>{CSS}</style></head><body>", f"<h1>{e(t['title'])}</h1>"]
    for fi, res in enumerate(results):
        o += _article(fi, res, lang, t, claims)
    o.append("</body></html>\n")
    return "\n".join(o)


def _article(fi: int, res: FileResult, lang: str, t: dict, claims: dict | None) -> list[str]:
    """One file: its header and verdict, then its tables with their findings (or, without an
    instance, the schema findings alone), then its narrative."""
    inst = res.instance
    o = [f'<article class="file" data-file="{e(res.path)}">', *_header_table(res, t)]
    if res.unusable:
        sep = "：" if lang == "zh" else ": "
        o.append(f'<p class="invalid">{e(t["unusable"])}{sep}{e(res.unusable)}</p></section></article>')
        return o
    o.append(_verdict(res, lang, t))
    own, other = _marks(res)
    if inst is None:  # schema findings: no grid to draw
        o.append(f"<h2>{e(t['findings'])}</h2>")
        o += _finding_rows(fi, res, list(range(len(res.findings))), own, lang, t)
        o.append("</section></article>")
        return o
    o.append(f'<p class="muted">{e(t["unit"])}</p></section>')
    o += _table_sections(fi, res, own, other, lang, t)
    if not res.findings:
        o.append(f"<p>{e(t['none'])}</p>")
    if inst.narrative:
        marks = claims_of(res) if claims is None else list(claims.get(res.path, ()))
        o += _narrative(res, marks, fi, own, lang, t)
    o.append("</article>")
    return o


def _header_table(res: FileResult, t: dict) -> list[str]:
    """The file's name and, when it was read, its entity, year, status and layout (the summary
    section is left open for the verdict)."""
    o = ['<section class="sum"><table>', f"<tr><th>{e(t['file'])}</th><td>{e(res.path)}</td></tr>"]
    if res.instance is not None:
        h = res.instance.header
        for label, value in ((t["entity"], h.entity), (t["year"], h.fiscal_year),
                             (t["status"], t["statuses"].get(h.status, h.status)), (t["layout"], h.layout)):
            o.append(f"<tr><th>{e(label)}</th><td>{e(value)}</td></tr>")
    o.append("</table>")
    return o


def _verdict(res: FileResult, lang: str, t: dict) -> str:
    """Valid or not, and the findings counted by severity."""
    counts = {s: sum(1 for f in res.findings if f.severity == s) for s in SEV_ORDER}
    ok = counts["error"] == 0
    cls, word = ("valid", t["valid"]) if ok else ("invalid", t["invalid"])
    if lang != "en":
        return f'<p class="{cls}">{e(word)}；{e(t["counts"].format(**counts))}</p>'
    told = {k: f"{n} {k}" + ("s" if n != 1 else "") for k, n in counts.items()}
    return f'<p class="{cls}">{e(word)}; {e(t["counts"].format(**told))}</p>'


def _table_sections(fi: int, res: FileResult, own: dict, other: dict, lang: str, t: dict) -> list[str]:
    """Each table of the instance's layout as a grid with its findings, then the findings outside
    the tables (narrative findings are listed in the narrative section)."""
    from .taxonomy import load_taxonomy

    inst = res.instance
    by_table: dict[str, list[int]] = {}
    told = bool(inst.narrative)  # narrative findings: in the narrative section
    for i, f in enumerate(res.findings):
        if not (told and is_narrative(f)):
            by_table.setdefault(f.table, []).append(i)
    tax = load_taxonomy(inst.header.taxonomy)
    lay = tax.layout(inst.header.layout)
    o = []
    for table in lay.tables:
        title = t["table"].format(t=table.id, title=table.title)
        o.append(f'<section class="tbl" id="t{fi}-{e(table.id)}"><h2>{e(title)}</h2>')
        o += _grid(fi, table, inst, tax, own, other, res.findings, t)
        if by_table.get(table.id):
            o.append(f"<h3>{e(t['findings'])}</h3>")
            o += _finding_rows(fi, res, by_table[table.id], own, lang, t)
        o.append("</section>")
    rest = [i for tid, lst in by_table.items() if tid not in {x.id for x in lay.tables} for i in lst]
    if rest:
        o.append(f'<section class="tbl"><h2>{e(t["other"])}</h2>')
        o += _finding_rows(fi, res, rest, own, lang, t)
        o.append("</section>")
    return o
