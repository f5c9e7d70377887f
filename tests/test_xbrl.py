"""XBRL export: the taxonomy package follows the taxonomy source; the instance carries the report's facts."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from juesuan.derive import derived_files
from juesuan.errors import UnusableInput
from juesuan.taxonomy import load_taxonomy
from juesuan.loader import load_valid
from juesuan.xbrl import build_report, export_xbrl, package_files, to_json, to_xml, zip_bytes
from juesuan.xbrl import names as N
from juesuan.xbrl.calc import calculation_rules
from juesuan.xbrl.package import calc_role, committed_dir, package_zip_name, pre_role
from juesuan.xmlio import load_instance

from .conftest import EXAMPLE_XML, run_cli

FIXTURE_RULES = Path(__file__).parent / "fixtures" / "rules-sample.toml"
XS = f"{{{N.XS}}}"
LINK = f"{{{N.LINK}}}"
XL = f"{{{N.XLINK}}}"
XBRLI = f"{{{N.XBRLI}}}"
XBRLDT = f"{{{N.XBRLDT}}}"


@pytest.fixture(scope="module")
def tax():
    return load_taxonomy()


@pytest.fixture(scope="module")
def files(tax):
    return package_files(tax)


def _doc(files: dict[str, str], suffix: str) -> etree._Element:
    [key] = [k for k in files if k.endswith(suffix)]
    return etree.fromstring(files[key].encode("utf-8"))


def _name(href: str) -> str:
    return href.split("#js_", 1)[1]


def _arcs(root: etree._Element, link: str, arc: str) -> list[tuple[str, str, str, etree._Element]]:
    """(role, from concept, to concept, arc) of every arc in the linkbase."""
    out = []
    for lk in root.iter(f"{LINK}{link}"):
        locs = {loc.get(f"{XL}label"): _name(loc.get(f"{XL}href")) for loc in lk.iter(f"{LINK}loc")}
        for a in lk.iter(f"{LINK}{arc}"):
            out.append((lk.get(f"{XL}role"), locs[a.get(f"{XL}from")], locs.get(a.get(f"{XL}to"), a.get(f"{XL}to")), a))
    return out


# ------------------------------------------------------------------------------------------ the package

def test_package_layout_and_catalog(tax, files):
    root = tax.id
    assert f"{root}/META-INF/taxonomyPackage.xml" in files and f"{root}/META-INF/catalog.xml" in files
    cat = _doc(files, "catalog.xml")
    [rw] = cat.iter(f"{{{N.CATALOG}}}rewriteURI")
    assert rw.get("uriStartString") == "http://juesuan.org/taxonomy/1.0/"
    # the rewrite prefix, resolved against META-INF/, is where the schema files are
    target = f"{root}/" + rw.get("rewritePrefix").removeprefix("../")
    assert f"{target}juesuan-1.0.xsd" in files
    tp = _doc(files, "taxonomyPackage.xml")
    eps = [e.get("href") for e in tp.iter(f"{{{N.TP}}}entryPointDocument")]
    assert eps == [f"http://juesuan.org/taxonomy/1.0/juesuan-1.0-{lid}.xsd" for lid in sorted(tax.layouts)]
    for ep in eps:
        assert target + ep.removeprefix(rw.get("uriStartString")) in files


def test_every_concept_declared_with_its_period_and_balance(tax, files):
    schema = _doc(files, "/juesuan-1.0.xsd")
    assert schema.get("targetNamespace") == "http://juesuan.org/taxonomy/1.0"
    decl = {e.get("name"): e for e in schema.findall(f"{XS}element")}
    for c in tax.concepts.values():
        e = decl[c.id]
        assert e.get("type") == "xbrli:monetaryItemType"
        assert e.get("substitutionGroup") == "xbrli:item"
        assert e.get(f"{XBRLI}periodType") == c.period, c.id
        assert e.get(f"{XBRLI}balance") == c.balance, c.id
    assert decl["SumOpeningBalance"].get(f"{XBRLI}periodType") == "instant"
    assert decl["IncTotal"].get(f"{XBRLI}periodType") == "duration"
    # typed dimensions point at a pattern-restricted domain element
    for dim, (axis, domain, *_rest) in N.DIMENSIONS.items():
        assert decl[axis].get("substitutionGroup") == "xbrldt:dimensionItem"
        assert decl[axis].get(f"{XBRLDT}typedDomainRef") == f"#js_{domain}"
    types = {t.get("name"): t.find(f"{XS}restriction/{XS}pattern").get("value") for t in schema.findall(f"{XS}simpleType")}
    assert types == {"functionCodeType": "[0-9]{3}([0-9]{2}([0-9]{2})?)?", "economicCodeType": "[0-9]{3}([0-9]{2})?"}


def test_every_concept_has_zh_and_en_labels(tax, files):
    lab = _doc(files, "-lab.xml")
    labels: dict[tuple[str, str, str], str] = {}
    for role, frm, to, _ in _arcs(lab, "labelLink", "labelArc"):
        for res in lab.iter(f"{LINK}label"):
            if res.get(f"{XL}label") == to:
                labels[(frm, res.get("{http://www.w3.org/XML/1998/namespace}lang"), res.get(f"{XL}role"))] = res.text
    for c in tax.concepts.values():
        assert labels[(c.id, "zh", N.ROLE_LABEL)] == c.zh
        assert labels[(c.id, "en", N.ROLE_LABEL)] == c.en
        assert labels[(c.id, "zh", N.ROLE_VERBOSE)] == f"{tax.statements[c.statement]['zh']}：{c.zh}"
    assert labels[("IncOther", "zh", N.ROLE_LABEL)] == "其他收入"
    schema = _doc(files, "/juesuan-1.0.xsd")
    for e in schema.findall(f"{XS}element"):  # every element the taxonomy declares has both labels
        if e.get("substitutionGroup"):
            assert (e.get("name"), "zh", N.ROLE_LABEL) in labels and (e.get("name"), "en", N.ROLE_LABEL) in labels


def _table_concepts(layout) -> dict[str, set[str]]:
    """Concepts per table read from the layout's placements (not the generator's walk)."""
    out: dict[str, set[str]] = {t.id: set() for t in layout.tables}
    for (concept, _code), p in layout._fixed.items():
        out[p.table].add(concept)
    for concept, (table, *_rest) in layout._groups.items():
        out[table.id].add(concept)
    return out


def test_every_layout_table_has_a_presentation_network(tax, files):
    for lid, layout in tax.layouts.items():
        pre = _doc(files, f"-{lid}-pre.xml")
        by_role: dict[str, set[str]] = {}
        for role, frm, to, _ in _arcs(pre, "presentationLink", "presentationArc"):
            by_role.setdefault(role, set()).add(to)
        expected = _table_concepts(layout)
        assert set(by_role) == {pre_role(tax, lid, t.id) for t in layout.tables}
        for t in layout.tables:
            got = by_role[pre_role(tax, lid, t.id)]
            assert {c for c in got if c in tax.concepts} == expected[t.id], (lid, t.id)
        # role types are declared in the layout's entry point, which imports the core schema
        entry = _doc(files, f"/juesuan-1.0-{lid}.xsd")
        assert {r.get("roleURI") for r in entry.iter(f"{LINK}roleType")} == set(by_role)
    pre = _doc(files, "-2021-hunan-pre.xml")
    t02 = [to for role, _, to, _ in _arcs(pre, "presentationLink", "presentationArc")
           if role == pre_role(tax, "2021-hunan", "02")]
    assert t02 == ["FunctionCodeAxis", "IncTotal", "IncGrant", "IncSuperiorSubsidy", "IncService", "IncOperating",
                   "IncAffiliatedRemittance", "IncOther"]


def test_definition_linkbase_dimensions(tax, files):
    d = _doc(files, "-def.xml")
    members: dict[str, set[str]] = {}
    for role, frm, to, arc in _arcs(d, "definitionLink", "definitionArc"):
        if arc.get(f"{XL}arcrole") == N.ARC_DOMAIN_MEMBER:
            members.setdefault(role.rsplit("/", 1)[1], set()).add(to)
        if arc.get(f"{XL}arcrole") == N.ARC_ALL:
            assert arc.get(f"{XBRLDT}closed") == "true" and arc.get(f"{XBRLDT}contextElement") == "segment"
    by_dim = lambda *dims: {c.id for c in tax.concepts.values() if c.dim in dims}  # noqa: E731
    assert members["function"] == by_dim("function")
    assert members["economic"] == by_dim("economic") == {"BasicExp"}
    assert members["no-code"] == by_dim("none", "function") | {N.ENTITY_NAME}


def test_calculation_rules_from_a_catalogue(tax):
    calc, excluded = calculation_rules(tax, FIXTURE_RULES)
    assert [r.id for r in calc] == ["T02.row", "T03.row", "T01.income", "T07.actual.vehicle"]
    reasons = {e.rule: e.reason for e in excluded}
    assert reasons == {
        "T01.grand-income": "mixed-periods",  # 年初结转和结余 is an instant, the flows are durations
        "T04.fund.closing": "mixed-periods",
        "T05.total-plain": "plain-coded",  # the 合计 row only; a calculation would bind every code row
        "T02.hierarchy": "hierarchy",
        "X01-02.income": "equal",
        "X07-06.reception": "ge",
    }
    details = {e.rule: e.detail for e in excluded}
    assert details["T04.fund.closing"] == "FundClosing = FundOpening + FundIncome - FundExpTotal"
    assert details["X07-06.reception"] == "ThreeActualReception ≥ BasicExp[30217]"


def test_calculation_linkbase_carries_the_sum_rules(tax):
    files = package_files(tax, FIXTURE_RULES)
    cal = _doc(files, "-cal.xml")
    arcs = [(role, frm, to, arc.get("weight")) for role, frm, to, arc in _arcs(cal, "calculationLink", "calculationArc")]
    t02 = [(frm, to, w) for role, frm, to, w in arcs if role == calc_role(tax, "T02.row")]
    assert t02 == [("IncTotal", c, "1.0") for c in ("IncGrant", "IncSuperiorSubsidy", "IncService", "IncOperating",
                                                     "IncAffiliatedRemittance", "IncOther")]
    assert {role for role, *_ in arcs} == {calc_role(tax, r) for r in ("T02.row", "T03.row", "T01.income", "T07.actual.vehicle")}
    assert not any(frm == "SumIncGrandTotal" for _, frm, _, _ in arcs)
    schema = _doc(files, "/juesuan-1.0.xsd")
    assert {r.get("roleURI") for r in schema.iter(f"{LINK}roleType")} >= {role for role, *_ in arcs}


def test_a_weight_against_the_balances_is_not_a_calculation(tax, tmp_path):
    p = tmp_path / "rules.toml"
    p.write_text('[[rule]]\nid = "T01.x"\nseverity = "error"\nkind = "sum"\ntotal = "SumIncGrandTotal"\n'
                 'scope = "plain"\nitems = ["SumIncTotal", "SumExpGrandTotal"]\nzh = "甲"\nen = "a"\n', encoding="utf-8")
    calc, excluded = calculation_rules(tax, p)
    assert not calc and excluded[0].reason == "balance"  # credit total, debit item, weight +1


def test_committed_package_is_registered_as_derived(tax, files):
    registered = {p for p, _ in derived_files()}
    assert {committed_dir(tax) / rel for rel in files} <= registered


def test_package_zip_is_deterministic_with_one_top_folder(tax, files):
    z1, z2 = zip_bytes(files), zip_bytes(package_files(tax))
    assert z1 == z2
    names = zipfile.ZipFile(io.BytesIO(z1)).namelist()
    assert {n.split("/", 1)[0] for n in names} == {tax.id}
    assert set(files) <= set(names)


# ------------------------------------------------------------------------------------------ the instance

@pytest.fixture(scope="module")
def liling():
    return load_instance(EXAMPLE_XML)


@pytest.fixture(scope="module")
def xml_root(liling):
    return etree.fromstring(to_xml(build_report(liling)))


def _facts(root) -> dict[tuple[str, str], etree._Element]:
    out = {}
    for el in root:
        q = etree.QName(el)
        if q.namespace == "http://juesuan.org/taxonomy/1.0":
            out[(q.localname, el.get("contextRef"))] = el
    return out


def test_amounts_in_yuan_with_decimals_minus_2(xml_root):
    facts = _facts(xml_root)
    other = facts[("IncOther", "D2021_F210")]
    assert other.text == "200000" and other.get("decimals") == "-2" and other.get("unitRef") == "CNY"
    assert facts[("IncTotal", "D2021_F210")].text == "58800"
    assert facts[("SumIncGrandTotal", "D2021")].text == "20352100"
    [unit] = xml_root.findall(f"{XBRLI}unit")
    assert unit.findtext(f"{XBRLI}measure") == "iso4217:CNY"


def test_periods_and_dimensions(xml_root):
    ctx = {c.get("id"): c for c in xml_root.findall(f"{XBRLI}context")}
    facts = _facts(xml_root)
    assert ("SumOpeningBalance", "I20201231") in facts and facts[("SumOpeningBalance", "I20201231")].text == "480300"
    assert ("SumClosingBalance", "I20211231") in facts and facts[("SumClosingBalance", "I20211231")].text == "20600"
    assert ("GrantOpeningTotal", "I20201231") in facts and ("GrantClosingTotal", "I20211231") in facts
    assert ctx["I20201231"].findtext(f"{XBRLI}period/{XBRLI}instant") == "2020-12-31"
    d = ctx["D2021"].find(f"{XBRLI}period")
    assert (d.findtext(f"{XBRLI}startDate"), d.findtext(f"{XBRLI}endDate")) == ("2021-01-01", "2021-12-31")
    tm = ctx["D2021_E30217"].find(f"{XBRLI}entity/{XBRLI}segment/{{{N.XBRLDI}}}typedMember")
    assert tm.get("dimension") == "js:EconomicCodeAxis" and tm[0].text == "30217"
    assert ctx["D2021"].find(f"{XBRLI}entity/{XBRLI}segment") is None  # the 合计 row has no dimension


def test_contexts_deduplicated_and_all_used(liling, xml_root):
    ids = [c.get("id") for c in xml_root.findall(f"{XBRLI}context")]
    assert len(ids) == len(set(ids)) and ids == sorted(ids)
    used = {el.get("contextRef") for el in _facts(xml_root).values()}
    assert used == set(ids)
    # one context per (period, code): the example's codes, the plain duration and the two instants
    codes = {f.code for f in liling.facts if f.code}
    assert len(ids) == len(codes) + 3 == 42  # docs/xbrl.md says so


def test_entity_identifier_schemes(liling):
    rep = build_report(liling)
    assert rep.scheme == "http://juesuan.org/entity/name"
    assert rep.identifier == build_report(liling.with_header(entity=" 醴陵市网格化管理\n服务中心 ")).identifier
    assert rep.identifier != build_report(liling.with_header(entity="醴陵市网格化管理服务中心（本级）")).identifier
    assert rep.identifier.startswith("N") and len(rep.identifier) == 17
    withcode = build_report(liling.with_header(uscc="12430281MB1C3960XA"))
    assert (withcode.scheme, withcode.identifier) == ("http://juesuan.org/entity/uscc", "12430281MB1C3960XA")


def test_round_trip_facts(liling, xml_root):
    """Every fact of the instance is in the XBRL, and nothing else (the entity name aside)."""
    ctx_code = {}
    for c in xml_root.findall(f"{XBRLI}context"):
        tm = c.find(f".//{{{N.XBRLDI}}}typedMember")
        ctx_code[c.get("id")] = tm[0].text if tm is not None else ""
    back = set()
    for (concept, cref), el in _facts(xml_root).items():
        if concept == N.ENTITY_NAME:
            assert el.text == liling.header.entity
            continue
        back.add((concept, ctx_code[cref], Decimal(el.text) / 10000))
    assert back == liling.fact_set()
    assert len(back) == 122


def test_xbrl_json_has_the_same_facts(liling):
    rep = build_report(liling)
    doc = json.loads(to_json(rep))
    assert doc["documentInfo"]["documentType"] == "https://xbrl.org/2021/xbrl-json"
    assert doc["documentInfo"]["taxonomy"] == ["http://juesuan.org/taxonomy/1.0/juesuan-1.0-2021-hunan.xsd"]
    facts = list(doc["facts"].values())
    assert len(facts) == len(rep.facts) == 123
    other = [f for f in facts if f["dimensions"]["concept"] == "js:IncOther"
             and f["dimensions"].get("js:FunctionCodeAxis") == "210"]
    assert other == [{"value": "200000", "decimals": -2, "dimensions": {
        "concept": "js:IncOther", "entity": "jsname:" + rep.identifier,
        "period": "2021-01-01T00:00:00/2022-01-01T00:00:00", "unit": "iso4217:CNY", "js:FunctionCodeAxis": "210"}}]
    opening = [f for f in facts if f["dimensions"]["concept"] == "js:SumOpeningBalance"]
    assert opening[0]["dimensions"]["period"] == "2021-01-01T00:00:00"  # end of 2020-12-31


def test_instant_concepts_are_opening_or_closing(tax, liling):
    rep = build_report(liling)
    ctx = {c.id: c for c in rep.contexts}
    for f in rep.facts:
        c = tax.concepts.get(f.concept)
        if c is not None and c.period == "instant":
            assert ctx[f.context].end == (dt.date(2020, 12, 31) if "年初" in c.zh else dt.date(2021, 12, 31))


# ------------------------------------------------------------------------------------------ export

def test_export_is_byte_identical_and_complete(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    wa = export_xbrl(load_valid(EXAMPLE_XML), a)
    wb = export_xbrl(load_valid(EXAMPLE_XML), b)
    assert [p.name for p in wa] == ["juesuan-1.0-taxonomy-package.zip", "liling-2021.xbrl"]
    for pa, pb in zip(wa, wb):
        assert pa.read_bytes() == pb.read_bytes()
    assert sorted(p.name for p in a.iterdir()) == sorted(p.name for p in wa)  # no temporary files left


def test_export_zip_equals_committed_files(tmp_path):
    tax = load_taxonomy()
    [pkg, _] = export_xbrl(load_valid(EXAMPLE_XML), tmp_path)
    zf = zipfile.ZipFile(pkg)
    for rel in package_files(tax):
        assert zf.read(rel).decode("utf-8") == (committed_dir(tax) / rel).read_text("utf-8")


def test_export_refuses_an_instance_invalid_against_the_xsd(tmp_path, example_xml_text):
    bad = tmp_path / "bad.xml"
    bad.write_text(example_xml_text.replace('<IncOther code="210">20.00</IncOther>',
                                            '<IncOther code="210">20.001</IncOther>'), encoding="utf-8")
    with pytest.raises(UnusableInput, match="not valid against the XSD"):
        export_xbrl(load_valid(bad), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_cli_export(tmp_path):
    res = run_cli("export", EXAMPLE_XML, "--format", "xbrl", "-o", tmp_path / "x", "--lang", "en")
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == [f"wrote {tmp_path / 'x' / package_zip_name(load_taxonomy())}",
                                       f"wrote {tmp_path / 'x' / 'liling-2021.xbrl'}"]
    res = run_cli("export", EXAMPLE_XML, "--format", "xbrl-json", "-o", tmp_path / "j")
    assert res.returncode == 0 and (tmp_path / "j" / "liling-2021.json").exists()
    res = run_cli("export", tmp_path / "missing.xml", "--format", "xbrl", "-o", tmp_path / "m")
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "Traceback" not in res.stderr
    res = run_cli("export", EXAMPLE_XML, "--format", "pdf", "-o", tmp_path / "m")
    assert res.returncode == 2


def test_calculations_doc_lists_every_rule(tax):
    from juesuan.xbrl.docs import build_calculations_doc

    doc = build_calculations_doc(tax, FIXTURE_RULES)
    calc, excluded = calculation_rules(tax, FIXTURE_RULES)
    head, tail = doc.split("## Rules XBRL calculations do not express")
    assert all(f"| `{r.id}` |" in head for r in calc)
    assert all(f"| `{e.rule}` |" in tail for e in excluded)
    assert "| `T01.grand-income` | sum | plain | mixes instants" in tail


def test_schema_ref_is_the_entry_point_of_the_layout(liling):
    for lid in ("2021-hunan", "2024-shanghai"):
        root = etree.fromstring(to_xml(build_report(liling.with_header(layout=lid))))
        [ref] = root.findall(f"{{{N.LINK}}}schemaRef")
        assert ref.get(f"{XL}href") == f"http://juesuan.org/taxonomy/1.0/juesuan-1.0-{lid}.xsd"


def test_entity_name_is_escaped(liling):
    root = etree.fromstring(to_xml(build_report(liling.with_header(entity="A&B <单位>"))))
    assert root.find("{http://juesuan.org/taxonomy/1.0}EntityName").text == "A&B <单位>"


def test_the_catalogue_sums_that_are_calculations(tax):
    from juesuan.checks import load_rules

    calc, excluded = calculation_rules(tax)  # the Rule objects the checks run, classified
    assert len(calc) + len(excluded) == len(load_rules(tax.id)) > 0
    ids = {r.id for r in calc}
    assert {"T02.row-sum", "T03.row-sum", "T04.row-sum", "T05.row-sum", "T08.row-sum", "T09.row-sum",
            "T01.income-total", "T07.actual-total", "T04.opening-total"} <= ids
    reasons = {e.rule: e.reason for e in excluded}
    assert reasons["T01.income-grand-total"] == "mixed-periods"  # + 年初结转和结余 (instant)
    assert reasons["T06.personnel-total"] == "pinned"  # 301 + 303: other contexts
    assert reasons["T02.hierarchy"] == "hierarchy" and reasons["X01-04.opening"] == "ge"
    assert all(tax.concepts[r.total].period == tax.concepts[c].period for r in calc for c, _ in r.items)


def _one_fact(liling, **changes):
    from juesuan.model import Instance
    from juesuan.records import replace

    fact = next(f for f in liling.facts if f.concept == "BasicExp" and f.code == "30101")
    return Instance(liling.header, [replace(fact, **changes)], source="x.xml")


@pytest.mark.parametrize("make,code,zh,en", [
    (lambda i: i.with_header(layout="2099-x"), "input:unknown-layout", "未知的版式 2099-x",
     "unknown layout 2099-x"),
    (lambda i: i.with_header(fiscal_year=1800), "input:xbrl-year", "会计年度 1800 不是年份", "fiscal year 1800 is not a year"),
    (lambda i: _one_fact(i, concept="NoSuchConcept"), "input:xbrl-unknown-concept", "NoSuchConcept 不是分类标准",
     "NoSuchConcept is not a concept of taxonomy"),
    (lambda i: _one_fact(i, code=None), "input:xbrl-needs-code", "BasicExp 需要经济分类科目编码",
     "BasicExp needs an economic classification code"),
    (lambda i: _one_fact(i, concept="BasicPersonnelTotal"), "input:xbrl-no-code",
     "BasicPersonnelTotal 不带分类科目编码（实际为 30101）", "BasicPersonnelTotal takes no classification code (got 30101)"),
    (lambda i: _one_fact(i, code="99"), "input:xbrl-bad-economic-code", "BasicExp：99 不是经济分类科目编码",
     "BasicExp: '99' is not an economic classification code"),
    (lambda i: i.with_header(entity=" ", uscc=None), "input:xbrl-no-entity", "实例既没有单位名称，也没有统一社会信用代码",
     "the instance has neither an entity name nor a unified social credit code (USCC)"),
])
def test_what_xbrl_cannot_carry_is_refused_in_both_languages(liling, make, code, zh, en):
    """An instance that passed the XSD has none of these; built in memory, each is one refusal whose
    reason is in the catalogue, Chinese by default."""
    with pytest.raises(UnusableInput) as e:
        build_report(make(liling))
    assert e.value.code == code
    assert zh in e.value.text("zh") and en in e.value.text("en") and en in str(e.value)
