"""Command line: thin click wrappers over the library. Exit 0 clean, 1 error findings, 2 bad input."""

from __future__ import annotations

import os
import sys

import click

from . import __version__
from .errors import JuesuanError, OutputError
from .defaults import DEFAULT_LAYOUT

FORMAT_TEXT_JSON = click.Choice(["text", "json"])
LANG = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                    help="Language of messages and labels.")


def _error_line(err: Exception, lang: str = "zh") -> str:
    """'juesuan: x.xml: why', the reason in the asked language when the catalogue has it."""
    text = getattr(err, "text", None)
    if text is None or not getattr(err, "code", ""):
        return f"juesuan: {err}"
    why = text(lang)
    where = getattr(err, "where", None)
    if not where:
        return f"juesuan: {why}"
    return f"juesuan: {where}：{why}" if lang == "zh" else f"juesuan: {where}: {why}"


def _fail(err: Exception, lang: str = "zh") -> None:
    click.echo(_error_line(err, lang), err=True)
    sys.exit(2)


def _output_ok(output: str, *inputs: str) -> None:
    """OutputError (one line, exit 2) when -o names an input or a FIFO/device/directory (juesuan.limits)."""
    from .limits import check_output

    check_output(output, inputs)


# ---- `-` for stdin/stdout, output suffixes that must match the format
KNOWN_SUFFIXES = (".xml", ".xlsx", ".xlsm", ".json", ".html", ".htm", ".csv", ".txt", ".pdf", ".tsv", ".zip")


def _check_suffix(output: str | None, allowed: tuple[str, ...], what: str, lang: str = "zh") -> None:
    """Usage error (exit 2) when OUTPUT's suffix names another format than the one written (`what`:
    the output's kind, in the English message only)."""
    if not output or output == "-":
        return
    suffix = os.path.splitext(output)[1].lower()
    if suffix in KNOWN_SUFFIXES and suffix not in allowed:
        _fail(OutputError(f"{output}: {what} is written as {'/'.join(allowed)}, not {suffix}", code="output:wrong-suffix",
                          values={"path": output, "allowed": "/".join(allowed), "suffix": suffix}), lang)


def _stdin_file(path: str, default_suffix: str = ".xml") -> str:
    """PATH itself, or for `-` a temporary file holding stdin (bounded like every input) whose suffix
    says what it is (.xlsx for a zip, .pdf, .xml, else default_suffix)."""
    if path != "-":
        return path
    import atexit
    import shutil
    import tempfile

    from .xmlio import MAX_XML_BYTES

    data = sys.stdin.buffer.read(4 * MAX_XML_BYTES + 1)
    if len(data) > 4 * MAX_XML_BYTES:
        _fail(JuesuanError("-: standard input is too large"))
    suffix = (".xlsx" if data[:2] == b"PK" else ".pdf" if data[:5] == b"%PDF-"
              else ".xml" if data.lstrip()[:1] == b"<" else default_suffix)
    folder = tempfile.mkdtemp(prefix="juesuan-")
    atexit.register(shutil.rmtree, folder, True)
    name = os.path.join(folder, "stdin" + suffix)
    with open(name, "wb") as fh:
        fh.write(data)
    return name


def _emit(output: str, data: bytes) -> None:
    """Write DATA to OUTPUT atomically, or to stdout for `-`."""
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from .xmlio import atomic_write

    atomic_write(output, data)


SHORT_USAGE = ("usage: juesuan COMMAND [ARGS]...  (commands: {commands}; "
               "'juesuan --help' lists them, 'juesuan COMMAND --help' explains one)")


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True,
             no_args_is_help=False)
@click.version_option(__version__, prog_name="juesuan")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """juesuan (决算): convert, check, compare and export department final-accounts disclosures.

    A file argument may be `-` for standard input (once per command) and -o FILE may be `-` for
    standard output (not export's xbrl folder). Shell completion (bash):
    eval "$(_JUESUAN_COMPLETE=bash_source juesuan)" (zsh_source, fish_source for zsh and fish).
    """
    if ctx.invoked_subcommand is None:
        click.echo(SHORT_USAGE.format(commands=", ".join(cli.commands)), err=True)
        sys.exit(2)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html", "xlsx"]), default="text",
              show_default=True, help="text for people, json for machines (with per-file results), html a "
              "self-contained report page (tables as grids, finding cells coloured and linked), xlsx the "
              "findings sheet plus the filled tables with the finding cells coloured.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Write the report to this file (atomically) instead of stdout; `-` is stdout.")
