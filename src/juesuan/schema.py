"""The instance XSD: generated from the taxonomy, and validation against it.

`build_xsd()` derives the schema text (committed as schemas/xsd/<taxonomy>.xsd; a test proves the
committed file is current). Validation uses lxml (libxml2); its errors are translated into catalogue
findings (messages/schema.toml). xmlschema is a second, independent validator the tests hold it to.
"""

from __future__ import annotations

import functools
import os
import re
from typing import TYPE_CHECKING

from lxml import etree

from .findings import Finding
from .model import HEADER_FIELDS, Location
from .defaults import DEFAULT_TAXONOMY
from .taxonomy import Taxonomy, load_taxonomy, resource_dir
from .xmlio import NS, fact_text, safe_parser, xml_text

if TYPE_CHECKING:
    from pathlib import Path

XS = "http://www.w3.org/2001/XMLSchema"


def xsd_file(taxonomy_id: str = DEFAULT_TAXONOMY) -> str:
    return os.path.join(resource_dir(), "schemas", "xsd", f"{taxonomy_id}.xsd")


def xsd_path(taxonomy_id: str = DEFAULT_TAXONOMY) -> Path:
    """`xsd_file()` as a Path (validation itself does not import pathlib: see taxonomy.resource_dir)."""
    from pathlib import Path  # noqa: PLC0415

    return Path(xsd_file(taxonomy_id))


def build_xsd(tax: Taxonomy) -> str:
    """The XSD 1.0 text for a taxonomy: self-contained, no imports, deterministic."""
    L: list[str] = []
    a = L.append
    a('<?xml version="1.0" encoding="UTF-8"?>')
    a("<!-- GENERATED from taxonomies/%s by `python -m juesuan.derive`. Do not edit by hand. -->" % tax.id)
    a(
        f'<xs:schema xmlns:xs="{XS}" xmlns:j="{tax.namespace}" targetNamespace="{tax.namespace}"'
        f' elementFormDefault="qualified" attributeFormDefault="unqualified" version="{tax.id}">'
    )
    a("  <xs:annotation><xs:documentation xml:lang=\"en\">juesuan instance schema for taxonomy "
      f"{tax.id}: a department final-accounts disclosure (部门决算公开) as a header, facts in 万元 and "
      "narrative blocks. XSD 1.0, self-contained.</xs:documentation></xs:annotation>")
    _simple_types(a, tax)
    _fact_types(a)
    _elements(a, tax)
    _tables_element(a, tax)
    # ---- root
    a('  <xs:element name="report"><xs:complexType><xs:sequence>')
    a('    <xs:element ref="j:header"/><xs:element ref="j:tables" minOccurs="0"/><xs:element ref="j:facts"/>'
      '<xs:element ref="j:narrative" minOccurs="0"/>')
    a("  </xs:sequence></xs:complexType></xs:element>")
    a("</xs:schema>")
    return "\n".join(L) + "\n"


