"""A command's --help in Chinese, from cli/help_zh.toml (the English help is click's own, from the
commands' docstrings and option texts).

The table of a command (its name; `juesuan` for the group) holds `help` (the docstring) and one key
per option (the parameter's name); `[common]` the options every command shares (`lang`), `[words]`
click's own words (headings, the help option, the default and required marks) and `[metavars]` the
placeholders of the usage line and the options (FILE, TEXT …). tests/test_cli_help.py holds the file
to the commands: every command and option translated, no key left over, no English word outside a
code span. Loaded only when a Chinese help is shown.

The layout is click's (usage, text, options, commands), set out here because click's formatter
counts a Chinese character as one column where a terminal gives it two: the option column is padded
and the help text wrapped by display width, an ASCII run (an option, a value) never broken.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata

import click
from click.formatting import join_options

WIDTH = 78
_PLACEHOLDER = re.compile(r"[A-Z][A-Z_]*[A-Z]")  # FILE, INPUTS, OPTIONS, TEXT, HOST …
_NO_LINE_START = set("，。、；：！？）】」』”’…")  # Chinese punctuation that does not begin a line
_NO_LINE_END = set("（【「『“‘")  # nor end one
# what a line is not broken inside: a run of ASCII (an option, a value); else a character
_TOKENS = re.compile(r"[!-~]+| +|.")
_EXTRA = re.compile(r"\s+\[([^\[\]]*)\]$")  # click's "  [default: text]", "  [required]", "  [x>=1]"


@functools.lru_cache(maxsize=1)
def texts() -> dict:
    import tomllib

    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "help_zh.toml"), "rb") as fh:
        return tomllib.load(fh)


def zh_help(cmd: click.Command, ctx: click.Context) -> str | None:
    """CMD's help in Chinese, laid out as click lays out the English one; None for a command the file
    does not know (one added by other code), whose help stays click's."""
    zh = texts()
    own = zh.get(_key(ctx))
    if own is None:
        return None
    lines = [f"{zh['words']['usage']}{ctx.command_path} {_placeholders(' '.join(cmd.collect_usage_pieces(ctx)))}", ""]
    lines += ["  " + line if line else "" for line in own["help"].strip("\n").split("\n")]
    rows = [_option_row(p, ctx, own, zh) for p in cmd.get_params(ctx) if isinstance(p, click.Option) and not p.hidden]
    lines += ["", zh["words"]["options"], *_columns(rows)]
    if isinstance(cmd, click.Group):
        names = cmd.list_commands(ctx)
        room = WIDTH - 6 - max((len(n) for n in names), default=0)
        subs = [(name, _summary(zh[name]["help"], room) if name in zh else _english_summary(cmd, ctx, name, room), "")
                for name in names]
        lines += ["", zh["words"]["commands"], *_columns(subs)]
    return "\n".join(lines)


def _english_summary(group: click.Group, ctx: click.Context, name: str, room: int) -> str:
    """The line of a command the file does not know (added by other code): click's own."""
    sub = group.get_command(ctx, name)
    return sub.get_short_help_str(room) if sub is not None else ""


def _key(ctx: click.Context) -> str:
    return ctx.info_name if ctx.parent is not None else "juesuan"


def _placeholders(text: str) -> str:
    """The placeholders of a usage line or an option (FILE, [OPTIONS], INTEGER RANGE) in Chinese."""
    names = texts()["metavars"]
    for phrase in (k for k in names if " " in k):  # "INTEGER RANGE" before its words
        text = text.replace(phrase, names[phrase])
    return _PLACEHOLDER.sub(lambda m: names.get(m.group(0), m.group(0)), text)


def _option_row(p: click.Option, ctx: click.Context, own: dict, zh: dict) -> tuple[str, str, str]:
    """(flags and placeholder, help, its marks: "[默认：text]", "" for none) of one option."""
    flags = join_options(p.opts)[0]
    if p.secondary_opts:
        flags += " / " + join_options(p.secondary_opts)[0]
    if not p.is_flag and not p.count:
        flags += " " + _placeholders(p.make_metavar(ctx))
    if "--help" in p.opts:  # the help option click adds (its name differs between click versions)
        text = zh["words"]["help"]
    else:  # an option the file does not know keeps its English text (tests/test_cli_help.py finds it)
        text = own.get(p.name) or zh["common"].get(p.name) or p.help or ""
    record = p.get_help_record(ctx)
    found = _EXTRA.search(record[1]) if record else None
    return flags, text, f"[{_marks(found.group(1), zh['words'])}]" if found else ""


