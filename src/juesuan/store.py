"""The facts store: many reports as one long table, one row per fact, written as CSV, JSON, xlsx or
Parquet, or appended to a DuckDB database.

Columns: entity, uscc, year, layout, file, then the facts view's (juesuan.facts.FIELDS: table,
section, row, column, value, concept, code, labels, row name, source cell). ``value`` is an exact
decimal: text in CSV/JSON, a number cell in xlsx, DECIMAL(18,2) in Parquet and DuckDB.

Rows are produced report by report (``iter_rows``) and written in chunks, so memory does not grow
with the number of reports. pyarrow (Parquet) and duckdb are optional: ``pip install 'juesuan[store]'``.
"""

from __future__ import annotations

import csv
import io
import json
import os
from decimal import Decimal
from typing import Callable, Iterable, Iterator

from .errors import JuesuanError, OutputError, UnusableInput
from .facts import FIELDS, fact_records

ID_FIELDS = ("entity", "uscc", "year", "layout", "file")
LONG_FIELDS = ID_FIELDS + FIELDS
FORMATS = ("csv", "json", "xlsx", "parquet")
SUFFIX_FORMAT = {".csv": "csv", ".json": "json", ".xlsx": "xlsx", ".parquet": "parquet", ".pq": "parquet"}
TABLE = "facts"
CHUNK_ROWS = 50_000


def load_any(path: str):
    """An instance from an instance file (must be valid against the XSD) or a convertible source."""
    if os.path.splitext(path)[1].lower() == ".xml":
        from .loader import load_valid

        return load_valid(path)
    from .convert import convert_file

    return convert_file(path).instance


def rows_of(inst, file: str, layout: str | None = None) -> list[dict]:
    h = inst.header
    ident = {"entity": h.entity, "uscc": h.uscc, "year": h.fiscal_year, "layout": layout or h.layout, "file": file}
    return [{**ident, **r} for r in fact_records(inst, layout=layout)]


def iter_rows(inputs: Iterable[str], layout: str | None = None,
              on_unusable: Callable[[str, JuesuanError], None] | None = None) -> Iterator[dict]:
    """Rows of every input (files, folders, globs, @LIST as for batch), report by report in path
    order. An unusable input raises, unless ``on_unusable`` is given: then it is told and skipped."""
    from .batch import discover

    found, _ = discover(inputs)
    if not found:
        raise UnusableInput.of("input:nothing-found", " ".join(inputs))
    for path, rel in found:
        try:
            inst = load_any(path)
            rows = rows_of(inst, rel, layout)
        except JuesuanError as e:
            if on_unusable is None:
                raise
            on_unusable(path, e)
            continue
        yield from rows


def format_for(output: str | None, fmt: str | None) -> str:
    """The format asked for: --format, else the output's suffix, else csv. A suffix that contradicts
    --format is an error (``-o facts.csv --format xlsx`` would write a workbook named .csv)."""
    suffix_fmt = SUFFIX_FORMAT.get(os.path.splitext(output)[1].lower()) if output else None
    if fmt and output and suffix_fmt and suffix_fmt != fmt:
        raise OutputError(f"{output}: the suffix says {suffix_fmt} but --format is {fmt}", code="output:suffix-says",
                          values={"path": output, "suffix_format": suffix_fmt, "option": "--format", "format": fmt})
    if fmt and output and not suffix_fmt and fmt != "csv":
        raise OutputError(f"{output}: give the file the suffix of its format (.{fmt})", code="output:suffix-of-format",
                          values={"path": output, "format": fmt})
    return fmt or suffix_fmt or "csv"


def _chunked(rows: Iterable[dict], n: int = CHUNK_ROWS) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    for r in rows:
        chunk.append(r)
        if len(chunk) >= n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _AtomicFile:
    """A temporary file beside the target, renamed over it on success, removed on failure."""

    def __init__(self, path: str):
        from .xmlio import _create_temp

        self.path = path
        d = os.path.dirname(os.path.abspath(path))
        if os.path.isdir(path):
            raise OutputError.directory(path)
        try:
            fd, self.tmp = _create_temp(d, os.path.basename(path))
        except OSError as e:
            raise OutputError.from_os(e, path) from None
        os.close(fd)

    def __enter__(self) -> str:
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            os.chmod(self.tmp, 0o644)
            os.replace(self.tmp, self.path)
        else:
            try:
                os.unlink(self.tmp)
            except FileNotFoundError:
                pass


