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
"1 error" / "3 errors" (zh templates simply write ``{n} 个错误``).

Rule findings (``rule:<id>``) take their templates from the taxonomy's rules.toml, not from here.
"""

from __future__ import annotations

import functools
import os

from .errors import TaxonomyError

MESSAGES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "messages")
SEVERITIES = ("error", "warning", "info")
LANGS = ("zh", "en")


@functools.cache
def _formatter():
    """The plural-aware formatter (string is imported only when a template has a plural spec)."""
    import string  # noqa: PLC0415

    class _Formatter(string.Formatter):
        def format_field(self, value, format_spec):
            if "|" in format_spec:
                one, other = format_spec.split("|", 1)
                return f"{value} {one if value == 1 else other}"
            return super().format_field(value, format_spec)

    return _Formatter()


def families() -> list[str]:
    """The families declared in messages/ (file names without .toml), sorted."""
    return sorted(n[:-5] for n in os.listdir(MESSAGES_DIR) if n.endswith(".toml"))


@functools.cache
def family(name: str) -> dict[str, dict]:
    """The entries of one family file, checked: every code is '<name>:…' and has severity, zh, en."""
    import tomllib

    path = os.path.join(MESSAGES_DIR, f"{name}.toml")
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise TaxonomyError(f"no message family {name!r} ({path})") from None
    for code, entry in data.items():
        if not code.startswith(name + ":"):
            raise TaxonomyError(f"{path}: {code!r} is not in family {name!r}")
        missing = {"severity", *LANGS} - set(entry)
        if missing:
            raise TaxonomyError(f"{path}: {code} lacks {', '.join(sorted(missing))}")
        if entry["severity"] not in SEVERITIES:
            raise TaxonomyError(f"{path}: {code} has severity {entry['severity']!r}")
    return data


def entry(code: str) -> dict:
    """The catalogue entry of a code; TaxonomyError when it is not declared (a bug, not bad input)."""
    fam = code.split(":", 1)[0]
    try:
        return family(fam)[code]
    except KeyError:
        raise TaxonomyError(f"finding code {code!r} is not declared in messages/{fam}.toml") from None


def severity(code: str) -> str:
    return entry(code)["severity"]


def render(code: str, values: dict, lang: str = "zh") -> str:
    """The message of a finding in zh or en, from its catalogue template and its values."""
    template = entry(code)[lang if lang in LANGS else "zh"]
    if "|" not in template:  # no plural spec: plain str.format does the same
        return template.format_map(values)
    return _formatter().vformat(template, (), values)


def fields(code: str, lang: str = "zh") -> set[str]:
    """The value names a code's template uses (for tests and for readers that build values)."""
    out = set()
    for _, name, _, _ in _formatter().parse(entry(code)[lang]):
        if name:
            out.add(name.split(".")[0].split("[")[0])
    return out
