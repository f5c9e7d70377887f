"""`juesuan.records.record` behaves like the `dataclasses` features it replaces (compared side by side)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from juesuan.model import Fact, Header, Instance, Location
from juesuan.records import FrozenInstanceError, field, fields, record, replace


@record(frozen=True, order=True)
class Point:
    x: int
    y: int = 0
    tag: str = field(default="", compare=False)


@dataclasses.dataclass(frozen=True, order=True)
class DPoint:
    x: int
    y: int = 0
    tag: str = dataclasses.field(default="", compare=False)


@record
class Bag:
    name: str
    items: list = field(default_factory=list)
    hidden: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        self.name = self.name.strip()


def test_init_defaults_and_repr_match_dataclasses():
    assert repr(Point(1)) == repr(DPoint(1)).replace("DPoint", "Point") == "Point(x=1, y=0, tag='')"
    assert repr(Point(1, 2, tag="t")) == "Point(x=1, y=2, tag='t')"
    assert Point.y == 0 and DPoint.y == 0  # a plain default stays a class attribute
    with pytest.raises(TypeError):
        Point()  # x is required
    with pytest.raises(TypeError):
        Point(1, 2, "t", 4)


def test_equality_hash_and_order_use_compare_fields_only():
    assert Point(1, 2, tag="a") == Point(1, 2, tag="b")
    assert hash(Point(1, 2, tag="a")) == hash(Point(1, 2, tag="b"))
    assert Point(1, 2) != Point(1, 3)
    assert Point(1, 2) != (1, 2)  # not equal to a tuple, unlike a NamedTuple
    assert Point(1, 2) != DPoint(1, 2)
    pts = [Point(2, 0), Point(1, 5), Point(1, 2)]
    assert sorted(pts) == [Point(1, 2), Point(1, 5), Point(2, 0)]
    assert [(p.x, p.y) for p in sorted(pts)] == [(d.x, d.y) for d in sorted(DPoint(p.x, p.y) for p in pts)]
    assert Point(1, 2) <= Point(1, 2) and Point(1, 2) >= Point(1, 2) and not Point(1, 2) < Point(1, 2)
    with pytest.raises(TypeError):
        Point(1) < DPoint(1)  # noqa: B015 - ordering across classes is refused, as in dataclasses


def test_frozen_refuses_assignment_and_deletion():
    p = Point(1)
    with pytest.raises(FrozenInstanceError):
        p.x = 2
    with pytest.raises(AttributeError):
        del p.y
    assert p.x == 1


def test_mutable_record_factory_post_init_and_no_hash():
    a, b = Bag("  a "), Bag("a")
    assert a.name == "a" and a == b and a.items is not b.items
    a.items.append(1)
    assert a != b
    assert repr(Bag("x", [1], hidden=3)) == "Bag(name='x', items=[1])"
    with pytest.raises(TypeError):
        hash(a)


def test_fields_and_replace():
    assert [f.name for f in fields(Point)] == ["x", "y", "tag"]
    assert [f.compare for f in fields(Point(1))] == [True, True, False]
    q = replace(Point(1, 2, tag="t"), y=5)
    assert (q.x, q.y, q.tag) == (1, 5, "t")
    with pytest.raises(TypeError, match="no field"):
        replace(Point(1), z=1)
    with pytest.raises(TypeError, match="not a record"):
        fields(object())


def test_definition_errors_like_dataclasses():
    with pytest.raises(ValueError, match="default_factory"):
        @record
        class Bad:
            items: list = []  # noqa: RUF012
    with pytest.raises(TypeError, match="follows a default"):
        @record
        class Bad2:
            a: int = 0
            b: int


def test_project_records_keep_their_semantics():
    loc = Location("f.xlsx", "S", "E9")
    f1 = Fact("IncTotal", None, Decimal("1.00"), location=loc, origin="S!E9")
    f2 = Fact("IncTotal", None, Decimal("1.00"))
    assert f1 == f2 and hash(f1) == hash(f2)  # location and origin are not compared
    assert f1 != replace(f2, value=Decimal("2.00"))
    assert sorted([Location("b"), Location("a", line=2)])[0].file == "a"
    h = Header("某单位", 2021, "2021-hunan")
    assert replace(h, status="draft").status == "draft" and h.status == "final"
    inst = Instance(h, [f1])
    assert list(inst.facts) == [f1] and inst.facts == [f1]


def test_inheriting_from_a_record_is_refused_not_half_supported():
    with pytest.raises(TypeError, match="cannot inherit"):
        @record
        class Sub(Point):
            z: int = 0


def test_record_is_marked_for_type_checkers_as_a_dataclass_transform():
    spec = record.__dataclass_transform__
    assert field in spec["field_specifiers"] and spec["eq_default"] is True


def test_edge_cases_dataclasses_get_right():
    @record(frozen=True)
    class OwnEq:  # Python sets __hash__ = None for a class defining __eq__; records still hash it
        a: int

        def __eq__(self, other):
            return isinstance(other, OwnEq) and self.a == other.a

    assert hash(OwnEq(1)) == hash(OwnEq(1)) and OwnEq(1) == OwnEq(1)
    with pytest.raises(ValueError, match="mutable default"):
        @record
        class SharedBytes:
            buf: bytearray = bytearray()  # unhashable, so shared and mutable: refused like dataclasses
    for reserved in ("self", "_d", "MISSING"):
        with pytest.raises(TypeError, match="reserved"):
            record(type("R", (), {"__annotations__": {reserved: "int"}}))

    class Base:
        def __post_init__(self):
            self.seen = True

    @record
    class Child(Base):
        a: int = 0

    assert Child().seen  # an inherited __post_init__ runs, as in dataclasses
