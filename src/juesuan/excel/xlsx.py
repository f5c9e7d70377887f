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
import zipfile
import zlib
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath

from lxml import etree

from ..errors import UnusableInput
from ..records import field, record
from ..xmlio import safe_parser

MAX_FILE_BYTES = 50 * 1024 * 1024  # the workbook file itself
MAX_PART_BYTES = 50 * 1024 * 1024  # one part, uncompressed
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # all parts we read, uncompressed
MAX_RATIO = 100  # uncompressed / compressed, for parts above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 10_000
MAX_ROWS = 10_000  # a 决算 table has at most a few hundred rows
MAX_COLS = 256
MAX_CELLS = 500_000

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_REF_RE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")
_DIM_RE = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([^\"]*)\"")
# built-in number formats that show two decimals (0.00, #,##0.00, and the accounting ones)
_BUILTIN_DECIMALS = {2: 2, 4: 2, 7: 2, 8: 2, 10: 2, 11: 2, 39: 2, 40: 2, 43: 2, 44: 2}


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
    """One cell: `value` is a str (text), a Decimal (number), or None (a formula with no cached value)."""

    value: str | Decimal | None
    formula: bool = False
    decimals: int | None = None  # decimals its number format shows, when it is a fixed-decimals format


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


# ------------------------------------------------------------------ the container


def _sniff(path: Path, where: str) -> None:
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as e:
        raise UnusableInput.from_os(e, where) from None
    if size == 0:
        raise UnusableInput("empty file", where)
    if size > MAX_FILE_BYTES:
        raise UnusableInput(f"file is {size:,} bytes; a 决算 workbook is far smaller (limit {MAX_FILE_BYTES:,})", where)
    if head == CFB_MAGIC:
        data = path.read_bytes()
        if ENCRYPTED_MARK in data:
            raise UnusableInput("the workbook is encrypted (password-protected); remove the password in Excel "
                                "(File > Info > Protect Workbook) or LibreOffice and save it again as .xlsx", where)
        raise UnusableInput("this is an old binary .xls workbook (OLE2 file), not .xlsx; open it in Excel or "
                            "LibreOffice and save it as .xlsx", where)
    if not head.startswith(b"PK"):
        raise UnusableInput("not an .xlsx workbook (not a zip file)", where)


class _Package:
    """The zip container, checked before anything is decompressed."""

    def __init__(self, path: Path, where: str):
        self.where = where
        try:
            self.zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as e:
            raise UnusableInput(f"not a readable .xlsx workbook (damaged or truncated zip: {e})", where) from None
        infos = self.zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise UnusableInput(f"the zip holds {len(infos):,} parts; a workbook has a few dozen", where)
        self.infos = {}
        for info in infos:
            name = info.filename
            if info.file_size > MAX_PART_BYTES:
                raise UnusableInput(f"part {name} would inflate to {info.file_size:,} bytes (limit {MAX_PART_BYTES:,}): "
                                    "refused as a possible zip bomb", where)
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise UnusableInput(f"part {name} compresses {info.file_size // max(info.compress_size, 1):,}:1 "
                                    f"(limit {MAX_RATIO}:1): refused as a possible zip bomb", where)
            self.infos[name] = info
        self.read_total = 0
        if "[Content_Types].xml" not in self.infos or "xl/workbook.xml" not in self.infos:
            if "EncryptedPackage" in self.infos:
                raise UnusableInput("the workbook is encrypted (password-protected); remove the password and save it again", where)
            raise UnusableInput("not an Excel workbook (no xl/workbook.xml in the zip)", where)

    def has(self, name: str) -> bool:
        return name in self.infos

    def read(self, name: str) -> bytes:
        info = self.infos.get(name)
        if info is None:
            raise UnusableInput(f"damaged workbook: part {name} is missing", self.where)
        self.read_total += info.file_size
        if self.read_total > MAX_TOTAL_BYTES:
            raise UnusableInput(f"the workbook inflates to more than {MAX_TOTAL_BYTES:,} bytes: refused as a possible zip bomb", self.where)
        try:
            with self.zf.open(info) as fh:
                data = fh.read(MAX_PART_BYTES + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as e:
            raise UnusableInput(f"damaged workbook: cannot read part {name} ({e})", self.where) from None
        if len(data) > MAX_PART_BYTES:
            raise UnusableInput(f"part {name} inflates beyond {MAX_PART_BYTES:,} bytes: refused as a possible zip bomb", self.where)
        return data

    def xml(self, name: str) -> etree._Element:
        data = self.read(name)
        try:
            root = etree.fromstring(data, safe_parser())
        except etree.XMLSyntaxError as e:
            raise UnusableInput(f"damaged workbook: part {name} is not well-formed XML ({e.msg})", self.where) from None
        if root.getroottree().docinfo.doctype:
            raise UnusableInput(f"part {name} carries a DOCTYPE, which a workbook never has", self.where)
        return root

    def close(self) -> None:
        self.zf.close()


def _ns(root: etree._Element) -> str:
    return etree.QName(root).namespace or ""


def _rels(pkg: _Package, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: Id -> (Type, the target part's name in the package)."""
    p = PurePosixPath(part)
    rels_name = str(p.parent / "_rels" / (p.name + ".rels"))
    if not pkg.has(rels_name):
        return {}
    out = {}
    for rel in pkg.xml(rels_name).iter(f"{{{_PKG_REL_NS}}}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        if target.startswith("/"):
            full = target.lstrip("/")
        else:
            parts: list[str] = []
            for seg in (str(p.parent) + "/" + target).split("/"):
                if seg == "..":
                    if parts:
                        parts.pop()
                elif seg and seg != ".":
                    parts.append(seg)
            full = "/".join(parts)
        out[rel.get("Id", "")] = (rel.get("Type", ""), full)
    return out


def _text_of(el: etree._Element, ns: str) -> str:
    """Text of a shared or inline string: its <t> runs, without phonetic (<rPh>) runs."""
    if len(el) == 1:
        only = el[0]
        if only.tag == f"{{{ns}}}t":
            return only.text or ""
    parts = []
    for r in el:
        tag = etree.QName(r).localname
        if tag == "t":
            parts.append(r.text or "")
        elif tag == "r":
            rt = r.find(f"{{{ns}}}t")
            if rt is not None:
                parts.append(rt.text or "")
    return "".join(parts)


def _fmt_decimals(code: str) -> int | None:
    first = code.split(";")[0]
    first = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", first)
    m = re.search(r"[0#?](?:[.])([0#?]+)", first)
    if m:
        return len(m.group(1))
    return None


def _styles(pkg: _Package, part: str | None) -> list[int | None]:
    """Per cellXfs index: the decimals its number format shows (None: not a fixed-decimals format)."""
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
                out.append(_fmt_decimals(custom[fid]))
            else:
                out.append(_BUILTIN_DECIMALS.get(fid))
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
        raise UnusableInput(f"sheet {sheet!r} claims {r2:,} rows ({m.group(1).decode()}); a 决算 table has at most "
                            f"{MAX_ROWS:,}: delete the empty rows or the sheet and save again", where)


def _read_sheet(pkg: _Package, part: str, sheet: Sheet, strings: list[str], styles: list, where: str) -> None:
    data = pkg.read(part)
    _check_dimension(data, sheet.name, where)
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as e:
        raise UnusableInput(f"damaged workbook: sheet {sheet.name!r} is not well-formed XML ({e.msg})", where) from None
    ns = _ns(root)
    c_tag, v_tag, f_tag, is_tag = (f"{{{ns}}}{t}" for t in ("c", "v", "f", "is"))
    data_el = root.find(f"{{{ns}}}sheetData")
    ncells = 0
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
                raise UnusableInput(f"sheet {sheet.name!r} has data in row {r:,}; a 决算 table has at most {MAX_ROWS:,} rows", where)
            next_col = 1
            for c in row:
                if c.tag != c_tag:
                    continue
                ncells += 1
                if ncells > MAX_CELLS:
                    raise UnusableInput(f"sheet {sheet.name!r} has more than {MAX_CELLS:,} cells", where)
                ref = c.get("r")
                if not len(c):  # a styled empty cell: no value, no formula
                    next_col = next_col + 1 if not ref else -1
                    continue
                if ref:
                    m = ref_match(ref)
                    if not m:
                        raise UnusableInput(f"damaged workbook: bad cell reference {ref!r} in sheet {sheet.name!r}", where)
                    letters, digits = m.groups()
                    col = columns.get(letters)
                    if col is None:
                        col = columns[letters] = col_index(letters)
                    rr = int(digits)
                else:
                    if next_col < 0:
                        raise UnusableInput(f"damaged workbook: a cell without a reference in sheet {sheet.name!r}, row {r}", where)
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
                    raise UnusableInput(f"sheet {sheet.name!r} has data in column {col_letter(col)}; a 决算 table is far narrower", where)
                if v is not None and len(v):  # a comment or PI inside <v>: its text is what is around them
                    v.text = (v.text or "") + "".join(x.tail or "" for x in v)
                t = c.get("t", "n")
                s_idx = c.get("s")
                decimals = None
                if s_idx and s_idx.isdigit():
                    i = int(s_idx)
                    if i < len(styles):
                        decimals = styles[i]
                value: str | Decimal | None
                if t == "inlineStr":
                    value = _text_of(ie, ns) if ie is not None else ""
                elif v is None or v.text is None:
                    if not formula:
                        continue  # a styled empty cell
                    value = None
                elif t == "s":
                    try:
                        value = strings[int(v.text)]
                    except (ValueError, IndexError):
                        raise UnusableInput(f"damaged workbook: {sheet.name}!{cell_ref(rr, col)} points to a missing shared string", where) from None
                elif t in ("str", "d"):
                    value = v.text
                elif t == "b":
                    value = "TRUE" if v.text.strip() == "1" else "FALSE"
                elif t == "e":  # an Excel error value (#DIV/0! ...): text, so it is not an amount
                    value = v.text
                else:
                    try:
                        value = number(v.text)
                    except (InvalidOperation, ValueError):
                        value = v.text
                if value == "" and not formula:
                    continue
                cells[(rr, col)] = RawCell(value, formula, decimals)
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
        styles = _styles(pkg, styles_part)
        sheets = []
        sheets_el = wb_root.find(f"{{{ns}}}sheets")
        for s in (sheets_el if sheets_el is not None else []):
            name = s.get("name", "")
            rid = s.get(f"{{{_REL_NS}}}id") or s.get("{http://purl.oclc.org/ooxml/officeDocument/relationships}id")
            part = rels.get(rid or "", ("", ""))[1]
            sheet = Sheet(name, s.get("state", "visible"))
            if part and pkg.has(part) and not part.endswith(("chartsheet.xml",)) and "/chartsheets/" not in part:
                _read_sheet(pkg, part, sheet, strings, styles, where)
            sheets.append(sheet)
        return Workbook(where, sheets, date1904)
    finally:
        pkg.close()
