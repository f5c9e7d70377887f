from __future__ import annotations

import os
import random
from decimal import Decimal

import pytest

from juesuan.errors import OutputError
from juesuan.model import Fact, Instance, format_amount, parse_amount
from juesuan.xmlio import atomic_write, instance_to_bytes, load_instance, save_instance

from .conftest import EXAMPLE_XML


def test_load_save_is_byte_identical(tmp_path):
    inst = load_instance(EXAMPLE_XML)
    out = tmp_path / "copy.xml"
    save_instance(inst, out)
    assert out.read_bytes() == EXAMPLE_XML.read_bytes()


def test_fact_order_does_not_change_output():
    inst = load_instance(EXAMPLE_XML)
    before = instance_to_bytes(inst)
    shuffled = list(inst.facts)
    random.Random(7).shuffle(shuffled)
    assert list(inst.facts) != shuffled
    assert instance_to_bytes(Instance(inst.header, shuffled, inst.narrative)) == before


def test_values_are_decimal_and_keep_their_location():
    inst = load_instance(EXAMPLE_XML)
    f = inst.get("IncOther", "210")
    assert isinstance(f.value, Decimal) and f.value == Decimal("20.00")
    assert f.location.line and f.location.xpath.startswith("/")
    assert str(EXAMPLE_XML) in str(f.location)


def test_converter_origin_is_kept_as_src(tmp_path):
    inst = load_instance(EXAMPLE_XML)
    first = next(iter(inst.facts))
    inst.facts.put(Fact(first.concept, first.code, first.value, origin="06表!C5"))
    p = tmp_path / "o.xml"
    save_instance(inst, p)
    assert 'src="06表!C5"' in p.read_text("utf-8")
    assert load_instance(p).get(first.concept, first.code).origin == "06表!C5"


@pytest.mark.parametrize("text,value", [("2,001.35", "2001.35"), ("0.00", "0.00"), ("-3.5", "-3.5"), (" 20 ", "20")])
def test_parse_amount(text, value):
    assert parse_amount(text) == Decimal(value)


@pytest.mark.parametrize("text", ["12.3.4", "1,9x0", "—", "", "1e5", "NaN"])
def test_parse_amount_rejects(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_format_amount():
    assert format_amount(Decimal("20")) == "20.00"
    assert format_amount(Decimal("1960.7")) == "1960.70"
    assert format_amount(Decimal("-0.00")) == "0.00"


def test_atomic_write_leaves_no_temp_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "x.xml"
    target.write_bytes(b"old")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OutputError, match="cannot write .*x.xml: disk full"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.xml"]


def test_atomic_write_result_mode_relative_path_and_name_collisions(tmp_path, monkeypatch):
    import stat

    import juesuan.xmlio as xmlio

    monkeypatch.chdir(tmp_path)
    atomic_write("plain.xml", b"a")  # a bare file name: the temporary file goes in "."
    assert (tmp_path / "plain.xml").read_bytes() == b"a"
    assert stat.S_IMODE(os.stat(tmp_path / "plain.xml").st_mode) == 0o644
    # a temporary name that exists already is skipped, never opened
    names = iter([b"\x00" * 6, b"\x00" * 6, b"\x01" * 6])
    monkeypatch.setattr(xmlio.os, "urandom", lambda n: next(names))
    (tmp_path / ".taken.xml.000000000000.tmp").write_bytes(b"someone else's")
    atomic_write(tmp_path / "taken.xml", b"b")
    assert (tmp_path / "taken.xml").read_bytes() == b"b"
    assert (tmp_path / ".taken.xml.000000000000.tmp").read_bytes() == b"someone else's"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".taken.xml.000000000000.tmp", "plain.xml", "taken.xml"]
    with pytest.raises(OutputError, match="is a directory"):
        atomic_write(tmp_path, b"c")


def test_facts_are_keyed_by_concept_and_code_so_a_duplicate_cannot_exist():
    """One mapping: a second fact for a key is reported by add (nothing added), refused when building."""
    from juesuan.model import Header, Instance

    one = Fact("SumIncTotal", None, Decimal("1.00"))
    inst = Instance(Header("某单位", 2021, "2021-hunan"), [one])
    assert inst.value("SumIncTotal") == Decimal("1.00")
    assert inst.add(Fact("SumIncTotal", None, Decimal("2.00"))) is one  # the holder, nothing added
    assert inst.value("SumIncTotal") == Decimal("1.00") and len(inst.facts) == 1
    assert inst.add(Fact("IncTotal", "201", Decimal("3.00"))) is None
    assert inst.value("IncTotal", "201") == Decimal("3.00") and inst.value("IncTotal") is None
    inst.facts.put(Fact("SumIncTotal", None, Decimal("2.00")))  # an edit replaces
    assert inst.value("SumIncTotal") == Decimal("2.00")
    assert inst.facts.pop("IncTotal", "201").value == Decimal("3.00") and inst.get("IncTotal", "201") is None
    with pytest.raises(ValueError, match="two facts SumIncTotal"):
        Instance(inst.header, [one, Fact("SumIncTotal", "", Decimal("5.00"))])


def test_xml_escapes_are_exactly_saxutils():
    """xml_text/xml_attr replace xml.sax.saxutils (whose import costs ~35 ms); the XBRL files stay byte-identical."""
    import random
    from xml.sax.saxutils import escape, quoteattr

    from juesuan.xmlio import xml_attr, xml_text

    rnd = random.Random(7)
    alphabet = "ab&<>\"'\n\r\t决 "
    for _ in range(5000):
        s = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 8)))
        assert xml_text(s) == escape(s) and xml_attr(s) == quoteattr(s), s
