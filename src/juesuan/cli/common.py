"""What the commands share: the --lang option and the language a command line asks for (its --help
in that language: LangHelp), `-` for stdin/stdout, output suffixes, atomic output, and the one-line
error on stderr with exit 2.

`--help` is an eager option: click shows the help while it parses, before `--lang` (which may come
after it) has a value. So LangHelp reads the language from the arguments themselves when they are
parsed (`given_lang`), else from the default the group's own `--lang` gave the command, else zh; the
Chinese help is rendered by cli/help.py from cli/help_zh.toml, the English one is click's own."""

from __future__ import annotations

import os
import sys

import click

from ..errors import JuesuanError, OutputError

FORMAT_TEXT_JSON = click.Choice(["text", "json"])
STATUS = click.Choice(["draft", "final"])
LANG = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                    help="Language of messages and labels.")

def asked_lang(argv: list[str]) -> str:
    """The language argv asks for: the last `--lang X` / `--lang=X` with X zh or en; default zh."""
    return given_lang(argv) or "zh"


def given_lang(argv: list[str]) -> str | None:
    """The last `--lang X` / `--lang=X` of argv with X zh or en (before a `--`), or None."""
    lang = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else arg[7:] if arg.startswith("--lang=") \
            else None
        if value in ("zh", "en"):
            lang = value
    return lang


class LangHelp:
    """A click command or group (mixed in before it) whose --help is in the asked language."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["juesuan.help-lang"] = given_lang(args) or ctx.lookup_default("lang") or "zh"
        return super().parse_args(ctx, args)  # type: ignore[misc]

    def get_help(self, ctx: click.Context) -> str:
        if ctx.meta.get("juesuan.help-lang", "zh") == "zh":
            from .help import zh_help

            text = zh_help(self, ctx)  # type: ignore[arg-type]
            if text is not None:
                return text
        return super().get_help(ctx)  # type: ignore[misc]


class Command(LangHelp, click.Command):
    """A juesuan command (`@click.command(cls=Command)`)."""


# ---- `-` for stdin/stdout, output suffixes that must match the format
KNOWN_SUFFIXES = (".xml", ".xlsx", ".xlsm", ".json", ".html", ".htm", ".csv", ".txt", ".pdf", ".tsv", ".zip")
# the suffix of each report format (validate's report, diff's comparison)
REPORT_SUFFIXES = {"text": (".txt",), "json": (".json",), "html": (".html", ".htm"), "xlsx": (".xlsx",)}


def error_line(err: Exception, lang: str = "zh") -> str:
    """'juesuan: x.xml: why', the reason in the asked language when the catalogue has it."""
    text = getattr(err, "text", None)
    if text is None or not getattr(err, "code", ""):
        return f"juesuan: {err}"
    why = text(lang)
    where = getattr(err, "where", None)
    if not where:
        return f"juesuan: {why}"
    return f"juesuan: {where}：{why}" if lang == "zh" else f"juesuan: {where}: {why}"


def fail(err: Exception, lang: str = "zh") -> None:
    """ERR as one line on stderr, then exit 2."""
    click.echo(error_line(err, lang), err=True)
    sys.exit(2)


class CommandError(JuesuanError):
    """A command asked for what it cannot do (exit 2): its reason declared in messages/cli.toml, said in
    the asked language; str(err) is the English text."""

    def __init__(self, code: str, **values):
        from ..catalogue import render

        self.code, self.values = code, values
        self.message = render(code, values, "en")
        super().__init__(self.message)


def output_ok(output: str, *inputs: str) -> None:
    """OutputError (one line, exit 2) when -o names an input or a FIFO/device/directory (juesuan.limits)."""
    from ..limits import check_output

    check_output(output, inputs)


def check_suffix(output: str | None, allowed: tuple[str, ...], what: str, lang: str = "zh") -> None:
    """Usage error (exit 2) when OUTPUT's suffix names another format than the one written (`what`:
    the output's kind, in the English message only)."""
    if not output or output == "-":
        return
    suffix = os.path.splitext(output)[1].lower()
    if suffix in KNOWN_SUFFIXES and suffix not in allowed:
        fail(OutputError(f"{output}: {what} is written as {'/'.join(allowed)}, not {suffix}", code="output:wrong-suffix",
                         values={"path": output, "allowed": "/".join(allowed), "suffix": suffix}), lang)


def refuse_binary_to_terminal(output: str | None, lang: str) -> None:
    """Exit 2 when an xlsx would be written to a terminal (OUTPUT `-` or none, stdout a tty)."""
    if output in (None, "-") and sys.stdout.isatty():
        fail(OutputError("xlsx output is binary: give -o FILE or redirect stdout", code="output:xlsx-to-terminal"), lang)


def stdin_file(path: str, default_suffix: str = ".xml") -> str:
    """PATH itself, or for `-` a temporary file holding stdin (bounded like every input) whose suffix
    says what it is (.xlsx for a zip, .pdf, .xml, else default_suffix)."""
    if path != "-":
        return path
    import atexit
    import shutil
    import tempfile

    from ..xmlio import MAX_XML_BYTES

    data = sys.stdin.buffer.read(4 * MAX_XML_BYTES + 1)
    if len(data) > 4 * MAX_XML_BYTES:
        fail(CommandError("cli:stdin-too-large"))
    suffix = (".xlsx" if data[:2] == b"PK" else ".pdf" if data[:5] == b"%PDF-"
              else ".xml" if data.lstrip()[:1] == b"<" else default_suffix)
    folder = tempfile.mkdtemp(prefix="juesuan-")
    atexit.register(shutil.rmtree, folder, True)
    name = os.path.join(folder, "stdin" + suffix)
    with open(name, "wb") as fh:
        fh.write(data)
    return name


def emit(output: str, data: bytes) -> None:
    """Write DATA to OUTPUT atomically, or to stdout for `-`."""
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from ..xmlio import atomic_write

    atomic_write(output, data)


def produce(work, output: str | None, lang: str) -> None:
    """The tail of a command that makes bytes: `work()` gives them; they go to OUTPUT (atomically) when
    one is given, else to stdout. A JuesuanError, or an OSError writing OUTPUT, is one line and exit 2."""
    try:
        data = work()
        if output:
            emit(output, data)
    except JuesuanError as e:
        fail(e, lang)
    except OSError as e:
        fail(OutputError.from_os(e, output), lang)
    if not output:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def emit_text(output: str | None, text: str, lang: str) -> None:
    """TEXT and a newline to OUTPUT (atomically; exit 2 when it cannot be written), or to stdout."""
    if output and output != "-":
        try:
            emit(output, (text + "\n").encode("utf-8"))
        except OSError as e:
            fail(OutputError.from_os(e, output), lang)
    else:
        click.echo(text)


def as_shown(findings, path: str, shown: str):
    """Findings of a file read from stdin name it `-`, not the temporary file."""
    for f in findings:
        if path != shown:
            f = renamed(f, path, shown)
        yield f


def renamed(f, path: str, shown: str):
    """A finding about the temporary file that holds stdin, about `-` instead."""
    from ..records import replace

    if f.location.file == path:
        f = replace(f, location=replace(f.location, file=shown))
    return replace(f, file=shown) if f.file == path else f
