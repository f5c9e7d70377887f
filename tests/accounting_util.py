"""Zero silent loss, as a property any reader's tests can assert.

`assert_numbers_accounted(conv, numbers)`: every number the source prints in its tables (given by
the test, independently of the reader: (place, token) pairs, place = line number or sheet!cell)
became a fact with that value at that place, or a finding at that place; and each table's account
adds up (seen = placed + reported). `text_numbers(text, lines)` gives the pairs of a text file.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, Iterable

AMOUNT_TOKEN = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)\.\d+$")


def place_of(loc) -> object:
    """A location's place: its source cell for workbooks, else its line (PDF: page and line)."""
    return loc.cell and f"{loc.sheet}!{loc.cell}" or (loc.sheet, loc.line)


def text_numbers(text: str, lines: Iterable[int] | None = None, delimiter: str | None = None) -> list[tuple[object, str]]:
    """(place, token) of every amount-looking token on the given lines (1-based; all when None):
    whitespace-separated words, or with `delimiter` the fields of a CSV/TSV (one record a line)."""
    keep = None if lines is None else set(lines)
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if keep is not None and n not in keep:
            continue
        words = next(csv.reader([line], delimiter=delimiter)) if delimiter else line.split()
        out.extend((("", n), w.strip()) for w in words if AMOUNT_TOKEN.match(w.strip()))
    return out


def assert_numbers_accounted(conv, numbers: Iterable[tuple[object, str]],
                             place: Callable = place_of) -> None:
    facts = Counter((place(f.location), f.value) for f in conv.instance.facts)
    findings = {place(f.location) for f in conv.findings}
    missing = []
    for where, tok in numbers:
        value = Decimal(tok.replace(",", "")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if facts[(where, value)] > 0:
            facts[(where, value)] -= 1
        elif where not in findings:
            missing.append((where, tok))
    assert not missing, f"numbers neither placed nor reported: {missing[:10]}"
    for a in conv.accounts:
        assert a.seen == a.placed + a.reported, a
    assert sum(a.placed for a in conv.accounts) == len(conv.instance.facts)
