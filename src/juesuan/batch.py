"""Batch over folders: every report converted where needed, validated, and its results written.

The unit of work is ``process(job)``: a pure, picklable function of one input (path in, result
record out). It reads the input once, hashes it, converts it when it is not an instance, runs the XSD
and the table rules, and writes under ``OUTDIR/reports/`` (mirroring the input tree):

- ``<rel>.json``: the report's status, summary row and every finding (both languages), and
- ``<rel>.xml``: the instance, for inputs that had to be converted (an instance input is its own).

Both are written atomically (temporary file + rename), so an interrupted batch leaves only complete
outputs. The record it returns is small (counts, first error, the 年初/年末 balances for the
carry-over series): the driver keeps one per report, never the findings. ``run`` feeds jobs to a
local process pool (``--jobs``) or to a Dask cluster (``scheduler``), both calling ``process_chunk``
on lists of jobs, and streams the records back in whatever order they finish; the summary is sorted
by file, so it does not depend on that order.

``--resume``: a report whose ``<rel>.json`` records the same input hash (SHA-256 of the bytes) and the
same juesuan version is not processed again; its stored record is used.
"""

from __future__ import annotations

import glob as _glob
import hashlib
import json
import os
import sys
import time
from typing import Callable, Iterable, Iterator

from . import __version__
from .errors import JuesuanError, UnusableInput

INSTANCE_SUFFIXES = {".xml"}
SOURCE_SUFFIXES = {".xlsx", ".xlsm", ".pdf", ".txt", ".text", ".csv", ".tsv"}
SUPPORTED = INSTANCE_SUFFIXES | SOURCE_SUFFIXES
MAX_INPUT_BYTES = 64 * 1024 * 1024
REPORTS_DIR = "reports"
RESULT_VERSION = f"juesuan-{__version__}/batch-3"


# ---------------------------------------------------------------- finding the inputs

def discover(inputs: Iterable[str], exclude: str | None = None) -> tuple[list[tuple[str, str]], list[str]]:
    """The supported files named by INPUTs (files, folders searched recursively, globs, ``@LIST`` files
    of one path a line), as sorted (path, relative path) pairs, and the files of other types found in
    folders (skipped). Relative paths are taken from the deepest folder common to all inputs, so the
    output tree mirrors the input tree. ``exclude``: a folder never entered (the output folder)."""
    found: set[str] = set()
    other: list[str] = []
    ex = os.path.realpath(exclude) if exclude else None

    ex_name = os.path.basename(ex) if ex else None

    def add_dir(d: str) -> None:
        for root, dirs, files in os.walk(d):
            dirs[:] = sorted(x for x in dirs if not x.startswith(".") and
                             (x != ex_name or os.path.realpath(os.path.join(root, x)) != ex))
            for name in sorted(files):
                if name.startswith("."):
                    continue
                p = os.path.join(root, name)
                (found.add if os.path.splitext(name)[1].lower() in SUPPORTED else other.append)(os.path.abspath(p))

    def add(item: str) -> None:
        if os.path.isdir(item):
            add_dir(item)
        elif any(ch in item for ch in "*?[") and not os.path.exists(item):
            matches = sorted(_glob.glob(item, recursive=True))
            if not matches:
                raise UnusableInput.of("input:no-match", item)
            for m in matches:
                add(m) if os.path.isdir(m) else found.add(os.path.abspath(m))
        elif item.startswith("@"):
            lst = item[1:]
            try:
                with open(lst, encoding="utf-8-sig") as fh:
                    lines = [ln.strip() for ln in fh]
            except OSError as e:
                raise UnusableInput.from_os(e, lst) from None
            base = os.path.dirname(os.path.abspath(lst))
            for ln in lines:
                if ln and not ln.startswith("#"):
                    add(os.path.join(base, ln))
        else:
            found.add(os.path.abspath(item))  # a missing or unsupported file is reported as unusable

    for item in inputs:
        add(item)
    paths = sorted(found)
    if not paths:
        return [], other
    base = os.path.commonpath([os.path.dirname(p) for p in paths])
    cut = len(os.path.join(base, ""))  # every path is absolute and under base
    return [(p, p[cut:].replace(os.sep, "/")) for p in paths], other


# ---------------------------------------------------------------- one report

