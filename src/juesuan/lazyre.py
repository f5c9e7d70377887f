"""Regular expressions compiled when first used, not when their module is imported.

Compiling costs start-up time every command pays whether it uses the pattern or not: a character class
of CJK characters alone takes 0.5–3 ms to compile (the compiler builds a table over the whole range), and
the readers define dozens of patterns that a command converting a workbook never uses. A module writes
`NAME_RE = lazy(r"...")` and uses it like a compiled pattern.
"""

from __future__ import annotations

import re
import sys
from typing import Any, Callable, Iterator


_METHODS = ("match", "fullmatch", "search", "findall", "finditer", "split", "sub", "subn")


class LazyPattern:
    """A `re.Pattern` stand-in that compiles its pattern on first use.

    The first call of any method compiles the pattern and binds the compiled pattern's methods onto
    the instance, so later calls go straight to them (no wrapper in the readers' per-cell loops).
    """

    def __init__(self, pattern: str | bytes, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern | None = None

    @property
    def compiled(self) -> re.Pattern:
        c = self._compiled
        if c is None:
            c = self._compiled = re.compile(self.pattern, self.flags)
            for name in _METHODS:
                setattr(self, name, getattr(c, name))
        return c

    # Same signatures as re.Pattern's methods; after the first call the instance's own attributes (the
    # compiled pattern's bound methods) shadow these.
    def match(self, string: Any, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        return self.compiled.match(string, pos, endpos)

    def fullmatch(self, string: Any, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        return self.compiled.fullmatch(string, pos, endpos)

    def search(self, string: Any, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        return self.compiled.search(string, pos, endpos)

    def findall(self, string: Any, pos: int = 0, endpos: int = sys.maxsize) -> list:
        return self.compiled.findall(string, pos, endpos)

    def finditer(self, string: Any, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match]:
        return self.compiled.finditer(string, pos, endpos)

    def split(self, string: Any, maxsplit: int = 0) -> list:
        return self.compiled.split(string, maxsplit)

    def sub(self, repl: Any | Callable[[re.Match], Any], string: Any, count: int = 0) -> Any:
        return self.compiled.sub(repl, string, count)

    def subn(self, repl: Any | Callable[[re.Match], Any], string: Any, count: int = 0) -> tuple[Any, int]:
        return self.compiled.subn(repl, string, count)

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r})"


def lazy(pattern: str | bytes, flags: int = 0) -> LazyPattern:
    return LazyPattern(pattern, flags)