@click.option("--prior", type=click.Path(dir_okay=False), default=None,
              help="Last year's instance: check the carry-over (年初 = 上年年末) and the narrative's year-over-year claims.")
@click.option("--verbose", is_flag=True, help="List the narrative figures that could not be bound to a table figure.")
@LANG
def validate(files: tuple[str, ...], fmt: str, output: str | None, prior: str | None, verbose: bool, lang: str) -> None:
    """Validate instance XML FILES against the XSD and the table rules, and their narrative
    (第三部分) against their tables.

    Exit status: 0 all valid, 1 some file has findings of severity error, 2 some file is unusable
    (not readable, not XML).
    """
    from .findings import Report
    from .validate import iter_findings

    _check_suffix(output, {"text": (".txt",), "json": (".json",), "html": (".html", ".htm"),
                           "xlsx": (".xlsx",)}[fmt], f"a {fmt} report", lang)
    if fmt == "xlsx" and (output in (None, "-")) and sys.stdout.isatty():
        _fail(JuesuanError("xlsx output is binary: give -o FILE or redirect stdout"))
    if files.count("-") > 1:
        _fail(JuesuanError("standard input (-) can be read once"))
    paths = [_stdin_file(p) for p in files]
    shown = dict(zip(paths, files))
    prior_inst = None
    if prior:
        from .loader import load_valid as load_valid_instance

        try:
            prior_inst = load_valid_instance(prior)
        except JuesuanError as e:
            _fail(e)
    if fmt in ("html", "xlsx"):
        from . import report_html as rh

        results = [rh.validate_for_report(p, lang, prior_inst, verbose) for p in paths]
        for res in results:
            res.path = shown[res.path]
            if res.unusable:
                click.echo(f"juesuan: {res.path}: {res.unusable}", err=True)
        if fmt == "html":
            claims = {r.path: rh.claims_of(r, prior_inst) for r in results}
            data = rh.render_html(results, lang, claims).encode("utf-8")
        else:
            data = rh.render_xlsx(results, lang)
        try:
            _emit(output or "-", data)
        except OSError as e:
            _fail(JuesuanError(f"{output}: cannot write: {e.strerror or e}"))
        errors = any(f.severity == "error" for r in results for f in r.findings)
        sys.exit(2 if any(r.unusable for r in results) else (1 if errors else 0))
    report = Report()
    for path in paths:
        report.files.append(shown[path])
        try:
            found = iter_findings(path, prior_inst, verbose) if (prior_inst or verbose) else iter_findings(path)
            report.extend(_as_shown(found, path, shown[path]))
        except JuesuanError as e:
            report.unusable[shown[path]] = e  # Report renders its reason in the asked language
            click.echo(_error_line(e, lang), err=True)
    if fmt == "json":
        import json

        data = report.to_dict(lang)
        data["results"] = [_file_result(report, path, data["unusable"]) for path in report.files]
        text = json.dumps(data, ensure_ascii=False, indent=2)
    else:
        text = report.to_text(lang)
    if output and output != "-":
        try:
            _emit(output, (text + "\n").encode("utf-8"))
        except OSError as e:
            _fail(JuesuanError(f"{output}: cannot write: {e.strerror or e}"))
    else:
        click.echo(text)
    sys.exit(2 if report.unusable else (1 if report.errors else 0))


def _as_shown(findings, path: str, shown: str):
    """Findings of a file read from stdin name it `-`, not the temporary file."""
    from .records import replace

    for f in findings:
        if path != shown:
            f = _renamed(f, path, shown)
        yield f


def _renamed(f, path: str, shown: str):
    """A finding about the temporary file that holds stdin, about `-` instead."""
    from .records import replace

    if f.location.file == path:
        f = replace(f, location=replace(f.location, file=shown))
    return replace(f, file=shown) if f.file == path else f


def _file_result(report, path: str, unusable: dict) -> dict:
    """One file's part of validate's JSON: valid, unusable (its reason), counts by severity, the
    indices of its findings in `findings`."""
    mine = [i for i, f in enumerate(report.findings) if f.file == path]
    counts = {s: sum(1 for i in mine if report.findings[i].severity == s) for s in ("error", "warning", "info")}
    return {"file": path, "valid": path not in report.unusable and counts["error"] == 0,
            "unusable": unusable.get(path, ""), "counts": counts, "findings": mine}


