"""The narrative phrase catalogue (taxonomies/<id>/narrative.toml), parsed once and indexed.

Loaded with tomllib only when narrative checks or `juesuan draft` run (the table commands never
need it, so it is not part of compiled.json).
"""

from __future__ import annotations

import functools
import os

from ..errors import TaxonomyError


class Binding:
    """Phrases naming a concept in some sections (one [[bind]] entry)."""

    __slots__ = ("phrases", "actual", "budget", "code", "partial", "function", "sections")

    def __init__(self, d: dict):
        self.phrases = tuple(norm(p) for p in d["phrases"])
        self.actual = d.get("actual")
        self.budget = d.get("budget")
        self.code = d.get("code")
        self.partial = bool(d.get("partial", False))
        self.function = d.get("function")
        self.sections = tuple(d["sections"])

    def concept(self, role: str) -> str | None:
        return self.budget if role == "budget" else self.actual


class Section:
    __slots__ = ("id", "titles", "share_base", "empty_table", "phrases", "function", "sums")

    def __init__(self, d: dict):
        self.id = d["id"]
        self.titles = tuple(norm(t) for t in d["titles"])
        self.share_base = d.get("share_base")
        self.empty_table = d.get("empty_table")
        self.phrases: list[tuple[str, Binding]] = []  # longest first
        self.function: Binding | None = None
        self.sums: list[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]] = []


class Catalogue:
    def __init__(self, data: dict, where: str):
        self.where = where
        w = data.get("words", {})
        self.increase = tuple(w.get("increase", ()))
        self.decrease = tuple(w.get("decrease", ()))
        self.flat = tuple(w.get("flat", ()))
        self.reason = tuple(w.get("reason", ()))
        self.template = tuple(norm(t) for t in w.get("template", ()))
        self.none_said = tuple(w.get("none_said", ()))
        self.sections = [Section(s) for s in data.get("section", [])]
        self.by_id = {s.id: s for s in self.sections}
        self.other = Section({"id": "other", "titles": []})
        for b in data.get("bind", []):
            bind = Binding(b)
            for sid in bind.sections:
                sec = self._section(sid)
                sec.phrases.extend((p, bind) for p in bind.phrases)
                if bind.function:
                    sec.function = bind
        for sec in self.sections:
            sec.phrases.sort(key=lambda pb: -len(pb[0]))
        for s in data.get("sum", []):
            for sid in s["sections"]:
                self._section(sid).sums.append((tuple(norm(t) for t in s["total"]),
                                                tuple(tuple(norm(x) for x in it) for it in s["items"])))
        self.carry = [(c["opening"], c["closing"]) for c in data.get("carry", [])]
        # [[total]]: (total concept, items as alternatives of concept tuples, optional)
        self.totals = [(t["total"], tuple(tuple(tuple(a.split("+")) for a in it.split("|")) for it in t["items"]),
                        bool(t.get("optional", False))) for t in data.get("total", [])]

    def _section(self, sid: str) -> Section:
        try:
            return self.by_id[sid]
        except KeyError:
            raise TaxonomyError(f"{self.where}: unknown section {sid!r}") from None

    def section_for(self, title: str, default: Section | None = None) -> Section:
        t = norm(title)
        for s in self.sections:
            if any(k in t for k in s.titles):
                return s
        return default or self.other


_TRANS = str.maketrans({"(": "（", ")": "）", "％": "%", ";": "；", ":": "：", "０": "0", "１": "1", "２": "2",
                        "３": "3", "４": "4", "５": "5", "６": "6", "７": "7", "８": "8", "９": "9", "．": ".",
                        "\u201c": None, "\u201d": None, '"': None, "'": None, "\u2018": None, "\u2019": None,
                        "「": None, "」": None, "＂": None, " ": None, "\t": None, "\n": None, "\r": None,
                        "\u3000": None, "\xa0": None})


def norm(text: str) -> str:
    """The text form matching works on: no blanks or quotes, fullwidth brackets and colons."""
    return text.translate(_TRANS).replace("收、支", "收支")


def catalogue_of(tax) -> Catalogue:
    """The taxonomy's phrase catalogue: parsed from compiled.json with the other sources (no TOML
    parsing at run time), else read from narrative.toml."""
    cat = _BY_TAX.get(tax.id)
    if cat is None:
        data = tax.sources.get("narrative.toml") if tax.sources else None
        cat = _BY_TAX[tax.id] = (Catalogue(data, os.path.join(tax.folder, "narrative.toml")) if data is not None
                                 else load_catalogue(tax.folder))
    return cat


_BY_TAX: dict[str, Catalogue] = {}


@functools.cache
def load_catalogue(folder: str) -> Catalogue:
    import tomllib  # noqa: PLC0415 - only when compiled.json lacks it

    path = os.path.join(folder, "narrative.toml")
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        return Catalogue({}, path)
    except tomllib.TOMLDecodeError as e:
        raise TaxonomyError(f"{path}: {e}") from None
    return Catalogue(data, path)
