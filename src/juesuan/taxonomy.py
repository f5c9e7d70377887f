"""The taxonomy: concepts, code lists and table layouts, loaded from taxonomies/<version>/.

Everything else (the XSD, templates, XBRL files, the facts view) is derived from what this module
loads. Loading is pure: nothing happens at import time; `load_taxonomy()` reads and caches.
"""

from __future__ import annotations

import functools
import json
import re
import os
import zlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from .defaults import DEFAULT_TAXONOMY
from .errors import TaxonomyError
from .labels import ORDINAL_PATTERN, QUOTES_RE, normalize_label, strip_ordinal, title_key  # noqa: F401 - re-exported
from .layout import Block, Column, Layout, Place, Row, Table, _load_layout  # noqa: F401 - re-exported
from .records import field, record

if TYPE_CHECKING:
    from pathlib import Path

FUNCTION_CODE_RE = re.compile(r"^(\d{3}|\d{5}|\d{7})$")
ECONOMIC_CODE_RE = re.compile(r"^(\d{3}|\d{5})$")
CONCEPT_ID_RE = re.compile(r"^[A-Z][A-Za-z0-9]*$")

@functools.lru_cache(maxsize=1)
def resource_dir() -> str:
    """Folder holding taxonomies/ and schemas/: inside the installed package, or the source tree.

    A str: the commands that only read the taxonomy (validate, diff) then never import pathlib (a start-up
    cost); `resource_root()` is the same folder as a Path."""
    here = os.path.dirname(os.path.realpath(__file__))
    packaged = os.path.join(here, "data")
    if os.path.isdir(os.path.join(packaged, "taxonomies")):
        return packaged
    tree = os.path.dirname(os.path.dirname(here))
    if os.path.isdir(os.path.join(tree, "taxonomies")):
        return tree
    raise TaxonomyError(f"taxonomy files not found (looked in {packaged} and {tree})")


def resource_root() -> Path:
    """`resource_dir()` as a Path."""
    from pathlib import Path  # noqa: PLC0415 - see resource_dir

    return Path(resource_dir())