@cli.command()
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
def facts(inputs: tuple[str, ...], fmt: str | None, output: str | None, no_bom: bool, duckdb_file: str | None,
          skip_unusable: bool, layout: str | None) -> None:
    """One record per fact of every input (instances, or sources to convert; folders, globs and @LIST
    files as for batch): entity, uscc, year, layout, file, table, section, row, column, value, concept,
    code, labels, row name, source cell.

    Exit status: 0 written, 2 an unusable input (nothing written) or usage error.
    """
    from . import store

    def skipped(path: str, e: JuesuanError) -> None:
        click.echo(f"juesuan: skipped {e}", err=True)

    if output == "-":  # stdout
        output = None
    try:
        inputs = tuple(_stdin_file(p) if p == "-" else p for p in inputs)  # `-`: an instance on stdin
        fmt = store.format_for(output, fmt)
        if not output and fmt in ("xlsx", "parquet") and not duckdb_file:
            raise JuesuanError(f"{fmt} output is binary: give -o FILE.{fmt}")
        # streamed report by report; a bad input stops it before anything is written: the file is
        # renamed into place only at the end, the DuckDB append is one transaction, stdout is printed last
        rows = store.iter_rows(inputs, layout, skipped if skip_unusable else None)
        if duckdb_file and output:
            rows = list(rows)
        if duckdb_file:
            store.append_duckdb(rows, duckdb_file)
        if output:
            store.write(rows, fmt, output, bom=not no_bom)
        elif not duckdb_file:
            click.echo(store.to_text(rows, fmt), nl=False)
    except JuesuanError as e:
        _fail(e)


STATUS = click.Choice(["draft", "final"])


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="Instance XML to write; `-` writes it to stdout (the summary then goes to stderr).")
@click.option("--entity", default=None, help="Entity name, when the document does not say it.")
@click.option("--year", type=int, default=None, help="Fiscal year, when the document does not say it.")
@click.option("--layout", default=None, help="Layout id (2021-hunan, 2024-shanghai); guessed from the table titles if omitted.")
@click.option("--narrative", "narrative", type=click.Path(dir_okay=False), default=None,
              help="第三部分 written apart (.docx, .txt or .md): becomes the instance's narrative and is checked.")
@click.option("--status", type=STATUS, default=None,
              help="Header status of the instance (default: what the document says, else final).")
@click.option("--uscc", default=None, help="统一社会信用代码 (18 characters) for the header.")
@click.option("--preparer", default=None, help="Preparer (编制人) for the header.")
@click.option("--format", "fmt", type=FORMAT_TEXT_JSON, default="text", show_default=True,
              help="text for people, json for machines (findings, facts written, per-table summaries).")
@LANG
def convert(file: str, output: str, entity: str | None, year: int | None, layout: str | None, narrative: str | None,
            status: str | None, uscc: str | None, preparer: str | None, fmt: str, lang: str) -> None:
    """Convert a filled workbook (.xlsx/.xlsm), extracted report text (.txt/.csv/.tsv) or a report
    PDF into an instance XML, then run the checks and print what was read and found. FILE `-`
    reads standard input (its kind is recognised from its first bytes).

    Exit status: 0 converted with no errors, 1 converted but with error findings, 2 unusable input
    (nothing is written then).
    """
    from .records import replace

    from .convert import check_converted, convert_file
    from .findings import Report
    from .xmlio import instance_to_bytes

    _check_suffix(output, (".xml",), "an instance", lang)
    shown, path = file, _stdin_file(file, ".txt")
    try:
        _output_ok(output, file)
        conv = convert_file(path, layout=layout, entity=entity, year=year)
        changes = {k: v for k, v in (("status", status), ("uscc", uscc), ("preparer", preparer)) if v is not None}
        if changes:
            conv = replace(conv, instance=conv.instance.with_header(**changes))
        inst = conv.instance
        if narrative:
            from .narrative.sources import read_narrative

            inst.narrative = read_narrative(narrative)
        xml = instance_to_bytes(inst)  # serialized once: validated, then written
        report = Report(files=[shown])
        report.extend(replace(_renamed(f, path, shown), file=shown)
                      for f in [*conv.findings, *check_converted(conv, xml)])
        _emit(output, xml)
    except JuesuanError as e:
        _fail(e, lang)
    except OSError as e:
        _fail(JuesuanError(f"{output}: cannot write: {e.strerror or e}"))
    to_err = output == "-"  # stdout holds the XML: what people read goes to stderr
    if fmt == "json":
        import json

        data = report.to_dict(lang)
        data["output"] = output
        data["facts"] = len(inst.facts)
        data["tables"] = [a.to_dict(lang) for a in conv.accounts]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2), err=to_err)
    else:
        from .catalogue import text

        for line in conv.summaries(lang):
            click.echo(line, err=to_err)
        click.echo(text("wrote-instance", lang, path=output, facts=len(inst.facts)), err=to_err)
        click.echo(report.to_text(lang), err=to_err)
    sys.exit(1 if report.errors else 0)


