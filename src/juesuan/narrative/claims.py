"""Claims read from 第三部分: each stated figure with what it is said to be.

A block is cut into parts (its "（一）…" sub-headings), each part into sentences (at 。！？), each
sentence into figures (a number and its unit). A figure's label is the text since the previous
punctuation or figure; the phrase catalogue (narrative.toml) binds the label to a concept within the
part's section. What a figure is:

- amount (万元 / 元): of the concept its label names (or of the sentence's subject), as 决算 or
  预算 figure; a figure inside a reason ("主要原因是……") is never bound;
- change (增加/减少 X 万元) and growth (增长/下降 Y%): of the sentence's subject, against last year;
- share (占 X%): of the preceding amount, over the base the sentence names (占本年支出合计的), else the
  sentence's total (the amount before 其中 / 主要用于), else the section's share_base;
- rate (完成预算的 X%): the subject's 决算 over its 预算;
- direction (决算数大于/小于/等于预算数, 基本持平) and flat (与上年持平);
- count (辆, 个, 人 …), year (YYYY 年度 at the start of a sentence, 与 YYYY 年度相比), date (截至 …).

Extraction depends only on the text, the block title and the catalogue, so it is cached per block.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .figures import BlockClaims, Figure, Part, Sentence
from .phrases import Binding, Catalogue, Section, norm

_NUM = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)(万元|亿元|元|%|辆|个|人次|人|台（套）|台|套|次|项|年度|年|月|日)?")
_PUNCT = "，；：。、,！？"
_SENT_END = re.compile(r"[。！？]|[：；](?=\d{1,2}、)")
_SUBHEAD = re.compile(r"^（[一二三四五六七八九十]+）")
_DATE = re.compile(r"截[至止](\d{4})年(\d{1,2})月(\d{1,2})日")
# names bounded (the longest 项 name is under 40 characters): unbounded, a search from each character of a
# long run of text without these marks (a mangled page: megabytes) read to the run's end, quadratic
_CHAIN = re.compile(r"([^，。；：、（）]{1,80}?)（类）(?:([^，。；：、（）]{1,80}?)（款）)?(?:([^，。；：、（）]{1,80}?)（项）)?")
_DIRECTION = re.compile(r"决算数?(?:(大于|高于|超过|小于|低于|等于)(?:年初)?预算|与(?:年初)?预算数?(基本持平|持平|相等|一致))")
_BRACKET = re.compile(r"【[^】]*】")
_ORG = re.compile(r"^(\D{2,40}?(?:局|中心|委员会|办公室|院|所|站|馆|厅|委|处|队|学校|医院|协会|联合会|部))(?:\d{4}年)")
_LEAD = re.compile(r"^\d+、")

AMOUNT_UNITS = {"万元": (Decimal(1), 0), "元": (Decimal("0.0001"), 4), "亿元": (Decimal(10000), -4)}
COUNT_UNITS = {"辆", "个", "人次", "人", "台（套）", "台", "套", "次", "项"}


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


class FunctionNames:
    """Function-code names for "…（类）…（款）…（项）" chains."""

    def __init__(self, codes):
        self.by_level: dict[int, dict[str, list[str]]] = {3: {}, 5: {}, 7: {}}
        for c in codes.codes.values():
            for n in (c.name, *c.aliases):
                self.by_level[len(c.code)].setdefault(norm(n), []).append(c.code)

    def resolve(self, cls: str, kuan: str | None, xiang: str | None) -> str | None:
        cls = _LEAD.sub("", cls)
        code = None
        names = self.by_level[3]
        for i in range(len(cls)):  # the longest tail of the text that names a 类
            tail = cls[i:]
            for cand in (tail, tail + "支出"):
                if cand in names:
                    code = names[cand][0]
                    break
            if code:
                break
        if code is None:
            return None
        for level, name in ((5, kuan), (7, xiang)):
            if not name:
                break
            found = [c for c in self.by_level[level].get(name, ()) if c.startswith(code)]
            if not found:
                return None
            code = found[0]
        return code


def _subheading(line: str) -> str:
    """'（一）…情况说明' (up to its first 情况说明 / 情况 / 说明, before any ，。；：) at the start of a line."""
    m = _SUBHEAD.match(line)
    if not m:
        return ""
    rest = line[m.end():]
    stop = min((i for i in (rest.find(c) for c in "，。；：") if i != -1), default=len(rest))
    ends = [i + len(w) for w in ("情况说明", "情况", "说明") for i in (rest.find(w),) if i != -1 and i + len(w) <= stop]
    if not ends:
        return ""
    end = min(ends)
    if rest.startswith("情况说明", end - 2):  # 情况 of 情况说明
        end += 2
    if rest[end:end + 1] == "。":
        end += 1
    return line[:m.end() + end]


def split_parts(text: str, title: str, cat: Catalogue) -> tuple[Section, list[tuple]]:
    sec = cat.section_for(title)
    parts: list[tuple[str, Section, list[str], int]] = [("", sec, [], 0)]
    for i, line in enumerate(text.split("\n")):
        s = line.strip()
        head = _subheading(s)
        if head:
            parts.append((head, cat.section_for(head, sec), [s[len(head):]], i))
        else:
            parts[-1][2].append(s)
    out = []
    for h, ps, ls, ln in parts:
        if not ("".join(ls).strip() or h):
            continue
        normed = [norm(x) for x in ls]
        breaks, pos = [], 0
        for x in normed[:-1]:
            pos += len(x)
            breaks.append(pos)
        out.append((h, ps, "".join(normed), ln, tuple(breaks)))
    return sec, out


_REASON_END = ("；", "与上年", "比上年", "与20", "比20")


def _reason_spans(sent: str, reasons: tuple[str, ...]) -> list[tuple[int, int]]:
    """The reasons of a sentence ("主要原因是……" up to the next ；, 与上年…, or the end), as spans."""
    spans = []
    for r in reasons:
        i = sent.find(r)
        while i != -1:
            ends = [e for e in (sent.find(t, i) for t in _REASON_END) if e != -1]
            end = min(ends) if ends else len(sent)
            spans.append((i, end))
            i = sent.find(r, max(end, i + 1))
    return spans


def _in_reason(spans: list[tuple[int, int]], pos: int) -> bool:
    return any(a <= pos < b for a, b in spans)


def _takes_subject(label: str) -> bool:
    """May a figure whose label names no concept be the subject's (年初预算为 / 支出决算为)?"""
    rest = label.removeprefix("其中")
    return not rest or "预算" in rest or "决算" in rest or rest in ("支出", "为")