def _simple_types(a, tax: Taxonomy) -> None:
    # ---- simple types
    # Code patterns are written as nested optional groups, not as alternations: libxml2 accepts
    # "3010101" for the pattern ([0-9]{3}|[0-9]{5}) (tests/test_validate.py pins this).
    a('  <xs:simpleType name="amount"><xs:annotation><xs:documentation>An amount in 万元 with at most two '
      "fraction digits.</xs:documentation></xs:annotation>")
    a('    <xs:restriction base="xs:decimal"><xs:totalDigits value="18"/><xs:fractionDigits value="2"/>'
      "</xs:restriction></xs:simpleType>")
    a('  <xs:simpleType name="functionCode"><xs:annotation><xs:documentation>功能分类科目编码: 类 (3 digits), '
      "款 (5) or 项 (7). Empty means the table's 合计 row.</xs:documentation></xs:annotation>")
    a('    <xs:restriction base="xs:string"><xs:pattern value="([0-9]{3}([0-9]{2}([0-9]{2})?)?)?"/></xs:restriction>'
      "</xs:simpleType>")
    a('  <xs:simpleType name="economicCode"><xs:annotation><xs:documentation>经济分类科目编码: 类 (3 digits) or '
      "款 (5).</xs:documentation></xs:annotation>")
    a('    <xs:restriction base="xs:string"><xs:pattern value="[0-9]{3}([0-9]{2})?"/></xs:restriction>'
      "</xs:simpleType>")
    a('  <xs:simpleType name="uscc"><xs:annotation><xs:documentation>统一社会信用代码 (GB 32100-2015), 18 '
      "characters.</xs:documentation></xs:annotation>")
    a('    <xs:restriction base="xs:string"><xs:pattern value="[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}'
      '[0-9A-HJ-NPQRTUWXY]{10}"/></xs:restriction></xs:simpleType>')
    a('  <xs:simpleType name="nonEmptyText"><xs:restriction base="xs:string"><xs:minLength value="1"/>'
      '<xs:maxLength value="200"/><xs:pattern value=".*[^\\s].*"/></xs:restriction></xs:simpleType>')
    a('  <xs:simpleType name="fiscalYear"><xs:restriction base="xs:integer"><xs:minInclusive value="2000"/>'
      '<xs:maxInclusive value="2100"/></xs:restriction></xs:simpleType>')
    a('  <xs:simpleType name="taxonomyId"><xs:restriction base="xs:string">'
      f'<xs:enumeration value="{tax.id}"/></xs:restriction></xs:simpleType>')
    a('  <xs:simpleType name="layoutId"><xs:restriction base="xs:string">')
    for lid in sorted(tax.layouts):
        a(f'    <xs:enumeration value="{lid}"/>')
    a("  </xs:restriction></xs:simpleType>")
    a('  <xs:simpleType name="unit"><xs:restriction base="xs:string"><xs:enumeration value="万元"/>'
      "</xs:restriction></xs:simpleType>")
    a('  <xs:simpleType name="status"><xs:restriction base="xs:string"><xs:enumeration value="draft"/>'
      '<xs:enumeration value="final"/></xs:restriction></xs:simpleType>')


def _fact_types(a) -> None:
    # ---- fact types
    src = '<xs:attribute name="src" type="xs:string"><xs:annotation><xs:documentation>Where a converter read ' \
          "the value: sheet!cell or line N.</xs:documentation></xs:annotation></xs:attribute>"
    a('  <xs:complexType name="amountFact"><xs:simpleContent><xs:extension base="j:amount">')
    a(f"    {src}")
    a("  </xs:extension></xs:simpleContent></xs:complexType>")
    a('  <xs:complexType name="functionFact"><xs:simpleContent><xs:extension base="j:amount">')
    a('    <xs:attribute name="code" type="j:functionCode" default=""/>')
    a(f"    {src}")
    a("  </xs:extension></xs:simpleContent></xs:complexType>")
    a('  <xs:complexType name="economicFact"><xs:simpleContent><xs:extension base="j:amount">')
    a('    <xs:attribute name="code" type="j:economicCode" use="required"/>')
    a(f"    {src}")
    a("  </xs:extension></xs:simpleContent></xs:complexType>")


