from __future__ import annotations

import os
import random
from decimal import Decimal

import pytest

from juesuan.errors import OutputError
from juesuan.model import Fact, format_amount, parse_amount
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
    random.Random(7).shuffle(inst.facts)
    assert instance_to_bytes(inst) == before


def test_values_are_decimal_and_keep_their_location():
    inst = load_instance(EXAMPLE_XML)
    f = inst.get("IncOther", "210")
    assert isinstance(f.value, Decimal) and f.value == Decimal("20.00")
    assert f.location.line and f.location.xpath.startswith("/")
    assert str(EXAMPLE_XML) in str(f.location)


def test_converter_origin_is_kept_as_src(tmp_path):
    inst = load_instance(EXAMPLE_XML)
    inst.facts[0] = Fact(inst.facts[0].concept, inst.facts[0].code, inst.facts[0].value, origin="06表!C5")
    p = tmp_path / "o.xml"
    save_instance(inst, p)
    assert 'src="06表!C5"' in p.read_text("utf-8")
    assert load_instance(p).facts[0].origin == "06表!C5"


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


def test_fact_lookup_follows_every_change_to_facts():
    """The look-up index must never go stale (appended, replaced in place, reassigned, deleted)."""
    from juesuan.model import Header, Instance

    inst = Instance(Header("某单位", 2021, "2021-hunan"), [Fact("SumIncTotal", None, Decimal("1.00"))])
    assert inst.value("SumIncTotal") == Decimal("1.00")
    inst.facts[0] = Fact("SumIncTotal", None, Decimal("2.00"))
    assert inst.value("SumIncTotal") == Decimal("2.00")
    inst.facts = [Fact("IncTotal", "201", Decimal("3.00"))]
    assert inst.value("SumIncTotal") is None and inst.value("IncTotal", "201") == Decimal("3.00")
    inst.add(Fact("IncTotal", None, Decimal("4.00")))
    assert inst.value("IncTotal") == Decimal("4.00")
    del inst.facts[0]
    assert inst.value("IncTotal", "201") is None


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
