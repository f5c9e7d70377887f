"""Findings are data: a stable code, a severity, messages in Chinese and English, where, and values.

Modelled on frictionless (typed findings, a Report with `flatten()`) and Arelle (stable namespaced
codes such as ``schema:cvc-pattern-valid`` or ``calc:T02.row``).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Iterable, Iterator

from .model import Location
from .records import field, record

SEVERITIES = ("error", "warning", "info")


@record(frozen=True)
class Finding:
    code: str
    severity: str
    message: str  # Chinese
    message_en: str = ""
    table: str = ""
    section: str = ""
    row: str = ""
    column: str = ""
    location: Location = field(default_factory=Location)
    values: dict = field(default_factory=dict)
    file: str = ""

    @classmethod
    def of(cls, code: str, loc: Location | None = None, *, table: str = "", section: str = "", row: str = "",
           column: str = "", file: str | None = None, severity: str | None = None, **values) -> "Finding":
        """A finding declared in the catalogue (juesuan.catalogue): severity from there unless given,
        text rendered at output time from the code's zh/en templates and these values."""
        from .catalogue import severity as _severity

        loc = loc if loc is not None else Location()
        return cls(code, severity or _severity(code), "", "", table, section, row, column, loc, values,
                   loc.file if file is None else file)

    @classmethod
    def at(cls, code: str, severity: str, zh: str, en: str, loc: Location, table: str = "", **kw) -> "Finding":
        """A finding about one place of a source file (its file is the location's)."""
        return cls(code, severity, zh, en, table, location=loc, file=loc.file, **kw)

    def text(self, lang: str = "zh") -> str:
        if not self.message:  # a catalogue finding (Finding.of): rendered now, in the asked language
            from .catalogue import render

            return render(self.code, self.values, lang)
        return self.message_en if (lang == "en" and self.message_en) else self.message

    def where(self, lang: str = "zh") -> str:
        parts = []
        if self.table:
            parts.append(f"table {self.table}" if lang == "en" else f"{self.table}表")
        for p in (self.section, self.row, self.column):
            if p:
                parts.append(p)
        return " ".join(parts)

    def to_dict(self, lang: str = "zh") -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "table": self.table,
            "section": self.section,
            "row": self.row,
            "column": self.column,
            "message": self.text(lang),
            "message_zh": self.text("zh"),
            "message_en": self.text("en"),
            "values": {k: _jsonable(v) for k, v in self.values.items()},
            "location": self.location.to_dict(),
            "file": self.file,
        }


def _jsonable(v):
    if isinstance(v, Decimal):
        return str(v)
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
    unusable: dict[str, str] = field(default_factory=dict)  # file -> why it could not be read

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
        sev = {"zh": {"error": "错误", "warning": "警告", "info": "提示"}, "en": {}}
        lines = []
        for path in self.files:
            if path in self.unusable:
                lines.append(f"{path}: UNUSABLE ({self.unusable[path]})" if lang == "en"
                             else f"{path}：无法读取（{self.unusable[path]}）")
                continue
            mine = [f for f in self.findings if f.file == path]
            for f in mine:
                where = str(f.location) if f.location != Location() else path
                place = f.where(lang)
                label = sev.get(lang, {}).get(f.severity, f.severity)
                lines.append(f"{where}: {label} [{f.code}] {place + ': ' if place else ''}{f.text(lang)}")
            n_err = sum(1 for f in mine if f.severity == "error")
            n_warn = sum(1 for f in mine if f.severity == "warning")
            if lang == "en":
                verdict = "valid" if not n_err else "INVALID"
                lines.append(f"{path}: {verdict} ({n_err} errors, {n_warn} warnings, {len(mine)} findings)")
            else:
                verdict = "有效" if not n_err else "无效"
                lines.append(f"{path}：{verdict}（错误 {n_err} 个，警告 {n_warn} 个，共 {len(mine)} 条）")
        return "\n".join(lines)

    def to_dict(self, lang: str = "zh") -> dict:
        return {
            "valid": self.valid,
            "files": self.files,
            "unusable": self.unusable,
            "counts": {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITIES},
            "findings": [f.to_dict(lang) for f in self.findings],
        }

    def to_json(self, lang: str = "zh") -> str:
        return json.dumps(self.to_dict(lang), ensure_ascii=False, indent=2)
