"""The committed derived files must be what the taxonomy generates today."""

from __future__ import annotations

import os
import subprocess
import sys

from lxml import etree

from juesuan.derive import derived_files
from juesuan.schema import build_xsd, xsd_path
from juesuan.taxonomy import load_taxonomy

XS = "{http://www.w3.org/2001/XMLSchema}"


def test_every_derived_file_is_current():
    stale = [str(p) for p, build in derived_files() if not p.exists() or p.read_text("utf-8") != build()]
    assert not stale, f"run `python -m juesuan.derive`: stale {stale}"


def test_xsd_is_self_contained_xsd_1_0():
    tax = load_taxonomy()
    doc = etree.parse(str(xsd_path(tax.id)))
    root = doc.getroot()
    assert root.tag == f"{XS}schema"
    assert not root.findall(f"{XS}import") and not root.findall(f"{XS}include") and not root.findall(f"{XS}redefine")
    assert b"schemaLocation" not in etree.tostring(doc)
    assert b"http://" not in etree.tostring(doc).replace(b"http://www.w3.org/2001/XMLSchema", b"").replace(
        b"http://www.w3.org/XML/1998/namespace", b"")
    # XSD 1.1-only constructs must not appear
    for tag in ("assert", "assertion", "alternative", "openContent", "defaultOpenContent", "override"):
        assert not list(root.iter(f"{XS}{tag}")), tag
    names = {e.get("name") for e in root.findall(f"{XS}element")}
    assert set(tax.concepts) <= names


def test_xsd_is_the_same_whatever_the_hash_seed():
    """Deterministic across processes: set and dict orders that depend on string hashing must not leak
    into the schema (a second call in the same process would share one hash seed and prove nothing)."""
    committed = xsd_path(load_taxonomy().id).read_bytes()
    code = ("import sys; from juesuan.schema import build_xsd; from juesuan.taxonomy import load_taxonomy;"
            "sys.stdout.buffer.write(build_xsd(load_taxonomy()).encode('utf-8'))")
    for seed in ("1", "2", "12345"):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        assert out == committed, seed