@record(frozen=True)
class Concept:
    id: str
    zh: str
    en: str
    statement: str
    dim: str = "none"  # none | function | economic
    period: str = "duration"  # duration | instant
    balance: str = "credit"  # credit | debit
    type: str = "amount"

    def label(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


@record(frozen=True)
class Code:
    code: str
    name: str
    aliases: tuple[str, ...] = ()
    en: str = ""  # English name, for --lang en ("" = none)

    @property
    def level(self) -> int:
        """1 for 类 (3 digits), 2 for 款 (5), 3 for 项 (7)."""
        return {3: 1, 5: 2, 7: 3}[len(self.code)]

    @functools.cached_property
    def names(self) -> frozenset[str]:
        """The code's name and aliases, normalised."""
        return frozenset(normalize_label(x) for x in (self.name, *self.aliases))


@record(frozen=True)
class CodeList:
    kind: str  # function | economic
    codes: dict[str, Code]

    def name(self, code: str, lang: str = "zh") -> str | None:
        """The code's name (English: its `en` name, None when it has none)."""
        c = self.codes.get(code)
        if c is None:
            return None
        return (c.en or None) if lang == "en" else c.name

    @functools.cached_property
    def by_name(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for c in self.codes.values():
            for n in (c.name, *c.aliases):
                out.setdefault(normalize_label(n), []).append(c.code)
        return out

    def is_name(self, code: str, text: str) -> bool:
        """Is `text` the name of `code` (true for a code not in the list)?"""
        c = self.codes.get(code)
        return c is None or normalize_label(text) in c.names

    def __hash__(self) -> int:
        return hash(self.kind)


@record(frozen=True)
class Taxonomy:
    id: str
    namespace: str
    folder: str  # taxonomies/<id>/
    statements: dict[str, dict[str, str]]
    concepts: dict[str, Concept]
    function_codes: CodeList
    economic_codes: CodeList
    layouts: Mapping[str, Layout] = field(default_factory=dict)  # a LayoutMap when loaded
    # the other parsed TOML sources of this version by relative path (rules.toml), from compiled.json
    sources: dict[str, dict] = field(default_factory=dict, repr=False, compare=False)

    @property
    def root(self) -> Path:
        """`folder` as a Path."""
        from pathlib import Path  # noqa: PLC0415 - see resource_dir

        return Path(self.folder)

    def concept(self, concept_id: str) -> Concept:
        return self.concepts[concept_id]

    def layout(self, layout_id: str) -> Layout:
        try:
            return self.layouts[layout_id]
        except KeyError:
            raise TaxonomyError(
                f"unknown layout {layout_id!r}; this taxonomy has: {', '.join(sorted(self.layouts))}",
                code="input:unknown-layout", values={"layout": repr(layout_id), "layouts": sorted(self.layouts)}
            ) from None

    def codes_for(self, dim: str) -> CodeList:
        return self.function_codes if dim == "function" else self.economic_codes

    def __hash__(self) -> int:
        return hash(self.id)


def _read_codes(path: str, kind: str, pattern: re.Pattern) -> CodeList:
    """A code list: a plain tab-separated file with a header row naming `code`, `name` and `aliases`
    (aliases separated by "|"). No quoting: names hold no tabs or line breaks."""
    codes: dict[str, Code] = {}
    if not os.path.exists(path):
        return CodeList(kind, codes)
    with open(path, encoding="utf-8-sig") as fh:
        lines = fh.read().splitlines()
    if not lines:
        return CodeList(kind, codes)
    head = [h.strip() for h in lines[0].split("\t")]
    if "code" not in head:
        raise TaxonomyError(f"{path}: the header row has no 'code' column")
    for n, line in enumerate(lines[1:], start=2):
        rec = dict(zip(head, (cell.strip() for cell in line.split("\t"))))
        code = rec.get("code", "")
        if not code:
            continue
        if not pattern.match(code):
            raise TaxonomyError(f"{path}:{n}: bad {kind} code {code!r}")
        aliases = tuple(a for a in rec.get("aliases", "").split("|") if a.strip())
        codes[code] = Code(code, rec.get("name", ""), aliases, rec.get("en", ""))
    return CodeList(kind, codes)


COMPILED = "compiled.json"  # derived: the parsed TOML sources, for fast start-up (python -m juesuan.derive)


def _layout_ids(folder: str) -> list[str]:
    return sorted(n[:-5] for n in os.listdir(os.path.join(folder, "layouts")) if n.endswith(".toml"))


def _source_files(folder: str) -> list[str]:
    """The TOML sources of a taxonomy version, as paths relative to its folder ('/'-separated)."""
    rules = ["rules.toml"] if os.path.exists(os.path.join(folder, "rules.toml")) else []
    narrative = ["narrative.toml"] if os.path.exists(os.path.join(folder, "narrative.toml")) else []
    return ["concepts.toml", *(f"layouts/{i}.toml" for i in _layout_ids(folder)), *rules, *narrative]


def _read_file(folder: str, rel: str) -> bytes:
    with open(os.path.join(folder, *rel.split("/")), "rb") as fh:
        return fh.read()


def _read_sources(folder: str) -> dict[str, dict]:
    """The parsed TOML sources by relative path (concepts.toml, layouts/*.toml, rules.toml).

    Parsing TOML is most of a command's start-up (tomllib is pure Python), so `compiled.json` beside
    the sources keeps the parsed data with a fingerprint of each source (length and CRC-32: a change
    detector, not a security measure; hashlib would cost more start-up than it saves); it is used only
    when every fingerprint matches, otherwise the TOML is parsed. Stale or missing, it is never wrong,
    only slower.
    """
    raw = {rel: _read_file(folder, rel) for rel in _source_files(folder)}
    if os.path.isfile(os.path.join(folder, COMPILED)):
        try:
            doc = json.loads(_read_file(folder, COMPILED))
        except ValueError:
            doc = None
        if isinstance(doc, dict) and doc.get("sources") == {k: _fingerprint(v) for k, v in raw.items()}:
            return doc["toml"]
    import tomllib  # noqa: PLC0415 - only when compiled.json is missing or stale

    out = {}
    for rel, data in raw.items():
        try:
            out[rel] = tomllib.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            raise TaxonomyError(f"{os.path.join(folder, *rel.split('/'))}: {e}") from None
    return out


def _fingerprint(data: bytes) -> str:
    return f"{len(data)}:{zlib.crc32(data):08x}"


def compiled_path(taxonomy_id: str = DEFAULT_TAXONOMY) -> Path:
    return resource_root() / "taxonomies" / taxonomy_id / COMPILED


def build_compiled(taxonomy_id: str = DEFAULT_TAXONOMY) -> str:
    """Text of compiled.json: the sources' fingerprints and their parsed data (JSON keeps it exactly)."""
    folder = os.path.join(resource_dir(), "taxonomies", taxonomy_id)
    import tomllib  # noqa: PLC0415

    sources, parsed = {}, {}
    for rel in _source_files(folder):
        p = os.path.join(folder, *rel.split("/"))
        data = _read_file(folder, rel)
        sources[rel] = _fingerprint(data)
        parsed[rel] = tomllib.loads(data.decode("utf-8"))
        if json.loads(json.dumps(parsed[rel])) != parsed[rel]:
            raise TaxonomyError(f"{p}: holds values JSON cannot keep (dates?); compiled.json cannot cache it")
    doc = {"generated_by": "python -m juesuan.derive (do not edit)", "sources": sources, "toml": parsed}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def load_taxonomy(taxonomy_id: str | None = None) -> Taxonomy:
    """The taxonomy version, loaded once per process (`load_taxonomy()` and `load_taxonomy("juesuan-1.0")`
    share one cache entry)."""
    return _load_taxonomy(taxonomy_id or DEFAULT_TAXONOMY)


def _clear_taxonomy_cache() -> None:
    _load_taxonomy.cache_clear()


load_taxonomy.cache_clear = _clear_taxonomy_cache  # type: ignore[attr-defined] - derive and tests reload


class LayoutMap(Mapping[str, Layout]):
    """The layouts of a taxonomy version by id, each built the first time it is asked for.

    A command reads one layout (a conversion, a validation, a diff of two reports of the same layout), so
    building every layout up front is start-up spent for nothing. The ids are the file stems of
    layouts/*.toml; a layout file whose `layout` differs from its name is a TaxonomyError when it is
    built. Everything that walks all layouts (derive, the XSD, docs, XBRL) builds them all, so a broken
    layout still fails `python -m juesuan.derive --check` and the tests.
    """

    def __init__(self, folder: str, concepts: dict[str, Concept], sources: dict[str, dict],
                 code_lists: dict | None = None) -> None:
        self._folder = folder
        self._concepts = concepts
        self._code_lists = code_lists or {}
        self._sources = sources
        self._ids = _layout_ids(folder)
        self._built: dict[str, Layout] = {}

    def __getitem__(self, layout_id: str) -> Layout:
        lay = self._built.get(layout_id)
        if lay is None:
            if layout_id not in self._ids:
                raise KeyError(layout_id)
            path = os.path.join(self._folder, "layouts", f"{layout_id}.toml")
            try:
                lay = _load_layout(path, self._concepts, self._sources.get(f"layouts/{layout_id}.toml"),
                                   self._code_lists)
            except KeyError as e:  # a table or column without a required field: not an "unknown layout"
                raise TaxonomyError(f"{path}: a required field is missing: {e}") from None
            if lay.id != layout_id:
                raise TaxonomyError(f"{path}: declares layout {lay.id!r}; the file must be named {lay.id}.toml")
            self._built[layout_id] = lay
        return lay

    def __contains__(self, layout_id: object) -> bool:
        return layout_id in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __repr__(self) -> str:
        return f"LayoutMap({self._ids!r})"


@functools.lru_cache(maxsize=8)
def _load_taxonomy(taxonomy_id: str) -> Taxonomy:
    folder = os.path.join(resource_dir(), "taxonomies", taxonomy_id)
    if not os.path.isdir(folder):
        raise TaxonomyError(f"unknown taxonomy {taxonomy_id!r}")
    sources = _read_sources(folder)
    data = sources["concepts.toml"]
    concepts: dict[str, Concept] = {}
    for c in data["concept"]:
        if not CONCEPT_ID_RE.match(c["id"]):
            raise TaxonomyError(f"bad concept id {c['id']!r}")
        if c["id"] in concepts:
            raise TaxonomyError(f"duplicate concept id {c['id']!r}")
        concepts[c["id"]] = Concept(
            id=c["id"],
            zh=c["zh"],
            en=c["en"],
            statement=c["statement"],
            dim=c.get("dim", "none"),
            period=c.get("period", "duration"),
            balance=c.get("balance", "credit"),
            type=c.get("type", "amount"),
        )
    code_lists = {
        "function": _read_codes(os.path.join(folder, "codes", "function.tsv"), "function", FUNCTION_CODE_RE),
        "economic": _read_codes(os.path.join(folder, "codes", "economic.tsv"), "economic", ECONOMIC_CODE_RE),
    }
    return Taxonomy(
        id=data["taxonomy"],
        namespace=data["namespace"],
        folder=folder,
        statements=data["statements"],
        concepts=concepts,
        function_codes=code_lists["function"],
        economic_codes=code_lists["economic"],
        layouts=LayoutMap(folder, concepts, sources, code_lists),
        sources={k: v for k, v in sources.items() if k in ("rules.toml", "narrative.toml")},
    )
