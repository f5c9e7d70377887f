"""Code shape (issue 11): no module in src/juesuan over 500 lines, no function over 60 lines (from its
first decorator to its last line) unless a one-line `# long: <reason>` comment stands on its def line
or the line just above it."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "juesuan"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60

def long_functions(source: str, limit: int = MAX_FUNCTION_LINES) -> list[tuple[str, int, int]]:
    """(name, first line, length) of every function or method in SOURCE longer than LIMIT lines,
    counted from its first decorator, that has no `# long:` comment on its def line or the line above."""
    lines = source.splitlines()
    out = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        length = node.end_lineno - first + 1
        reason = [lines[i - 1] for i in (node.lineno, node.lineno - 1, first - 1) if 0 < i <= len(lines)]
        if length > limit and not any("# long:" in line for line in reason):
            out.append((node.name, first, length))
    return out


def _modules() -> dict[str, str]:
    return {p.relative_to(SRC).as_posix(): p.read_text("utf-8") for p in sorted(SRC.rglob("*.py"))}


def test_the_checker_sees_long_functions_and_their_reasons():
    body = "".join(f"    x{i} = {i}\n" for i in range(60))
    src = (f"@deco\n@other(1)\ndef decorated():\n{body}\n"    # 63 lines from its first decorator
           f"def plain():\n{body[:-11]}\n"                     # 60 lines: allowed
           f"# long: a table of cases, one a line\ndef reasoned():\n{body}\n"
           f"def inline():  # long: one branch per format\n{body}\n"
           f"class C:\n    def method(self):\n{body.replace('    ', '        ')}\n")
    assert long_functions(src) == [("decorated", 1, 63), ("method", src.splitlines().index("    def method(self):") + 1, 61)]


def test_no_module_is_over_500_lines():
    sizes = {name: len(text.splitlines()) for name, text in _modules().items()}
    assert not {n: s for n, s in sizes.items() if s > MAX_MODULE_LINES}


def test_no_function_is_over_60_lines_without_a_reason():
    offenders = [f"{name}:{line} {fn} is {length} lines"
                 for name, text in _modules().items() for fn, line, length in long_functions(text)]
    assert not offenders, "\n".join(offenders)