def write_csv(rows: Iterable[dict], fh, bom: bool = True) -> int:
    """CSV text to a text stream; the BOM lets Excel on a Chinese Windows read it as UTF-8."""
    if bom:
        fh.write("\ufeff")
    w = csv.DictWriter(fh, fieldnames=list(LONG_FIELDS), extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    n = 0
    for r in rows:
        w.writerow(r)
        n += 1
    return n


def write_json(rows: Iterable[dict], fh) -> int:
    fh.write("[")
    n = 0
    for r in rows:
        fh.write(("\n  " if n == 0 else ",\n  ") + json.dumps({k: r[k] for k in LONG_FIELDS}, ensure_ascii=False))
        n += 1
    fh.write("\n]\n" if n else "]\n")
    return n


def xlsx_bytes(rows: Iterable[dict]) -> tuple[bytes, int]:
    """One sheet, header frozen and filtered, amounts as numbers; streaming mode; reproducible bytes."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from .excel.template import workbook_bytes

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("facts")
    ws.freeze_panes = "A2"
    ws.append(list(LONG_FIELDS))
    n = 0
    for r in rows:
        ws.append([Decimal(r["value"]) if k == "value" else r[k] for k in LONG_FIELDS])
        n += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(LONG_FIELDS))}{n + 1}"
    return workbook_bytes(wb), n


def _arrow():
    try:
        import pyarrow as pa
    except ImportError:
        raise OutputError("Parquet and DuckDB need the store extra: pip install 'juesuan[store]'", code="output:store-extra",
                          values={"extra": "store", "command": "pip install 'juesuan[store]'"}) from None
    return pa


def arrow_schema():
    pa = _arrow()
    return pa.schema([(k, pa.int32() if k == "year" else pa.decimal128(18, 2) if k == "value" else pa.string())
                      for k in LONG_FIELDS])


def arrow_table(chunk: list[dict]):
    pa = _arrow()
    cols = {k: [r[k] for r in chunk] for k in LONG_FIELDS}
    cols["value"] = [Decimal(v) for v in cols["value"]]
    return pa.Table.from_pydict(cols, schema=arrow_schema())


def write_parquet(rows: Iterable[dict], path: str) -> int:
    pa = _arrow()
    import pyarrow.parquet as pq

    n = 0
    with pq.ParquetWriter(path, arrow_schema(), compression="zstd") as w:
        for chunk in _chunked(rows):
            w.write_table(arrow_table(chunk))
            n += len(chunk)
        if n == 0:
            w.write_table(pa.Table.from_pylist([], schema=arrow_schema()))
    return n


DUCKDB_DDL = ("CREATE TABLE IF NOT EXISTS facts (entity VARCHAR, uscc VARCHAR, year INTEGER, layout VARCHAR, "
              "file VARCHAR, \"table\" VARCHAR, section VARCHAR, \"row\" VARCHAR, \"column\" VARCHAR, "
              "value DECIMAL(18,2), concept VARCHAR, code VARCHAR, label_zh VARCHAR, label_en VARCHAR, "
              "row_name VARCHAR, source VARCHAR)")


def append_duckdb(rows: Iterable[dict], db: str) -> int:
    """Append the rows to table ``facts`` of the DuckDB database ``db`` (created when missing), in one
    transaction: an interrupted append adds nothing."""
    try:
        import duckdb
    except ImportError:
        raise OutputError("--duckdb needs the store extra: pip install 'juesuan[store]'", code="output:option-extra",
                          values={"option": "--duckdb", "extra": "store", "command": "pip install 'juesuan[store]'"}) from None
    try:
        con = duckdb.connect(db)
    except duckdb.Error as e:
        raise OutputError(f"cannot open {db}: {e}", code="output:cannot-open-db", values={"path": db, "reason": str(e)}) from None
    n = 0
    try:
        con.execute(DUCKDB_DDL)
        con.execute("BEGIN TRANSACTION")
        for chunk in _chunked(rows):
            con.register("juesuan_batch", arrow_table(chunk))
            con.execute("INSERT INTO facts SELECT * FROM juesuan_batch")
            con.unregister("juesuan_batch")
            n += len(chunk)
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except Exception:
            pass
        raise
    finally:
        con.close()
    return n


def write(rows: Iterable[dict], fmt: str, output: str, bom: bool = True) -> int:
    """Write all rows to ``output`` in ``fmt``, atomically; returns the row count."""
    with _AtomicFile(output) as tmp:
        if fmt == "parquet":
            return write_parquet(rows, tmp)
        if fmt == "xlsx":
            data, n = xlsx_bytes(rows)
            with open(tmp, "wb") as fh:
                fh.write(data)
            return n
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            return write_csv(rows, fh, bom) if fmt == "csv" else write_json(rows, fh)


def to_text(rows: Iterable[dict], fmt: str) -> str:
    """CSV (without BOM: a terminal or a pipe) or JSON as one string, for stdout."""
    buf = io.StringIO()
    (write_csv(rows, buf, bom=False) if fmt == "csv" else write_json(rows, buf))
    return buf.getvalue()