def _elements(a, tax: Taxonomy) -> None:
    # ---- concept elements
    ftype = {"none": "amountFact", "function": "functionFact", "economic": "economicFact"}
    for c in tax.concepts.values():
        st = tax.statements[c.statement]["zh"]
        a(f'  <xs:element name="{c.id}" type="j:{ftype[c.dim]}">')
        a(f'    <xs:annotation><xs:documentation xml:lang="zh">{xml_text(st)}：{xml_text(c.zh)}</xs:documentation>'
          f'<xs:documentation xml:lang="en">{xml_text(c.en)}</xs:documentation></xs:annotation>')
        a("  </xs:element>")
    # ---- header
    a('  <xs:element name="header"><xs:complexType><xs:sequence>')
    for f in HEADER_FIELDS:
        optional = "" if f.required else ' minOccurs="0"'
        a(f'    <xs:element name="{f.tag}" type="{f.xsd}"{optional}/>')
    a("  </xs:sequence></xs:complexType></xs:element>")
    # ---- facts with identity constraints
    a('  <xs:element name="facts"><xs:complexType><xs:choice minOccurs="0" maxOccurs="unbounded">')
    for c in tax.concepts.values():
        a(f'    <xs:element ref="j:{c.id}"/>')
    a("  </xs:choice></xs:complexType>")
    for c in tax.concepts.values():
        if c.dim == "none":
            a(f'    <xs:unique name="once-{c.id}"><xs:selector xpath="."/><xs:field xpath="j:{c.id}"/></xs:unique>')
        else:
            a(f'    <xs:unique name="once-{c.id}"><xs:selector xpath="j:{c.id}"/><xs:field xpath="@code"/>'
              "</xs:unique>")
    a("  </xs:element>")
    # ---- narrative
    a('  <xs:element name="narrative"><xs:complexType><xs:sequence>')
    a('    <xs:element name="block" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:simpleContent>'
      '<xs:extension base="xs:string"><xs:attribute name="key" type="xs:string" use="required"/>'
      '<xs:attribute name="title" type="xs:string"/></xs:extension></xs:simpleContent></xs:complexType>'
      "</xs:element>")
    a("  </xs:sequence></xs:complexType>")
    a('    <xs:unique name="block-key"><xs:selector xpath="j:block"/><xs:field xpath="@key"/></xs:unique>')
    a("  </xs:element>")


def _tables_element(a, tax: Taxonomy) -> None:
    # ---- tables present
    ids = sorted({t.id for lid in sorted(tax.layouts) for t in tax.layouts[lid].tables})
    a('  <xs:simpleType name="tableId"><xs:restriction base="xs:string">')
    for tid in ids:
        a(f'    <xs:enumeration value="{tid}"/>')
    a("  </xs:restriction></xs:simpleType>")
    a('  <xs:simpleType name="tableIds"><xs:list itemType="j:tableId"/></xs:simpleType>')
    a('  <xs:element name="tables"><xs:annotation><xs:documentation>The ids of the layout\'s tables the source '
      "document contained, when it did not contain them all (absent: every table). A table not listed was "
      "absent, not blank: its rules are not run.</xs:documentation></xs:annotation>")
    a('    <xs:simpleType><xs:restriction base="j:tableIds"><xs:minLength value="1"/></xs:restriction></xs:simpleType>'
      "</xs:element>")




@functools.lru_cache(maxsize=4)
def lxml_schema(taxonomy_id: str = DEFAULT_TAXONOMY, identity: bool = True) -> etree.XMLSchema:
    """The compiled XSD. identity=False leaves out the once-per-(concept, code) constraints: the loader
    enforces those by construction (model.Facts) and reports a taken key itself; libxml2 spends nine
    tenths of a large instance's validation on them (one selector pass per concept)."""
    doc = etree.parse(xsd_file(taxonomy_id), safe_parser())
    # xs:annotation is documentation only (the zh/en labels of every concept); dropping it before
    # compiling changes nothing libxml2 checks and saves a third of the compile time
    etree.strip_elements(doc, f"{{{XS}}}annotation", with_tail=False)
    if not identity:
        for u in list(doc.getroot().iter(f"{{{XS}}}unique")):
            if u.get("name", "").startswith("once-"):
                u.getparent().remove(u)
    return etree.XMLSchema(doc)


@functools.lru_cache(maxsize=4)
def xmlschema_schema(taxonomy_id: str = DEFAULT_TAXONOMY):
    import xmlschema  # slower to import; only needed for detailed messages

    return xmlschema.XMLSchema10(xsd_file(taxonomy_id))


def validate_lxml(tree: etree._ElementTree, where: str = "", taxonomy_id: str = DEFAULT_TAXONOMY,
                  identity: bool = True) -> list[Finding]:
    """The XSD's verdict (libxml2), each error a catalogue finding in the report's terms
    (messages/schema.toml): the offending element's line, and for a fact its table, row and column
    in the instance's layout, its concept's label and what was wrong. identity=False: see lxml_schema."""
    schema = lxml_schema(taxonomy_id, identity)
    if schema.validate(tree):
        return []
    return _Translator(tree, where, taxonomy_id).findings(schema.error_log)