@cli.command()
@click.argument("instance", type=click.Path(dir_okay=False))
@click.option("--prior", type=click.Path(dir_okay=False), default=None,
              help="Last year's instance: adds the year-over-year sentences (与上年相比…).")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "docx"]), default="text", show_default=True,
              help="text or md (Markdown) for reading and editing, docx a Word document for the accountant.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="File to write (atomically); text and md go to stdout without it, docx needs it.")
def draft(instance: str, prior: str | None, fmt: str, output: str | None) -> None:
    """Write 第三部分 (情况说明) of INSTANCE from its facts, in the standard wording: every figure and
    percentage computed from the tables (half up to the printed precision), reasons left as
    【请说明原因】 for the unit to fill in (validate flags them until it does)."""
    from .narrative.draft import draft_docx, draft_text
    from .loader import load_valid as load_valid_instance

    if fmt == "docx" and not output:
        _fail(JuesuanError("docx output is binary: give -o FILE"))
    try:
        inst = load_valid_instance(instance)
        prior_inst = load_valid_instance(prior) if prior else None
        data = draft_docx(inst, prior_inst) if fmt == "docx" else draft_text(inst, prior_inst, fmt).encode("utf-8")
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


EXPORT_FORMATS = ("xlsx", "xbrl", "xbrl-json")  # one branch per format in `export` below


