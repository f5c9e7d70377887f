"""Namespaces, URLs and element names of the juesuan XBRL taxonomy (one place, documented in docs/xbrl.md).

Nothing here is fetched: the taxonomy package's catalog maps BASE_URL onto the package's own files.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from ..errors import TaxonomyError, UnusableInput
from ..taxonomy import Taxonomy

XBRLI = "http://www.xbrl.org/2003/instance"
LINK = "http://www.xbrl.org/2003/linkbase"
XLINK = "http://www.w3.org/1999/xlink"
XBRLDT = "http://xbrl.org/2005/xbrldt"
XBRLDI = "http://xbrl.org/2006/xbrldi"
ISO4217 = "http://www.xbrl.org/2003/iso4217"
XS = "http://www.w3.org/2001/XMLSchema"
TP = "http://xbrl.org/2016/taxonomy-package"
CATALOG = "urn:oasis:names:tc:entity:xmlns:xml:catalog"

XBRLI_XSD = "http://www.xbrl.org/2003/xbrl-instance-2003-12-31.xsd"
XBRLDT_XSD = "http://www.xbrl.org/2005/xbrldt-2005.xsd"

# arcroles and roles of XBRL 2.1 and Dimensions 1.0
ARC_PARENT_CHILD = "http://www.xbrl.org/2003/arcrole/parent-child"
ARC_SUMMATION = "http://www.xbrl.org/2003/arcrole/summation-item"
ARC_CONCEPT_LABEL = "http://www.xbrl.org/2003/arcrole/concept-label"
ARC_ALL = "http://xbrl.org/int/dim/arcrole/all"
ARC_HYPERCUBE_DIMENSION = "http://xbrl.org/int/dim/arcrole/hypercube-dimension"
ARC_DOMAIN_MEMBER = "http://xbrl.org/int/dim/arcrole/domain-member"
ROLE_LINK = "http://www.xbrl.org/2003/role/link"
ROLE_LABEL = "http://www.xbrl.org/2003/role/label"
ROLE_VERBOSE = "http://www.xbrl.org/2003/role/verboseLabel"
ROLE_CALC_LINKBASE_REF = "http://www.xbrl.org/2003/role/calculationLinkbaseRef"
ROLE_DEF_LINKBASE_REF = "http://www.xbrl.org/2003/role/definitionLinkbaseRef"
ROLE_LAB_LINKBASE_REF = "http://www.xbrl.org/2003/role/labelLinkbaseRef"
ROLE_PRE_LINKBASE_REF = "http://www.xbrl.org/2003/role/presentationLinkbaseRef"

PREFIX = "js"
HOST = "juesuan.org"

# Entity identifier schemes (docs/xbrl.md): the 统一社会信用代码 when the header has one, else a
# stable id derived from the entity name.
SCHEME_USCC = "http://juesuan.org/entity/uscc"
SCHEME_NAME = "http://juesuan.org/entity/name"

# Elements the XBRL taxonomy adds to the concepts of concepts.toml (dimensions, hypercubes, ...).
ENTITY_NAME = "EntityName"
DIMENSIONS = {
    # dim: (axis, typed domain element, hypercube, line items, type name, pattern, zh, en)
    "function": ("FunctionCodeAxis", "FunctionCode", "FunctionCodeHypercube", "FunctionCodeLineItems",
                 "functionCodeType", "[0-9]{3}([0-9]{2}([0-9]{2})?)?",
                 "功能分类科目编码", "Function classification code"),
    "economic": ("EconomicCodeAxis", "EconomicCode", "EconomicCodeHypercube", "EconomicCodeLineItems",
                 "economicCodeType", "[0-9]{3}([0-9]{2})?",
                 "经济分类科目编码", "Economic classification code"),
}
NO_CODE_HYPERCUBE = "NoCodeHypercube"
NO_CODE_LINE_ITEMS = "NoCodeLineItems"
CODE_LETTER = {"function": "F", "economic": "E"}


def version_of(tax: Taxonomy) -> str:
    """'juesuan-1.0' -> '1.0'."""
    m = re.search(r"(\d+(?:\.\d+)*)$", tax.id)
    if not m:
        raise TaxonomyError(f"taxonomy id {tax.id!r} has no version number")
    return m.group(1)


def base_url(tax: Taxonomy) -> str:
    """Where the taxonomy's files live by name (never fetched): http://juesuan.org/taxonomy/1.0/."""
    return f"http://{HOST}/taxonomy/{version_of(tax)}/"


def namespace(tax: Taxonomy) -> str:
    """Target namespace of the XBRL concepts (distinct from the native instance's urn:juesuan:1.0)."""
    return f"http://{HOST}/taxonomy/{version_of(tax)}"


def entry_namespace(tax: Taxonomy, layout_id: str) -> str:
    return f"{namespace(tax)}/entry/{layout_id}"


def role_base(tax: Taxonomy) -> str:
    return f"{namespace(tax)}/role/"


def core_schema_name(tax: Taxonomy) -> str:
    return f"{tax.id}.xsd"


def entry_schema_name(tax: Taxonomy, layout_id: str) -> str:
    return f"{tax.id}-{layout_id}.xsd"


def entry_point_url(tax: Taxonomy, layout_id: str) -> str:
    return base_url(tax) + entry_schema_name(tax, layout_id)


def package_root(tax: Taxonomy) -> str:
    """The single top-level folder of the taxonomy package zip."""
    return tax.id


def package_dir_for_base(tax: Taxonomy) -> str:
    """Folder inside the package holding the files named by base_url()."""
    return f"{HOST}/taxonomy/{version_of(tax)}"


def statement_abstract(statement: str) -> str:
    return "Statement" + "".join(p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", statement) if p) + "Abstract"


def id_part(s: str) -> str:
    """A string made safe to follow a letter in an XML id (NCName) or a role URI segment."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", s)


def entity_identifier(entity: str, uscc: str) -> tuple[str, str]:
    """(scheme, identifier) of the XBRL entity: the USCC, or 'N' + 16 hex digits of SHA-256 of the name.

    The name is NFKC-normalised and stripped of all whitespace first, so that '醴陵市 网格化…' and
    '醴陵市网格化…' (a line break from PDF extraction) give the same identifier.
    """
    if uscc:
        return SCHEME_USCC, uscc.strip().upper()
    norm = re.sub(r"\s+", "", unicodedata.normalize("NFKC", entity or ""))
    if not norm:
        raise UnusableInput.of("input:xbrl-no-entity")
    return SCHEME_NAME, "N" + hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]
