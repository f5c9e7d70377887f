"""The hostile-input corpus (tools/make_hostile_corpus.py, manifest tests/hostile/manifest.json):
every case, as a real command in a subprocess, ends within 5 s under a 300 MB memory cap with the
exit status and finding (or one stderr line) the manifest expects; never a traceback, never an
output file when the input was unusable."""

from __future__ import annotations

import fnmatch
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "tests" / "hostile" / "manifest.json"
TIMEOUT = 5  # seconds, whole process
MEMORY = 300 * 1024 * 1024  # address space (RLIMIT_AS), interpreter and libraries included

sys.path.insert(0, str(ROOT / "tools"))
import make_hostile_corpus  # noqa: E402

CASES = json.loads(MANIFEST.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("hostile") / "c"
    built = make_hostile_corpus.build(d)
    assert built == CASES, "tests/hostile/manifest.json is stale: python tools/make_hostile_corpus.py --manifest"
    return d


def test_corpus_is_large_enough():
    assert len(CASES) >= 60
    kinds = {c["name"].split("-")[0] for c in CASES}
    assert {"xlsx", "txt", "csv", "xml", "pdf", "fifo.xml:validate".split("-")[0]} <= kinds | {"fifo.xml:validate"}


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _case_param(c: dict):
    marks = [pytest.mark.xfail(strict=True, reason=f"needs {c['owner']}")] if c.get("owner") else []
    return pytest.param(c, id=c["name"], marks=marks)


@pytest.mark.parametrize("case", [_case_param(c) for c in CASES])
def test_hostile_case(case, corpus, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for sub in case.get("setup_dirs", []):
        (out / sub).mkdir()
    args = [a.format(dir=corpus, out=out, root=ROOT) for a in case["args"]]
    if args[0] != "facts":  # messages in English, where the manifest's phrases come from (facts has no --lang)
        args.append("--lang=en")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        r = subprocess.run([sys.executable, "-m", "juesuan", *args], capture_output=True, timeout=TIMEOUT,
                           preexec_fn=_limit, cwd=tmp_path, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{case['name']}: still running after {TIMEOUT} s")
    stderr = r.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr and "MemoryError" not in stderr, stderr[-2000:]
    assert r.returncode == case["exit"], (r.returncode, stderr[-1000:], r.stdout[-1000:])
    if case["exit"] == 2:
        lines = stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("juesuan: "), stderr
        assert case.get("stderr", "") in lines[0], lines[0]
        assert not (out / "out.xml").exists()
    if case.get("codes") or "facts" in case:
        data = json.loads(r.stdout.decode("utf-8"))
        got = {f["code"] for f in data.get("findings", [])}
        assert set(case.get("codes", [])) <= got, sorted(got)
        if "facts" in case:
            assert data["facts"] == case["facts"]
    if "fact" in case:
        concept, code, value = case["fact"]
        records = json.loads(r.stdout.decode("utf-8"))
        got = [x["value"] for x in records if x["concept"] == concept and x["code"] == code]
        assert got == [value], got
    for pattern in case.get("absent", []):
        left = [p.name for p in out.rglob("*") if fnmatch.fnmatch(p.name, pattern)]
        assert not left, left