@cli.command()
@click.option("--layout", default=DEFAULT_LAYOUT, show_default=True, help="Layout id (2021-hunan, 2024-shanghai).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="Workbook to write (.xlsx); `-` writes it to stdout.")
@click.option("--format", "fmt", type=FORMAT_TEXT_JSON, default="text", show_default=True,
              help="How to report what was written: text for people, json for machines.")
@LANG
def template(layout: str, output: str, fmt: str, lang: str) -> None:
    """Write the Excel template for a layout: one protected sheet per table, laid out like the
    official table, input cells tinted; fill it in and convert it with `juesuan convert`."""
    from .excel.template import template_bytes
    from .taxonomy import load_taxonomy

    _check_suffix(output, (".xlsx",), "the template", lang)
    if output == "-" and sys.stdout.isatty():
        _fail(JuesuanError("xlsx output is binary: give -o FILE or redirect stdout"))
    try:
        _output_ok(output)
        lay = load_taxonomy().layout(layout)
        _emit(output, template_bytes(lay.id))
    except JuesuanError as e:
        _fail(e, lang)
    except OSError as e:
        _fail(JuesuanError(f"{output}: cannot write: {e.strerror or e}"))
    to_err = output == "-"
    if fmt == "json":
        import json

        click.echo(json.dumps({"output": output, "layout": lay.id, "tables": [t.id for t in lay.tables]},
                              ensure_ascii=False), err=to_err)
    else:
        from .catalogue import text

        click.echo(text("wrote-template", lang, path=output, layout=lay.id, tables=len(lay.tables)), err=to_err)


@cli.command()
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
    from .findings import Report
    from .loader import load_valid

    findings: list = []
    if fmt == "xlsx":
        _check_suffix(output, (".xlsx",), "the workbook", lang)
        if output == "-" and sys.stdout.isatty():
            _fail(JuesuanError("xlsx output is binary: give -o FILE or redirect stdout"))
    elif output == "-" or os.path.splitext(output)[1].lower() in KNOWN_SUFFIXES:
        _fail(JuesuanError(f"{output}: {fmt} is written into a folder (instance and taxonomy package), not a file"))
    try:
        inst = load_valid(_stdin_file(instance))
        if fmt == "xlsx":
            from .excel.template import export_bytes

            from .records import replace

            _output_ok(output, instance)
            data, found = export_bytes(inst, layout)
            # the report lists a file's findings: they are about this instance
            findings = [replace(f, file=instance) for f in found]
            _emit(output, data)
            written = [output]
        else:
            from .xbrl import export_xbrl

            written = export_xbrl(inst, output, fmt)
    except JuesuanError as e:
        _fail(e, lang)
    except OSError as e:
        from .errors import OutputError

        _fail(OutputError.from_os(e, output), lang)
    from .catalogue import text

    for p in written:
        click.echo(text("wrote", lang, path=p), err=output == "-")
    report = Report(findings=findings, files=[instance])
    if findings:
        click.echo(report.to_text(lang), err=output == "-")
    sys.exit(1 if report.errors else 0)


@cli.command("diff")
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
    from .diff import compare_files, render

    _check_suffix(output, {"text": (".txt",), "json": (".json",), "html": (".html", ".htm"),
                           "xlsx": (".xlsx",)}[fmt], f"the {fmt} comparison", lang)
    output = None if output == "-" else output
    if fmt == "xlsx" and not output and sys.stdout.isatty():
        from .errors import OutputError

        _fail(OutputError("xlsx output is binary: give -o FILE or redirect stdout", code="output:xlsx-to-terminal"), lang)
    if old == "-" and new == "-":
        _fail(JuesuanError("standard input (-) can be read once"))
    try:
        if output:
            _output_ok(output, old, new)
        result = compare_files(_stdin_file(old), _stdin_file(new), mode=mode, ignore_rounding=ignore_rounding)
        result.old_file, result.new_file = old, new  # `-`, not the temporary file holding stdin
        data = render(result, fmt, lang)
        if output:
            _emit(output, data)
    except JuesuanError as e:
        _fail(e, lang)
    except OSError as e:
        from .errors import OutputError

        _fail(OutputError.from_os(e, output), lang)
    if not output:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    sys.exit(1 if result.different else 0)


# ---------------------------------------------------------------- bureau scale: batch, consolidate (issue 14)

@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False),
              help="Folder for the results: reports/ mirrors the input tree; summary.* at the top.")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None,
              help="Worker processes (default: the number of CPUs).")
@click.option("--resume", is_flag=True, help="Skip inputs whose results are current (same content hash).")
@click.option("--scheduler", default=None, metavar="tcp://HOST:8786",
              help="Run on this Dask cluster instead of local processes (pip install 'juesuan[dask]').")
@click.option("--format", "fmt", type=FORMAT_TEXT_JSON, default="text", show_default=True,
              help="What is printed: text, one line of counts for people; json, the counts for machines.")
@LANG
def batch(inputs: tuple[str, ...], outdir: str, jobs: int | None, resume: bool, scheduler: str | None, fmt: str,
          lang: str) -> None:
    """Convert where needed and validate every report in INPUTS (files, folders searched recursively,
    globs, or @LIST files of one path a line), writing each report's findings and instance under
    OUTDIR/reports and a summary (CSV, JSON Lines, xlsx, HTML) in OUTDIR.

    Exit status: 0 every report valid, 1 some report has errors or is unusable, or a carry-over
    between years differs, 2 usage error or nothing to do.
    """
    from .batch import Progress, discover, run
    from .summary import write_summary

    try:
        found, other = discover(inputs, exclude=outdir)
        if not found:
            raise JuesuanError("no supported input (.xml, .xlsx, .xlsm, .pdf, .txt, .csv, .tsv) found")
        progress = Progress(len(found))
        records, other = run(inputs, outdir, jobs=jobs, resume=resume, scheduler=scheduler, on_record=progress.update,
                             discovered=(found, other))
        progress.close()
        result = write_summary(outdir, records, lang)
    except KeyboardInterrupt:
        click.echo(f"\njuesuan: interrupted; finished reports are kept in {outdir}: run again with --resume", err=True)
        sys.exit(2)
    except JuesuanError as e:
        _fail(e, lang)
    except OSError as e:
        from .errors import OutputError

        _fail(OutputError.from_os(e, getattr(e, "filename", None) or outdir), lang)
    c = result["counts"]
    c["resumed"] = sum(1 for r in records if r.get("resumed"))
    c["skipped_other_types"] = len(other)
    if fmt == "json":
        import json

        click.echo(json.dumps({"output": outdir, "counts": c}, ensure_ascii=False, sort_keys=True))
    elif lang == "en":
        click.echo(f"{c['reports']} reports: {c['valid']} valid, {c['invalid']} invalid, {c['unusable']} unusable"
                   f"{', %d failed' % c['failed'] if c['failed'] else ''}; {c['carry_over']} carry-over differences; "
                   f"{c['resumed']} unchanged since the last run; summary in {outdir}/summary.html")
    else:
        click.echo(f"共 {c['reports']} 份报告：通过 {c['valid']}，未通过 {c['invalid']}，无法读取 {c['unusable']}"
                   f"{'，处理失败 %d' % c['failed'] if c['failed'] else ''}；跨年衔接不一致 {c['carry_over']} 处；"
                   f"{c['resumed']} 份与上次相同未重做；汇总见 {outdir}/summary.html")
    if other:
        click.echo((f"juesuan: {len(other)} files of other types skipped" if lang == "en"
                    else f"juesuan: 跳过 {len(other)} 个其他类型的文件"), err=True)
    sys.exit(result["exit"])


