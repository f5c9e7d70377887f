"""validate and convert: instances checked, sources converted into instances."""

from __future__ import annotations

import sys

import click

from ..errors import JuesuanError, OutputError
from .common import (FORMAT_TEXT_JSON, LANG, REPORT_SUFFIXES, STATUS, Command, CommandError, as_shown, check_suffix,
                     emit, emit_text, error_line, fail, output_ok, refuse_binary_to_terminal, renamed, stdin_file)


@click.command(cls=Command)
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
    check_suffix(output, REPORT_SUFFIXES[fmt], f"a {fmt} report", lang)
    if fmt == "xlsx":
        refuse_binary_to_terminal(output, lang)
    if files.count("-") > 1:
        fail(CommandError("cli:stdin-twice"), lang)
    paths = [stdin_file(p) for p in files]
    shown = dict(zip(paths, files))
    prior_inst = None
    if prior:
        from ..loader import load_valid

        try:
            prior_inst = load_valid(prior)
        except JuesuanError as e:
            fail(e, lang)
    if fmt in ("html", "xlsx"):
        sys.exit(_report_page(paths, shown, fmt, output, lang, prior_inst, verbose))
    report = _validate_all(paths, shown, prior_inst, verbose, lang)
    emit_text(output, _validate_json(report, lang) if fmt == "json" else report.to_text(lang), lang)
    sys.exit(2 if report.unusable else (1 if report.errors else 0))


def _report_page(paths: list[str], shown: dict, fmt: str, output: str | None, lang: str, prior_inst,
                 verbose: bool) -> int:
    """validate --format html/xlsx: the report page or workbook written; its exit status."""
    from .. import report_html as rh

    results = [rh.validate_for_report(p, lang, prior_inst, verbose) for p in paths]
    for res in results:
        res.path = shown[res.path]
        if res.unusable:
            click.echo(f"juesuan: {res.path}{'：' if lang == 'zh' else ': '}{res.unusable}", err=True)  # as error_line
    if fmt == "html":
        claims = {r.path: rh.claims_of(r, prior_inst) for r in results}
        data = rh.render_html(results, lang, claims).encode("utf-8")
    else:
        from ..report_xlsx import render_xlsx

        data = render_xlsx(results, lang)
    try:
        emit(output or "-", data)
    except OSError as e:
        fail(OutputError.from_os(e, output), lang)
    errors = any(f.severity == "error" for r in results for f in r.findings)
    return 2 if any(r.unusable for r in results) else (1 if errors else 0)


def _validate_all(paths: list[str], shown: dict, prior_inst, verbose: bool, lang: str):
    """The Report of every file (an unusable one: its reason, one line on stderr as it happens)."""
    from ..findings import Report
    from ..validate import iter_findings

    report = Report()
    for path in paths:
        report.files.append(shown[path])
        try:
            found = iter_findings(path, prior_inst, verbose) if (prior_inst or verbose) else iter_findings(path)
            report.extend(as_shown(found, path, shown[path]))
        except JuesuanError as e:
            report.unusable[shown[path]] = e  # Report renders its reason in the asked language
            click.echo(error_line(e, lang), err=True)
    return report


def _validate_json(report, lang: str) -> str:
    """validate --format json: the report with one result per file."""
    import json

    data = report.to_dict(lang)
    data["results"] = [_file_result(report, path, data["unusable"]) for path in report.files]
    return json.dumps(data, ensure_ascii=False, indent=2)


def _file_result(report, path: str, unusable: dict) -> dict:
    """One file's part of validate's JSON: valid, unusable (its reason), counts by severity, the
    indices of its findings in `findings`."""
    mine = [i for i, f in enumerate(report.findings) if f.file == path]
    counts = {s: sum(1 for i in mine if report.findings[i].severity == s) for s in ("error", "warning", "info")}
    return {"file": path, "valid": path not in report.unusable and counts["error"] == 0,
            "unusable": unusable.get(path, ""), "counts": counts, "findings": mine}


@click.command(cls=Command)
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
    check_suffix(output, (".xml",), "an instance", lang)
    header = {"status": status, "uscc": uscc, "preparer": preparer}
    conv, report = _convert(file, output, lang, narrative, header, layout=layout, entity=entity, year=year)
    to_err = output == "-"  # stdout holds the XML: what people read goes to stderr
    for line in _conversion_lines(conv, report, output, fmt, lang):
        click.echo(line, err=to_err)
    sys.exit(1 if report.errors else 0)


def _convert(file: str, output: str, lang: str, narrative: str | None, header: dict, **how):
    """(Conversion, Report) of FILE converted with HOW (layout, entity, year), its HEADER fields set
    where given and NARRATIVE read in; the instance written to OUTPUT, its findings checked."""
    from ..convert import check_converted, convert_file
    from ..findings import Report
    from ..records import replace
    from ..xmlio import instance_to_bytes

    shown, path = file, stdin_file(file, ".txt")
    try:
        output_ok(output, file)
        conv = convert_file(path, **how)
        changes = {k: v for k, v in header.items() if v is not None}
        if changes:
            conv = replace(conv, instance=conv.instance.with_header(**changes))
        if narrative:
            from ..narrative.sources import read_narrative

            conv.instance.narrative = read_narrative(narrative)
        xml = instance_to_bytes(conv.instance)  # serialized once: validated, then written
        report = Report(files=[shown])
        report.extend(replace(renamed(f, path, shown), file=shown)
                      for f in [*conv.findings, *check_converted(conv, xml, output)])
        emit(output, xml)
    except JuesuanError as e:
        fail(e, lang)
    except OSError as e:
        fail(OutputError.from_os(e, output), lang)
    return conv, report


def _conversion_lines(conv, report, output: str, fmt: str, lang: str) -> list[str]:
    """What convert prints: the JSON document, or the per-table summaries, the line naming the
    instance written and the findings."""
    facts = len(conv.instance.facts)
    if fmt == "json":
        import json

        data = report.to_dict(lang)
        data["output"] = output
        data["facts"] = facts
        data["tables"] = [a.to_dict(lang) for a in conv.accounts]
        return [json.dumps(data, ensure_ascii=False, indent=2)]
    from ..catalogue import text

    return [*conv.summaries(lang), text("wrote-instance", lang, path=output, facts=facts), report.to_text(lang)]
