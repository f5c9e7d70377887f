"""The finance bureau's consistency checks (表内 / 表间审核) with XBRL Calculation 1.1 rounding.

`check_instance(inst)` yields a Finding per inconsistency; the rules come from
taxonomies/<version>/rules.toml (`load_rules`, `rules_for_layout`). `validate.py` calls
`check_instance` once an instance passes the XSD.
"""

from __future__ import annotations

from .catalogue import Rule, Term, load_rules, narrow, parse_rules, rules_for_layout
from .engine import check_instance
from .rounding import Interval

__all__ = ["Interval", "Rule", "Term", "check_instance", "load_rules", "narrow", "parse_rules", "rules_for_layout"]
