"""Findings are data: a stable code, a severity, where, and values; the text is rendered when printed,
in the asked language, from the code's templates in the finding catalogue (juesuan.catalogue). Report
renders a file's findings and its verdict line (messages/report.toml).

Modelled on frictionless (typed findings, a Report with `flatten()`) and Arelle (stable namespaced
codes such as ``schema:cvc-pattern-valid`` or ``calc:T02.row``).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Iterable, Iterator

from .model import Location, Where
from .records import field, record

SEVERITIES = ("error", "warning", "info")


@record(frozen=True)
class Finding:
    code: str
    severity: str
    table: str = ""
    section: str = ""
    row: str = ""
    column: str = ""
    location: Location = field(default_factory=Location)
    values: dict = field(default_factory=dict)
    file: str = ""
    # (taxonomy, layout, concept, code) of the fact the finding is placed at: the layout gives the
    # section / row / column labels in the asked language, the taxonomy a rule finding's template.
    # Not part of the finding's data (to_dict): the table/section/row/column fields are that.
    fact: tuple[str, str, str, str] | tuple[()] = ()

    @classmethod
    def of(cls, code: str, loc: Location | None = None, /, *, table: str = "", section: str = "", row: str = "",
           column: str = "", file: str | None = None, severity: str | None = None,
           fact: tuple[str, str, str, str] | tuple[()] = (), **values) -> "Finding":
        """A finding declared in the catalogue (juesuan.catalogue): severity from there unless given,
        text rendered at output time from the code's zh/en templates and these values (`code` may be
        one of them: code and loc are positional-only; table, section, row, column, file, severity and
        fact are the finding's own fields, not values)."""
        if severity is None:
            from .catalogue import severity as _severity

            severity = _severity(code, fact[0] if fact else None)
        loc = loc if loc is not None else Location()
        return cls(code, severity, table, section, row, column, loc, values,
                   loc.file if file is None else file, fact)

    def text(self, lang: str = "zh") -> str:
        """The finding's message in the asked language, rendered now from its code's template."""
        from .catalogue import render

        return render(self.code, self.values, lang, self.fact[0] if self.fact else None)

    def labels(self, lang: str = "zh") -> tuple[str, str, str]:
        """(section, row, column) in the asked language: the fields themselves in Chinese, the layout's
        labels of `fact` otherwise (a code row is its code)."""
        if lang != "zh" and self.fact:
            from .taxonomy import load_taxonomy

            tax, lay, concept, code = self.fact
            got = load_taxonomy(tax).layout(lay).labels(concept, code or None, lang)
            if got is not None:
                return got
        return self.section, self.row, self.column

    def where(self, lang: str = "zh", table: bool = True) -> str:
        """'02表 210 本年收入合计' / 'table 02 210 Total income for the year' (without the table when
        `table` is false)."""
        parts = []
        if self.table and table:
            from .catalogue import text

            parts.append(text("table", lang, table=self.table))
        parts.extend(p for p in self.labels(lang) if p)
        return " ".join(parts)

    def to_dict(self, lang: str = "zh") -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "table": self.table,
            "section": self.section,
            "row": self.row,
            "column": self.column,
            # the output format's keys: the texts are the catalogue's renderings (Finding.text)
            "message": self.text(lang),
            "message_zh": self.text("zh"),
            "message_en": self.text("en"),
            "values": {k: _jsonable(v) for k, v in self.values.items()},
            "location": self.location.to_dict(),
            "file": self.file,
        }


def _unplaced(f: Finding, lang: str) -> str:
    """F's text for a report line, which opens with F's location: without the same place said again
    at its start ("第 139 行：…" of a reader's finding, whose {where} is its own location)."""
    msg = f.text(lang)
    w = f.values.get("where")
    if isinstance(w, Where) and w.loc == f.location and f.location != Location():
        head = w.text(lang) + ("：" if lang == "zh" else ": ")
        if msg.startswith(head):
            return msg[len(head):]
    return msg


def _names_own_table(f: Finding, lang: str) -> bool:
    """Whether F's message names F's own table ("02 表中的“1960.73”未能对应到任何行列", a reader's
    finding): its report line then does not say "02表" before it as well."""
    from .catalogue import fields

    return bool(f.table) and f.values.get("table_id") == f.table and "table_id" in fields(
        f.code, lang, f.fact[0] if f.fact else None)


def _why(v, lang: str) -> str:
    """Why a file is unusable: an error's text in the asked language ("" = its raw message, for json)."""
    if hasattr(v, "text") and lang:
        return v.text(lang)
    return getattr(v, "message", None) or str(v)


def _jsonable(v):
    if isinstance(v, Decimal):
        return str(v)
    if not isinstance(v, (str, int, list, tuple, dict)) and callable(getattr(v, "text", None)):
        return str(v)  # a place (model.Where) or a reason (catalogue.Text): its English text ("line 138")
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    return v


@record
class Report:
    """The findings for one or more files."""

    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    unusable: dict[str, object] = field(default_factory=dict)  # file -> why it could not be read (str or error)

    def extend(self, items: Iterable[Finding]) -> None:
        self.findings.extend(items)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def valid(self) -> bool:
        return not self.errors and not self.unusable

    def codes(self) -> list[str]:
        return sorted(f.code for f in self.findings)

    def flatten(self, fields: Iterable[str] = ("file", "code", "severity", "table", "row", "column", "message")) -> list[list]:
        out = []
        for f in self.findings:
            d = f.to_dict()
            out.append([d.get(k, "") for k in fields])
        return out

    def to_text(self, lang: str = "zh") -> str:
        """Readable lines: one per finding, then a summary line per file."""
        from .catalogue import text

        sev = {s: text(f"severity-{s}", lang) for s in SEVERITIES}
        lines = []
        for path in self.files:
            if path in self.unusable:
                lines.append(text("unusable", lang, path=path, reason=_why(self.unusable[path], lang)))
                continue
            mine = [f for f in self.findings if f.file == path]
            for f in mine:
                where = f.location.text(lang) if f.location != Location() else path
                place = f.where(lang, table=not _names_own_table(f, lang))
                label = sev.get(f.severity, f.severity)
                lines.append(f"{where}: {label} [{f.code}] {place + ': ' if place else ''}{_unplaced(f, lang)}")
            n_err = sum(1 for f in mine if f.severity == "error")
            n_warn = sum(1 for f in mine if f.severity == "warning")
            lines.append(text("invalid" if n_err else "valid", lang, path=path, errors=n_err, warnings=n_warn,
                              findings=len(mine)))
        return "\n".join(lines)

    def to_dict(self, lang: str = "zh") -> dict:
        return {
            "valid": self.valid,
            "files": self.files,
            "unusable": {k: _why(v, "") for k, v in self.unusable.items()},
            "counts": {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITIES},
            "findings": [f.to_dict(lang) for f in self.findings],
        }

    def to_json(self, lang: str = "zh") -> str:
        return json.dumps(self.to_dict(lang), ensure_ascii=False, indent=2)
