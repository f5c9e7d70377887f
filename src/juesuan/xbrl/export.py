"""`juesuan export --format xbrl|xbrl-json`: the taxonomy package plus the report, written atomically."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import UnusableInput
from ..model import Instance
from ..taxonomy import load_taxonomy
from ..limits import write_all
from .instance import build_report, to_xml
from .oim import to_json
from .package import package_files, package_zip_name, zip_bytes

FORMATS = {"xbrl": ".xbrl", "xbrl-json": ".json"}


def export_xbrl(inst: Instance, outdir: str | os.PathLike, fmt: str = "xbrl") -> list[Path]:
    """Write OUTDIR/<stem>.xbrl (or .json) and OUTDIR/<taxonomy>-taxonomy-package.zip; return the paths.
    <stem> is the name of the file the instance was read from.

    The instance is what the one loader gives (juesuan.loader.load_valid: valid against the XSD;
    table-rule findings do not matter: exporting a report with inconsistent sums is the point, XBRL
    processors report them as calculation inconsistencies). Both files are written atomically and
    together: both or neither.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown XBRL export format {fmt!r}")
    stem = os.path.splitext(os.path.basename(inst.source))[0] or "report"
    tax = load_taxonomy(inst.header.taxonomy)
    rep = build_report(inst, tax)
    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise UnusableInput("output exists and is not a directory", str(out), code="output:not-a-folder")
    out.mkdir(parents=True, exist_ok=True)
    pkg = out / package_zip_name(tax)
    doc = out / (stem + FORMATS[fmt])
    # both files or neither: a failing instance write must not leave the package zip behind
    write_all({doc: to_xml(rep) if fmt == "xbrl" else to_json(rep), pkg: zip_bytes(package_files(tax))},
              inputs=[inst.source] if inst.source else [])
    return [pkg, doc]
