"""Regenerate the files derived from the taxonomy: `python -m juesuan.derive [--check]`.

Derived files are committed so that integrators can use them without Python; tests/test_derived.py
fails when one is stale. Each derived artefact registers a (path, builder) pair in `derived_files()`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

from .schema import build_xsd, xsd_path
from .taxonomy import build_compiled, compiled_path, load_taxonomy
from .xmlio import atomic_write


def derived_files() -> list[tuple[Path, Callable[[], str]]]:
    tax = load_taxonomy()
    return [(xsd_path(tax.id), lambda: build_xsd(tax)),
            (compiled_path(tax.id), lambda: build_compiled(tax.id))]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    check = "--check" in argv
    stale = []
    for path, build in derived_files():
        text = build()
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            stale.append(path)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(path, text.encode("utf-8"))
                print(f"wrote {path}")
    if check and stale:
        for p in stale:
            print(f"stale: {p}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
