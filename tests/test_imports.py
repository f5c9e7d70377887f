"""The package's imports (module level and lazy ones inside functions) form no cycle (convert.py dispatches to the readers; the readers
take Conversion and make_header from readers/base.py, not back from convert.py)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "juesuan"


def _module(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(tree: ast.Module, module: str, is_package: bool) -> set[str]:
    """Modules of juesuan that `module` imports, at import time or inside a function (a lazy import is a
    dependency all the same); not those under TYPE_CHECKING."""
    out: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]

    def add(target: str) -> None:
        # a parent package is always imported before its modules: not an edge that can close a cycle
        if target.startswith("juesuan") and not module.startswith(target + "."):
            out.add(target)

    def visit(body) -> None:
        for node in body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                visit(node.orelse)
                continue
            if isinstance(node, ast.Import):
                for a in node.names:
                    add(a.name)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                add(target)
                for a in node.names:  # `from . import names` imports the module juesuan.x.names
                    add(f"{target}.{a.name}")
            else:
                for name in ("body", "orelse", "finalbody", "handlers"):
                    inner = getattr(node, name, None)
                    if isinstance(inner, list):
                        visit(inner)

    visit(tree.body)
    return out


# Lazy imports known to close a cycle, each with its reason. The catalogue renders rule findings at output
# time from the rule's templates in rules.toml, so it reaches into checks/ (which build findings): a late
# binding by design for now; moving rule rendering next to the rules would remove it.
# The same for an unusable input's reason, rendered from the catalogue in the asked language while the
# catalogue raises errors' TaxonomyError.
ALLOWED_LAZY = {
    ("juesuan.catalogue", "juesuan.checks.catalogue"),
    ("juesuan.catalogue", "juesuan.checks.engine"),
    ("juesuan.errors", "juesuan.catalogue"),
}


def import_graph(allowed: set[tuple[str, str]] = ALLOWED_LAZY) -> dict[str, set[str]]:
    mods = {_module(p): p for p in SRC.rglob("*.py")}
    graph = {}
    for name, path in mods.items():
        deps = _imports(ast.parse(path.read_text("utf-8")), name, path.name == "__init__.py")
        graph[name] = {d for d in deps if d in mods and d != name and (name, d) not in allowed}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for d in sorted(graph.get(n, ())):
            if state.get(d) == 1:
                return stack[stack.index(d):] + [d]
            if d not in state:
                found = walk(d)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            found = walk(n)
            if found:
                return found
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_graph_sees_relative_and_absolute_imports():
    g = import_graph()
    assert "juesuan.readers.base" in g["juesuan.readers.excel"]
    assert "juesuan.readers.base" in g["juesuan.convert"]
    assert "juesuan.model" in g["juesuan.xmlio"]


def test_no_import_cycle_in_the_package():
    cycle = find_cycle(import_graph())
    assert cycle is None, " -> ".join(cycle)
