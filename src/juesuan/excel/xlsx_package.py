"""The .xlsx zip container (moved out of excel/xlsx.py): the file sniff, the zip checks and limits
applied before anything is decompressed, hardened part parsing and part relationships."""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from lxml import etree

from ..errors import UnusableInput
from ..xmlio import safe_parser

MAX_FILE_BYTES = 50 * 1024 * 1024  # the workbook file itself
MAX_PART_BYTES = 20 * 1024 * 1024  # one part, uncompressed
MAX_TOTAL_BYTES = 100 * 1024 * 1024  # all parts we read, uncompressed
MAX_TAGS = 500_000  # "<" in one part, i.e. tags (what parsing it costs in memory: ~100 MB at most)
MAX_RATIO = 100  # uncompressed / compressed, for parts above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 10_000
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOCTYPE_RE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


# ------------------------------------------------------------------ the container


def _sniff(path: Path, where: str) -> None:
    from ..limits import read_regular, regular_file

    size = regular_file(path, where).st_size  # a FIFO or device (or a symlink to one) is refused
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as e:
        raise UnusableInput.from_os(e, where) from None
    if size == 0:
        raise UnusableInput("empty file", where)
    if size > MAX_FILE_BYTES:
        raise UnusableInput(f"file is {size:,} bytes; a 决算 workbook is far smaller (limit {MAX_FILE_BYTES:,})", where)
    if head == CFB_MAGIC:
        data = read_regular(path, MAX_FILE_BYTES, where, "a workbook")
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
            if info.flag_bits & 0x1:
                raise UnusableInput(f"part {name} is encrypted inside the zip (zip password); a workbook's parts "
                                    "never are: save it again without a password", where)
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
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as e:
            # RuntimeError: zipfile's "File is encrypted, password required" (flag bits checked above)
            raise UnusableInput(f"damaged workbook: cannot read part {name} ({e})", self.where) from None
        if len(data) > MAX_PART_BYTES:
            raise UnusableInput(f"part {name} inflates beyond {MAX_PART_BYTES:,} bytes: refused as a possible zip bomb", self.where)
        return data

    def xml(self, name: str, data: bytes | None = None) -> etree._Element:
        """A part parsed with the hardened parser; a DOCTYPE (in any part, worksheets too) is refused."""
        data = self.read(name) if data is None else data
        tags = data.count(b"<")
        if tags > MAX_TAGS:
            raise UnusableInput(f"part {name} holds {tags:,} XML tags (limit {MAX_TAGS:,}); a 决算 workbook "
                                "holds far fewer", self.where)
        if _DOCTYPE_RE.search(data[:65536]):
            raise UnusableInput(f"part {name} carries a DOCTYPE, which a workbook never has", self.where)
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
