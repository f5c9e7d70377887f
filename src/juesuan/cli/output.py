"""facts, template, export and diff: what is read out of instances and layouts."""

from __future__ import annotations

import os
import sys

import click

from ..defaults import DEFAULT_LAYOUT
from ..errors import JuesuanError, OutputError
from .common import (FORMAT_TEXT_JSON, KNOWN_SUFFIXES, LANG, REPORT_SUFFIXES, Command, CommandError, check_suffix,
                     emit, fail, output_ok, produce, refuse_binary_to_terminal, stdin_file)


@click.command(cls=Command)
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx", "parquet"]), default=None,
              help="csv (default), json, xlsx or parquet (parquet needs juesuan[store]); with -o, "
              "taken from the file's suffix when not given.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (atomically) instead of stdout ('-'); xlsx and parquet need a file.")
@click.option("--no-bom", is_flag=True, help="CSV file without the UTF-8 BOM (Excel needs the BOM to read Chinese).")
@click.option("--duckdb", "duckdb_file", type=click.Path(dir_okay=False), default=None,
              help="Append the rows to table facts of this DuckDB database (created when missing; juesuan[store]).")
@click.option("--skip-unusable", is_flag=True, help="Skip unusable inputs (one line each on stderr) instead of stopping.")
@click.option("--layout", default=None, help="Place facts in this layout instead of the instance's own.")
@LANG
def facts(inputs: tuple[str, ...], fmt: str | None, output: str | None, no_bom: bool, duckdb_file: str | None,
          skip_unusable: bool, layout: str | None, lang: str) -> None:
    """One record per fact of every input (instances, or sources to convert; folders, globs and @LIST
    files as for batch): entity, uscc, year, layout, file, table, section, row, column, value, concept,
    code, labels, row name, source cell.

    Exit status: 0 written, 2 an unusable input (nothing written) or usage error.
    """
    from .. import store
    from ..catalogue import render
    from .common import error_line

    def skipped(path: str, e: JuesuanError) -> None:
        what = error_line(e, lang).removeprefix("juesuan: ")
        click.echo("juesuan: " + render("cli:skipped", {"what": what}, lang), err=True)

    if output == "-":  # stdout
        output = None
    try:
        inputs = tuple(stdin_file(p) if p == "-" else p for p in inputs)  # `-`: an instance on stdin
        fmt = store.format_for(output, fmt)
        if not output and fmt in ("xlsx", "parquet") and not duckdb_file:
            raise CommandError("cli:binary-needs-file", fmt=fmt, file=f"FILE.{fmt}")
        _write_rows(store.iter_rows(inputs, layout, skipped if skip_unusable else None), fmt, output, duckdb_file,
                    bom=not no_bom)
    except JuesuanError as e:
        fail(e, lang)


def _write_rows(rows, fmt: str, output: str | None, duckdb_file: str | None, bom: bool) -> None:
    """facts' rows into the DuckDB database and/or the file OUTPUT, else onto stdout. Streamed report by
    report; a bad input stops it before anything is written: the file is renamed into place only at
    the end, the DuckDB append is one transaction, stdout is printed last."""
    from .. import store

    if duckdb_file and output:
        rows = list(rows)
    if duckdb_file:
        store.append_duckdb(rows, duckdb_file)
    if output:
        store.write(rows, fmt, output, bom=bom)
    elif not duckdb_file:
        click.echo(store.to_text(rows, fmt), nl=False)


