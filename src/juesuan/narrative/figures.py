"""What narrative.claims reads out of 第三部分: the block, its parts, their sentences and each stated
figure with what it was read as. Plain slotted classes: extraction builds thousands of them."""

from __future__ import annotations

import bisect

from .phrases import Binding


class Figure:
    """One stated number: its printed text, value, decimals and what it was read as."""

    __slots__ = ("kind", "text", "value", "decimals", "unit", "label", "start", "sentence", "binding",
                 "concept", "code", "role", "partial", "base", "base_label", "subject", "sign", "bound", "why",
                 "change", "figure_no")

    def __init__(self, kind, text, value, decimals, unit, label, start, sentence):
        self.kind = kind  # amount change share rate growth count year date
        self.text = text
        self.value = value
        self.decimals = decimals
        self.unit = unit
        self.label = label
        self.start = start
        self.sentence = sentence
        self.binding: Binding | None = None
        self.concept: str | None = None
        self.code: str | None = None
        self.role = "actual"
        self.partial = False
        self.base = None  # share: a Figure, or ("concept", concept) ; growth: the change Figure
        self.base_label = ""
        self.subject = None  # (binding, code) the figure is about
        self.sign = 0  # change/growth: +1 increase, -1 decrease
        self.bound = False
        self.why = ""  # why unbound
        self.change = None


class Sentence:
    __slots__ = ("part", "index", "text", "start", "figures", "template", "direction", "flat", "years",
                 "dates", "org", "subject", "pair", "total")

    def __init__(self, part, index, text, start):
        self.part = part
        self.index = index
        self.text = text
        self.start = start  # offset in the part's normalised text
        self.figures: list[Figure] = []
        self.template: list[str] = []
        self.direction: tuple[str, object, dict] | None = None  # (word, subject, pair)
        self.flat: tuple[object, object] | None = None
        self.years: list[tuple[int, str]] = []  # (year, "current" | "prior")
        self.dates: list[tuple[int, int, int, str]] = []
        self.org = ""
        self.subject = None
        self.pair: dict | None = None
        self.total: Figure | None = None


class Part:
    __slots__ = ("block", "heading", "section", "text", "line", "sentences", "breaks")

    def __init__(self, block, heading, section, text, line, breaks=()):
        self.block = block
        self.heading = heading
        self.section = section
        self.text = text
        self.line = line  # line within the block text where the part starts (0-based)
        self.breaks = breaks  # offsets in `text` where each following source line starts
        self.sentences: list[Sentence] = []

    def line_of(self, offset: int) -> int:
        """The line within the block text (0-based) of an offset in the part's text."""
        return self.line + bisect.bisect_right(self.breaks, offset)  # the breaks at or before it


class BlockClaims:
    __slots__ = ("key", "title", "section", "parts", "title_years")

    def __init__(self, key, title, section):
        self.key = key
        self.title = title
        self.section = section
        self.parts: list[Part] = []
        self.title_years: list[int] = []

    def figures(self):
        for p in self.parts:
            for s in p.sentences:
                yield from s.figures

    def sentences(self):
        for p in self.parts:
            yield from p.sentences