def _phrase(seg: str, sec: Section) -> tuple[Binding | None, int, int]:
    """The binding whose phrase ends latest in seg (longest on a tie), with its start and end."""
    best: tuple[Binding | None, int, int] = (None, -1, -1)
    for p, b in sec.phrases:
        i = seg.rfind(p)
        if i != -1:
            end = i + len(p)
            if end > best[2] or (end == best[2] and i < best[1]):
                best = (b, i, end)
    return best


def _role(rest: str) -> str:
    if "预算" in rest and "决算" not in rest:
        return "budget"
    return "actual"


def extract_block(key: str, title: str, text: str, cat: Catalogue, names: FunctionNames) -> BlockClaims:
    sec, parts = split_parts(text, title, cat)
    bc = BlockClaims(key, title, sec)
    bc.title_years = [int(y) for y in title_years(title)]
    for head, psec, ptext, line, breaks in parts:
        part = Part(bc, head, psec, ptext, line, breaks)
        bc.parts.append(part)
        _extract_part(part, cat, names)
    return bc


def title_years(title: str) -> list[str]:
    return [m.group(1) for m in _NUM.finditer(norm(title)) if m.group(2) in ("年", "年度")]


def _extract_part(part: Part, cat: Catalogue, names: FunctionNames) -> None:
    """Fill `part.sentences`: each sentence of the part with its figures, read in order."""
    reader = _PartReader(part, cat, names)
    for start, st in _chunks(part.text):
        if st.strip("。！？"):
            reader.sentence(start, st)


def _chunks(text: str) -> list[tuple[int, str]]:
    """The sentences of a part's text (cut after 。！？, or a ：/； before "1、"), with their offsets."""
    chunks, pos = [], 0
    for m in _SENT_END.finditer(text):
        chunks.append((pos, text[pos:m.end()]))
        pos = m.end()
    if pos < len(text):
        chunks.append((pos, text[pos:]))
    return chunks


def _label(st: str, a: int, prev_end: int) -> str:
    """The label of the figure at `a`: the text since the previous punctuation or figure."""
    for j in range(a - 1, prev_end - 1, -1):
        if st[j] in _PUNCT:
            return st[j + 1:a]
    return st[prev_end:a]


