"""Hardened reading and canonical, atomic writing of instance XML.

Parsing never resolves entities, never touches the network, never loads a DTD and keeps lxml's
huge_tree protection on. A document that carries a DOCTYPE at all is refused: instances have no use
for one, and refusing it closes the door on entity tricks (billion laughs, external entities).
"""

from __future__ import annotations

import os
import re
from decimal import Decimal

from lxml import etree

from .errors import UnusableInput
from .model import HEADER_FIELDS, Fact, Header, Instance, Location, NarrativeBlock, format_amount, parse_amount

MAX_XML_BYTES = 32 * 1024 * 1024  # a department's instance is a few hundred KB at most
NS = "urn:juesuan:1.0"
_PLAIN_AMOUNT = re.compile(r"-?[0-9]+\.[0-9][0-9]").fullmatch  # "2001.35": an amount as juesuan writes it


_DOCTYPE_RE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def xml_text(s: str) -> str:
    """Escape character data for XML written as text (as xml.sax.saxutils.escape, whose import pulls in
    urllib.request and http.client)."""
    return s.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def xml_attr(s: str) -> str:
    """An attribute value with its quotes, as xml.sax.saxutils.quoteattr writes it."""
    s = xml_text(s).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in s:
        return f'"{s}"'
    if "'" not in s:
        return f"'{s}'"
    return '"' + s.replace('"', "&quot;") + '"'


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def read_bytes(path: str | os.PathLike, limit: int = MAX_XML_BYTES) -> bytes:
    """At most `limit` bytes of a regular file (a FIFO, device or socket is refused: juesuan.limits)."""
    from .limits import read_regular

    return read_regular(path, limit, str(path), "an instance")


def parse_xml(data: bytes, where: str = "") -> etree._ElementTree:
    """Parse untrusted XML bytes into a tree, or raise UnusableInput with one line."""
    if not data.strip():
        raise UnusableInput.of("input:empty", where)
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise UnusableInput.of("input:xml-utf32", where)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:2] in (b"<\x00", b"\x00<"):
        raise UnusableInput.of("input:xml-utf16", where)
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnusableInput.of("input:xml-binary", where)
    head = data[:4096].lstrip()
    if not head.startswith(b"<") and not head.startswith(b"\xef\xbb\xbf<"):
        raise UnusableInput.of("input:not-xml", where)
    if _DOCTYPE_RE.search(data[:65536]):
        raise UnusableInput.of("input:xml-doctype", where)
    try:
        tree = etree.ElementTree(etree.fromstring(data, safe_parser()))
    except etree.XMLSyntaxError as e:
        line = getattr(e, "lineno", None)
        msg = str(e.msg if hasattr(e, "msg") else e).splitlines()[0]
        msg = re.sub(r",? line \d+, column \d+$", "", msg)
        if line:
            raise UnusableInput.of("input:xml-malformed-line", where, line=line, reason=msg) from None
        raise UnusableInput.of("input:xml-malformed", where, reason=msg) from None
    di = tree.docinfo
    if di.doctype or di.internalDTD is not None or di.externalDTD is not None:
        raise UnusableInput.of("input:xml-doctype", where)
    for _ in tree.iter(etree.Entity):  # filtered in C: no proxy object per element
        raise UnusableInput.of("input:xml-entity", where)
    return tree


def load_tree(path: str | os.PathLike) -> etree._ElementTree:
    return parse_xml(read_bytes(path), str(path))


def fact_text(el: etree._Element) -> str:
    """A fact's character data as the XSD reads it: its text and the text after any comment or
    processing instruction inside it (`1980<!--x-->.73` is 1980.73; a comment's content is not text).
    A fact has simple content, so any child element makes it invalid for the XSD anyway."""
    if len(el) == 0:
        return el.text or ""
    return (el.text or "") + "".join(child.tail or "" for child in el)


