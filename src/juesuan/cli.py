"""Command line: thin click wrappers over the library. Exit 0 clean, 1 error findings, 2 bad input."""

from __future__ import annotations

import sys

import click

from . import __version__
from .errors import JuesuanError

FORMAT_TEXT_JSON = click.Choice(["text", "json"])
LANG = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                    help="Language of messages and labels.")


def _fail(err: Exception) -> None:
    click.echo(f"juesuan: {err}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="juesuan")
def cli() -> None:
    """juesuan (决算): convert, check, compare and export department final-accounts disclosures."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=FORMAT_TEXT_JSON, default="text", show_default=True,
              help="text for people, json for machines.")
@LANG
def validate(files: tuple[str, ...], fmt: str, lang: str) -> None:
    """Validate instance XML FILES against the XSD and the table rules.

    Exit status: 0 all valid, 1 some file has findings of severity error, 2 some file is unusable
    (not readable, not XML).
    """
    from .findings import Report
    from .validate import iter_findings

    report = Report()
    unusable = []
    for path in files:
        report.files.append(path)
        try:
            report.extend(iter_findings(path))
        except JuesuanError as e:
            unusable.append(str(e))
    for msg in unusable:
        click.echo(f"juesuan: {msg}", err=True)
    click.echo(report.to_json(lang) if fmt == "json" else report.to_text(lang))
    sys.exit(2 if unusable else (1 if report.errors else 0))


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--layout", default=None, help="Place facts in this layout instead of the instance's own.")
def facts(file: str, fmt: str, layout: str | None) -> None:
    """Print one record per fact of an instance: table, section, row, column, value, concept, labels."""
    from .facts import fact_records, to_csv, to_json
    from .xmlio import load_instance

    try:
        inst = load_instance(file)
        records = fact_records(inst, layout=layout)
    except JuesuanError as e:
        _fail(e)
    click.echo(to_json(records) if fmt == "json" else to_csv(records), nl=False)


@cli.command("diff")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html", "xlsx"]), default="text",
              show_default=True, help="text for a terminal, json for machines, html one self-contained page, "
              "xlsx one sheet per table (xlsx needs -o unless stdout is redirected).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (atomically) instead of stdout.")
@click.option("--mode", type=click.Choice(["auto", "draft-final", "yoy", "plain"]), default="auto",
              show_default=True, help="auto: draft-final for the same entity and year, yoy for consecutive "
              "years, else plain.")
@click.option("--ignore-rounding", is_flag=True,
              help="Hide differences within rounding (|change| <= 0.01 for amounts with two decimals).")
@LANG
def diff_command(old: str, new: str, fmt: str, output: str | None, mode: str, ignore_rounding: bool,
                 lang: str) -> None:
    """Compare two instances OLD and NEW (draft versus final, or last year versus this year).

    Facts are matched by concept and classification code, never by table position, so instances in
    different layouts compare. Exit status like diff(1): 0 no differences, 1 differences, 2 bad input.
    """
    from .diff import compare_files, render

    if fmt == "xlsx" and not output and sys.stdout.isatty():
        _fail(JuesuanError("xlsx output is binary: give -o FILE or redirect stdout"))
    try:
        result = compare_files(old, new, mode=mode, ignore_rounding=ignore_rounding)
        data = render(result, fmt, lang)
        if output:
            from .xmlio import atomic_write

            atomic_write(output, data)
    except JuesuanError as e:
        _fail(e)
    except OSError as e:
        _fail(JuesuanError(f"{output}: cannot write: {e.strerror or e}"))
    if not output:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    sys.exit(1 if result.different else 0)


def main() -> None:
    cli(prog_name="juesuan")
