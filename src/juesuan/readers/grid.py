"""Table matching shared by every reader: a grid of cells in, facts and findings out.

Readers (official-layout Excel, tab- or space-separated text, CSV, PDF) turn their input into
`GridRow`s: cells with a physical column index and a `Location`. The shared reader finds the nine
tables by title, maps physical columns to the layout's columns (by 栏次 numbers, else by header text,
else by position), matches rows by classification code or by label (never by fixed address), and
turns the value cells into facts. Every number of a recognised table becomes a fact or a finding.

Its parts, bottom up (this module only gathers their names for the readers):

- readers/cells.py: cells, rows and what a cell's text is (amount, blank, code, unit, furniture);
- readers/accounting.py: numbers seen = placed + reported, per table;
- readers/result.py: what reading a table gives, and the findings about cells;
- readers/header.py: header recognition and the column map;
- readers/rows.py: row matching, repeated headers, rows broken over lines;
- readers/matcher.py: TableMatcher, amount placement;
- readers/doctype.py: 决算 or 预算, 部门 or 单位;
- readers/document.py: a whole document (tables by title, entity, year, units).
"""

from __future__ import annotations

from .accounting import TableAccount, account
from .cells import (AMOUNT_RE, BLANK_MARKS, CENT, CODE_HEADS, CODE_NAME_RE, CODE_PART_RE, HEADER_WORDS, INT_RE,
                    LONE_HEADS, META_RE, SPLIT_CODE_RE, UNIT_RE, UNIT_SCALES, Cell, GridRow, cell_code,
                    MAX_AMOUNT, document_unit, has_cjk, is_amount, is_blank, is_meta, is_numberish, read_amount, round_amount,
                    unit_of)
from .document import (DocumentResult, Regrid, choose_layout, entity_from_department_lines, guess_entity_year,
                       match_title, read_document, require_tables, split_tables)
from .header import BlockMap, NoColumns
from .matcher import TableMatcher
from .result import TableResult, duplicate_finding, rounding_finding, unplaced_findings

__all__ = ["AMOUNT_RE", "BLANK_MARKS", "CENT", "CODE_HEADS", "CODE_NAME_RE", "CODE_PART_RE", "HEADER_WORDS", "INT_RE",
           "LONE_HEADS", "MAX_AMOUNT", "META_RE", "SPLIT_CODE_RE", "UNIT_RE", "UNIT_SCALES", "BlockMap", "Cell",
           "DocumentResult", "GridRow", "NoColumns", "Regrid", "TableAccount",
           "TableMatcher", "TableResult", "account", "cell_code", "choose_layout", "document_unit",
           "duplicate_finding", "entity_from_department_lines", "guess_entity_year", "has_cjk", "is_amount",
           "is_blank", "is_meta", "is_numberish", "match_title", "read_amount", "read_document", "require_tables",
           "round_amount", "rounding_finding", "split_tables", "unit_of", "unplaced_findings"]
