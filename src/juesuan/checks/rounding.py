"""XBRL Calculation 1.1 rounding, round-to-nearest: intervals of the values a reported figure stands for.

A value v reported with d decimals stands for the closed interval [v - ½·10⁻ᵈ, v + ½·10⁻ᵈ] (every
exact value that rounds to v). A weighted sum of reported values stands for the interval of the
weighted sums. Two figures are consistent when their intervals overlap (closed: touching counts),
as in Calculations 1.1 §"consistency" and Arelle's `ValidateXbrlCalcs.rangeValue` for rounding.
"""

from __future__ import annotations

from decimal import Decimal
from ..records import record

ZERO = Decimal(0)


@record(frozen=True)
class Interval:
    low: Decimal
    high: Decimal

    @classmethod
    def of(cls, value: Decimal, decimals: int | None = 2) -> "Interval":
        """The interval a reported value stands for; decimals None means exact (INF)."""
        if decimals is None:
            return cls(value, value)
        half = Decimal(1).scaleb(-decimals) / 2
        return cls(value - half, value + half)

    @classmethod
    def exact(cls, value: Decimal = ZERO) -> "Interval":
        return cls(value, value)

    def scaled(self, weight: int) -> "Interval":
        a, b = self.low * weight, self.high * weight
        return Interval(a, b) if a <= b else Interval(b, a)

    def __add__(self, other: "Interval") -> "Interval":
        return Interval(self.low + other.low, self.high + other.high)

    def overlaps(self, other: "Interval") -> bool:
        """Closed intervals intersect (Calc 1.1 round-to-nearest consistency)."""
        return max(self.low, other.low) <= min(self.high, other.high)

    def may_be_ge(self, other: "Interval") -> bool:
        """Some value of self is ≥ some value of other: self.high ≥ other.low."""
        return self.high >= other.low

    def as_strings(self) -> list[str]:
        return [_plain(self.low), _plain(self.high)]


def _plain(d: Decimal) -> str:
    s = format(d.normalize(), "f")
    return s if s != "-0" else "0"
