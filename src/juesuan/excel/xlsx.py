"""A small, hardened .xlsx/.xlsm cell reader (zipfile + lxml), for converting untrusted workbooks.

Why not openpyxl for reading: importing openpyxl alone costs more than the whole conversion may
take (see benchmarks/bench_convert_xlsx.py), and a workbook from elsewhere is untrusted input. This
reader checks the container before any XML is parsed (zip structure, declared sizes and compression
ratios, number of parts, each sheet's claimed <dimension>), parses XML with the hardened parser
(no DTD, no entities, no network) and returns only what the converters need: per sheet the cell
values (text or exact decimal), whether a cell holds a formula, the number of decimals its number
format shows, and the merged ranges. Macros (.xlsm) are never looked at.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from lxml import etree

from ..errors import UnusableInput
from ..records import field, record
from .xlsx_package import (  # noqa: F401  (re-exported: the container, its checks and limits)
    CFB_MAGIC, ENCRYPTED_MARK, MAX_FILE_BYTES, MAX_MEMBERS, MAX_PART_BYTES, MAX_RATIO, MAX_TAGS, MAX_TOTAL_BYTES,
    RATIO_FLOOR, _DOCTYPE_RE, _PKG_REL_NS, _Package, _ns, _rels, _sniff,
)

MAX_ROWS = 10_000  # a 决算 table has at most a few hundred rows
MAX_COLS = 256
MAX_CELLS = 100_000  # in the whole workbook: a 决算 workbook has a few thousand
MAX_STRING_CHARS = 32_767  # Excel's own limit for the text of one cell
MAX_TEXT_CHARS = 8 * 1024 * 1024  # all cell text of a workbook, shared strings counted once per cell using them

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REF_RE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")
_DIM_RE = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([^\"]*)\"")
# built-in number formats that show two decimals (0.00, #,##0.00, and the accounting ones)
_BUILTIN_DECIMALS = {2: 2, 4: 2, 7: 2, 8: 2, 10: 2, 11: 2, 39: 2, 40: 2, 43: 2, 44: 2}
# built-in number formats that show a date or a time (ECMA-376 18.8.30, with the East Asian ones)
_BUILTIN_DATES = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
_DATE_CODE_RE = re.compile(r"[dmyhs]", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def col_letter(col: int) -> str:
    """1 -> 'A', 27 -> 'AA'."""
    s = ""
    while col:
        col, rem = divmod(col - 1, 26)
        s = chr(65 + rem) + s
    return s


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def parse_ref(ref: str) -> tuple[int, int]:
    """'E9' -> (9, 5) (row, column), 1-based. Raises ValueError."""
    m = _REF_RE.match(ref.strip().upper())
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)), col_index(m.group(1))


def cell_ref(row: int, col: int) -> str:
    return f"{col_letter(col)}{row}"


def parse_range(ref: str) -> tuple[int, int, int, int]:
    """'A1:C3' -> (1, 1, 3, 3) as (min_row, min_col, max_row, max_col)."""
    a, _, b = ref.partition(":")
    r1, c1 = parse_ref(a)
    r2, c2 = parse_ref(b) if b else (r1, c1)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


@record(frozen=True)
class RawCell:
    """One cell: `value` is a str (text), a Decimal (number), or None (a formula with no cached value).

    `kind` says what a cell is when it is not plain text or a plain number: "date" (a number shown
    in a date format, or a t="d" cell), "error" (t="e": #DIV/0! ...), "bool" (t="b"). Such a cell is
    never an amount: the readers report it at its cell."""

    value: str | Decimal | None
    formula: bool = False
    decimals: int | None = None  # decimals its number format shows, when it is a fixed-decimals format
    kind: str = ""


@record
class Sheet:
    name: str
    state: str  # visible | hidden | veryHidden
    cells: dict[tuple[int, int], RawCell] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


@record
class Workbook:
    path: str
    sheets: list[Sheet]
    date1904: bool = False

    def sheet(self, name: str) -> Sheet | None:
        for s in self.sheets:
            if s.name == name:
                return s
        return None




def _all_text(el: etree._Element) -> str:
    """An element's text, whole even when a comment or processing instruction splits it
    (`<v>12<!--x-->.5</v>` is 12.5, not 12)."""
    return (el.text or "") if not len(el) else "".join(el.itertext())


def _text_of(el: etree._Element, ns: str) -> str:
    """Text of a shared or inline string: its <t> runs, without phonetic (<rPh>) runs."""
    if len(el) == 1:
        only = el[0]
        if only.tag == f"{{{ns}}}t":
            return _all_text(only)
    parts = []
    for r in el:
        if not isinstance(r.tag, str):
            continue
        tag = etree.QName(r).localname
        if tag == "t":
            parts.append(_all_text(r))
        elif tag == "r":
            rt = r.find(f"{{{ns}}}t")
            if rt is not None:
                parts.append(_all_text(rt))
    return "".join(parts)


def _is_date_format(code: str) -> bool:
    first = re.sub(r'"[^"]*"|\\.|\[(?!h\]|m\]|s\]|hh\]|mm\]|ss\])[^\]]*\]', "", code.split(";")[0])
    return first.lower() not in ("general", "@") and bool(_DATE_CODE_RE.search(first))


def _fmt_decimals(code: str) -> int | None:
    first = code.split(";")[0]
    first = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", first)
    m = re.search(r"[0#?](?:[.])([0#?]+)", first)
    if m:
        return len(m.group(1))
    return None


def _styles(pkg: _Package, part: str | None) -> list[tuple[int | None, bool]]:
    """Per cellXfs index: (the decimals its number format shows (None: not a fixed-decimals format),
    whether it shows a date or time)."""
    if not part or not pkg.has(part):
        return []
    root = pkg.xml(part)
    ns = _ns(root)
    custom: dict[int, str] = {}
    fmts = root.find(f"{{{ns}}}numFmts")
    if fmts is not None:
        for f in fmts:
            try:
                custom[int(f.get("numFmtId", "-1"))] = f.get("formatCode", "")
            except ValueError:
                continue
    out = []
    xfs = root.find(f"{{{ns}}}cellXfs")
    if xfs is not None:
        for xf in xfs:
            try:
                fid = int(xf.get("numFmtId", "0"))
            except ValueError:
                fid = 0
            if fid in custom:
                out.append((_fmt_decimals(custom[fid]), _is_date_format(custom[fid])))
            else:
                out.append((_BUILTIN_DECIMALS.get(fid), fid in _BUILTIN_DATES))
    return out


def number(text: str) -> Decimal:
    """A stored number ('1060.2', '1060.2049999999999', '1E-3') as the decimal Excel shows (15 digits)."""
    d = Decimal(text)
    if not d.is_finite():
        raise InvalidOperation
    digits = d.as_tuple().digits
    if len(digits) > 15:
        d = Decimal(format(float(text), ".15g"))
    return d


def _check_dimension(data: bytes, sheet: str, where: str) -> None:
    m = _DIM_RE.search(data[:4096])
    if not m:
        return
    try:
        r1, c1, r2, c2 = parse_range(m.group(1).decode("ascii", "replace"))
    except ValueError:
        return
    if r2 > MAX_ROWS:
        raise UnusableInput.of("input:xlsx-dimension", where, sheet=sheet, rows=r2, range=m.group(1).decode(),
                               limit=MAX_ROWS)


def _read_sheet(pkg: _Package, part: str, sheet: Sheet, strings: list[str], styles: list, where: str,  # long: hot per-cell loop, inline for speed
                budget: list[int]) -> None:
    """`budget`: [characters of cell text still allowed, cells read so far] for the whole workbook
    (shared-string amplification: one long string referenced by many cells; many sheets)."""
    data = pkg.read(part)
    _check_dimension(data, sheet.name, where)
    root = pkg.xml(part, data)
    ns = _ns(root)
    c_tag, v_tag, f_tag, is_tag = (f"{{{ns}}}{t}" for t in ("c", "v", "f", "is"))
    data_el = root.find(f"{{{ns}}}sheetData")
    ncells = budget[1]
    ref_match = _REF_RE.match
    columns: dict[str, int] = {}  # "AB" -> 28, computed once per sheet
    cells = sheet.cells
    if data_el is not None:
        next_row = 1
        for row in data_el:
            r_attr = row.get("r")
            r = int(r_attr) if r_attr and r_attr.isdigit() else next_row
            next_row = r + 1
            if r > MAX_ROWS:
                raise UnusableInput.of("input:xlsx-row", where, sheet=sheet.name, row=r, limit=MAX_ROWS)
            next_col = 1
            for c in row:
                ncells += 1
                if ncells > MAX_CELLS:
                    raise UnusableInput.of("input:xlsx-cells", where, limit=MAX_CELLS, sheet=sheet.name)
                if c.tag != c_tag:
                    continue
                ref = c.get("r")
                if not len(c):  # a styled empty cell: no value, no formula
                    next_col = next_col + 1 if not ref else -1
                    continue
                if ref:
                    m = ref_match(ref)
                    if not m:
                        raise UnusableInput.of("input:xlsx-bad-ref", where, ref=ref, sheet=sheet.name)
                    letters, digits = m.groups()
                    col = columns.get(letters)
                    if col is None:
                        col = columns[letters] = col_index(letters)
                    rr = int(digits)
                else:
                    if next_col < 0:
                        raise UnusableInput.of("input:xlsx-no-ref", where, sheet=sheet.name, row=r)
                    rr, col = r, next_col
                next_col = col + 1
                v = ie = None
                formula = False
                for ch in c:
                    tag = ch.tag
                    if tag == v_tag:
                        v = ch
                    elif tag == f_tag:
                        formula = True
                    elif tag == is_tag:
                        ie = ch
                if col > MAX_COLS:
                    if v is None and ie is None:
                        continue
                    raise UnusableInput.of("input:xlsx-column", where, sheet=sheet.name, column=col_letter(col))
                t = c.get("t", "n")
                s_idx = c.get("s")
                decimals, is_date = None, False
                if s_idx and s_idx.isdigit():
                    i = int(s_idx)
                    if i < len(styles):
                        decimals, is_date = styles[i]
                value: str | Decimal | None
                kind = ""
                vtext = None if v is None else _all_text(v)
                if t == "inlineStr":
                    value = _text_of(ie, ns) if ie is not None else ""
                elif not vtext:
                    if not formula:
                        continue  # a styled empty cell
                    value = None
                elif t == "s":
                    try:
                        value = strings[int(vtext)]
                    except (ValueError, IndexError):
                        raise UnusableInput.of("input:xlsx-shared-string", where, cell=f"{sheet.name}!{cell_ref(rr, col)}") from None
                elif t == "str":
                    value = vtext
                elif t == "d":  # an ISO 8601 date: never an amount
                    value, kind = vtext.strip(), "date"
                elif t == "b":
                    value, kind = ("TRUE" if vtext.strip() == "1" else "FALSE"), "bool"
                elif t == "e":  # an Excel error value (#DIV/0! ...): never an amount
                    value, kind = vtext.strip(), "error"
                else:
                    try:
                        value = number(vtext)
                    except (InvalidOperation, ValueError):
                        value = vtext
                    if is_date and isinstance(value, Decimal):
                        kind = "date"  # a number shown as a date (2021-03-15 is stored as 44270)
                if isinstance(value, str):
                    if len(value) > MAX_STRING_CHARS:
                        raise UnusableInput.of("input:xlsx-cell-text", where, cell=f"{sheet.name}!{cell_ref(rr, col)}",
                                               n=len(value), limit=MAX_STRING_CHARS)
                    budget[0] -= len(value)
                    if budget[0] < 0:
                        raise UnusableInput.of("input:xlsx-text-total", where, limit=MAX_TEXT_CHARS)
                if value == "" and not formula:
                    continue
                cells[(rr, col)] = RawCell(value, formula, decimals, kind)
    budget[1] = ncells
    mc = root.find(f"{{{ns}}}mergeCells")
    if mc is not None:
        for m in mc:
            ref = m.get("ref", "")
            try:
                rng = parse_range(ref)
            except ValueError:
                continue
            if rng[2] <= MAX_ROWS and rng[3] <= MAX_COLS:
                sheet.merges.append(rng)


def open_workbook(path: str | Path, where: str | None = None) -> Workbook:
    """Read every sheet's cells. Raises UnusableInput (one line) for anything that is not a sane workbook."""
    p = Path(path)
    where = where or str(path)
    _sniff(p, where)
    pkg = _Package(p, where)
    try:
        wb_root = pkg.xml("xl/workbook.xml")
        ns = _ns(wb_root)
        rels = _rels(pkg, "xl/workbook.xml")
        pr = wb_root.find(f"{{{ns}}}workbookPr")
        date1904 = pr is not None and pr.get("date1904", "0") in ("1", "true")
        strings: list[str] = []
        styles_part = None
        # shared strings and styles: by relationship type, falling back to the usual names
        sst_part = "xl/sharedStrings.xml" if pkg.has("xl/sharedStrings.xml") else None
        for typ, target in rels.values():
            if typ.endswith("/sharedStrings") and target:
                sst_part = target
            elif typ.endswith("/styles") and target:
                styles_part = target
        if styles_part is None and pkg.has("xl/styles.xml"):
            styles_part = "xl/styles.xml"
        if sst_part and pkg.has(sst_part):
            sroot = pkg.xml(sst_part)
            sns = _ns(sroot)
            strings = [_text_of(si, sns) for si in sroot.iter(f"{{{sns}}}si")]
            if len(strings) > MAX_CELLS:
                raise UnusableInput.of("input:xlsx-strings", where, n=len(strings))
        styles = _styles(pkg, styles_part)
        sheets = []
        budget = [MAX_TEXT_CHARS, 0]
        sheets_el = wb_root.find(f"{{{ns}}}sheets")
        for s in (sheets_el if sheets_el is not None else []):
            name = s.get("name", "")
            rid = s.get(f"{{{_REL_NS}}}id") or s.get("{http://purl.oclc.org/ooxml/officeDocument/relationships}id")
            part = rels.get(rid or "", ("", ""))[1]
            sheet = Sheet(name, s.get("state", "visible"))
            if part and pkg.has(part) and not part.endswith(("chartsheet.xml",)) and "/chartsheets/" not in part:
                _read_sheet(pkg, part, sheet, strings, styles, where, budget)
            sheets.append(sheet)
        return Workbook(where, sheets, date1904)
    finally:
        pkg.close()
