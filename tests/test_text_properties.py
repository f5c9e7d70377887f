"""Property-based tests (hypothesis) of the text and CSV readers and the amount parser, bounded so the
suite stays fast (few examples, no deadline).

- the amount parser takes any text: an amount, or the not-an-amount finding; never an exception;
- a generated 02 表 (consistent sums, blank cells anywhere) as CSV, TSV-like text or tab text reads
  back to exactly its facts; with its tabs turned into spaces (tr, expand) every amount is a fact
  with its true value and column or a finding at its line, never a wrong placement;
- any cell text in a table region: only juesuan's own exceptions, every number a fact or a finding.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from juesuan.convert import convert_file
from juesuan.errors import JuesuanError
from juesuan.model import Location
from juesuan.readers.grid import read_amount, round_amount

from .accounting_util import assert_numbers_accounted, text_numbers

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
COLUMNS = ["IncTotal", "IncGrant", "IncSuperiorSubsidy", "IncService", "IncOperating", "IncAffiliatedRemittance", "IncOther"]
HEAD = ["功能分类科目编码", "科目名称", "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]
CHAINS = [[("201", "一般公共服务支出"), ("20199", "其他一般公共服务支出"), ("2019999", "其他一般公共服务支出")],
          [("210", "卫生健康支出"), ("21011", "行政事业单位医疗"), ("2101102", "事业单位医疗")]]

amount = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)


@st.composite
def table02(draw):
    """Rows (code, name, [amount or None per column]) of a consistent 02 表: every row's 本年收入合计 is
    the sum of its sources, every parent the sum of its children (one child each here)."""
    rows, totals = [], [Decimal(0)] * 7
    blank = [True] * 7
    for chain in CHAINS[:draw(st.integers(1, 2))]:
        sources = [draw(st.one_of(st.none(), amount)) for _ in range(6)]
        vals = [sum((s for s in sources if s is not None), Decimal(0)) if any(sources) else None, *sources]
        for k, v in enumerate(vals):
            if v is not None:
                totals[k] += v
                blank[k] = False
        rows += [(code, name, vals) for code, name in chain]
    return [("", "合计", [None if b else t for t, b in zip(totals, blank)])] + rows


def _expected(rows) -> set:
    return {(COLUMNS[k], code, v) for code, _, vals in rows for k, v in enumerate(vals) if v is not None}


def _tab_text(rows) -> str:
    lines = ["某单位2021年度部门决算", "收入决算表", "单位：万元", "\t".join(HEAD), "\t科目名称" + "\t" * 7]
    lines += ["\t".join([code, name, *("" if v is None else f"{v:.2f}" for v in vals)]) for code, name, vals in rows]
    return "\n".join(lines) + "\n"


def _csv_text(rows) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["收入决算表"])
    w.writerow(HEAD)
    for code, name, vals in rows:
        w.writerow([code, name, *("" if v is None else f"{v:,.2f}" for v in vals)])
    return out.getvalue()


@settings(max_examples=40, **SETTINGS)
@given(st.text(max_size=14))
def test_amount_parser_takes_any_text(text):
    value, bad = read_amount(text, Location(line=1), "02")
    assert (value is None) != (bad is None)
    if bad is not None:
        assert bad.code == "convert:not-an-amount" and bad.text("en") and bad.text("zh")
    else:
        q, _ = round_amount(value)
        assert q == value.quantize(Decimal("0.01")) or abs(q - value) <= Decimal("0.005")


@settings(max_examples=8, **SETTINGS)
@given(table02())
def test_generated_table_as_csv_and_tab_text_reads_back_exactly(tmp_path, rows):
    for name, text in (("t.csv", _csv_text(rows)), ("t.txt", _tab_text(rows))):
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        conv = convert_file(p, entity="某单位", year=2021)
        assert conv.instance.fact_set() == _expected(rows), name
        assert [f.code for f in conv.findings] == []
        assert_numbers_accounted(conv, text_numbers(text, delimiter="," if name.endswith(".csv") else None))


@settings(max_examples=8, **SETTINGS)
@given(table02(), st.sampled_from(["tr", "expand8", "expandtabs4"]))
def test_generated_table_with_tabs_lost_is_never_misplaced(tmp_path, rows, how):
    text = _tab_text(rows)
    text = {"tr": lambda t: t.replace("\t", " "),
            "expand8": lambda t: "\n".join(_expand_bytes(l, 8) for l in t.split("\n")),
            "expandtabs4": lambda t: t.expandtabs(4)}[how](text)
    p = tmp_path / "t.txt"
    p.write_text(text, encoding="utf-8")
    conv = convert_file(p, entity="某单位", year=2021)
    assert conv.instance.fact_set() <= _expected(rows)
    assert_numbers_accounted(conv, text_numbers(text, range(6, 100)))


def _expand_bytes(line: str, size: int) -> str:
    """GNU expand: tab stops counted in bytes."""
    out, col = [], 0
    for ch in line:
        if ch == "\t":
            n = size - col % size
            out.append(" " * n)
            col += n
        else:
            out.append(ch)
            col += len(ch.encode("utf-8"))
    return "".join(out)


cell_text = st.one_of(st.text(max_size=10), amount.map(str), st.sampled_from(["n/a", "NaN", "Infinity", "无", "-", "1,9x0",
                                                                                "7.0O", "1e5", "２０.００", "", " "]))


@settings(max_examples=25, **SETTINGS)
@given(st.lists(st.lists(cell_text, min_size=1, max_size=9), min_size=1, max_size=6), st.booleans())
@example(body=[["", ""], ["0/0", "0.0"]], as_csv=False)  # found: a page-number-like first cell dropped the row's amount
def test_any_cell_text_gives_facts_and_findings_only(tmp_path, body, as_csv):
    if as_csv:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([["收入决算表"], HEAD, *body])
        text, name = out.getvalue(), "t.csv"
    else:
        text = "\n".join(["收入决算表", "\t".join(HEAD), *("\t".join(c.replace("\t", " ").replace("\n", " ")
                                                                  .replace("\r", " ") for c in r) for r in body)]) + "\n"
        name = "t.txt"
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    try:
        conv = convert_file(p, entity="某单位", year=2021)
    except JuesuanError:
        return
    for f in conv.findings:
        assert f.text("zh") and f.text("en")
    if name.endswith(".txt"):
        assert_numbers_accounted(conv, text_numbers(text, range(3, 100)))
