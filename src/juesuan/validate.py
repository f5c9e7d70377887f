"""Validation of instance files: XSD first; table rules plug in through `checks`.

`iter_findings` is the core (like xmlschema's iter_errors); `validate_file` and `is_valid` wrap it.
"""

from __future__ import annotations

import os
from typing import Iterator

from .errors import InvalidInstance
from .findings import Finding, Report
from .model import Instance
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


def require_schema_valid(tree, where: str) -> None:
    """Raise InvalidInstance (exit 2, one line) when the tree is not valid against the XSD."""
    problems = validate_schema(tree, where)
    if problems:
        first = problems[0]
        at = f"line {first.location.line}: " if first.location.line else ""
        raise InvalidInstance(
            f"not valid against the XSD ({len(problems)} finding{'s' if len(problems) > 1 else ''}; first: "
            f"{at}{first.text('en').removeprefix('not valid against the XSD ')}); run `juesuan validate {where}`",
            where)


def load_valid_instance(path: str | os.PathLike) -> Instance:
    """Load an instance that commands other than `validate` can trust (facts, diff, export).

    Raises InvalidInstance (exit 2, one line) when it is not valid against the XSD: a value that is
    not an amount, a duplicate fact or an unknown concept would otherwise be silently dropped,
    doubled or misplaced.
    """
    where = str(path)
    tree = load_tree(path)
    require_schema_valid(tree, where)
    return instance_from_tree(tree, where)
