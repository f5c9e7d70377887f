"""compiled.json (the parsed taxonomy sources, for start-up speed) is used only when it is current."""

from __future__ import annotations

import json
import shutil
import sys
import tomllib

from juesuan.taxonomy import COMPILED, _read_sources, build_compiled, compiled_path, load_taxonomy, resource_root


def _copy(tmp_path):
    root = tmp_path / "juesuan-1.0"
    shutil.copytree(resource_root() / "taxonomies" / "juesuan-1.0", root)
    return root


def test_compiled_json_is_current_and_used(tmp_path, monkeypatch):
    assert compiled_path().read_text("utf-8") == build_compiled()
    root = _copy(tmp_path)
    # a current compiled.json is used: TOML is not even imported
    monkeypatch.setitem(sys.modules, "tomllib", None)
    data = _read_sources(root)
    assert {"concepts.toml", "layouts/2021-hunan.toml", "layouts/2024-shanghai.toml"} <= set(data)
    assert data == json.loads((root / COMPILED).read_text("utf-8"))["toml"]
    # and in the same order as the TOML (derived files list statements and concepts in file order)
    parsed = tomllib.loads((root / "concepts.toml").read_text("utf-8"))
    assert list(data["concepts.toml"]["statements"]) == list(parsed["statements"])


def test_stale_or_broken_compiled_json_is_ignored(tmp_path):
    root = _copy(tmp_path)
    concepts = root / "concepts.toml"
    concepts.write_text(concepts.read_text("utf-8").replace('zh = "收入总计"', 'zh = "收入总计（改）"'), "utf-8")
    data = _read_sources(root)
    assert any(c["zh"] == "收入总计（改）" for c in data["concepts.toml"]["concept"])
    (root / COMPILED).write_text("{not json", "utf-8")
    assert any(c["zh"] == "收入总计（改）" for c in _read_sources(root)["concepts.toml"]["concept"])
    (root / COMPILED).unlink()
    assert any(c["zh"] == "收入总计（改）" for c in _read_sources(root)["concepts.toml"]["concept"])


def test_same_taxonomy_with_and_without_compiled_json(monkeypatch):
    a = load_taxonomy()
    monkeypatch.setattr("juesuan.taxonomy.COMPILED", "missing.json")
    load_taxonomy.cache_clear()
    try:
        b = load_taxonomy()
    finally:
        load_taxonomy.cache_clear()
    assert a.concepts == b.concepts and a.layouts == b.layouts and a.statements == b.statements
    assert a.layout("2021-hunan").place("SumIncTotal", None) == b.layout("2021-hunan").place("SumIncTotal", None)