@cli.command()
@click.argument("units", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Department instance XML to write (the sum of the units).")
@click.option("--check", "published", type=click.Path(dir_okay=False), default=None,
              help="Compare this published department instance with the sum of UNITS instead.")
@click.option("--entity", default=None, help="Name of the department (default: the first unit's name + 等N个单位汇总).")
@click.option("--uscc", default="", help="The department's 统一社会信用代码.")
@click.option("--format", "fmt", type=FORMAT_TEXT_JSON, default="text", show_default=True,
              help="text for people, json (the findings) for machines.")
@LANG
def consolidate(units: tuple[str, ...], output: str | None, published: str | None, entity: str | None, uscc: str,
                fmt: str, lang: str) -> None:
    """部门汇总: write the department instance as the fact-by-fact sum of the UNITS' instances (same
    fiscal year and layout) and run the table rules on it; or, with --check, report every fact of a
    published department instance that differs from the sum beyond rounding.

    Exit status: 0 clean, 1 error findings (rules on the sum, or differences with --check), 2 unusable
    input or a mix of years or layouts.
    """
    from . import consolidate as cons
    from .findings import Report
    from .loader import load_valid

    if bool(output) == bool(published):
        _fail(JuesuanError("give either -o DEPT.xml (write the sum) or --check DEPT.xml (compare with the sum)"), lang)
    try:
        insts = [load_valid(u) for u in units]
        if published:
            found = cons.check(load_valid(published), insts)
            report = Report(findings=found, files=[published])
        else:
            from .checks import check_instance
            from .xmlio import instance_to_bytes, atomic_write

            dept = cons.consolidate(insts, entity=entity, uscc=uscc)
            dept.source = output
            atomic_write(output, instance_to_bytes(dept))
            report = Report(findings=list(check_instance(dept)), files=[output])
    except JuesuanError as e:
        _fail(e, lang)
    if fmt == "json":
        click.echo(report.to_json(lang))
    else:
        if output:
            click.echo((f"wrote {output} ({len(dept.facts)} facts, the sum of {len(insts)} units)" if lang == "en"
                        else f"已写入 {output}（{len(dept.facts)} 个数据项，{len(insts)} 个单位之和）"))
        click.echo(report.to_text(lang))
    sys.exit(1 if report.errors else 0)


def main() -> None:
    """Entry point. Usage errors are one line on stderr with exit 2, like every other bad input."""
    try:
        rv = cli.main(prog_name="juesuan", standalone_mode=False)
    except click.UsageError as e:
        cmd = e.ctx.command_path if e.ctx else "juesuan"
        click.echo(f"juesuan: {_one_line(e.format_message())} (see '{cmd} --help')", err=True)
        sys.exit(2)
    except click.ClickException as e:
        click.echo(f"juesuan: {_one_line(e.format_message())}", err=True)
        sys.exit(2)
    except click.Abort:
        click.echo("juesuan: aborted", err=True)
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
