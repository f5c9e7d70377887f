"""The readers' hand-written string tests (no regex classes of scattered CJK characters: compiling one
costs ~0.3 ms of every conversion's start-up) equal the regexes they replace, on every string of up
to three tokens from the characters those regexes look at."""

import itertools
import re

from juesuan.readers import doctype
from juesuan.readers.cells import META_RE, heading_number, part_of
from juesuan.readers.document import _DEPT_RE
from juesuan.readers.narrative import _later_part
from juesuan.readers.spaced import _opens_with_ordinal
from juesuan.readers.titles import _ordinal_tail, drop_numbering

TOKENS = ["一", "三", "五", "六", "十", "第", "部分", "（", "(", ")", "）", "、", "表", "1", "0", " ", ".", "．", "_",
          ":", "：", "部门", "单位", "a"]

OLD_META = re.compile(r"^(注[:：\d]|注\s|\d+[.．、]\s*[^\d\s.．]|说明[:：]|[（(]若|单位[:：]|部门[:：]|金额单位|公开\s*0?\d\s*表"
                      r"|_+\s*单位|第\s*\d+\s*页|\d+\s*/\s*\d+$)")
OLD_DEPT = re.compile(r"部门\s*[:：]\s*(?P<entity>[^\s:：_][^:：]*?)\s*(?:(?:金额)?单位\s*[:：].*|公开\s*0?\d\s*表.*)?$")
OLD_PREFIX = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[.、．]\s*|(?:20\d\d\s*年度?)\s*)")
OLD_ORDINAL = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])")


def _strings():
    for k in range(4):
        for t in itertools.product(TOKENS, repeat=k):
            yield "".join(t)


def _span(m):
    return m and (m.span(), m.group("entity"))


def test_titles_and_parts_by_hand_equal_their_regexes():
    for s in _strings():
        assert drop_numbering(s) == re.sub(r"^[一二三四五六七八九]、", "", s), s
        m = re.search(r"[（(][一二三四五六七八九1-9][)）]$", s)
        tail = _ordinal_tail(s)
        assert tail == (m.start() if m else -1), s
        assert bool(re.search(r"表(?:[（(][一二三四五六七八九1-9][)）])?$", s)) == (
            s.endswith("表") or tail > 0 and s[tail - 1] == "表"), s
        m = re.match(r"^\s*第([一二三四五])部分", s)
        assert part_of(s.lstrip()) == (m.group(1) if m else ""), s
        m = re.match(r"^([一二三四五六七八九十]+)、", s)
        assert heading_number(s) == (m.group(1) if m else ""), s
        assert _later_part(s) == bool(re.match(r"^第[四五六]部分", s)), s
        assert _opens_with_ordinal(s) == bool(OLD_ORDINAL.match(s)), s


def test_rewritten_regexes_equal_the_old_ones():
    for s in _strings():
        assert bool(META_RE.match(s)) == bool(OLD_META.match(s)), s
        assert _span(_DEPT_RE.search(s)) == _span(OLD_DEPT.search(s)), s
        n = heading_number(s)
        assert (s[len(n) + 1:] if n else doctype._PREFIX_RE.sub("", s)) == OLD_PREFIX.sub("", s), s


def test_a_page_footer_set_out_in_columns_is_page_furniture_not_a_table_row():
    """A report printed without rulings (LibreOffice's footer "第 8 页，共 9 页" read as layout columns)
    gives its footer split over cells: the whole row is the page phrase, so it is furniture, like the
    one-cell footer; a row that only starts so, or holds an amount, stays a row."""
    from juesuan.model import Location
    from juesuan.readers.cells import Cell, GridRow, is_meta

    def row(*texts):
        loc = Location(file="x.pdf", sheet="p8", line=44)
        return GridRow([Cell(i, t, loc) for i, t in enumerate(texts)], loc)

    assert is_meta(row("第 8", "页，共 9", "页"))
    assert is_meta(row("第 8", "", "页"))
    assert is_meta(row("第 8 页，共 9 页"))  # one cell: META_RE, as before
    assert not is_meta(row("第 8", "页，共 9", "页", "20.00"))
    assert not is_meta(row("1", "/", "2"))  # a row number, a blank mark, an amount
    assert not is_meta(row("第一部分", "20.00"))
