"""Excel in and out: the template generated from a layout, the filled export, and the cell reader.

Writing uses openpyxl (imported only when a workbook is written); reading uses the small hardened
reader in `juesuan.excel.xlsx`, so that converting a workbook stays fast.
"""

from __future__ import annotations

import os

from ..findings import Finding
from ..model import Instance
from ..defaults import DEFAULT_LAYOUT


def write_template(path: str | os.PathLike, layout_id: str = DEFAULT_LAYOUT) -> None:
    """Write the empty template workbook for a layout (deterministic bytes)."""
    from .template import write_template as _write

    _write(path, layout_id)


def export_xlsx(inst: Instance, path: str | os.PathLike, layout_id: str | None = None) -> list[Finding]:
    """Write an instance as a filled template workbook; findings name facts the layout has no cell for."""
    from .template import export_xlsx as _export

    return _export(inst, path, layout_id)
