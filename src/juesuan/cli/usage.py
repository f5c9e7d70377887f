"""click's usage errors (missing argument or option, no such option or command, a bad value, an extra
argument) as one line in the asked language, from the catalogue (messages/cli.toml, cli:usage-*).

Parsing failed, so the language is read from argv itself (`--lang en` / `--lang=en`; default zh). Each
error is mapped by its type and attributes (MissingParameter.param, NoSuchOption.option_name and its
possibilities, BadParameter.param) and, where click keeps only its English sentence (a bad value, an
option without its value, extra arguments), by that sentence. The en templates give click's own
wording; an error of a shape not mapped here keeps click's sentence in English and a general line in
Chinese.
"""

from __future__ import annotations

import re

import click

from ..catalogue import render
from .common import asked_lang  # noqa: F401  (re-exported: the CLI and its tests take it from here)


def usage_line(err: click.UsageError, lang: str) -> str:
    """'juesuan: <what is wrong> (see 'juesuan convert --help')' in LANG, on one line."""
    command = err.ctx.command_path if err.ctx else "juesuan"
    found = describe(err)
    if found is not None:
        message = render(*found, lang)
    elif lang == "en":
        message = " ".join(err.format_message().split())
    else:
        message = render("cli:usage-other", {}, lang)
    return "juesuan: " + render("cli:usage-line", {"message": message, "command": command}, lang)


def describe(err: click.UsageError) -> tuple[str, dict] | None:
    """(code, values) of ERR in cli.toml, or None for a shape not mapped."""
    if isinstance(err, click.MissingParameter):
        return _missing(err)
    if isinstance(err, click.NoSuchOption):
        return _no_such("option", err.option_name, err.message, err.possibilities)
    no_such_command = getattr(click.exceptions, "NoSuchCommand", None)  # click >= 8.4
    if no_such_command is not None and isinstance(err, no_such_command):
        return _no_such("command", err.command_name, err.message, err.possibilities)
    if isinstance(err, click.BadParameter):
        return _bad_value(err)
    m = _SENTENCES.fullmatch(err.message)
    if m is None:
        return None
    kind = m.lastgroup
    field = "args" if kind.startswith("extra") else "name"
    if kind == "no_such_command":
        return "cli:usage-no-such-command", {"name": m.group(kind + "_v"), "guesses": []}
    return f"cli:usage-{kind.replace('_', '-')}", {field: m.group(kind + "_v")}


# sentences of click's parser and core that keep no attributes to map them by
_SENTENCES = re.compile("|".join([
    r"(?P<needs_value>Option (?P<needs_value_v>'[^']*') requires an argument\.)",
    r"(?P<takes_no_value>Option (?P<takes_no_value_v>'[^']*') does not take a value\.)",
    r"(?P<extra_argument>Got unexpected extra argument \((?P<extra_argument_v>.*)\))",
    r"(?P<extra_arguments>Got unexpected extra arguments \((?P<extra_arguments_v>.*)\))",
    r"(?P<no_such_command>No such command (?P<no_such_command_v>'[^']*')\.)",  # click < 8.4
]), re.S)


def _hint(err: click.BadParameter) -> str | None:
    hint = err.param_hint
    if hint is None and err.param is not None:
        hint = err.param.get_error_hint(err.ctx)
    if hint is not None and not isinstance(hint, str):
        hint = " / ".join(repr(x) for x in hint)
    return hint


def _missing(err: click.MissingParameter) -> tuple[str, dict] | None:
    kind = err.param_type or (err.param.param_type_name if err.param is not None else None)
    name = _hint(err)
    if err.message or kind not in ("argument", "option") or not name:
        return None
    if err.param is not None and isinstance(err.param.type, click.Choice):
        return f"cli:usage-missing-{kind}-choice", {"name": name, "choices": [str(c) for c in err.param.type.choices]}
    return f"cli:usage-missing-{kind}", {"name": name}


def _no_such(what: str, name: str, message: str, possibilities) -> tuple[str, dict] | None:
    if message != f"No such {what} {name!r}.":
        return None
    guesses = [repr(p) for p in sorted(possibilities or ())]
    code = f"cli:usage-no-such-{what}" + ("" if not guesses else "-guess" if len(guesses) == 1 else "-guesses")
    return code, {"name": repr(name), "guesses": guesses}


# click's sentences for a bad value (click.types): what each names
_BAD_VALUES = re.compile("|".join([
    r"(?P<bad_choice>(?P<bad_choice_v>'.*') is not one of (?P<bad_choice_c>.*)\.)",
    r"(?P<not_a_number>(?P<not_a_number_v>'.*') is not a valid (?P<not_a_number_k>integer|float)\.)",
    r"(?P<out_of_range>(?P<out_of_range_v>.*) is not in the range (?P<out_of_range_r>.*)\.)",
    r"(?P<is_a_directory>(?P<is_a_directory_k>File|Path) (?P<is_a_directory_v>'.*') is a directory\.)",
    r"(?P<is_a_file>(?P<is_a_file_k>Directory|Path) (?P<is_a_file_v>'.*') is a file\.)",
    r"(?P<does_not_exist>(?P<does_not_exist_k>File|Directory|Path) (?P<does_not_exist_v>'.*') does not exist\.)",
]), re.S)


def _bad_value(err: click.BadParameter) -> tuple[str, dict] | None:
    name = _hint(err)
    m = _BAD_VALUES.fullmatch(err.message)
    if name is None or m is None:
        return None
    kind = m.lastgroup
    values = {"name": name, "value": m.group(kind + "_v")}
    if kind == "bad_choice":
        choices = getattr(getattr(err.param, "type", None), "choices", None) or ()
        if ", ".join(map(repr, choices)) != m.group("bad_choice_c"):
            return None
        values["choices"] = [repr(c) for c in choices]
    elif kind == "not_a_number":
        values["kind"] = m.group("not_a_number_k")
    elif kind == "out_of_range":
        values["range"] = m.group("out_of_range_r")
    else:
        values["kind"] = m.group(kind + "_k")
    return f"cli:usage-{kind.replace('_', '-')}", values
