"""`@record`: the part of `dataclasses` juesuan uses, cheaper to define.

Every command starts a fresh Python process, so class definition is start-up time. `@dataclass`
compiles each generated method separately and builds an `inspect.Signature`; `record` compiles only
`__init__` (it runs once per object, so it should be as fast as the dataclass one), and only when the
class's first object is made (a command defines many classes it never instantiates); `__eq__`,
`__hash__`, `__repr__`, ordering and the frozen guards are closures over `operator.attrgetter`.
`benchmarks/bench_records.py` measures definition and per-object costs of both. The decorator is
marked with `typing.dataclass_transform`, so type checkers treat record classes as dataclasses.

Supported, with the meaning `dataclasses` gives them: fields from the class's own annotations in order
(`ClassVar` skipped), defaults (kept as class attributes), `field(default=, default_factory=,
compare=, repr=)`, `frozen=True` (assignment raises `FrozenInstanceError`, an `AttributeError`),
`order=True`, `__post_init__`, `__match_args__`, `__eq__` comparing the compare-fields of instances of
the same class, `__hash__` for frozen classes and `None` for mutable ones, and methods a class defines
itself are kept. `fields()` and `replace()` work as in `dataclasses`. Not supported (unused here):
inheritance between records, `InitVar`, `kw_only`, `slots`.
"""

from __future__ import annotations

import operator
from operator import attrgetter
from typing import Any, Callable, dataclass_transform


__all__ = ["record", "field", "fields", "replace", "Field", "FrozenInstanceError"]


class FrozenInstanceError(AttributeError):
    """Assignment to a field of a frozen record."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class Field:
    __slots__ = ("name", "default", "default_factory", "compare", "repr")

    def __init__(self, default: Any = MISSING, default_factory: Callable[[], Any] | Any = MISSING,
                 compare: bool = True, repr: bool = True) -> None:
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.repr = repr

    def __repr__(self) -> str:
        return (f"Field(name={self.name!r}, default={self.default!r}, default_factory={self.default_factory!r}, "
                f"compare={self.compare!r}, repr={self.repr!r})")


def field(*, default: Any = MISSING, default_factory: Callable[[], Any] | Any = MISSING,
          compare: bool = True, repr: bool = True) -> Any:
    """Per-field options, as `dataclasses.field`."""
    return Field(default, default_factory, compare, repr)


def fields(obj_or_cls: Any) -> tuple[Field, ...]:
    """The fields of a record class or instance, in definition order."""
    try:
        return obj_or_cls.__record_fields__
    except AttributeError:
        raise TypeError(f"{obj_or_cls!r} is not a record") from None


def replace(obj: Any, /, **changes: Any) -> Any:
    """A copy of the record `obj` with some fields changed, as `dataclasses.replace`."""
    fs = fields(obj)
    names = {f.name for f in fs}
    unknown = set(changes) - names
    if unknown:
        raise TypeError(f"{type(obj).__qualname__} has no field(s) {', '.join(sorted(unknown))}")
    kwargs = {f.name: getattr(obj, f.name) for f in fs}
    kwargs.update(changes)
    return type(obj)(**kwargs)


def _is_classvar(annotation: Any) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar", "t.ClassVar"))
    return getattr(annotation, "__origin__", None) is not None and "ClassVar" in repr(annotation)


# names the generated __init__ uses itself
_RESERVED = frozenset({"self", "_d", "MISSING"})


def _collect(cls: type) -> list[Field]:
    out: list[Field] = []
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if _is_classvar(annotation):
            continue
        value = cls.__dict__.get(name, MISSING)
        f = value if isinstance(value, Field) else Field(default=value)
        f.name = name
        if name in _RESERVED:
            raise TypeError(f"{cls.__qualname__}: field name {name!r} is reserved by records.py")
        if f.default is not MISSING and type(f.default).__hash__ is None:  # as dataclasses: list, dict, set ...
            raise ValueError(f"mutable default {type(f.default).__name__} for field {name} of "
                             f"{cls.__qualname__}: use default_factory")
        if isinstance(value, Field):  # like dataclasses: a plain default stays a class attribute
            if f.default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, f.default)
        out.append(f)
    seen_default = False
    for f in out:
        if f.default is not MISSING or f.default_factory is not MISSING:
            seen_default = True
        elif seen_default:
            raise TypeError(f"non-default field {f.name!r} of {cls.__qualname__} follows a default field")
    return out


def _key(names: list[str]) -> Callable[[Any], tuple]:
    """A C-speed getter of the tuple of the named attributes (attrgetter alone returns a bare value for one)."""
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        get1 = attrgetter(names[0])
        return lambda obj: (get1(obj),)
    return attrgetter(*names)


def _init_parts(fs: list[Field], frozen: bool, post_init: bool) -> tuple[str, tuple, dict[str, Any]]:
    """(source of __init__ without default values, its default values, the globals its body uses).

    Defaults are not part of a function's code (they are attached when the function is made), so the
    source names every parameter plainly and the same code serves any default values."""
    ns: dict[str, Any] = {"MISSING": MISSING}
    params, defaults, body = [], [], []
    for f in fs:
        n = f.name
        params.append(n)
        if f.default_factory is not MISSING:
            ns[f"_factory_{n}"] = f.default_factory
            defaults.append(MISSING)
            value = f"_factory_{n}() if {n} is MISSING else {n}"
        else:
            if f.default is not MISSING:
                defaults.append(f.default)
            value = n
        # a frozen record stores straight into its __dict__ (its __setattr__ refuses): a dict store is
        # several times cheaper than calling object.__setattr__ per field
        body.append(f" _d[{n!r}] = {value}" if frozen else f" self.{n} = {value}")
    if frozen and fs:
        body.insert(0, " _d = self.__dict__")
    if post_init:
        body.append(" self.__post_init__()")
    source = "\n".join([f"def __init__(self, {', '.join(params)}):", *(body or [" pass"])]) + "\n"
    return source, tuple(defaults), ns


def _make_init(fs: list[Field], frozen: bool, post_init: bool) -> Callable:
    """The class's __init__, compiled from source built from its own field names."""
    source, defaults, ns = _init_parts(fs, frozen, post_init)
    exec(source, ns)  # noqa: S102 - source built from the class's own field names
    fn = ns["__init__"]
    fn.__defaults__ = defaults or None
    return fn