_DIRS_MADE: set[str] = set()


def _write(path: str, data: bytes) -> None:
    """Atomic write (temporary file in the same folder, then rename) without fsync: a batch writes
    thousands of small files, and a rename is what makes each one all-or-nothing."""
    from .xmlio import _create_temp

    d = os.path.dirname(path)
    if d not in _DIRS_MADE:
        os.makedirs(d, exist_ok=True)
        _DIRS_MADE.add(d)
    fd, tmp = _create_temp(d, os.path.basename(path))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def out_paths(outdir: str, rel: str) -> tuple[str, str]:
    """The findings JSON and the instance XML of one report."""
    base = os.path.join(outdir, REPORTS_DIR, *rel.split("/"))
    return base + ".json", base + ".xml"


def _read(path: str) -> bytes:
    try:
        size = os.path.getsize(path)
        if size > MAX_INPUT_BYTES:
            raise UnusableInput.of("input:too-large", path, size=size, limit=MAX_INPUT_BYTES)
        with open(path, "rb") as fh:
            return fh.read(MAX_INPUT_BYTES + 1)
    except IsADirectoryError:
        raise UnusableInput.of("input:directory", path) from None
    except OSError as e:
        raise UnusableInput.from_os(e, path) from None


def _stored(json_path: str, digest: str) -> dict | None:
    try:
        with open(json_path, "rb") as fh:
            data = json.loads(fh.read())
    except (OSError, ValueError):
        return None
    if data.get("sha256") != digest or data.get("version") != RESULT_VERSION:
        return None
    return data.get("record")


