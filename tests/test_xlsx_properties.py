"""Property-based tests (hypothesis) of the workbook reader, bounded to stay fast.

- write -> read -> write: any instance exported as a workbook converts back to exactly its facts,
  and exporting what was read gives the same bytes;
- whatever a cell holds (amount, text, date, boolean, error value, formula without a value, huge
  or tiny number, XML special characters), converting gives facts and findings only: no exception
  other than juesuan's own, and every non-blank input cell becomes a fact or a finding at its cell;
- damaged containers (truncated, bytes flipped) raise UnusableInput or read, nothing else;
- the stored-number parser takes any text: a Decimal, or InvalidOperation/ValueError.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal, InvalidOperation

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from juesuan.convert import convert_file
from juesuan.errors import JuesuanError, UnusableInput
from juesuan.excel.template import export_bytes
from juesuan.excel.xlsx import number, open_workbook
from juesuan.model import Fact, Instance
from juesuan.xmlio import load_instance

from .conftest import EXAMPLE_XML, EXAMPLES

EXAMPLE = load_instance(EXAMPLE_XML)
EXAMPLE_XLSX = (EXAMPLES / "liling-2021.xlsx").read_bytes()
SHEET_02 = "xl/worksheets/sheet3.xml"  # 收入决算表; C6:I12 are its input cells (合计 and six code rows)
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

amounts = st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2,
                      allow_nan=False, allow_infinity=False)


@settings(max_examples=6, **SETTINGS)
@given(data=st.data())
def test_export_read_export_is_identical(tmp_path, data):
    keep = data.draw(st.lists(st.booleans(), min_size=len(EXAMPLE.facts), max_size=len(EXAMPLE.facts)))
    facts = [Fact(f.concept, f.code, data.draw(amounts)) for f, k in zip(EXAMPLE.facts, keep) if k]
    inst = Instance(EXAMPLE.header, facts)
    first, findings = export_bytes(inst)
    assert findings == []
    path = tmp_path / "w.xlsx"
    path.write_bytes(first)
    conv = convert_file(path)
    assert conv.instance.fact_set() == inst.fact_set()
    assert [f.code for f in conv.findings] == []
    again, _ = export_bytes(conv.instance)
    assert again == first


def _members() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(EXAMPLE_XLSX)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


MEMBERS = _members()


def _with_cells(cells: dict[str, str]) -> bytes:
    """The example workbook with 02 表 cells replaced by the given <c> elements."""
    sheet = MEMBERS[SHEET_02].decode("utf-8")
    for ref, xml in cells.items():
        sheet, n = re.subn(r'<c r="%s"[^>]*?(?:/>|>.*?</c>)' % ref, lambda _, x=xml: x, sheet, count=1)
        assert n == 1, ref
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in MEMBERS.items():
            zf.writestr(name, sheet.encode("utf-8") if name == SHEET_02 else data)
    return buf.getvalue()


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


xml_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff",
                                 max_codepoint=0x9FFF).filter(lambda c: c in "\t\n\r" or ord(c) >= 32), max_size=12)
numbers = st.one_of(amounts.map(str), st.floats(allow_nan=False).map(repr),
                    st.sampled_from(["1E+27", "1.7976931348623157E+308", "-0", "1E-300", "NaN", "INF", "0x10", ""]))


def cell_xml(ref: str):
    """(the <c> element, the amount it must be read as, when it is a plain two-decimal amount)."""
    return st.one_of(
        amounts.map(lambda v: (f'<c r="{ref}"><v>{v}</v></c>', v)),
        amounts.map(lambda v: (f'<c r="{ref}"><v>{str(v)[:2]}<!--x-->{str(v)[2:]}</v></c>', v)),
        st.tuples(numbers.map(lambda v: f'<c r="{ref}"><v>{v}</v></c>'), st.none()),
        st.tuples(xml_text.map(lambda t: f'<c r="{ref}" t="inlineStr"><is><t>{_esc(t)}</t></is></c>'), st.none()),
        st.tuples(st.sampled_from(["#DIV/0!", "#N/A", "#VALUE!"]).map(lambda e: f'<c r="{ref}" t="e"><v>{e}</v></c>'),
                  st.none()),
        st.tuples(st.sampled_from(["0", "1"]).map(lambda b: f'<c r="{ref}" t="b"><v>{b}</v></c>'), st.none()),
        st.tuples(st.dates().map(lambda d: f'<c r="{ref}" t="d"><v>{d.isoformat()}</v></c>'), st.none()),
        st.tuples(st.just(f'<c r="{ref}"><f>SUM(A1:A2)</f></c>'), st.none()),
    )


REFS = [f"{c}{r}" for r in range(6, 13) for c in "CDEFGHI"]


@settings(max_examples=40, **SETTINGS)
@given(data=st.data())
def test_any_cell_content_is_a_fact_or_a_finding(tmp_path, data):
    refs = data.draw(st.lists(st.sampled_from(REFS), min_size=1, max_size=6, unique=True))
    drawn = {ref: data.draw(cell_xml(ref)) for ref in refs}
    cells = {ref: xml for ref, (xml, _) in drawn.items()}
    path = tmp_path / "c.xlsx"
    path.write_bytes(_with_cells(cells))
    try:
        conv = convert_file(path)
    except UnusableInput:
        return
    origins = {f.origin: f.value for f in conv.instance.facts}
    flagged = {f.location.source for f in conv.findings}
    wb = open_workbook(path)
    sheet = wb.sheet("收入决算表")
    for ref in refs:
        from juesuan.excel.xlsx import parse_ref

        cell = sheet.cells.get(parse_ref(ref))
        if cell is None or (isinstance(cell.value, str) and cell.value.strip() in ("", "-", "—", "/")):
            continue
        where = f"收入决算表!{ref}"
        assert where in origins or where in flagged, (ref, cells[ref], cell)
        want = drawn[ref][1]
        if want is not None and where in origins:
            assert origins[where] == want, (cells[ref], origins[where])
    for f in conv.instance.facts:  # every fact is an amount the schema takes
        assert abs(f.value) < Decimal("1E16") and f.value == f.value.quantize(Decimal("0.01"))


@settings(max_examples=40, **SETTINGS)
@given(cut=st.integers(min_value=0, max_value=len(EXAMPLE_XLSX)),
       flips=st.lists(st.tuples(st.integers(min_value=0, max_value=len(EXAMPLE_XLSX) - 1), st.integers(1, 255)),
                      max_size=4))
def test_damaged_container_is_unusable_input_or_reads(tmp_path, cut, flips):
    data = bytearray(EXAMPLE_XLSX)
    for at, x in flips:
        data[at] ^= x
    path = tmp_path / "d.xlsx"
    path.write_bytes(bytes(data[:cut] if cut < len(data) // 2 else data))
    try:
        convert_file(path)
    except JuesuanError:
        pass


@given(st.text(max_size=40))
def test_number_parser_takes_any_text(text):
    try:
        d = number(text)
    except (InvalidOperation, ValueError):
        return
    assert isinstance(d, Decimal) and d.is_finite()


@pytest.mark.parametrize("text,want", [("1060.2049999999999", Decimal("1060.205")), ("1E-3", Decimal("0.001")),
                                       ("20", Decimal(20))])
def test_number_shows_what_excel_shows(text, want):
    assert number(text) == want
