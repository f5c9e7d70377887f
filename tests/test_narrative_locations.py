"""Where a narrative finding points (property): a PDF's narrative is read as printed lines, wrapped
lines joined into one (readers/pdfpages.paragraphs), cut into blocks (readers/narrative), the blocks
into parts at their "（一）…情况说明" sub-headings (narrative/claims); whatever the wrapping, the
blanks around lines and the heading's rest, every character of a part's text maps back to the
printed line it was read from (narrative/context._printed_line)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from juesuan.narrative.claims import split_parts
from juesuan.narrative.context import _printed_line
from juesuan.narrative.figures import Part
from juesuan.narrative.phrases import catalogue_of, norm
from juesuan.readers.narrative import narrative_blocks
from juesuan.taxonomy import load_taxonomy

_TEXT = st.text(alphabet="收入支出总计万元本年度与相比增加，。；0123456789.%（）", min_size=1, max_size=30)
_LINE = st.one_of(_TEXT, st.just("（二）支出决算情况说明"), st.builds(lambda t: "（一）收入情况说明" + t, _TEXT))
_PRINTED = st.tuples(st.sampled_from(["", " ", "  "]), _LINE, st.sampled_from(["", " "]), st.booleans())


@settings(max_examples=300, deadline=None)
@given(rest=st.sampled_from(["", "本年收入", " 2021年度收支"]), printed=st.lists(_PRINTED, min_size=1, max_size=12))
def test_every_character_of_a_part_maps_to_its_printed_line(rest, printed):
    heading = "一、收入支出决算总体情况说明" + rest
    # printed lines 1 and 2 are 第三部分 and the heading; each later one (lead, text, trail, joined to
    # the one before), joined as paragraphs() joins a wrapped line: stripped, after the line so far
    lines, numbers, segments, labels = ["第三部分", heading], [1, 2], [[(0, 1)], [(0, 2)]], [[], []]
    for n, (lead, text, trail, joined) in enumerate(printed, start=3):
        raw = lead + text + trail
        if joined and len(lines) > 2:
            segments[-1].append((len(lines[-1]), n))
            lines[-1] += raw.strip()
            labels[-1] += [n] * len(raw.strip())
        else:
            lines.append(raw)
            numbers.append(n)
            segments.append([(0, n)])
            labels.append([n] * len(raw))
    [block] = narrative_blocks(lines, "x.pdf", numbers, ["p1"] * len(lines), segments)
    body = block.text.split("\n")
    assert len(block.sources) == len(body)
    # the printed line of each character of each body line: the joined lines' labels, stripped as
    # the reader strips them (the heading's rest opens the text)
    want: list[list[int]] = []
    for line, lab in zip(lines[2:], labels[2:]):
        if line.strip():
            lead = len(line) - len(line.lstrip())
            want.append(lab[lead:lead + len(line.strip())])
    if rest.strip():
        want.insert(0, [2] * len(rest.strip()))
    assert [len(w) for w in want] == [len(b) for b in body]
    _, parts = split_parts(block.text, block.title, catalogue_of(load_taxonomy()))
    for head, sec, text, first, breaks in parts:
        part = Part(None, head, sec, text, first, breaks)
        # the part's characters as read: its first line after its heading, then the lines after it
        chars = [(c, n) for k, b in enumerate(body[first:first + len(breaks) + 1])
                 for c, n in zip(b[len(head) if k == 0 else 0:], want[first + k][len(head) if k == 0 else 0:])
                 if norm(c)]
        assert "".join(c for c, _ in chars) == text
        for pos, (_, n) in enumerate(chars):
            k = part.line_of(pos)
            assert _printed_line(part, block, k, pos, body[k]) == n, (pos, text)


class _Text(str):
    """A block's text that counts how often it is split into lines."""

    splits = 0

    def split(self, *args, **kwargs):
        _Text.splits += 1
        return super().split(*args, **kwargs)


def test_a_block_with_thousands_of_findings_is_split_into_lines_once():
    """Each finding is located through its block's lines: the lines are split once per block, not
    once per finding (2,000 findings in one block of 2,000 lines was 2,000 splits of the whole text:
    quadratic, 3 s at 8,000 lines)."""
    from juesuan.model import Instance, NarrativeBlock
    from juesuan.narrative.checks import check_narrative
    from juesuan.xmlio import load_instance

    from .conftest import EXAMPLE_XML

    n = 2000
    lines = ["第三部分", "一、收入支出决算总体情况说明"] + ["2021年度收支总计0万元。"] * n
    [b] = narrative_blocks(lines, "t.txt", list(range(1, n + 3)))
    block = NarrativeBlock(b.key, b.title, _Text(b.text), b.location, b.sources)
    inst = load_instance(EXAMPLE_XML)
    _Text.splits = 0
    found = [f for f in check_narrative(Instance(inst.header, list(inst.facts), [block], "t.txt"))
             if f.code == "narrative:zero-amount"]
    assert [f.location.line for f in found] == list(range(3, n + 3))  # each on its own line
    assert _Text.splits <= 3, _Text.splits
