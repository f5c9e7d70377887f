"""batch, consolidate and draft: many reports at once, a department's sum, a narrative written."""

from __future__ import annotations

import sys

import click

from ..errors import JuesuanError, OutputError
from .common import FORMAT_TEXT_JSON, LANG, Command, CommandError, fail, produce


@click.command(cls=Command)
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
    from ..batch import Progress, discover, run
    from ..catalogue import render
    from ..summary import write_summary

    try:
        found, other = discover(inputs, exclude=outdir)
        if not found:
            raise CommandError("cli:nothing-to-do", suffixes=".xml, .xlsx, .xlsm, .pdf, .txt, .csv, .tsv")
        progress = Progress(len(found), lang=lang)
        records, other = run(inputs, outdir, jobs=jobs, resume=resume, scheduler=scheduler, on_record=progress.update,
                             discovered=(found, other))
        progress.close()
        result = write_summary(outdir, records, lang)
    except KeyboardInterrupt:
        why = render("cli:batch-interrupted", {"outdir": outdir, "option": "--resume"}, lang)
        click.echo(f"\njuesuan: {why}", err=True)
        sys.exit(2)
    except JuesuanError as e:
        fail(e, lang)
    except OSError as e:
        fail(OutputError.from_os(e, getattr(e, "filename", None) or outdir), lang)
    c = result["counts"]
    c["resumed"] = sum(1 for r in records if r.get("resumed"))
    c["skipped_other_types"] = len(other)
    click.echo(batch_summary(c, outdir, fmt, lang))
    if other:
        click.echo("juesuan: " + render("cli:batch-other-skipped", {"n": len(other)}, lang), err=True)
    sys.exit(result["exit"])


def batch_summary(counts: dict, outdir: str, fmt: str, lang: str) -> str:
    """batch's last line: the counts as JSON, or in words in the asked language."""
    if fmt == "json":
        import json

        return json.dumps({"output": outdir, "counts": counts}, ensure_ascii=False, sort_keys=True)
    from ..catalogue import render

    failed = render("cli:batch-failed", {"failed": counts["failed"]}, lang) if counts["failed"] else ""
    values = {k: counts[k] for k in ("reports", "valid", "invalid", "unusable", "carry_over", "resumed")}
    return render("cli:batch-summary", {**values, "failed": failed, "summary": f"{outdir}/summary.html"}, lang)


@click.command(cls=Command)
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
    from .. import consolidate as cons
    from ..findings import Report
    from ..loader import load_valid

    if bool(output) == bool(published):
        fail(CommandError("cli:consolidate-either", write="-o DEPT.xml", check="--check DEPT.xml"), lang)
    try:
        insts = [load_valid(u) for u in units]
        if published:
            report = Report(findings=cons.check(load_valid(published), insts), files=[published])
        else:
            dept, found = _write_sum(insts, output, entity, uscc)
            report = Report(findings=found, files=[output])
    except JuesuanError as e:
        fail(e, lang)
    if fmt == "json":
        click.echo(report.to_json(lang))
    else:
        if output:
            from ..catalogue import render

            click.echo(render("cli:consolidated", {"path": output, "facts": len(dept.facts), "units": len(insts)},
                              lang))
        click.echo(report.to_text(lang))
    sys.exit(1 if report.errors else 0)


def _write_sum(insts: list, output: str, entity: str | None, uscc: str):
    """(the department instance, the table rules' findings on it): the sum of INSTS written to OUTPUT."""
    from .. import consolidate as cons
    from ..checks import check_instance
    from ..xmlio import atomic_write, instance_to_bytes

    dept = cons.consolidate(insts, entity=entity, uscc=uscc)
    dept.source = output
    atomic_write(output, instance_to_bytes(dept))
    return dept, list(check_instance(dept))


@click.command(cls=Command)
@click.argument("instance", type=click.Path(dir_okay=False))
@click.option("--prior", type=click.Path(dir_okay=False), default=None,
              help="Last year's instance: adds the year-over-year sentences (与上年相比…).")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "docx"]), default="text", show_default=True,
              help="text or md (Markdown) for reading and editing, docx a Word document for the accountant.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="File to write (atomically); text and md go to stdout without it, docx needs it.")
@LANG
def draft(instance: str, prior: str | None, fmt: str, output: str | None, lang: str) -> None:
    """Write 第三部分 (情况说明) of INSTANCE from its facts, in the standard wording: every figure and
    percentage computed from the tables (half up to the printed precision), reasons left as
    【请说明原因】 for the unit to fill in (validate flags them until it does)."""
    from ..loader import load_valid
    from ..narrative.draft import draft_docx, draft_text

    if fmt == "docx" and not output:
        fail(CommandError("cli:binary-needs-file", fmt="docx", file="FILE"), lang)
    def work() -> bytes:
        inst = load_valid(instance)
        prior_inst = load_valid(prior) if prior else None
        return draft_docx(inst, prior_inst) if fmt == "docx" else draft_text(inst, prior_inst, fmt).encode("utf-8")

    produce(work, output, lang)
