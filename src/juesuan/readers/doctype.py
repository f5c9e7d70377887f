"""What kind of document this is, from its table titles and cover, decided before any placement.

A 部门决算 (final accounts) report and a 部门预算 (budget) report print tables that look alike and
number them alike (公开01表 …), but a budget's figures are not final accounts: reading them onto the
决算 tables would run the 决算 rules on budget figures. So tables are recognised by their titles,
never by their 公开NN number, and a document whose titles (收支预算总表, 财政拨款支出预算表 …) and
cover ("2019年部门预算") say 预算 is refused in one line. The scope (部门 or 单位: a department or one
of its units) is read from the same places.
"""

from __future__ import annotations

import re
from typing import Sequence

from ..errors import UnusableInput
from ..records import record
from .cells import heading_number

_SHORT = 48  # a title or cover line; longer lines are sentences
# a numbering or year before a title; "一、" is dropped by hand (heading_number): a regex class of scattered
# CJK characters, or of more than two runs with one in it ("[.、．]"), costs ~0.1-0.3 ms to compile
_PREFIX_RE = re.compile(r"^(?:\d+(?:[.．]\s*|、\s*)|(?:20\d\d\s*年度?)\s*)")
_CONTINUED_RE = re.compile(r"[（(]续[)）]$")
_COVER_RE = re.compile(r"(部门|单位)\s*(预算|决算)(?:公开)?$")


@record(frozen=True)
class DocumentKind:
    stage: str  # "决算" (final accounts), "预算" (budget), "" (cannot tell)
    scope: str  # "部门", "单位", "" (cannot tell)
    evidence: str = ""  # the first line that decided the stage


def _title_stage(line: str) -> str:
    if "表" not in line:
        return ""  # (a title ends in 表: most lines are done here)
    n = heading_number(line)
    t = _CONTINUED_RE.sub("", line[len(n) + 1:] if n else _PREFIX_RE.sub("", line))
    if not t.endswith("表") or len(t) > _SHORT:
        return ""
    if "决算" in t:
        return "决算"
    if "预算" in t and ("预算表" in t or "预算总表" in t or t.endswith("支出表") or t.endswith("收入表")):
        return "预算"
    return ""


def document_kind(texts: Sequence[str]) -> DocumentKind:
    """Stage and scope from table titles (one vote each) and cover lines (two votes each, first 60
    lines): 预算 only when its votes outnumber 决算's."""
    votes = {"决算": 0, "预算": 0}
    first: dict[str, str] = {}
    scope = ""
    lines = ["".join(t.split()) for t in texts if t and t.strip()]
    for i, t in enumerate(lines):
        if len(t) > _SHORT:
            continue
        stage = _title_stage(t)
        weight = 1
        m = _COVER_RE.search(t) if i < 60 else None
        if m:
            stage, weight = m.group(2), 2
            scope = scope or m.group(1)
        if stage:
            votes[stage] += weight
            first.setdefault(stage, t)
    stage = "预算" if votes["预算"] > votes["决算"] else ("决算" if votes["决算"] else "")
    return DocumentKind(stage, scope or ("部门" if stage else ""), first.get(stage, ""))


def refuse_budget(kind: DocumentKind, where: str) -> None:
    """UnusableInput (one line, exit 2) for a 预算 document."""
    if kind.stage == "预算":
        raise UnusableInput.of("input:budget-document", where, scope=kind.scope, evidence=kind.evidence)
