"""The XBRL taxonomy package, generated from the taxonomy source (concepts, layouts, code patterns, rules).

`package_files(tax)` returns every file of the package as {path inside the zip: text}; the same
texts are committed under schemas/xbrl/ (python -m juesuan.derive) and zipped by `package_zip`.

Files (BASE = http://juesuan.org/taxonomy/<version>/, mapped into the package by META-INF/catalog.xml):
  <id>/META-INF/taxonomyPackage.xml    Taxonomy Packages 1.0 metadata, one entry point per layout
  <id>/META-INF/catalog.xml            rewriteURI BASE -> ../juesuan.org/taxonomy/<version>/
  <id>/juesuan.org/taxonomy/<v>/<id>.xsd             concepts, dimensions, hypercubes, role types
  <id>/juesuan.org/taxonomy/<v>/<id>-lab.xml         labels zh + en (standard and verbose)
  <id>/juesuan.org/taxonomy/<v>/<id>-def.xml         dimensional relationships (typed dimensions)
  <id>/juesuan.org/taxonomy/<v>/<id>-cal.xml         calculations: the pure same-context sum rules
  <id>/juesuan.org/taxonomy/<v>/<id>-<layout>.xsd    entry point of a layout (imports the core)
  <id>/juesuan.org/taxonomy/<v>/<id>-<layout>-pre.xml  one presentation network per table
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..errors import TaxonomyError
from ..taxonomy import Layout, Taxonomy
from ..xmlio import xml_attr, xml_text
from . import names as N
from .calc import SumRule, calculation_rules

GENERATED = "<!-- GENERATED from taxonomies/{id} by `python -m juesuan.derive`. Do not edit by hand. -->"
XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>'


_t = xml_text
_a = xml_attr


def extra_elements(tax: Taxonomy) -> list[str]:
    """Element names the XBRL taxonomy declares beyond the concepts of concepts.toml."""
    out = [N.ENTITY_NAME, N.NO_CODE_HYPERCUBE, N.NO_CODE_LINE_ITEMS]
    for dim in N.DIMENSIONS.values():
        out.extend(dim[:4])
    out.extend(N.statement_abstract(s) for s in tax.statements)
    clash = set(out) & set(tax.concepts)
    if clash:
        raise TaxonomyError(f"concept id(s) {sorted(clash)} clash with names the XBRL taxonomy reserves")
    return out


def element_id(name: str) -> str:
    return f"{N.PREFIX}_{name}"


def layout_concepts(layout: Layout) -> dict[str, list[str]]:
    """Concepts of each table of a layout, in print order (blocks, rows, columns), each once."""
    out: dict[str, list[str]] = {}
    for t in layout.tables:
        seen: list[str] = []
        for b in t.blocks:
            for r in b.rows:
                cells = b.row_cells(r)
                for col in b.columns:
                    c = cells.get(col.key)
                    if c and c not in seen:
                        seen.append(c)
        out[t.id] = seen
    return out


def table_dims(tax: Taxonomy, concepts: list[str]) -> list[str]:
    return [d for d in N.DIMENSIONS if any(tax.concepts[c].dim == d for c in concepts)]


# ------------------------------------------------------------------------------------------------ roles

def def_role(tax: Taxonomy, key: str) -> str:
    return f"{N.role_base(tax)}dimensions/{key}"


def calc_role(tax: Taxonomy, rule_id: str) -> str:
    return f"{N.role_base(tax)}calculation/{N.id_part(rule_id)}"


def pre_role(tax: Taxonomy, layout_id: str, table_id: str) -> str:
    return f"{N.role_base(tax)}{layout_id}/table-{table_id}"


def _def_roles(tax: Taxonomy) -> list[tuple[str, str, str]]:
    """(key, zh, en) of the dimensional networks."""
    out = [("no-code", "无分类编码的事实（含编码表的合计行）", "Facts without a classification code (including the 合计 rows)")]
    for dim, d in N.DIMENSIONS.items():
        out.append((dim, f"按{d[6]}分列的事实", f"Facts by {d[7].lower()}"))
    return out


def _role_type(uri: str, rid: str, definition: str, used_on: str) -> str:
    return (f'    <link:roleType roleURI={_a(uri)} id={_a(rid)}><link:definition>{_t(definition)}</link:definition>'
            f"<link:usedOn>{used_on}</link:usedOn></link:roleType>")


def _linkbase_ref(href: str, role: str) -> str:
    return (f'    <link:linkbaseRef xlink:type="simple" xlink:href={_a(href)} xlink:role={_a(role)}'
            ' xlink:arcrole="http://www.w3.org/1999/xlink/properties/linkbase"/>')


# ------------------------------------------------------------------------------------------------ schema

def build_core_schema(tax: Taxonomy, calc: list[SumRule]) -> str:
    ns = N.namespace(tax)
    L = [XML_DECL, GENERATED.format(id=tax.id)]
    a = L.append
    a(f'<xs:schema xmlns:xs="{N.XS}" xmlns:xbrli="{N.XBRLI}" xmlns:link="{N.LINK}" xmlns:xlink="{N.XLINK}"'
      f' xmlns:xbrldt="{N.XBRLDT}" xmlns:{N.PREFIX}="{ns}" targetNamespace="{ns}"'
      ' elementFormDefault="qualified" attributeFormDefault="unqualified">')
    a("  <xs:annotation>")
    a(f'    <xs:documentation xml:lang="en">juesuan taxonomy {tax.id} for XBRL 2.1: the concepts of '
      f"taxonomies/{tax.id}/concepts.toml as monetary items, typed dimensions for the function and economic "
      "classification codes.</xs:documentation>")
    a("    <xs:appinfo>")
    a(_linkbase_ref(f"{tax.id}-lab.xml", N.ROLE_LAB_LINKBASE_REF))
    a(_linkbase_ref(f"{tax.id}-def.xml", N.ROLE_DEF_LINKBASE_REF))
    a(_linkbase_ref(f"{tax.id}-cal.xml", N.ROLE_CALC_LINKBASE_REF))
    for key, zh, en in _def_roles(tax):
        a(_role_type(def_role(tax, key), f"role_dimensions_{key}", f"{en} / {zh}", "link:definitionLink"))
    for r in calc:
        a(_role_type(calc_role(tax, r.id), f"role_calculation_{N.id_part(r.id)}",
                     f"{r.id}: {r.en or r.id}" + (f" / {r.zh}" if r.zh else ""), "link:calculationLink"))
    a("    </xs:appinfo>")
    a("  </xs:annotation>")
    a(f'  <xs:import namespace="{N.XBRLI}" schemaLocation="{N.XBRLI_XSD}"/>')
    a(f'  <xs:import namespace="{N.XBRLDT}" schemaLocation="{N.XBRLDT_XSD}"/>')
    for dim, d in N.DIMENSIONS.items():
        axis, domain, hc, li, tname, pattern, zh, en = d
        a(f'  <xs:simpleType name="{tname}"><xs:annotation><xs:documentation xml:lang="en">{_t(en)} '
          f"({_t(zh)}).</xs:documentation></xs:annotation>")
        a(f'    <xs:restriction base="xs:token"><xs:pattern value="{pattern}"/></xs:restriction></xs:simpleType>')
    item = 'substitutionGroup="xbrli:item" nillable="true"'
    for c in tax.concepts.values():
        a(f'  <xs:element name="{c.id}" id="{element_id(c.id)}" type="xbrli:monetaryItemType" {item}'
          f' xbrli:periodType="{c.period}" xbrli:balance="{c.balance}"/>')
    a(f'  <xs:element name="{N.ENTITY_NAME}" id="{element_id(N.ENTITY_NAME)}" type="xbrli:stringItemType" {item}'
      ' xbrli:periodType="duration"/>')
    abstract = 'type="xbrli:stringItemType" abstract="true" nillable="true" xbrli:periodType="duration"'
    for s in tax.statements:
        name = N.statement_abstract(s)
        a(f'  <xs:element name="{name}" id="{element_id(name)}" {abstract} substitutionGroup="xbrli:item"/>')
    a(f'  <xs:element name="{N.NO_CODE_LINE_ITEMS}" id="{element_id(N.NO_CODE_LINE_ITEMS)}" {abstract}'
      ' substitutionGroup="xbrli:item"/>')
    a(f'  <xs:element name="{N.NO_CODE_HYPERCUBE}" id="{element_id(N.NO_CODE_HYPERCUBE)}" {abstract}'
      ' substitutionGroup="xbrldt:hypercubeItem"/>')
    for dim, d in N.DIMENSIONS.items():
        axis, domain, hc, li, tname = d[:5]
        a(f'  <xs:element name="{li}" id="{element_id(li)}" {abstract} substitutionGroup="xbrli:item"/>')
        a(f'  <xs:element name="{hc}" id="{element_id(hc)}" {abstract} substitutionGroup="xbrldt:hypercubeItem"/>')
        a(f'  <xs:element name="{axis}" id="{element_id(axis)}" {abstract} substitutionGroup="xbrldt:dimensionItem"'
          f' xbrldt:typedDomainRef="#{element_id(domain)}"/>')
        a(f'  <xs:element name="{domain}" id="{element_id(domain)}" type="{N.PREFIX}:{tname}"/>')
    a("</xs:schema>")
    return "\n".join(L) + "\n"


def build_entry_schema(tax: Taxonomy, layout: Layout) -> str:
    ns = N.entry_namespace(tax, layout.id)
    L = [XML_DECL, GENERATED.format(id=tax.id)]
    a = L.append
    a(f'<xs:schema xmlns:xs="{N.XS}" xmlns:link="{N.LINK}" xmlns:xlink="{N.XLINK}" targetNamespace="{ns}"'
      ' elementFormDefault="qualified" attributeFormDefault="unqualified">')
    a("  <xs:annotation>")
    a(f'    <xs:documentation xml:lang="en">Entry point of layout {layout.id}: {_t(layout.en)}</xs:documentation>')
    a(f'    <xs:documentation xml:lang="zh">{_t(layout.zh)}</xs:documentation>')
    a("    <xs:appinfo>")
    a(_linkbase_ref(f"{tax.id}-{layout.id}-pre.xml", N.ROLE_PRE_LINKBASE_REF))
    for t in layout.tables:
        a(_role_type(pre_role(tax, layout.id, t.id), f"role_{N.id_part(layout.id)}_table_{t.id}",
                     f"{t.id} {t.title} ({layout.id})", "link:presentationLink"))
    a("    </xs:appinfo>")
    a("  </xs:annotation>")
    a(f'  <xs:import namespace="{N.namespace(tax)}" schemaLocation="{N.core_schema_name(tax)}"/>')
    a("</xs:schema>")
    return "\n".join(L) + "\n"


# ------------------------------------------------------------------------------------------------ linkbases

def _linkbase_open(extra_ns: str = "") -> list[str]:
    return [XML_DECL, "",
            f'<link:linkbase xmlns:link="{N.LINK}" xmlns:xlink="{N.XLINK}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
            f'{extra_ns} xsi:schemaLocation="{N.LINK} http://www.xbrl.org/2003/xbrl-linkbase-2003-12-31.xsd">']


def _loc(href_doc: str, name: str) -> str:
    return f'    <link:loc xlink:type="locator" xlink:href="{href_doc}#{element_id(name)}" xlink:label="{name}"/>'


def build_label_linkbase(tax: Taxonomy) -> str:
    L = _linkbase_open()
    L[1] = GENERATED.format(id=tax.id)
    a = L.append
    doc = N.core_schema_name(tax)
    labels: list[tuple[str, str, str, str, str]] = []  # name, zh, en, verbose zh, verbose en
    for c in tax.concepts.values():
        st = tax.statements[c.statement]
        labels.append((c.id, c.zh, c.en, f"{st['zh']}：{c.zh}", f"{st['en']}: {c.en}"))
    labels.append((N.ENTITY_NAME, "单位名称", "Entity name", "", ""))
    for s, st in tax.statements.items():
        labels.append((N.statement_abstract(s), st["zh"], st["en"], "", ""))
    labels.append((N.NO_CODE_LINE_ITEMS, "无分类编码的项目", "Line items without a classification code", "", ""))
    labels.append((N.NO_CODE_HYPERCUBE, "无分类编码", "No classification code [hypercube]", "", ""))
    for d in N.DIMENSIONS.values():
        axis, domain, hc, li, _, _, zh, en = d
        labels.append((axis, zh, f"{en} [axis]", "", ""))
        labels.append((domain, zh, en, "", ""))
        labels.append((hc, f"按{zh}", f"By {en.lower()} [hypercube]", "", ""))
        labels.append((li, f"按{zh}分列的项目", f"Line items by {en.lower()}", "", ""))
    a(f'  <link:labelLink xlink:type="extended" xlink:role="{N.ROLE_LINK}">')
    for name, zh, en, vzh, ven in labels:
        a(_loc(doc, name))
        for lang, text, role, suffix in (("zh", zh, N.ROLE_LABEL, ""), ("en", en, N.ROLE_LABEL, ""),
                                         ("zh", vzh, N.ROLE_VERBOSE, "_verbose"), ("en", ven, N.ROLE_VERBOSE, "_verbose")):
            if text:
                a(f'    <link:label xlink:type="resource" xlink:label="lab_{name}" xlink:role="{role}"'
                  f' xml:lang="{lang}" id="lab_{name}_{lang}{suffix}">{_t(text)}</link:label>')
        a(f'    <link:labelArc xlink:type="arc" xlink:arcrole="{N.ARC_CONCEPT_LABEL}" xlink:from="{name}"'
          f' xlink:to="lab_{name}"/>')
    a("  </link:labelLink>")
    a("</link:linkbase>")
    return "\n".join(L) + "\n"


def build_definition_linkbase(tax: Taxonomy) -> str:
    L = _linkbase_open(f' xmlns:xbrldt="{N.XBRLDT}"')
    L[1] = GENERATED.format(id=tax.id)
    a = L.append
    doc = N.core_schema_name(tax)
    for key, _, _ in _def_roles(tax):
        a(f'  <link:roleRef roleURI="{def_role(tax, key)}" xlink:type="simple" xlink:href="{doc}#role_dimensions_{key}"/>')
    for arc, fragment in ((N.ARC_ALL, "all"), (N.ARC_DOMAIN_MEMBER, "domain-member"),
                          (N.ARC_HYPERCUBE_DIMENSION, "hypercube-dimension")):
        a(f'  <link:arcroleRef arcroleURI="{arc}" xlink:type="simple" xlink:href="{N.XBRLDT_XSD}#{fragment}"/>')

    def network(key: str, line_items: str, hypercube: str, axis: str | None, members: list[str]) -> None:
        a(f'  <link:definitionLink xlink:type="extended" xlink:role="{def_role(tax, key)}">')
        for name in [line_items, hypercube, *([axis] if axis else []), *members]:
            a(_loc(doc, name))
        a(f'    <link:definitionArc xlink:type="arc" xlink:arcrole="{N.ARC_ALL}" xlink:from="{line_items}"'
          f' xlink:to="{hypercube}" xbrldt:closed="true" xbrldt:contextElement="segment" order="1"/>')
        if axis:
            a(f'    <link:definitionArc xlink:type="arc" xlink:arcrole="{N.ARC_HYPERCUBE_DIMENSION}"'
              f' xlink:from="{hypercube}" xlink:to="{axis}" order="1"/>')
        for i, m in enumerate(members, 1):
            a(f'    <link:definitionArc xlink:type="arc" xlink:arcrole="{N.ARC_DOMAIN_MEMBER}" xlink:from="{line_items}"'
              f' xlink:to="{m}" order="{i}"/>')
        a("  </link:definitionLink>")

    # Facts without a code: every concept except the economic ones (whose code is required), plus the
    # entity name. A function-classified concept is here too: without a code it is the 合计 row.
    plain = [c.id for c in tax.concepts.values() if c.dim in ("none", "function")] + [N.ENTITY_NAME]
    network("no-code", N.NO_CODE_LINE_ITEMS, N.NO_CODE_HYPERCUBE, None, plain)
    for dim, d in N.DIMENSIONS.items():
        axis, _, hc, li = d[:4]
        network(dim, li, hc, axis, [c.id for c in tax.concepts.values() if c.dim == dim])
    a("</link:linkbase>")
    return "\n".join(L) + "\n"


def _weight(w) -> str:
    s = format(w.normalize(), "f")
    return s if "." in s else s + ".0"


def build_calculation_linkbase(tax: Taxonomy, calc: list[SumRule]) -> str:
    L = _linkbase_open()
    L[1] = GENERATED.format(id=tax.id)
    a = L.append
    doc = N.core_schema_name(tax)
    for r in calc:
        a(f'  <link:roleRef roleURI="{calc_role(tax, r.id)}" xlink:type="simple"'
          f' xlink:href="{doc}#role_calculation_{N.id_part(r.id)}"/>')
    for r in calc:
        a(f'  <link:calculationLink xlink:type="extended" xlink:role="{calc_role(tax, r.id)}">')
        for name in dict.fromkeys([r.total, *(c for c, _ in r.items)]):
            a(_loc(doc, name))
        for i, (c, w) in enumerate(r.items, 1):
            a(f'    <link:calculationArc xlink:type="arc" xlink:arcrole="{N.ARC_SUMMATION}" xlink:from="{r.total}"'
              f' xlink:to="{c}" weight="{_weight(w)}" order="{i}"/>')
        a("  </link:calculationLink>")
    a("</link:linkbase>")
    return "\n".join(L) + "\n"


def build_presentation_linkbase(tax: Taxonomy, layout: Layout) -> str:
    L = _linkbase_open()
    L[1] = GENERATED.format(id=tax.id)
    a = L.append
    doc = N.core_schema_name(tax)
    entry = N.entry_schema_name(tax, layout.id)
    for t in layout.tables:
        a(f'  <link:roleRef roleURI="{pre_role(tax, layout.id, t.id)}" xlink:type="simple"'
          f' xlink:href="{entry}#role_{N.id_part(layout.id)}_table_{t.id}"/>')
    per_table = layout_concepts(layout)
    for t in layout.tables:
        concepts = per_table[t.id]
        root = N.statement_abstract(t.statement)
        axes = [N.DIMENSIONS[d][0] for d in table_dims(tax, concepts)]
        a(f'  <link:presentationLink xlink:type="extended" xlink:role="{pre_role(tax, layout.id, t.id)}">')
        for name in [root, *axes, *concepts]:
            a(_loc(doc, name))
        for i, name in enumerate([*axes, *concepts], 1):
            a(f'    <link:presentationArc xlink:type="arc" xlink:arcrole="{N.ARC_PARENT_CHILD}" xlink:from="{root}"'
              f' xlink:to="{name}" order="{i}"/>')
        a("  </link:presentationLink>")
    a("</link:linkbase>")
    return "\n".join(L) + "\n"


# ------------------------------------------------------------------------------------------------ package

def build_taxonomy_package_xml(tax: Taxonomy) -> str:
    L = [XML_DECL, GENERATED.format(id=tax.id)]
    a = L.append
    a(f'<tp:taxonomyPackage xmlns:tp="{N.TP}" xml:lang="en">')
    a(f"  <tp:identifier>{N.namespace(tax)}</tp:identifier>")
    a(f'  <tp:name xml:lang="zh">juesuan 部门决算公开分类标准 {N.version_of(tax)}</tp:name>')
    a(f'  <tp:name xml:lang="en">juesuan departmental final-accounts disclosure taxonomy {N.version_of(tax)}</tp:name>')
    a('  <tp:description xml:lang="zh">由 taxonomies/{0} 生成：概念、九张公开表的列报、功能分类与经济分类编码（类型维度）、'
      "同一 context 内的求和关系。</tp:description>".format(tax.id))
    a(f'  <tp:description xml:lang="en">Generated from taxonomies/{tax.id}: concepts, the presentation of the '
      "disclosure tables per layout, function and economic classification codes (typed dimensions), and the "
      "sums that hold within one context.</tp:description>")
    a(f"  <tp:version>{N.version_of(tax)}</tp:version>")
    a("  <tp:publisher>juesuan</tp:publisher>")
    a(f"  <tp:publisherURL>http://{N.HOST}/</tp:publisherURL>")
    a("  <tp:entryPoints>")
    for lid in sorted(tax.layouts):
        lay = tax.layouts[lid]
        a("    <tp:entryPoint>")
        a(f'      <tp:name xml:lang="zh">{_t(lay.zh or lid)}</tp:name>')
        a(f'      <tp:name xml:lang="en">{_t(lay.en or lid)}</tp:name>')
        a(f'      <tp:entryPointDocument href="{N.entry_point_url(tax, lid)}"/>')
        a("    </tp:entryPoint>")
    a("  </tp:entryPoints>")
    a("</tp:taxonomyPackage>")
    return "\n".join(L) + "\n"


def build_catalog_xml(tax: Taxonomy) -> str:
    return "\n".join([
        XML_DECL,
        GENERATED.format(id=tax.id),
        f'<catalog xmlns="{N.CATALOG}">',
        f'  <rewriteURI uriStartString="{N.base_url(tax)}" rewritePrefix="../{N.package_dir_for_base(tax)}/"/>',
        "</catalog>",
    ]) + "\n"


def package_files(tax: Taxonomy, rules_path: Path | None = None) -> dict[str, str]:
    """Every file of the taxonomy package: {path inside the zip (under its top folder): text}."""
    extra_elements(tax)  # raises on a clash
    calc, _ = calculation_rules(tax, rules_path)
    root = N.package_root(tax)
    base = f"{root}/{N.package_dir_for_base(tax)}"
    files = {
        f"{root}/META-INF/taxonomyPackage.xml": build_taxonomy_package_xml(tax),
        f"{root}/META-INF/catalog.xml": build_catalog_xml(tax),
        f"{base}/{N.core_schema_name(tax)}": build_core_schema(tax, calc),
        f"{base}/{tax.id}-lab.xml": build_label_linkbase(tax),
        f"{base}/{tax.id}-def.xml": build_definition_linkbase(tax),
        f"{base}/{tax.id}-cal.xml": build_calculation_linkbase(tax, calc),
    }
    for lid in sorted(tax.layouts):
        lay = tax.layouts[lid]
        files[f"{base}/{N.entry_schema_name(tax, lid)}"] = build_entry_schema(tax, lay)
        files[f"{base}/{tax.id}-{lid}-pre.xml"] = build_presentation_linkbase(tax, lay)
    return dict(sorted(files.items()))


ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def zip_bytes(files: dict[str, str]) -> bytes:
    """A deterministic zip: sorted entries, fixed timestamps and permissions."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        dirs = sorted({p.rsplit("/", i)[0] + "/" for p in files for i in range(1, p.count("/") + 1)})
        for d in dirs:
            info = zipfile.ZipInfo(d, ZIP_DATE)
            info.external_attr = (0o40755 << 16) | 0x10
            zf.writestr(info, b"")
        for path in sorted(files):
            info = zipfile.ZipInfo(path, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            zf.writestr(info, files[path].encode("utf-8"))
    return buf.getvalue()


def package_zip_name(tax: Taxonomy) -> str:
    return f"{tax.id}-taxonomy-package.zip"


def committed_dir(tax: Taxonomy) -> Path:
    """Where the package's files are committed (unzipped): schemas/xbrl/."""
    from ..taxonomy import resource_root

    return resource_root() / "schemas" / "xbrl"
