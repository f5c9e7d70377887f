"""The differ: compare two instances (draft versus final, year over year) and render the result.

    from juesuan.diff import compare_files, render
    result = compare_files("examples/liling-2020.xml", "examples/liling-2021.xml")
    print(render(result, "text").decode())

Matching is by concept + classification code (never by table position); see compare.py. Renderers
(text, json, html, xlsx) return bytes; xlsx imports openpyxl only when called.
"""

from __future__ import annotations

from .compare import KEY_TOTALS, choose_mode, compare, compare_files, finding_changes, narrative_changes
from .model import Change, DiffResult, HeaderChange, KeyTotal, NarrativeChange, Place, RowChange

FORMATS = ("text", "json", "html", "xlsx")
MODE_OPTIONS = ("auto", "draft-final", "yoy", "plain")


def render(result: DiffResult, fmt: str = "text", lang: str = "zh") -> bytes:
    """The comparison as bytes in one of FORMATS. Same result in, same bytes out."""
    if fmt == "text":
        from .render_text import render_text

        return render_text(result, lang).encode("utf-8")
    if fmt == "json":
        from .render_json import render_json

        return render_json(result, lang).encode("utf-8")
    if fmt == "html":
        from .render_html import render_html

        return render_html(result, lang).encode("utf-8")
    if fmt == "xlsx":
        from .render_xlsx import render_xlsx

        return render_xlsx(result, lang)
    raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")


__all__ = [
    "FORMATS", "KEY_TOTALS", "MODE_OPTIONS", "Change", "DiffResult", "HeaderChange", "KeyTotal", "NarrativeChange",
    "Place", "RowChange", "choose_mode", "compare", "compare_files", "finding_changes",
    "narrative_changes", "render",
]