def _text(el: etree._Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


# long: the per-fact loop is inlined on purpose (it runs 200,000 times for a large instance)
def instance_from_tree(tree: etree._ElementTree, where: str = "", on_duplicate=None) -> Instance:
    """Read an instance from a parsed tree. Assumes nothing about validity beyond the shape needed.

    Raises UnusableInput when the document is not a juesuan instance at all (wrong root or
    namespace). Values that do not parse are skipped here; schema validation reports them. A fact
    whose (concept, code) an earlier one holds is not added; `on_duplicate(element)` hears of it.
    """
    root = tree.getroot()
    if etree.QName(root).localname != "report" or etree.QName(root).namespace != NS:
        raise UnusableInput.of("input:not-an-instance", where, root=root.tag, expected=f"{{{NS}}}report")
    q = lambda n: f"{{{NS}}}{n}"  # noqa: E731
    hdr = root.find(q("header"))
    kids: dict[str, etree._Element] = {}  # the header's first element of each tag (what find() returns)
    for el in hdr if hdr is not None else ():
        if isinstance(el.tag, str):
            kids.setdefault(el.tag, el)
    # an empty or missing field takes Header's default (a record keeps it as the class attribute)
    values = {f.attr: _text(kids.get(q(f.tag))) or getattr(Header, f.attr, "") for f in HEADER_FIELDS}
    try:
        values["fiscal_year"] = int(values["fiscal_year"])
    except ValueError:
        values["fiscal_year"] = 0
    header = Header(**values)
    tables = root.findtext(q("tables"))
    inst = Instance(header, source=where, tables=tuple(tables.split()) if tables else ())
    facts_el = root.find(q("facts"))
    if facts_el is not None:
        # A fact's path names it by concept and code (stable when facts are reordered, and readable:
        # /report/facts/IncTotal[@code='210']); computing it is O(1), where tree.getpath() is O(n).
        # a valid instance's facts are all in NS ("{urn:juesuan:1.0}IncTotal"): slicing the tag (once
        # per concept) is several times cheaper than etree.QName, which stays for anything else
        cut = len(NS) + 2
        prefix = f"{{{NS}}}"
        names: dict[str, str] = {}  # tag -> local name, one string per concept

        def local(tag: str) -> str:
            name = names.get(tag)
            if name is None:
                name = names[tag] = tag[cut:] if tag.startswith(prefix) else etree.QName(tag).localname
            return name

        plain = _PLAIN_AMOUNT
        coded: set[str] = set()
        uncoded: list[Fact] = []  # facts without code: their path depends on whether the concept has coded ones
        facts = inst.facts
        for el in facts_el:
            tag = el.tag
            if not isinstance(tag, str):
                continue
            name = names.get(tag) or local(tag)
            code = el.get("code")
            if code:
                coded.add(name)
            text = el.text or "" if len(el) == 0 else fact_text(el)
            if plain(text):  # what parse_amount returns for it, without its clean-up
                value = Decimal(text)
            else:
                try:
                    value = parse_amount(text)
                except ValueError:
                    continue  # the XSD reports it
            if code:
                loc = Location(where, "", "", el.sourceline, f"/report/facts/{name}[@code='{code}']")
            else:
                code = None
                loc = Location(where, "", "", el.sourceline, f"/report/facts/{name}")
            fact = Fact(name, code, value, loc, 2, el.get("src", ""))
            if facts.add(fact) is not None:
                if on_duplicate:
                    on_duplicate(el)
            elif code is None:
                uncoded.append(fact)
        for f in uncoded:
            if f.concept in coded:  # /report/facts/IncTotal[not(@code)] beside IncTotal[@code='201']
                loc = f.location
                facts.put(Fact(f.concept, None, f.value, Location(where, "", "", loc.line, f"{loc.xpath}[not(@code)]"),
                               f.decimals, f.origin))
    narr = root.find(q("narrative"))
    if narr is not None:
        for el in narr.findall(q("block")):
            inst.narrative.append(
                NarrativeBlock(
                    el.get("key", ""),
                    el.get("title", ""),
                    el.text or "",
                    Location(file=where, line=el.sourceline, xpath=tree.getpath(el)),
                )
            )
    return inst


def load_instance(path: str | os.PathLike) -> Instance:
    return instance_from_tree(load_tree(path), str(path))


def instance_to_tree(inst: Instance, keep_source: bool = True) -> etree._ElementTree:
    """Canonical XML for an instance: header fields in schema order, facts sorted by concept and code."""
    E = lambda tag: etree.Element(f"{{{NS}}}{tag}", nsmap={None: NS})  # noqa: E731
    root = E("report")
    hdr = etree.SubElement(root, f"{{{NS}}}header")
    for f in HEADER_FIELDS:
        v = str(getattr(inst.header, f.attr))
        if v or f.required:
            etree.SubElement(hdr, f"{{{NS}}}{f.tag}").text = v
    if inst.tables:  # only some of the layout's tables were in the source
        etree.SubElement(root, f"{{{NS}}}tables").text = " ".join(inst.tables)
    facts = etree.SubElement(root, f"{{{NS}}}facts")
    for f in inst.sorted_facts():
        el = etree.SubElement(facts, f"{{{NS}}}{f.concept}")
        if f.code:
            el.set("code", f.code)
        if keep_source and f.origin:
            el.set("src", f.origin)
        el.text = format_amount(f.value) if isinstance(f.value, Decimal) else str(f.value)
    if inst.narrative:
        narr = etree.SubElement(root, f"{{{NS}}}narrative")
        for b in inst.narrative:
            el = etree.SubElement(narr, f"{{{NS}}}block")
            el.set("key", b.key)
            if b.title:
                el.set("title", b.title)
            el.text = b.text
    _indent(root)
    return etree.ElementTree(root)


def _indent(root: etree._Element) -> None:
    etree.indent(root, space="  ")
    narr = root.find(f"{{{NS}}}narrative")
    if narr is not None:  # indentation must not change the narrative text
        for el in narr:
            el.tail = "\n    " if el.getnext() is not None else "\n  "


def instance_to_bytes(inst: Instance, keep_source: bool = True) -> bytes:
    try:
        tree = instance_to_tree(inst, keep_source)
    except ValueError as e:  # lxml: "All strings must be XML compatible" (a control character)
        raise UnusableInput(f"cannot write the instance: {e}", inst.source, code="output:instance-characters",
                            values={"reason": str(e)}) from None
    body = etree.tostring(tree, encoding="UTF-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"


def atomic_write(path: str | os.PathLike, data: bytes) -> None:
    """Write bytes to path via a temporary file in the same folder and a rename (juesuan.limits.write_all
    of one file: a directory, FIFO or device node is never replaced).

    A folder that does not exist or cannot be written is an OutputError (one line, exit 2); the
    target is never left half-written and no temporary file stays behind.
    """
    from .limits import write_all

    write_all({os.fspath(path): data})


def _create_temp(folder: str, name: str) -> tuple[int, str]:
    """A new temporary file next to an output (juesuan.limits._create_temp: exclusive, mode 0600)."""
    from .limits import _create_temp as create

    return create(folder, name)


def save_instance(inst: Instance, path: str | os.PathLike, keep_source: bool = True) -> None:
    atomic_write(path, instance_to_bytes(inst, keep_source))