def _year(s: Sentence, st: str, m, seg: str, first_year_seen: bool) -> None:
    """A 4-digit YYYY 年(度): the prior year (与 YYYY 年相比), or the current year when it opens the
    sentence."""
    y = int(m.group(1))
    after = st[m.end():m.end() + 4]
    if seg.endswith(("与", "比", "较")) or after.startswith(("相比", "比较")):
        s.years.append((y, "prior"))
    elif not first_year_seen and not any(c in st[:m.start()] for c in _PUNCT) and "截" not in seg:
        s.years.append((y, "current"))


def _new_figure(num: str, unit: str, seg: str, a: int, s: Sentence) -> Figure | None:
    """The figure a number states, by its unit (None for a date part or a bare number)."""
    if unit in ("月", "日"):
        return None
    if unit in AMOUNT_UNITS:
        factor, shift = AMOUNT_UNITS[unit]
        return Figure("amount", num + unit, Decimal(num.replace(",", "")) * factor, _decimals(num) + shift, unit,
                      seg, a, s)
    if unit == "%":
        return Figure("share", num + unit, Decimal(num.replace(",", "")), _decimals(num), unit, seg, a, s)
    if unit in COUNT_UNITS:
        f = Figure("count", num + unit, Decimal(num.replace(",", "")), _decimals(num), unit, seg, a, s)
        f.why = "count"
        return f
    return None  # a bare number (项目编号, 分): not a claim


def _sentence_marks(s: Sentence, st: str, cat: Catalogue, names: FunctionNames, sec: Section) -> str | None:
    """What the sentence says apart from its figures: template words, dates, the organisation it opens
    with; returns the code of a "…（类）…（款）…（项）" chain it names (in a section with one)."""
    s.template = [t for t in cat.template if t in st] + _BRACKET.findall(st)
    for m in _DATE.finditer(st):
        s.dates.append((int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(0)))
    om = _ORG.match(_LEAD.sub("", st))
    if om and not om.group(1).startswith(("本", "我", "与", "根据", "截")):
        s.org = om.group(1)
    if sec.function is not None:
        cm = _CHAIN.search(st)
        if cm:
            return names.resolve(cm.group(1), cm.group(2), cm.group(3))
    return None


