"""Validation of instance files: XSD first; table rules plug in through `checks`.

`iter_findings` is the core (like xmlschema's iter_errors); `validate_file` and `is_valid` wrap it.
"""

from __future__ import annotations

import os
from typing import Iterator

from .findings import Finding, Report
from .schema import validate_schema
from .xmlio import instance_from_tree, load_tree


def iter_findings(path: str | os.PathLike) -> Iterator[Finding]:
    """Findings for one instance file. Raises UnusableInput when it is not XML at all."""
    where = str(path)
    tree = load_tree(path)
    schema_findings = validate_schema(tree, where)
    yield from schema_findings
    if schema_findings:
        return
    inst = instance_from_tree(tree, where)
    from .checks import check_instance  # noqa: PLC0415 - checks are optional for schema-only callers

    yield from check_instance(inst)


def validate_file(path: str | os.PathLike) -> Report:
    report = Report(files=[str(path)])
    report.extend(iter_findings(path))
    return report


def is_valid(path: str | os.PathLike) -> bool:
    return validate_file(path).valid
