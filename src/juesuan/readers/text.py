"""Tab-separated text extracted from a report PDF (like shared/reference/*.txt) -> grid rows."""

from __future__ import annotations

from ..model import Location
from .grid import Cell, GridRow


def tab_rows(text: str, file: str = "") -> list[GridRow]:
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        loc = Location(file=file, line=n)
        cells = [Cell(i, t, Location(file=file, line=n)) for i, t in enumerate(line.split("\t"))]
        rows.append(GridRow(cells, loc))
    return rows
