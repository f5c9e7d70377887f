"""第三部分 (the 情况说明 text after the tables) cut into narrative blocks.

A report's part 3 is a list of numbered headings ("一、收入支出决算总体情况说明", … "十三、…") each
followed by paragraphs. Each heading becomes one `NarrativeBlock` keyed "3.N" (N = the heading's
number), titled with the heading up to and including its first "说明" (the rest of that line, if
any, opens the text), its text the following lines joined by newlines. Part 3 starts at the last
line beginning with 第三部分 (the earlier ones are the table of contents) and ends at the next
第四部分/第五部分 line or the end of the text.
"""

from __future__ import annotations

from typing import Sequence

from ..model import Location, NarrativeBlock
from .cells import heading_number

_ORDER = "一二三四五六七八九"


def _later_part(text: str) -> bool:
    """A 第四部分 to 第六部分 line (by hand: a regex class of CJK numerals costs ~0.3 ms to compile)."""
    return text[:1] == "第" and text[2:4] == "部分" and text[1] in "四五六"


def chinese_number(num: str) -> int:
    """'一' -> 1, '十' -> 10, '十三' -> 13, '二十一' -> 21."""
    if "十" not in num:
        return _ORDER.index(num) + 1
    tens, _, units = num.partition("十")
    return (_ORDER.index(tens) + 1 if tens else 1) * 10 + (_ORDER.index(units) + 1 if units else 0)


def narrative_blocks(lines: Sequence[str], file: str = "", line_numbers: Sequence[int] | None = None,
                     sheets: Sequence[str] | None = None,
                     segments: Sequence[Sequence[tuple[int, int]]] | None = None) -> list[NarrativeBlock]:
    """The numbered blocks of 第三部分. `line_numbers` / `sheets` give each line's location (PDF:
    page "pN" and the line on that page); by default line i is line i+1 of `file`. `segments`
    gives, for a line joined from wrapped printed lines, each one's (offset, line number); each
    block keeps them per line of its text (`NarrativeBlock.sources`)."""
    starts = [i for i, l in enumerate(lines) if l.strip().startswith("第三部分")]
    if not starts:
        return []
    start = starts[-1]
    end = next((i for i in range(start + 1, len(lines)) if _later_part(lines[i].strip())), len(lines))

    def source(i: int, shift: int) -> tuple:
        segs = segments[i] if segments else ((0, line_numbers[i] if line_numbers else i + 1),)
        kept = [(0, n) for o, n in segs if o <= shift][-1:] + [(o - shift, n) for o, n in segs if o > shift]
        return sheets[i] if sheets else "", tuple(kept)

    def add(block: tuple, text: str, i: int, shift: int) -> None:
        """A line's text into the block, one text line per line break it holds (a .docx paragraph's
        soft breaks), each with its sources."""
        for piece in text.split("\n"):
            block[2].append(piece)
            block[4].append(source(i, shift))
            shift += len(piece) + 1

    blocks: list[tuple[str, str, list[str], int, list[tuple]]] = []
    for i in range(start + 1, end):
        s = lines[i].strip()
        if not s:
            continue
        lead = len(lines[i]) - len(lines[i].lstrip())
        num = heading_number(s)
        if num and not any(b[0] == num for b in blocks):
            title, rest = s, ""
            cut = s.find("说明")
            if cut != -1 and cut + 2 < len(s):
                title, rest = s[: cut + 2], s[cut + 2 :].strip()
            blocks.append((num, title, [], i, []))
            if rest:
                after = s[cut + 2 :]
                add(blocks[-1], rest, i, lead + cut + 2 + len(after) - len(after.lstrip()))
        elif blocks:
            add(blocks[-1], s, i, lead)
    out = []
    for num, title, body, i, sources in blocks:
        loc = Location(file=file, sheet=sheets[i] if sheets else "",
                       line=line_numbers[i] if line_numbers else i + 1)
        out.append(NarrativeBlock(f"3.{chinese_number(num)}", title, "\n".join(body), loc, tuple(sources)))
    return out
