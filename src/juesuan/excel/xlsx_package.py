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
        raise UnusableInput.of("input:xlsx-empty", where)
    if size > MAX_FILE_BYTES:
        raise UnusableInput.of("input:xlsx-too-large", where, size=size, limit=MAX_FILE_BYTES)
    if head == CFB_MAGIC:
        data = read_regular(path, MAX_FILE_BYTES, where, "a workbook")
        if ENCRYPTED_MARK in data:
            raise UnusableInput.of("input:xlsx-encrypted", where)
        raise UnusableInput.of("input:xlsx-ole2", where)
    if not head.startswith(b"PK"):
        raise UnusableInput.of("input:xlsx-not-zip", where)


class _Package:
    """The zip container, checked before anything is decompressed."""

    def __init__(self, path: Path, where: str):
        self.where = where
        try:
            self.zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as e:
            raise UnusableInput.of("input:xlsx-bad-zip", where, reason=str(e)) from None
        infos = self.zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise UnusableInput.of("input:xlsx-parts", where, n=len(infos))
        self.infos = {}
        for info in infos:
            name = info.filename
            if info.flag_bits & 0x1:
                raise UnusableInput.of("input:xlsx-part-encrypted", where, part=name)
            if info.file_size > MAX_PART_BYTES:
                raise UnusableInput.of("input:xlsx-part-too-large", where, part=name, size=info.file_size,
                                       limit=MAX_PART_BYTES)
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise UnusableInput.of("input:xlsx-part-ratio", where, part=name,
                                       ratio=info.file_size // max(info.compress_size, 1), limit=MAX_RATIO)
            self.infos[name] = info
        self.read_total = 0
        if "[Content_Types].xml" not in self.infos or "xl/workbook.xml" not in self.infos:
            if "EncryptedPackage" in self.infos:
                raise UnusableInput.of("input:xlsx-encrypted-package", where)
            raise UnusableInput.of("input:xlsx-no-workbook", where, part="xl/workbook.xml")

    def has(self, name: str) -> bool:
        return name in self.infos

    def read(self, name: str) -> bytes:
        info = self.infos.get(name)
        if info is None:
            raise UnusableInput.of("input:xlsx-part-missing", self.where, part=name)
        self.read_total += info.file_size
        if self.read_total > MAX_TOTAL_BYTES:
            raise UnusableInput.of("input:xlsx-total-too-large", self.where, limit=MAX_TOTAL_BYTES)
        try:
            with self.zf.open(info) as fh:
                data = fh.read(MAX_PART_BYTES + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as e:
            # RuntimeError: zipfile's "File is encrypted, password required" (flag bits checked above)
            raise UnusableInput.of("input:xlsx-part-unreadable", self.where, part=name, reason=str(e)) from None
        if len(data) > MAX_PART_BYTES:
            raise UnusableInput.of("input:xlsx-part-inflates", self.where, part=name, limit=MAX_PART_BYTES)
        return data

    def xml(self, name: str, data: bytes | None = None) -> etree._Element:
        """A part parsed with the hardened parser; a DOCTYPE (in any part, worksheets too) is refused."""
        data = self.read(name) if data is None else data
        tags = data.count(b"<")
        if tags > MAX_TAGS:
            raise UnusableInput.of("input:xlsx-tags", self.where, part=name, n=tags, limit=MAX_TAGS)
        if _DOCTYPE_RE.search(data[:65536]):
            raise UnusableInput.of("input:xlsx-doctype", self.where, part=name)
        try:
            root = etree.fromstring(data, safe_parser())
        except etree.XMLSyntaxError as e:
            raise UnusableInput.of("input:xlsx-part-not-xml", self.where, part=name, reason=e.msg) from None
        if root.getroottree().docinfo.doctype:
            raise UnusableInput.of("input:xlsx-doctype", self.where, part=name)
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