def validate_unique_facts(tree: etree._ElementTree, where: str = "", taxonomy_id: str = DEFAULT_TAXONOMY) -> list[Finding]:
    """`validate_lxml` of a tree whose facts hold each (concept, code) once (a Facts serialized: the
    caller knows it). The identity constraints cannot fail then, so the tree is valid exactly when it
    is valid without them, which libxml2 decides several times faster; an invalid tree is validated
    again with them, so its findings are validate_lxml's own."""
    if lxml_schema(taxonomy_id, identity=False).validate(tree):
        return []
    return validate_lxml(tree, where, taxonomy_id)


def duplicate_findings(tree: etree._ElementTree, elements: list, where: str = "",
                       taxonomy_id: str = DEFAULT_TAXONOMY) -> list[Finding]:
    """The finding the XSD's identity constraint gives, for each fact element whose (concept, code)
    an earlier one holds (the loader's Facts.add reports them)."""
    if not elements:
        return []
    tr = _Translator(tree, where, taxonomy_id)
    out = []
    for el in elements:
        loc = Location(file=where, line=el.sourceline, xpath=_xpath(el))
        out.append(tr._fact("SCHEMAV_CVC_IDC", _DUPLICATE[0], el, etree.QName(el).localname, loc))
    return out


_QUOTED = re.compile(r"'([^']*)'")
_DUPLICATE = ("Duplicate key-sequence", "more than one member")


