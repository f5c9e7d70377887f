"""The one way every command reads an instance file: hardened parse → XSD → model.

`load(path)` returns the instance and its schema findings (catalogue findings in the report's terms:
juesuan.schema); `validate` reports them, and every other command (facts, diff, export, and what comes
later) takes `load_valid(path)`, which refuses an instance with schema findings in one line (exit 2):
a value that is not an amount, a duplicate fact or an unknown concept would otherwise be silently
dropped, doubled or misplaced.
"""

from __future__ import annotations

import contextlib
import gc
import os

from .errors import InvalidInstance, UnusableInput
from .findings import Finding
from .model import Instance
from .records import field, record


@record
class Loaded:
    instance: Instance | None  # None when the document is no juesuan instance at all (its root)
    findings: list[Finding] = field(default_factory=list)  # the XSD's, translated

    @property
    def valid(self) -> bool:
        return not self.findings and self.instance is not None


@contextlib.contextmanager
def gc_paused():
    """No cyclic garbage collection inside: reading a large instance makes a million small objects
    (facts, locations, amounts) and none of them is garbage, yet each time their number grows by a
    quarter Python walks all of them (a third of the time of validating 200,000 facts). Nothing made
    here forms a cycle that must be freed before the end of the block; nested blocks are fine."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def load(path: str | os.PathLike) -> Loaded:
    """Read an instance file. Raises UnusableInput when it is not XML (or not readable) at all."""
    from .xmlio import load_tree

    with gc_paused():
        return from_tree(load_tree(path), str(path))


def from_tree(tree, where: str) -> Loaded:
    """`load` for a tree already parsed (hardened: juesuan.xmlio.parse_xml)."""
    from .schema import duplicate_findings, validate_lxml
    from .xmlio import instance_from_tree

    # the XSD without its once-per-(concept, code) constraints: the model refuses a taken key by
    # construction and the loader reports it, as the XSD would (at the second fact's line)
    findings = validate_lxml(tree, where, identity=False)
    taken: list = []
    try:
        inst = instance_from_tree(tree, where, taken.append)
    except UnusableInput:
        if not findings:
            raise
        inst = None  # the schema findings say why (a wrong root or namespace)
    if taken:
        findings = sorted([*findings, *duplicate_findings(tree, taken, where)], key=lambda f: f.location.line or 0)
    if inst is not None and inst.tables and not findings:
        findings = _facts_in_absent_tables(inst)
    return Loaded(inst, findings)


def _facts_in_absent_tables(inst: Instance) -> list[Finding]:
    """A fact printed in a table the instance says its source did not contain: one of the two is wrong."""
    from .taxonomy import load_taxonomy

    lay = load_taxonomy(inst.header.taxonomy).layout(inst.header.layout)
    out = []
    for f in inst.facts:
        p = lay.place(f.concept, f.code)
        if p is not None and not inst.has_table(p.table):
            out.append(Finding.of("instance:fact-in-absent-table", f.location, table=p.table, section=p.section,
                                  row=p.row_label(), column=p.column, element=f.concept, table_id=p.table))
    return out


def load_valid(path: str | os.PathLike) -> Instance:
    """The instance of a file valid against the XSD, or InvalidInstance (exit 2, one line)."""
    loaded = load(path)
    if loaded.findings or loaded.instance is None:
        raise_invalid(loaded.findings, str(path))
    return loaded.instance  # type: ignore[return-value]


def raise_invalid(findings: list[Finding], where: str) -> None:
    """InvalidInstance naming the first finding, in the asked language when printed (its text(lang))."""
    from .catalogue import render

    first = findings[0]
    line = first.location.line
    values = {"n": len(findings), "command": f"`juesuan validate {where}`",
              "at": {"zh": f"第 {line} 行：", "en": f"line {line}: "} if line else "",
              "first": {"zh": first.text("zh"), "en": first.text("en")}}
    raise InvalidInstance(render("schema:refused", values, "en"), where, code="schema:refused", values=values)