@click.command(cls=Command)
@click.option("--layout", default=DEFAULT_LAYOUT, show_default=True, help="Layout id (2021-hunan, 2024-shanghai).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="Workbook to write (.xlsx); `-` writes it to stdout.")
@click.option("--format", "fmt", type=FORMAT_TEXT_JSON, default="text", show_default=True,
              help="How to report what was written: text for people, json for machines.")
@LANG
def template(layout: str, output: str, fmt: str, lang: str) -> None:
    """Write the Excel template for a layout: one protected sheet per table, laid out like the
    official table, input cells tinted; fill it in and convert it with `juesuan convert`."""
    from ..excel.template import template_bytes
    from ..taxonomy import load_taxonomy

    check_suffix(output, (".xlsx",), "the template", lang)
    refuse_binary_to_terminal(output, lang)
    try:
        output_ok(output)
        lay = load_taxonomy().layout(layout)
        emit(output, template_bytes(lay.id))
    except JuesuanError as e:
        fail(e, lang)
    except OSError as e:
        fail(OutputError.from_os(e, output), lang)
    to_err = output == "-"
    if fmt == "json":
        import json

        click.echo(json.dumps({"output": output, "layout": lay.id, "tables": [t.id for t in lay.tables]},
                              ensure_ascii=False), err=to_err)
    else:
        from ..catalogue import text

        click.echo(text("wrote-template", lang, path=output, layout=lay.id, tables=len(lay.tables)), err=to_err)


EXPORT_FORMATS = ("xlsx", "xbrl", "xbrl-json")  # one branch per format in `_export` below


@click.command(cls=Command)
@click.argument("instance", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True,
              help="xlsx: the filled template workbook; xbrl: XBRL 2.1 instance + taxonomy package; "
              "xbrl-json: xBRL-JSON (OIM) + taxonomy package.")
@click.option("-o", "--output", required=True, type=click.Path(allow_dash=True),
              help="xlsx: the workbook to write (`-`: stdout); xbrl/xbrl-json: the folder to write into "
              "(created if missing).")
@click.option("--layout", default=None, help="xlsx: layout of the workbook (default: the instance's own).")
@LANG
def export(instance: str, fmt: str, output: str, layout: str | None, lang: str) -> None:
    """Export INSTANCE (instance XML) as a filled workbook (xlsx, reads back to the same facts) or as
    XBRL 2.1 / xBRL-JSON with the taxonomy package that Arelle validates offline.

    Prints the files written. Exit status: 0 written, 1 written but some facts have no cell in the
    workbook's layout, 2 unusable input.
    """
    from ..catalogue import text
    from ..findings import Report

    if fmt == "xlsx":
        check_suffix(output, (".xlsx",), "the workbook", lang)
        refuse_binary_to_terminal(output, lang)
    elif output == "-" or os.path.splitext(output)[1].lower() in KNOWN_SUFFIXES:
        fail(CommandError("cli:export-into-folder", path=output, fmt=fmt), lang)
    try:
        written, findings = _export(instance, fmt, output, layout)
    except JuesuanError as e:
        fail(e, lang)
    except OSError as e:
        fail(OutputError.from_os(e, output), lang)
    for p in written:
        click.echo(text("wrote", lang, path=p), err=output == "-")
    report = Report(findings=findings, files=[instance])
    if findings:
        click.echo(report.to_text(lang), err=output == "-")
    sys.exit(1 if report.errors else 0)


def _export(instance: str, fmt: str, output: str, layout: str | None) -> tuple[list[str], list]:
    """(files written, findings) of INSTANCE exported as FMT to OUTPUT."""
    from ..loader import load_valid

    inst = load_valid(stdin_file(instance))
    if fmt != "xlsx":
        from ..xbrl import export_xbrl

        return export_xbrl(inst, output, fmt), []
    from ..excel.template import export_bytes
    from ..records import replace

    output_ok(output, instance)
    data, found = export_bytes(inst, layout)
    emit(output, data)
    # the report lists a file's findings: they are about this instance
    return [output], [replace(f, file=instance) for f in found]


@click.command("diff", cls=Command)
@click.argument("old", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("new", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html", "xlsx"]), default="text",
              show_default=True, help="text for a terminal, json for machines, html one self-contained page, "
              "xlsx one sheet per table (xlsx needs -o unless stdout is redirected).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Write to this file (atomically) instead of stdout; `-` is stdout.")
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
    from ..diff import compare_files, render

    check_suffix(output, REPORT_SUFFIXES[fmt], f"the {fmt} comparison", lang)
    output = None if output == "-" else output
    if fmt == "xlsx":
        refuse_binary_to_terminal(output, lang)
    if old == "-" and new == "-":
        fail(CommandError("cli:stdin-twice"), lang)
    different = []

    def work() -> bytes:
        if output:
            output_ok(output, old, new)
        result = compare_files(stdin_file(old), stdin_file(new), mode=mode, ignore_rounding=ignore_rounding)
        result.old_file, result.new_file = old, new  # `-`, not the temporary file holding stdin
        different.append(result.different)
        return render(result, fmt, lang)

    produce(work, output, lang)
    sys.exit(1 if different[0] else 0)