def _first_init(cls: type, fs: list[Field], frozen: bool) -> Callable:
    """An __init__ that compiles the class's own (_make_init) when the first object is made, puts it
    on the class in its place and runs it: compiling costs start-up time, and a command defines many
    record classes it never instantiates."""
    post_init = hasattr(cls, "__post_init__")  # its own or a (non-record) base class's, as dataclasses

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        fn = _make_init(fs, frozen, post_init)
        fn.__qualname__ = f"{cls.__qualname__}.__init__"
        cls.__init__ = fn  # type: ignore[misc]
        fn(self, *args, **kwargs)
    return __init__


# long: builds each generated method next to the option that asks for it
def _build(cls: type, frozen: bool, order: bool) -> type:
    if any(hasattr(b, "__record_fields__") for b in cls.__mro__[1:]):
        raise TypeError(f"{cls.__qualname__}: a record cannot inherit from a record")
    fs = _collect(cls)
    own = dict(cls.__dict__)
    if frozen and ("__setattr__" in own or "__delattr__" in own):
        raise TypeError(f"frozen record {cls.__qualname__} defines __setattr__ or __delattr__")
    methods: dict[str, Callable] = {}

    # __init__ is the one method worth compiling: it runs once per object, and a generic one that binds
    # *args/**kwargs would be several times slower per object (it is compiled when the first object is
    # made: _first_init). The rest are closures over C getters.
    if "__init__" not in own:
        methods["__init__"] = _first_init(cls, fs, frozen)

    shown = [(f.name, attrgetter(f.name)) for f in fs if f.repr]

    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{n}={get(self)!r}" for n, get in shown)
        return f"{self.__class__.__qualname__}({inner})"
    methods["__repr__"] = __repr__

    key = _key([f.name for f in fs if f.compare])

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented
    methods["__eq__"] = __eq__

    if order:
        for name, op in (("__lt__", operator.lt), ("__le__", operator.le),
                         ("__gt__", operator.gt), ("__ge__", operator.ge)):
            def compare(self: Any, other: Any, op: Callable = op) -> Any:
                if other.__class__ is self.__class__:
                    return op(key(self), key(other))
                return NotImplemented
            methods[name] = compare

    if frozen:
        names = frozenset(f.name for f in fs)

        def __hash__(self: Any) -> int:
            return hash(key(self))

        def __setattr__(self: Any, name: str, value: Any) -> None:
            if type(self) is cls or name in names:
                raise FrozenInstanceError(f"cannot assign to field {name!r}")
            super(cls, self).__setattr__(name, value)

        def __delattr__(self: Any, name: str) -> None:
            if type(self) is cls or name in names:
                raise FrozenInstanceError(f"cannot delete field {name!r}")
            super(cls, self).__delattr__(name)
        methods.update(__hash__=__hash__, __setattr__=__setattr__, __delattr__=__delattr__)

    # A class that defines __eq__ gets __hash__ = None from Python itself; like dataclasses, that is
    # not a hash the class chose.
    explicit_hash = "__hash__" in own and not (own["__hash__"] is None and "__eq__" in own)
    for name, fn in methods.items():
        if name in ("__setattr__", "__delattr__") or (name not in own if name != "__hash__" else not explicit_hash):
            fn.__qualname__ = f"{cls.__qualname__}.{name}"
            setattr(cls, name, fn)
    if not frozen and not explicit_hash:
        cls.__hash__ = None  # type: ignore[assignment]  # mutable and comparable: unhashable, as dataclasses
    cls.__record_fields__ = tuple(fs)  # type: ignore[attr-defined]
    cls.__match_args__ = tuple(f.name for f in fs)  # type: ignore[attr-defined]
    return cls


@dataclass_transform(field_specifiers=(field, Field))
def record(cls: type | None = None, /, *, frozen: bool = False, order: bool = False) -> Any:
    """Class decorator: `@record`, `@record(frozen=True)`, `@record(frozen=True, order=True)`."""
    if cls is None:
        return lambda c: _build(c, frozen, order)
    return _build(cls, frozen, order)
