"""Small instances built in code for the rule tests."""

from __future__ import annotations

from decimal import Decimal

from juesuan.checks import check_instance
from juesuan.model import Fact, Header, Instance


def D(s) -> Decimal:
    return Decimal(str(s))


def build(layout: str, facts: dict, origins: dict | None = None, year: int | None = None) -> Instance:
    """facts: {(concept, code or ""): amount}."""
    year = year or (2021 if layout == "2021-hunan" else 2024)
    header = Header(entity="测试单位", fiscal_year=year, layout=layout)
    origins = origins or {}
    return Instance.from_facts(
        header,
        [Fact(c, k or None, D(v), origin=origins.get((c, k), "")) for (c, k), v in facts.items()],
    )


def findings(inst: Instance, rules=None) -> list:
    return list(check_instance(inst, rules))


def keyed(found) -> list[tuple[str, str, str, str]]:
    return [(f.code, f.table, f.row, f.column) for f in found]