def _marks(extra: str, words: dict) -> str:
    """click's marks ("default: text; required", "x>=1") in Chinese; a range stays as it is."""
    out = []
    for part in extra.split("; "):
        if part.startswith("default: "):
            out.append(f"{words['default']}{part[len('default: '):]}")
        elif part == "required":
            out.append(words["required"])
        else:
            out.append(part)
    return "；".join(out)


def _summary(text: str, width: int) -> str:
    """A command's line in the group's list: its help's first sentence, cut to one line as click cuts."""
    first = "".join(line.strip() for line in text.strip().split("\n\n")[0].split("\n"))
    first = first.split("。")[0] + "。" if "。" in first else first
    if _width(first) <= width:
        return first
    cut = ""
    for tok in _TOKENS.findall(first):
        if _width(cut + tok) > width - 2:
            break
        cut += tok
    return cut.rstrip("，、；：（ ") + "……"


def _columns(rows: list[tuple[str, str, str]]) -> list[str]:
    """Two columns: the first padded to its widest (at most 30 columns), the second wrapped to WIDTH,
    its mark ("[默认：text]") after two spaces on its last line, or on a line of its own."""
    if not rows:
        return []
    first = min(max(_width(a) for a, _, _ in rows), 30) + 2
    room = WIDTH - 2 - first
    out = []
    for a, b, mark in rows:
        pad = first - _width(a)
        lead = "  " + a + " " * pad if pad > 0 else None
        chunks = _wrap(b, room)
        if mark:
            if chunks and _width(chunks[-1]) + 2 + _width(mark) <= room:
                chunks[-1] += "  " + mark
            else:
                chunks.append(mark)
        if lead is None:  # a first column too wide: the text starts on the next line
            out.append("  " + a)
            lead = " " * (2 + first)
        out.append(lead + (chunks[0] if chunks else ""))
        out += [" " * (2 + first) + c for c in chunks[1:]]
    return out


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _wrap(text: str, width: int) -> list[str]:
    """TEXT in lines of at most WIDTH columns, breaking between Chinese characters or at spaces, never
    inside a run of ASCII (an option, a value, a code span's word); a closing punctuation
    mark does not begin a line (the token before it moves down with it) and an opening one does not
    end a line."""
    lines: list[str] = []
    cur: list[str] = []
    for tok in _TOKENS.findall(text):
        if not cur and lines and tok in _NO_LINE_START:
            lines[-1] += tok  # after a break at a space: the mark hangs at the end of the line before
            continue
        if cur and _width("".join(cur) + tok) > width and "".join(cur).strip():
            carry: list[str] = []
            while len(cur) > 1 and cur[-1].isspace():
                cur.pop()  # the spaces at a break go
            if tok in _NO_LINE_START:  # push the marks before it and the character they follow down too
                while len(cur) > 1 and cur[-1] in _NO_LINE_START:
                    carry.insert(0, cur.pop())
                while len(cur) > 1 and cur[-1].isspace():
                    cur.pop()
                if len(cur) == 1:
                    cur += [*carry, tok]  # nothing to move down with: the line runs over (a hanging mark)
                    continue
                carry.insert(0, cur.pop())
            while len(cur) > 1 and (cur[-1] in _NO_LINE_END or cur[-1].isspace()):
                carry.insert(0, cur.pop())
            if len(cur) == 1 and (cur[0] in _NO_LINE_END or tok in _NO_LINE_START) or not "".join(cur).strip():
                cur += [*carry, tok]  # nothing to move down with (or only spaces): the line runs over
                continue
            lines.append("".join(cur).rstrip())
            cur = [t for t in carry if not t.isspace()]
            if tok.isspace() and not cur:
                continue
        cur.append(tok)
    if "".join(cur).strip():
        lines.append("".join(cur).rstrip())
    return lines