class _Translator:
    """lxml's schema errors (type name, line, path of the element, English text) as catalogue findings."""

    def __init__(self, tree: etree._ElementTree, where: str, taxonomy_id: str) -> None:
        self.tree = tree
        self.where = where
        self.tax = load_taxonomy(taxonomy_id)
        layout = tree.getroot().findtext(f"{{{NS}}}header/{{{NS}}}layout")
        self.layout = self.tax.layouts[layout.strip()] if layout and layout.strip() in self.tax.layouts else None
        self.fields = {f.tag: f for f in HEADER_FIELDS}

    def findings(self, log) -> list[Finding]:
        out: list[Finding] = []
        seen: set[tuple[int, str]] = set()
        for e in log:
            if "No precomputed value available" in e.message:
                continue  # libxml2's echo of an invalid code it already reported
            f = self.finding(e)
            key = (f.location.line or 0, f.code)
            if f.code == "schema:duplicate-fact" and key in seen:
                continue
            seen.add(key)
            out.append(f)
        return out

    def element(self, e) -> etree._Element | None:
        path = getattr(e, "path", "") or ""
        try:
            found = self.tree.xpath(path) if path else []
        except etree.XPathError:
            return None
        return found[0] if found and isinstance(found[0], etree._Element) else None

    def finding(self, e) -> Finding:
        el = self.element(e)
        line = (el.sourceline if el is not None else None) or e.line or None
        msg = e.message.replace(f"{{{NS}}}", "")
        name = etree.QName(el).localname if el is not None else ""
        xpath = _xpath(el) if el is not None else (getattr(e, "path", "") or "")
        loc = Location(file=self.where, line=line, xpath=xpath)
        kind = e.type_name
        parent = el.getparent() if el is not None else None
        in_facts = parent is not None and parent.tag == f"{{{NS}}}facts"
        in_header = parent is not None and parent.tag == f"{{{NS}}}header"
        if kind == "SCHEMAV_CVC_ELT_1":
            return Finding.of("schema:not-an-instance", loc, file=self.where, element=_clark(el, msg),
                              expected=f"{{{NS}}}report")
        if kind == "SCHEMAV_ELEMENT_CONTENT" and el is not None:
            if "Missing child element" in msg:
                return Finding.of("schema:missing-element", loc, file=self.where, element=name,
                                  expected=_expected(msg))
            if in_facts and (etree.QName(el).namespace != NS or name not in self.tax.concepts):
                return Finding.of("schema:unknown-element", loc, file=self.where, element=_clark(el, msg))
            return Finding.of("schema:unexpected-element", loc, file=self.where, element=_clark(el, msg),
                              expected=_expected(msg) or "-")
        if kind == "SCHEMAV_CVC_COMPLEX_TYPE_3_2_2" and el is not None:
            attr = _QUOTED.findall(msg)
            return Finding.of("schema:unknown-attribute", loc, file=self.where, element=name,
                              attribute=attr[-1] if attr else "?")
        if in_facts and name in self.tax.concepts:
            return self._fact(kind, msg, el, name, loc)
        if in_header and name in self.fields:
            return self._header(kind, msg, el, name, loc)
        return Finding.of("schema:invalid", loc, file=self.where, detail=msg.rstrip("."))

    def _fact(self, kind: str, msg: str, el, name: str, loc: Location) -> Finding:
        c = self.tax.concepts[name]
        code = el.get("code") or None
        p = self.layout.place(name, code) if self.layout is not None else None
        at = dict(table=p.table, section=p.section, row=p.row_label(), column=p.column,
                  fact=(self.tax.id, p.layout, name, code or "")) if p else {}
        label = {"zh": c.zh, "en": c.en}
        value = fact_text(el).strip()
        common = dict(file=self.where, element=name, label=label, **at)
        if kind == "SCHEMAV_CVC_FRACTIONDIGITS_VALID":
            decimals = len(value.split(".", 1)[1]) if "." in value else 0
            return Finding.of("schema:amount-decimals", loc, value=value, decimals=decimals, **common)
        if kind == "SCHEMAV_CVC_TOTALDIGITS_VALID":
            return Finding.of("schema:amount-digits", loc, value=value, **common)
        if kind == "SCHEMAV_CVC_IDC" and any(d in msg for d in _DUPLICATE):
            return Finding.of("schema:duplicate-fact", loc, with_code=f" {code}" if code else "", **common)
        if "attribute 'code'" in msg and kind in ("SCHEMAV_CVC_PATTERN_VALID", "SCHEMAV_CVC_DATATYPE_VALID_1_2_1"):
            kinds = {"function": {"zh": "3、5 或 7 位数字的功能分类编码", "en": "a function code of 3, 5 or 7 digits"},
                     "economic": {"zh": "3 或 5 位数字的经济分类编码", "en": "an economic code of 3 or 5 digits"}}
            return Finding.of("schema:bad-code", loc, value=el.get("code", ""), kind=kinds.get(c.dim, kinds["function"]),
                              **common)
        if kind == "SCHEMAV_CVC_COMPLEX_TYPE_4":
            return Finding.of("schema:code-missing", loc, **common)
        if kind.startswith("SCHEMAV_CVC_DATATYPE_VALID"):
            return Finding.of("schema:not-an-amount", loc, value=value, **common)
        return Finding.of("schema:invalid", loc, detail=msg.rstrip("."), **{k: v for k, v in common.items()
                                                                             if k not in ("element", "label")})

    def _header(self, kind: str, msg: str, el, name: str, loc: Location) -> Finding:
        hf = self.fields[name]
        why = {
            "SCHEMAV_CVC_ENUMERATION_VALID": {"zh": "应为 " + "、".join(_enumeration(msg)),
                                              "en": "expected " + ", ".join(_enumeration(msg))},
            "SCHEMAV_CVC_MININCLUSIVE_VALID": {"zh": "应在 2000 至 2100 之间", "en": "expected 2000 to 2100"},
            "SCHEMAV_CVC_MAXINCLUSIVE_VALID": {"zh": "应在 2000 至 2100 之间", "en": "expected 2000 to 2100"},
            "SCHEMAV_CVC_MAXLENGTH_VALID": {"zh": "过长，最多 200 个字符", "en": "too long, at most 200 characters"},
            "SCHEMAV_CVC_MINLENGTH_VALID": {"zh": "不能为空", "en": "must not be empty"},
        }.get(kind)
        if why is None:
            why = {"uscc": {"zh": "应为 18 位统一社会信用代码", "en": "expected an 18-character USCC"},
                   "entity": {"zh": "不能为空", "en": "must not be empty"},
                   "preparer": {"zh": "不能为空", "en": "must not be empty"},
                   "fiscalYear": {"zh": "应为四位年份", "en": "expected a four-digit year"},
                   "date": {"zh": "应为日期，如 2022-03-31", "en": "expected a date such as 2022-03-31"},
                   }.get(name, {"zh": "格式不对", "en": "wrong format"})
        return Finding.of("schema:header-value", loc, file=self.where, element=name,
                          label={"zh": hf.zh, "en": hf.en}, value=(el.text or ""), why=why)


