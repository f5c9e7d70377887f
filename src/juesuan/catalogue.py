"""The finding catalogue: every finding code declared once, as data, rendered at output time.

Each family of codes (the part before the colon: ``convert``, ``schema``, ``narrative`` …) has one file
``src/juesuan/messages/<family>.toml`` with a table per code::

    ["convert:not-an-amount"]
    severity = "error"
    zh = "“{text}”不是金额"
    en = "'{text}' is not an amount"

A Finding carries its code, severity, location and values; ``render(code, values, lang)`` fills the
template of the asked language from the values (str.format fields, e.g. ``{text}``). A field with a
format spec holding ``|`` picks a plural form by the value and prints both: ``{n:error|errors}`` gives
"1 error" / "3 errors" (zh templates simply write ``{n} 个错误``); a list value's spec is its separator
(``{tables:、}`` / ``{tables:, }``). Values are plain str / int / Decimal / lists of them; a template
field without a value is a TaxonomyError (a bug). A value may be a ``{"zh": …, "en": …}`` pair (a
concept's label): the field gets the asked language's text; a place (juesuan.model.Where, e.g. ``{where}``)
is rendered in the asked language too ("第 138 行" / "line 138"), JSON keeps its English text. zh texts
hold no English words except LATIN_NAMES; en texts no Chinese (tests/test_catalogue.py, tests/test_cli_lang.py).

The ``report`` family holds the output lines of the commands (verdicts, "wrote …", severity names,
the words the rule messages are built from); its entries have no severity, they are not findings.

Rule findings (``rule:<id>``) take their templates from the taxonomy's rules.toml, not from here: the
rule with that id in the finding's taxonomy (`render(..., taxonomy=)`), its fields ({lhs}, {rhs} …)
built from the finding's values by juesuan.checks.engine.message_fields.

Loading stays off the start-up path: a family is read when a finding of it is first rendered, from
``messages/<family>.compiled.json`` (derived by ``python -m juesuan.derive``) when the family file's
fingerprint matches, else parsed with tomllib (slower, never wrong).
"""

from __future__ import annotations

import functools
import json
import os
import zlib

from .errors import TaxonomyError

MESSAGES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "messages")
SEVERITIES = ("error", "warning", "info")
LANGS = ("zh", "en")
TEXT_FAMILIES = frozenset({"report", "cli"})  # output lines, not findings: no severity
# Latin words a zh text may hold: names of formats, programs and identifiers, not English prose
# (tests/test_catalogue.py and the CLI tests check zh output against this list).
LATIN_NAMES = frozenset({
    "XSD", "XML", "XBRL", "XPath", "JSON", "CSV", "TSV", "PDF", "LZW", "UTF", "GB18030", "GBK", "USCC", "DOCTYPE", "DTD",
    "Excel", "LibreOffice", "WPS", "xlsx", "xlsm", "xls", "xml", "txt", "csv", "tsv", "pdf",
    "juesuan", "lxml", "xmlschema", "Arelle", "Parquet", "DuckDB", "docx", "md",
})


class _Value:
    """A value as a template field sees it: ``{n:cell|cells}`` gives "1 cell" / "3 cells"; a list's spec
    is its separator (``{tables:、}`` gives "08、09"); any other spec is the value's own format
    (str.format without importing `string`, which start-up avoids)."""

    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v

    def __format__(self, spec: str) -> str:
        if "|" in spec:
            one, other = spec.split("|", 1)
            return f"{self.v} {one if self.v == 1 else other}"
        if isinstance(self.v, (list, tuple)):
            return (spec or ", ").join(str(x) for x in self.v)
        return format(self.v, spec)

    def __getattr__(self, name):
        return getattr(self.v, name)

    def __getitem__(self, key):
        return self.v[key]

    def __str__(self) -> str:
        return str(self.v)

    def __repr__(self) -> str:
        return repr(self.v)


class _Values(dict):
    def __missing__(self, key):
        raise TaxonomyError(f"message template field {{{key}}} has no value")


def families() -> list[str]:
    """The families declared in messages/ (file names without .toml), sorted."""
    return sorted(n[:-5] for n in os.listdir(MESSAGES_DIR) if n.endswith(".toml"))


def _fingerprint(data: bytes) -> str:
    return f"{len(data)}:{zlib.crc32(data):08x}"


def compiled_path(name: str) -> str:
    """messages/<family>.compiled.json: the family's fingerprint and parsed entries (one file per family,
    so that families added in parallel never touch each other's derived file)."""
    return os.path.join(MESSAGES_DIR, f"{name}.compiled.json")


def _parse(name: str) -> dict:
    path = os.path.join(MESSAGES_DIR, f"{name}.toml")
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        raise TaxonomyError(f"no message family {name!r} ({path})") from None
    try:
        with open(compiled_path(name), "rb") as fh:
            doc = json.loads(fh.read())
    except (OSError, ValueError):
        doc = None
    if isinstance(doc, dict) and doc.get("source") == _fingerprint(raw):
        return doc["entries"]
    import tomllib  # noqa: PLC0415 - only when the compiled file is stale or missing (~18 ms)

    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise TaxonomyError(f"{path}: {e}") from None