def _findings_of(path: str, rel: str, data: bytes, outdir: str):
    """(instance or None, findings, wrote_instance) for one input's bytes."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix in INSTANCE_SUFFIXES:
        from .loader import from_tree
        from .validate import check_present
        from .xmlio import parse_xml

        loaded = from_tree(parse_xml(data, rel), rel)  # the one instance loader, on the bytes already read
        if loaded.instance is None:  # no juesuan instance at all: its first schema finding says why, in both languages
            first = loaded.findings[0] if loaded.findings else None
            raise UnusableInput.of(first.code, rel, **first.values) if first else UnusableInput.of("input:no-instance", rel)
        found = loaded.findings or check_present(loaded.instance)
        return loaded.instance, found, False
    if suffix not in SOURCE_SUFFIXES:
        raise UnusableInput.of("input:batch-unknown-type" if suffix else "input:batch-no-suffix", rel, suffix=suffix)
    from .convert import check_converted, convert_file
    from .records import replace
    from .xmlio import instance_to_bytes

    conv = convert_file(path)
    inst = conv.instance
    inst.source = rel
    xml = instance_to_bytes(inst)
    written = out_paths(outdir, rel)[1]
    found = [replace(f, file=rel) for f in [*conv.findings, *check_converted(conv, xml, str(written))]]
    _write(written, xml)
    return inst, found, True


def _finding_dict(f, rel: str) -> dict:
    d = f.to_dict("zh")
    d.pop("message", None)
    d["where_zh"], d["where_en"] = f.where("zh"), f.where("en")
    d["file"] = rel
    loc = d.get("location") or {}
    if loc.get("file"):
        loc["file"] = rel  # outputs name inputs by their place in the tree, never by absolute path
    return d


def process(job: tuple[str, str, str, bool]) -> dict:
    """One report: (path, rel, outdir, resume) → its summary record (plain str/int/dict, picklable).

    Never raises for a bad input: unusable files become records with status "unusable". Writes the
    report's outputs (see the module docstring) unless ``resume`` finds them current."""
    path, rel, outdir, resume = job
    json_path, xml_path = out_paths(outdir, rel)
    try:
        data = _read(path)
    except UnusableInput as e:
        data, err = None, e
    digest = hashlib.sha256(data).hexdigest() if data is not None else ""
    if resume and data is not None:
        rec = _stored(json_path, digest)
        if rec is not None and (not rec.get("instance") or os.path.exists(xml_path)):
            rec["resumed"] = True
            return rec
    rec = {"file": rel, "entity": "", "uscc": "", "year": None, "layout": "", "kind": os.path.splitext(rel)[1].lower().lstrip("."),
           "facts": 0, "errors": 0, "warnings": 0, "infos": 0, "status": "unusable", "first_error": None,
           "codes": {}, "severities": {}, "balances": None, "instance": "", "resumed": False}
    findings: list[dict] = []
    try:
        if data is None:
            raise err
        inst, found, wrote = _findings_of(path, rel, data, outdir)
        h = inst.header
        rec.update(entity=h.entity, uscc=h.uscc, year=h.fiscal_year or None, layout=h.layout, facts=len(inst.facts),
                   instance=os.path.relpath(xml_path, outdir).replace(os.sep, "/") if wrote else "")
        findings = [_finding_dict(f, rel) for f in found]
        try:
            from .series import balances

            rec["balances"] = balances(inst)
        except JuesuanError:  # an unknown taxonomy or layout: the schema findings already say so
            rec["balances"] = None
    except UnusableInput as e:
        findings = [_finding_dict(_unusable(rel, e), rel)]
    except JuesuanError as e:
        findings = [_finding_dict(_problem("batch:unusable", rel, reason=str(e), reason_zh=str(e)), rel)]
    except Exception as e:  # a bug must not stop the batch: the report says so and the rest go on
        findings = [_finding_dict(_problem("batch:failed", rel, reason=f"{type(e).__name__}: {e}"), rel)]
        rec["status"] = "failed"
    _tally(rec, findings)
    doc = {"version": RESULT_VERSION, "file": rel, "sha256": digest, "status": rec["status"], "record": rec,
           "findings": findings}
    # an unreadable file has no hash ("") to resume by: it is tried again next time
    # compact separators keep json on its C encoder (indent= switches to the pure-Python one)
    _write(json_path, json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8") + b"\n")
    return rec


def _tally(rec: dict, findings: list[dict]) -> None:
    """A report's record from its findings: counts by severity and by code, the first error, status."""
    codes: dict[str, int] = {}
    sev: dict[str, str] = {}
    for f in findings:
        rec[{"error": "errors", "warning": "warnings", "info": "infos"}[f["severity"]]] += 1
        codes[f["code"]] = codes.get(f["code"], 0) + 1
        sev[f["code"]] = f["severity"]
        if f["severity"] == "error" and rec["first_error"] is None:
            rec["first_error"] = {"code": f["code"], "zh": f["message_zh"], "en": f["message_en"],
                                  "where_zh": f["where_zh"], "where_en": f["where_en"]}
    rec["codes"] = dict(sorted(codes.items()))
    rec["severities"] = dict(sorted(sev.items()))
    if rec["status"] != "failed" and not any(f["code"] in ("batch:unusable",) for f in findings):
        rec["status"] = "invalid" if rec["errors"] else "valid"


def _problem(code: str, rel: str, **values):
    from .findings import Finding
    from .model import Location

    return Finding.of(code, Location(file=rel), **values)


def _unusable(rel: str, e: UnusableInput):
    """batch:unusable in both languages: the reason's own translation when the catalogue has one
    (messages/input.toml), else its English text in both."""
    try:
        reason_zh = e.text("zh")
    except JuesuanError:  # a code without its template: a bug elsewhere, the English line still says it
        reason_zh = e.message
    return _problem("batch:unusable", rel, reason=e.message, reason_zh=reason_zh)


def process_chunk(jobs: list) -> list[dict]:
    """``process`` over a list of jobs (the unit handed to a worker process or a Dask task)."""
    return [process(j) for j in jobs]


def warm_up() -> None:
    """Load what every report needs (taxonomy, XSD, rule catalogue) once, before workers fork."""
    from .checks import load_rules
    from .schema import lxml_schema
    from .taxonomy import load_taxonomy

    tax = load_taxonomy()
    lxml_schema(identity=False)  # what the loader validates with (juesuan.loader.from_tree)
    load_rules()
    for lay in ("2021-hunan", "2024-shanghai"):
        try:
            tax.layout(lay)
        except JuesuanError:
            pass


# ---------------------------------------------------------------- running many

def _chunks(jobs: list, size: int) -> Iterator[list]:
    for i in range(0, len(jobs), size):
        yield jobs[i:i + size]


def _chunk_size(n: int, workers: int) -> int:
    return max(1, min(64, n // (workers * 8) or 1))


def _pool_init() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver handles Ctrl-C and stops the pool


def iter_local(jobs: list, n_jobs: int) -> Iterator[dict]:
    """Records of ``jobs`` from ``n_jobs`` local worker processes (in-process when 1)."""
    if n_jobs <= 1 or len(jobs) <= 1:
        for j in jobs:
            yield process(j)
        return
    import multiprocessing

    import gc

    warm_up()  # forked workers share the loaded taxonomy, schema and rules copy-on-write,
    gc.freeze()  # and the collector leaves those pages alone (no reference-count writes from its scans)
    ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    pool = ctx.Pool(n_jobs, initializer=_pool_init)
    try:
        for recs in pool.imap_unordered(process_chunk, _chunks(jobs, _chunk_size(len(jobs), n_jobs))):
            yield from recs
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


def iter_dask(jobs: list, scheduler: str) -> Iterator[dict]:
    """Records of ``jobs`` computed on a Dask cluster (``tcp://HOST:8786``). The workers must import
    this same juesuan and see the input and output paths (a shared filesystem)."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise JuesuanError.declared("batch:dask-extra", option="--scheduler", extra="dask", command="pip install 'juesuan[dask]'") from None
    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as e:
        raise JuesuanError.declared("batch:dask-unreachable", scheduler=scheduler, reason=str(e)) from None
    try:
        n = max(1, sum(client.nthreads().values()))
        futures = client.map(process_chunk, list(_chunks(jobs, _chunk_size(len(jobs), n))), pure=False)
        try:
            for fut in as_completed(futures):
                yield from fut.result()
                fut.release()
        except BaseException:
            client.cancel(futures)  # Ctrl-C: no task keeps writing after the driver has stopped
            raise
    finally:
        client.close()


def sweep_temporaries(outdir: str) -> int:
    """Remove temporary files (``.NAME.<hex>.tmp``) an interrupted batch left in its output tree."""
    n = 0
    for root, _, files in os.walk(os.path.join(outdir, REPORTS_DIR)):
        for name in files:
            if name.startswith(".") and name.endswith(".tmp"):
                try:
                    os.unlink(os.path.join(root, name))
                    n += 1
                except OSError:
                    pass
    return n


class Progress:
    """done / total, failures so far, rate and ETA on one terminal line (stderr); silent otherwise."""

    def __init__(self, total: int, stream=None, enabled: bool | None = None, lang: str = "zh"):
        self.total, self.done, self.failed, self.skipped, self.lang = total, 0, 0, 0, lang
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.start = self.last = time.monotonic()

    def update(self, rec: dict) -> None:
        self.done += 1
        self.failed += rec["status"] != "valid"
        self.skipped += bool(rec.get("resumed"))
        now = time.monotonic()
        if self.enabled and (now - self.last >= 0.2 or self.done == self.total):
            self.last = now
            rate = self.done / max(now - self.start, 1e-9)
            eta = (self.total - self.done) / rate if rate else 0
            from .catalogue import render

            line = render("cli:batch-progress", {"done": self.done, "total": self.total, "failed": self.failed,
                                                  "rate": f"{rate:.0f}", "eta": f"{eta:.0f}"}, self.lang)
            self.stream.write(f"\r{line} ")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def run(inputs: Iterable[str], outdir: str, jobs: int | None = None, resume: bool = False,
        scheduler: str | None = None, on_record: Callable[[dict], None] | None = None,
        discovered: tuple[list, list] | None = None):
    """Process every input; returns the records sorted by file and the skipped other-type files.

    ``discovered``: what ``discover(inputs, exclude=outdir)`` returned, when the caller has it already.
    The summary (juesuan.summary) is written by the caller from these records."""
    os.makedirs(outdir, exist_ok=True)
    found, other = discovered or discover(inputs, exclude=outdir)
    outabs = os.path.abspath(outdir)
    todo = [(p, rel, outabs, resume) for p, rel in found]
    records: list[dict] = []
    it = iter_dask(todo, scheduler) if scheduler else iter_local(todo, jobs or os.cpu_count() or 1)
    try:
        for rec in it:
            records.append(rec)
            if on_record:
                on_record(rec)
    except BaseException:
        sweep_temporaries(outabs)
        raise
    records.sort(key=lambda r: r["file"])
    return records, other
