"""Command line: thin click wrappers over the library. Exit 0 clean, 1 error findings, 2 bad input.

The group lives here; each command in a module of this package (check: validate, convert; output:
facts, template, export, diff; bureau: batch, consolidate, draft; common: what they share). A command's
module is imported when the command is run or listed, so `juesuan validate` does not compile the others.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from .. import __version__
from .common import LangHelp

# name -> (module of this package, function): in the order `juesuan` with no command lists them
COMMANDS = {
    "validate": ("check", "validate"),
    "facts": ("output", "facts"),
    "convert": ("check", "convert"),
    "draft": ("bureau", "draft"),
    "template": ("output", "template"),
    "export": ("output", "export"),
    "diff": ("output", "diff_command"),
    "batch": ("bureau", "batch"),
    "consolidate": ("bureau", "consolidate"),
}


class LazyGroup(LangHelp, click.Group):
    """A group whose commands (COMMANDS) are imported on first use, click's documented lazy-loading
    pattern; `commands` still gives every command (loading them all), add_command adds one more."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self._added})

    def get_command(self, ctx: click.Context | None, cmd_name: str) -> click.Command | None:
        if cmd_name in self._added or cmd_name not in COMMANDS:
            return self._added.get(cmd_name)
        module, name = COMMANDS[cmd_name]
        return getattr(importlib.import_module(f"{__name__}.{module}"), name)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        self._added[name or cmd.name] = cmd

    @property
    def commands(self) -> dict[str, click.Command]:
        return {**{name: self.get_command(None, name) for name in COMMANDS}, **self._added}

    @commands.setter
    def commands(self, value: dict) -> None:  # click.Group.__init__ sets it
        self._added = dict(value)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True,
             no_args_is_help=False)
@click.version_option(__version__, prog_name="juesuan")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language for the command that follows (as its own --lang, which wins when both are given).")
@click.pass_context
def cli(ctx: click.Context, lang: str | None) -> None:
    """juesuan (决算): convert, check, compare and export department final-accounts disclosures.

    A file argument may be `-` for standard input (once per command) and -o FILE may be `-` for
    standard output (not export's xbrl folder). Shell completion (bash):
    eval "$(_JUESUAN_COMPLETE=bash_source juesuan)" (zsh_source, fish_source for zsh and fish).
    """
    if lang is not None:  # the default of the command's own --lang (click hands a command its part of default_map)
        ctx.default_map = {name: {"lang": lang} for name in ctx.command.list_commands(ctx)}
    if ctx.invoked_subcommand is None:  # a short usage (cli:short-usage), Chinese unless asked otherwise
        from ..catalogue import render
        from .usage import asked_lang

        click.echo(render("cli:short-usage", {"commands": list(COMMANDS)}, lang or asked_lang(sys.argv[1:])), err=True)
        sys.exit(2)


def main() -> None:
    """Entry point. Usage errors are one line on stderr with exit 2, like every other bad input."""
    try:
        rv = cli.main(prog_name="juesuan", standalone_mode=False)
    except click.UsageError as e:  # in the language argv asks for (parsing failed)
        from .usage import asked_lang, usage_line

        click.echo(usage_line(e, asked_lang(sys.argv[1:])), err=True)
        sys.exit(2)
    except click.ClickException as e:
        click.echo(f"juesuan: {_one_line(e.format_message())}", err=True)
        sys.exit(2)
    except click.Abort:
        from ..catalogue import render
        from .usage import asked_lang

        click.echo("juesuan: " + render("cli:aborted", {}, asked_lang(sys.argv[1:])), err=True)
        sys.exit(2)
    sys.exit(rv if isinstance(rv, int) else 0)


def _one_line(message: str) -> str:
    """click's message on one line: "Missing option '--format'. Choose from: xlsx, xbrl, xbrl-json"."""
    return " ".join(message.split())


def console() -> None:
    """The `juesuan` command itself (console script and `python -m juesuan`): `main()`, then leave.

    Tearing the interpreter down at exit (freeing every module and object, lxml's included) takes
    5-15 ms, a tenth of a diff. The output is complete by then: written files are closed (atomic_write
    syncs and renames them) and stdout/stderr are flushed here. So when nothing asked to run at exit
    (no atexit handler: a coverage tool or logging would register one) and no other thread runs, the
    process ends with os._exit and the same status; otherwise it exits normally. `main()` itself keeps
    raising SystemExit, for callers that run it inside their own process.
    """
    try:
        main()
    except SystemExit as e:
        code = e.code
        if not (isinstance(code, int) and 0 <= code <= 255) or not _nothing_left_to_run():
            raise
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):  # a closed pipe: let the normal exit report it
            raise e from None
        os._exit(code)


def _nothing_left_to_run() -> bool:
    import atexit

    ncallbacks = getattr(atexit, "_ncallbacks", None)  # CPython's count of registered handlers
    if ncallbacks is None or ncallbacks() > 0:
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() <= 1