def _xpath(el: etree._Element) -> str:
    """A readable path: /report/facts/BasicExp[@code='301'], /report/header/fiscalYear."""
    names = []
    node = el
    while node is not None:
        names.append(etree.QName(node).localname if isinstance(node.tag, str) else "node()")
        node = node.getparent()
    path = "/" + "/".join(reversed(names))
    code = el.get("code")
    return path + (f"[@code='{code}']" if code else "")


def _clark(el, msg: str) -> str:
    if el is None:
        found = _QUOTED.findall(msg)
        return found[0] if found else "?"
    q = etree.QName(el)
    return q.localname if q.namespace in (NS, None) else q.text


def _expected(msg: str) -> str:
    m = re.search(r"Expected is(?: one of)? \(\s*(.*?)\s*\)", msg)
    return ", ".join(x.strip() for x in m.group(1).split(",")) if m else ""


def _enumeration(msg: str) -> list[str]:
    m = re.search(r"set \{(.*)\}", msg)
    return _QUOTED.findall(m.group(1)) if m else []


def _xmlschema_code(err) -> str:
    reason = (err.reason or "").lower()
    if "duplicated value" in reason or "multiple values" in reason:
        return "schema:cvc-identity-constraint"
    v = type(getattr(err, "validator", None)).__name__
    if "Pattern" in v:
        return "schema:cvc-pattern-valid"
    if "Enumeration" in v:
        return "schema:cvc-enumeration-valid"
    if "FractionDigits" in v or "TotalDigits" in v:
        return "schema:cvc-facet-valid"
    if type(err).__name__ == "XMLSchemaChildrenValidationError":
        return "schema:cvc-complex-type"
    if "Attribute" in v or "attribute" in reason:
        return "schema:cvc-attribute"
    if type(err).__name__ == "XMLSchemaDecodeError":
        return "schema:cvc-datatype-valid"
    return "schema:invalid"


def validate_xmlschema(tree: etree._ElementTree, where: str = "", taxonomy_id: str = DEFAULT_TAXONOMY) -> list[Finding]:
    schema = xmlschema_schema(taxonomy_id)
    out = []
    for err in schema.iter_errors(tree):
        reason = (err.reason or str(err)).replace(f"{{{NS}}}", "")
        path = err.path or ""
        line = getattr(err, "sourceline", None)
        if line is None and getattr(err, "elem", None) is not None:
            line = getattr(err.elem, "sourceline", None)
        out.append(Finding.of(_xmlschema_code(err), Location(file=where, line=line, xpath=path), file=where,
                              path=path, reason=reason, detail=f"{path}: {reason}" if path else reason))
    return out


def validate_schema(tree: etree._ElementTree, where: str = "", taxonomy_id: str = DEFAULT_TAXONOMY) -> list[Finding]:
    """The XSD findings of an instance tree (libxml2, translated: `validate_lxml`). xmlschema
    (`validate_xmlschema`) is an independent second judge for tests, not on this path: on a large
    invalid instance it takes minutes where libxml2 takes a second."""
    return validate_lxml(tree, where, taxonomy_id)


def schema_is_current(tax: Taxonomy | None = None) -> bool:
    tax = tax or load_taxonomy()
    p = xsd_path(tax.id)
    return p.exists() and p.read_text(encoding="utf-8") == build_xsd(tax)
