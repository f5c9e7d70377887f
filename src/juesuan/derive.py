"""Regenerate the files derived from the taxonomy: `python -m juesuan.derive [--check]`.

Derived files are committed so that integrators can use them without Python; tests/test_derived.py
fails when one is stale. Each derived artefact registers a (path, builder) pair in `derived_files()`.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Callable

from .docs import build_taxonomy_doc
from .schema import build_xsd, xsd_path
from .taxonomy import build_compiled, compiled_path, load_taxonomy, resource_root
from .xmlio import atomic_write


def derived_files() -> list[tuple[Path, Callable[[], str]]]:
    tax = load_taxonomy()
    out: list[tuple[Path, Callable[[], str]]] = [
        (xsd_path(tax.id), lambda: build_xsd(tax)),
        (resource_root() / "docs" / f"taxonomy-{tax.id}.md", lambda: build_taxonomy_doc(tax)),
        (compiled_path(tax.id), lambda: build_compiled(tax.id)),
    ]
    out.extend(_xbrl_package_files(tax))
    from . import catalogue

    out.extend((Path(catalogue.compiled_path(n)), functools.partial(catalogue.build_compiled, n))
               for n in catalogue.families())
    return out


def _xbrl_package_files(tax) -> list[tuple[Path, Callable[[], str]]]:
    """The XBRL taxonomy package, unzipped under schemas/xbrl/ (juesuan export zips the same texts)."""
    import functools

    from .xbrl.docs import build_calculations_doc
    from .xbrl.package import committed_dir, package_files

    files = functools.cache(lambda: package_files(tax))
    root = committed_dir(tax)
    out = [(root / rel, (lambda rel=rel: files()[rel])) for rel in package_files(tax)]
    out.append((resource_root() / "docs" / f"xbrl-calculations-{tax.id}.md", lambda: build_calculations_doc(tax)))
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    check = "--check" in argv
    stale = []
    # compiled.json first: the other builders load the taxonomy, which reads compiled.json when current
    tax = load_taxonomy()
    first = compiled_path(tax.id)
    current = first.read_text(encoding="utf-8") if first.exists() else None
    if current != build_compiled(tax.id):
        if not check:
            atomic_write(first, build_compiled(tax.id).encode("utf-8"))
            print(f"wrote {first}")
            load_taxonomy.cache_clear()
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
