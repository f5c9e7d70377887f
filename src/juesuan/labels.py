"""Row, column and title labels as matched: ordinals stripped, blanks and brackets unified."""

from __future__ import annotations

import functools
import re

# Leading ordinals printed before row labels: "一、", "（一）", "1.", "二十四、" ... The pattern, kept as
# the specification (tests check strip_ordinal against it): strip_ordinal does the same by hand, so
# that no command pays for compiling these CJK character classes.
ORDINAL_PATTERN = r"^\s*(?:[（(][一二三四五六七八九十百]+[)）][、.．]?|[一二三四五六七八九十百]+[、.．]|\d+[、.．](?!\d))\s*"
_NUMERALS = frozenset("一二三四五六七八九十百")
_SEPARATORS = frozenset("、.．")


def strip_ordinal(label: str) -> str:
    """'一、一般公共服务支出' -> '一般公共服务支出'; '（一）基本支出' -> '基本支出'; '1.5' stays."""
    s = label.lstrip()
    n = len(s)
    if n and s[0] in "（(":
        j = 1
        while j < n and s[j] in _NUMERALS:
            j += 1
        if j > 1 and j < n and s[j] in ")）":
            j += 1
            if j < n and s[j] in _SEPARATORS:
                j += 1
            return s[j:].strip()
        return label.strip()
    j = 0
    while j < n and s[j] in _NUMERALS:
        j += 1
    if j:
        return s[j + 1:].strip() if j < n and s[j] in _SEPARATORS else label.strip()
    while j < n and s[j].isdecimal():
        j += 1
    if j and j < n and s[j] in _SEPARATORS and not (j + 1 < n and s[j + 1].isdecimal()):
        return s[j + 1:].strip()
    return label.strip()


@functools.lru_cache(maxsize=65536)
def normalize_label(label: str) -> str:
    """Label form used for matching: no ordinal, no blanks, ASCII brackets and quotes unified."""
    s = "".join(strip_ordinal(label or "").split())  # (split: the whitespace of regex \s, at a tenth of re.sub's cost)
    # str.translate with a dict costs ~20,000 instructions for a line of CJK: only when a character it maps is there
    return s.translate(_LABEL_TRANS) if any(ch in s for ch in _LABEL_FROM) else s


_LABEL_FROM = "()\u201c\u201d':＂"
_LABEL_TRANS = str.maketrans({"(": "（", ")": "）", "\u201c": '"', "\u201d": '"', "'": '"', ":": "：", "＂": '"'})
QUOTES_RE = re.compile(r"[\"“”‘’'「」『』]")


def title_key(text: str) -> str:
    """A table title as matched: normalised, quotes dropped (PDF text often drops or displaces “ ”)."""
    return QUOTES_RE.sub("", normalize_label(text))