def build_compiled(name: str) -> str:
    """Text of messages/<name>.compiled.json (python -m juesuan.derive writes it)."""
    import tomllib  # noqa: PLC0415

    with open(os.path.join(MESSAGES_DIR, f"{name}.toml"), "rb") as fh:
        raw = fh.read()
    doc = {"generated_by": "python -m juesuan.derive (do not edit)", "source": _fingerprint(raw),
           "entries": tomllib.loads(raw.decode("utf-8"))}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


@functools.cache
def family(name: str) -> dict[str, dict]:
    """The entries of one family file, checked: every code is '<name>:…' and has zh, en and (findings)
    a severity."""
    path = os.path.join(MESSAGES_DIR, f"{name}.toml")
    data = _parse(name)
    need = {*LANGS} if name in TEXT_FAMILIES else {"severity", *LANGS}
    for code, entry in data.items():
        if not code.startswith(name + ":"):
            raise TaxonomyError(f"{path}: {code!r} is not in family {name!r}")
        missing = need - set(entry)
        if missing:
            raise TaxonomyError(f"{path}: {code} lacks {', '.join(sorted(missing))}")
        if "severity" in need and entry["severity"] not in SEVERITIES:
            raise TaxonomyError(f"{path}: {code} has severity {entry['severity']!r}")
    return data


_EXTRA_RULES: dict[tuple[str, str], object] = {}


def declare_rules(taxonomy: str, rules) -> None:
    """Rules evaluated that are not in the taxonomy's rules.toml (tests, tools passing their own to
    check_instance): their findings render from these (the last declared rule of an id wins)."""
    for r in rules:
        _EXTRA_RULES[(taxonomy, r.id)] = r


def _rule(code: str, taxonomy: str | None):
    from .checks.catalogue import rules_by_id
    from .defaults import DEFAULT_TAXONOMY

    rid = code.split(":", 1)[1]
    extra = _EXTRA_RULES.get((taxonomy or DEFAULT_TAXONOMY, rid))
    if extra is not None:
        return extra
    r = rules_by_id(taxonomy or DEFAULT_TAXONOMY).get(rid)
    if r is not None:
        return r
    raise TaxonomyError(f"finding code {code!r}: no rule {rid!r} in taxonomy {taxonomy or DEFAULT_TAXONOMY}")


def entry(code: str, taxonomy: str | None = None) -> dict:
    """The catalogue entry of a code (severity, zh, en); TaxonomyError when it is not declared (a bug,
    not bad input). `rule:<id>` is the rule of that id in `taxonomy` (default: the default taxonomy)."""
    fam = code.split(":", 1)[0]
    if fam == "rule":
        r = _rule(code, taxonomy)
        return {"severity": r.severity, "zh": r.zh, "en": r.en}
    try:
        return family(fam)[code]
    except KeyError:
        raise TaxonomyError(f"finding code {code!r} is not declared in messages/{fam}.toml") from None


def severity(code: str, taxonomy: str | None = None) -> str:
    return entry(code, taxonomy)["severity"]


def render(code: str, values: dict, lang: str = "zh", taxonomy: str | None = None) -> str:
    """The message of a finding (or a report line) in zh or en, from its template and its values."""
    lang = lang if lang in LANGS else "zh"
    template = entry(code, taxonomy)[lang]
    suffix = ""
    if code.startswith("rule:"):  # the rule's fields are built from the finding's values
        from .checks.engine import message_fields

        values = message_fields(values, lang, taxonomy)
        suffix = values.pop("_source")
    return template.format_map(_Values({k: _Value(_in(v, lang)) for k, v in values.items()})) + suffix


def _in(value, lang: str):
    """A value that is a {"zh": …, "en": …} pair (a concept's label), or a place (juesuan.model.Where,
    Location: rendered by its `text`), in the asked language."""
    if isinstance(value, dict):
        return value[lang] if lang in value else value
    if isinstance(value, (str, int, list, tuple)):
        return value
    text = getattr(value, "text", None)
    return text(lang) if callable(text) else value


class Text:
    """A catalogue text used as a finding's value (a reason inside its message, e.g. `{why}`): rendered
    in the asked language with the message; str() is its en text, what JSON keeps."""

    __slots__ = ("code", "values")

    def __init__(self, code: str, **values) -> None:
        self.code = code
        self.values = values

    def text(self, lang: str = "zh") -> str:
        return render(self.code, self.values, lang)

    def __str__(self) -> str:
        return self.text("en")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and (self.code, self.values) == (other.code, other.values)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Text({self.code!r}, **{self.values!r})"

    def __reduce__(self):
        return (_text_value, (self.code, self.values))


def _text_value(code: str, values: dict) -> Text:
    return Text(code, **values)


def text(key: str, lang: str = "zh", **values) -> str:
    """One line of the ``report`` family: ``text("wrote", lang, path=…)`` renders ``report:wrote``."""
    return render(f"report:{key}", values, lang)


def fields(code: str, lang: str = "zh", taxonomy: str | None = None) -> set[str]:
    """The value names a code's template uses (for tests and for readers that build values)."""
    import string  # noqa: PLC0415 - tests only

    out = set()
    for _, name, _, _ in string.Formatter().parse(entry(code, taxonomy)[lang]):
        if name:
            out.add(name.split(".")[0].split("[")[0])
    return out
