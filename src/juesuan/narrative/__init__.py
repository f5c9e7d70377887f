"""第三部分 (情况说明): claims read from the narrative, checked against the tables; drafted from them.

`run_checks(inst, prior, verbose)` is what `validate` and `convert` call: the narrative checks
(juesuan.narrative.checks) when the instance has a narrative, and with last year's instance the
carry-over rules (juesuan.narrative.prior).
"""

from __future__ import annotations


def run_checks(inst, prior=None, verbose: bool = False) -> list:
    out = []
    if prior is not None:
        from .prior import check_prior

        out.extend(check_prior(inst, prior))
    if inst.narrative:
        from .checks import check_narrative

        out.extend(check_narrative(inst, prior, verbose))
    return out