class _PartReader:
    """Reads a part's sentences in order. The subject carried from sentence to sentence and each
    subject's 决算/预算 pair live as long as the part; the subject, last amount, last change, local
    pair and reasons are the current sentence's."""

    __slots__ = ("part", "cat", "names", "sec", "carried", "pairs", "s", "subject", "last_amount",
                 "last_change", "local", "reasons")

    def __init__(self, part: Part, cat: Catalogue, names: FunctionNames):
        self.part, self.cat, self.names, self.sec = part, cat, names, part.section
        self.carried = None  # (binding, code) subject carried over sentences
        self.pairs: dict = {}  # subject -> {"actual": Figure, "budget": Figure}

    def sentence(self, start: int, st: str) -> None:
        part = self.part
        s = self.s = Sentence(part, len(part.sentences), st, start)
        part.sentences.append(s)
        # a "…（类）…（款）…（项）" heading sets the subject of the sentences that follow
        chain_code = _sentence_marks(s, st, self.cat, self.names, self.sec)
        self.subject = self.carried
        self.last_amount: Figure | None = None
        self.last_change: Figure | None = None
        self.local: dict = {}
        self.reasons = _reason_spans(st, self.cat.reason)
        self._figures(s, st)
        if chain_code and not any(f.kind == "amount" for f in s.figures):
            self.carried = (self.sec.function, chain_code)  # a "1、…（类）…（项）。" heading
        self._direction_or_flat(s, st)

    def _figures(self, s: Sentence, st: str) -> None:
        cat = self.cat
        prev_end = 0
        first_year_seen = False
        for m in _NUM.finditer(st):
            num, unit = m.group(1), m.group(2) or ""
            a = m.start()
            seg = _label(st, a, prev_end)
            prev_end = m.end()
            if unit in ("年", "年度"):
                if len(num) == 4:
                    _year(s, st, m, seg, first_year_seen)
                first_year_seen = True
                continue
            f = _new_figure(num, unit, seg, a, s)
            if f is None:
                continue
            s.figures.append(f)
            if f.kind == "count":
                continue
            if s.template and any(t in seg or t in st[a:a + 12] for t in s.template):
                f.why = "template"
                continue
            if self.reasons and _in_reason(self.reasons, a):
                f.why = "reason"
                continue
            has_change = next((w for w in cat.increase + cat.decrease if w in seg), None)
            if f.kind == "amount":
                self._amount(f, seg, st[m.end():m.end() + 8], has_change)
            else:
                self._percent(f, seg, has_change)

    def _amount(self, f: Figure, seg: str, tail: str, has_change: str | None) -> None:
        """An amount: a change against last year (增加/减少), else the 决算 or 预算 figure of what its
        label (or the sentence's subject) names; the first amount before 其中 / 主要用于 is the
        sentence's total."""
        b, rest = self._subject_of(seg)
        if has_change:
            self._change(f, has_change)
            return
        f.role = _role(rest)
        self._bind(f, b, seg)
        s = self.s
        if s.total is None and self.last_amount is None and ("其中" in tail or "主要用于" in tail):
            s.total = f
        self.last_amount = f

    def _subject_of(self, seg: str) -> tuple[Binding | None, str]:
        """The binding the label names (a function-code chain, else the catalogue phrase ending
        latest), which becomes the subject; with the label's text after it."""
        sec = self.sec
        b, _, pe = _phrase(seg, sec)
        rest = seg[pe:] if b else seg
        if "（类）" in seg and sec.function is not None:
            cm = _CHAIN.search(seg)
            code = self.names.resolve(cm.group(1), cm.group(2), cm.group(3)) if cm else None
            if code:
                b, rest = sec.function, seg[cm.end():]
                self.subject = self.carried = (b, code)
        elif b is not None:
            self.subject = self.carried = (b, b.code)
        return b, rest

    def _change(self, f: Figure, word: str) -> None:
        """增加/减少 X 万元: of the subject, against the sentence's last amount of that subject (else the
        subject's 决算 figure stated before)."""
        f.kind = "change"
        f.sign = 1 if word in self.cat.increase else -1
        subject, last = self.subject, self.last_amount
        if last is not None and (subject is None or last.subject == subject):
            f.base = last
        else:
            f.base = self.pairs.get(subject, {}).get("actual") if subject is not None else None
        f.subject = subject
        self.last_change = f

    def _bind(self, f: Figure, b: Binding | None, seg: str) -> None:
        """Bind an amount to the subject's concept for its role (or keep it as half of a local
        预算/执行 pair; else unbound by its label)."""
        s = self.s
        subj = self.subject if (b is not None or _takes_subject(seg)) else None
        if subj is None and b is None and ("预算" in seg or "决算" in seg or "执行" in seg):
            self.local.setdefault("local", {})[f.role] = f  # 项目全年预算数为 A，执行数为 B
            s.pair = self.local["local"]
        if subj is not None:
            binding, code = subj
            f.binding, f.code, f.partial = binding, code, binding.partial
            f.concept = binding.concept(f.role)
            f.subject = subj
            self.pairs.setdefault(subj, {})[f.role] = f
            s.pair = self.pairs[subj]
            s.subject = subj
        else:
            f.why = "label"

    def _percent(self, f: Figure, seg: str, has_change: str | None) -> None:
        """A percentage: a share (占), a rate (完成预算的) or a growth (增长/下降)."""
        if "占" in seg:
            f.kind = "share"
            f.base = self.last_amount
            den = seg[seg.index("占") + 1:]
            den = den[:den.rindex("的")] if "的" in den else ""
            f.base_label = den
            f.subject = ("den", den)
        elif "完成" in seg:
            f.kind = "rate"
            f.subject = self.subject
            f.base = self.pairs.get(self.subject) if self.subject is not None else self.local.get("local")
        elif has_change:
            last = self.last_change
            f.kind = "growth"
            f.sign = 1 if has_change in self.cat.increase else -1
            f.change = last
            f.subject = last.subject if last is not None else self.subject
            f.base = last.base if last is not None else self.last_amount
        else:
            f.why = "label"

    def _direction_or_flat(self, s: Sentence, st: str) -> None:
        """决算数大于/小于/等于预算数 of the sentence's subject, or 与上年持平."""
        dm = _DIRECTION.search(st)
        if dm:
            subj = s.subject or self.subject
            if subj is None:
                b, _, _ = _phrase(st[:dm.start()], self.sec)
                subj = (b, b.code) if b else None
            s.direction = (dm.group(1) or dm.group(2), subj, self.pairs.get(subj, {}) if subj else {})
        elif any(w in st for w in self.cat.flat) and ("上年" in st or any(k == "prior" for _, k in s.years)):
            b, _, _ = _phrase(st, self.sec)
            s.flat = ((b, b.code) if b else self.subject, st)
