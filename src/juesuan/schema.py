"""The instance XSD: generated from the taxonomy, and validation against it.

`build_xsd()` derives the schema text (committed as schemas/xsd/<taxonomy>.xsd; a test proves the
committed file is current). Validation uses lxml (libxml2) as the fast path and xmlschema for
detailed messages; the two verdicts must agree.
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
from .xmlio import NS, safe_parser, xml_text

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
    # ---- root
    a('  <xs:element name="report"><xs:complexType><xs:sequence>')
    a('    <xs:element ref="j:header"/><xs:element ref="j:facts"/><xs:element ref="j:narrative" minOccurs="0"/>')
    a("  </xs:sequence></xs:complexType></xs:element>")
    a("</xs:schema>")
    return "\n".join(L) + "\n"


@functools.lru_cache(maxsize=4)
def lxml_schema(taxonomy_id: str = DEFAULT_TAXONOMY) -> etree.XMLSchema:
    doc = etree.parse(xsd_file(taxonomy_id), safe_parser())
    # xs:annotation is documentation only (the zh/en labels of every concept); dropping it before
    # compiling changes nothing libxml2 checks and saves a third of the compile time
    etree.strip_elements(doc, f"{{{XS}}}annotation", with_tail=False)
    return etree.XMLSchema(doc)


@functools.lru_cache(maxsize=4)
def xmlschema_schema(taxonomy_id: str = DEFAULT_TAXONOMY):
    import xmlschema  # slower to import; only needed for detailed messages

    return xmlschema.XMLSchema10(xsd_file(taxonomy_id))


_LXML_CODE = re.compile(r"^SCHEMAV_")


def _lxml_code(type_name: str) -> str:
    name = _LXML_CODE.sub("", type_name or "").lower().replace("_", "-")
    if name.startswith("cvc-idc") or name == "cvc-identity-constraint":
        name = "cvc-identity-constraint"
    return f"schema:{name or 'invalid'}"


def validate_lxml(tree: etree._ElementTree, where: str = "", taxonomy_id: str = DEFAULT_TAXONOMY) -> list[Finding]:
    schema = lxml_schema(taxonomy_id)
    if schema.validate(tree):
        return []
    out = []
    for e in schema.error_log:
        msg = e.message.replace(f"{{{NS}}}", "")
        out.append(
            Finding(
                code=_lxml_code(e.type_name),
                severity="error",
                message=f"不符合 XSD：{msg}",
                message_en=f"not valid against the XSD: {msg}",
                location=Location(file=where, line=e.line or None, xpath=getattr(e, "path", "") or ""),
                file=where,
            )
        )
    return out


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
        out.append(
            Finding(
                code=_xmlschema_code(err),
                severity="error",
                message=f"不符合 XSD（{path}）：{reason}",
                message_en=f"not valid against the XSD ({path}): {reason}",
                location=Location(file=where, line=line, xpath=path),
                file=where,
            )
        )
    return out


def validate_schema(tree: etree._ElementTree, where: str = "", taxonomy_id: str = DEFAULT_TAXONOMY) -> list[Finding]:
    """lxml decides quickly; when it says invalid, xmlschema explains (XPath, line, readable reason)."""
    fast = validate_lxml(tree, where, taxonomy_id)
    if not fast:
        return []
    detailed = validate_xmlschema(tree, where, taxonomy_id)
    if detailed:
        return detailed
    return fast + [
        Finding(
            code="schema:validators-disagree",
            severity="error",
            message="lxml 判定无效而 xmlschema 判定有效，请报告此问题",
            message_en="lxml found the instance invalid but xmlschema found it valid; please report this",
            file=where,
        )
    ]


def schema_is_current(tax: Taxonomy | None = None) -> bool:
    tax = tax or load_taxonomy()
    p = xsd_path(tax.id)
    return p.exists() and p.read_text(encoding="utf-8") == build_xsd(tax)
