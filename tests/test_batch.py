"""`juesuan batch`: a generated tree of reports (benchmarks/make_batch_corpus.py), every output written,
summary counts equal to the per-report findings, --resume doing no work, the carry-over series,
Ctrl-C leaving only complete outputs, and one unusable file never stopping the batch."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from .conftest import EXAMPLES, EXAMPLE_XML, ROOT, run_cli

sys.path.insert(0, str(ROOT / "benchmarks"))
import make_batch_corpus  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus") / "tree"
    make_batch_corpus.main([str(out), "--reports", "120", "--years", "4", "--xlsx", "4", "--errors", "6",
                            "--unusable", "5"])
    return out


@pytest.fixture(scope="module")
def batch_run(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "out"
    res = run_cli("batch", corpus, "-o", out, "--jobs", "2", "--format", "json", timeout=300)
    return out, res


def _inputs(corpus) -> list[str]:
    return sorted(str(p.relative_to(corpus)).replace(os.sep, "/") for p in corpus.rglob("*") if p.is_file())


def _summary_rows(out) -> list[dict]:
    return [json.loads(line) for line in (out / "summary.jsonl").read_text("utf-8").splitlines()]


def test_every_input_has_its_outputs_and_the_batch_exits_1(corpus, batch_run):
    out, res = batch_run
    assert res.returncode == 1, res.stderr
    assert res.stderr == ""  # not a terminal: no progress bar
    counts = json.loads(res.stdout)["counts"]
    assert counts == {"reports": 120, "valid": 109, "invalid": 6, "unusable": 5, "failed": 0, "findings": 11,
                      "carry_over": 0, "resumed": 0, "skipped_other_types": 0}
    inputs = _inputs(corpus)
    assert len(inputs) == 120
    for rel in inputs:
        doc = json.loads((out / "reports" / (rel + ".json")).read_bytes())
        assert doc["file"] == rel and doc["status"] in ("valid", "invalid", "unusable")
        if rel.endswith(".xlsx") and doc["status"] != "unusable":
            inst = out / "reports" / (rel + ".xml")
            assert run_cli("validate", inst).returncode == 0  # the converted instance itself is written
    assert not list(out.rglob("*.tmp"))
    for name in ("summary.csv", "summary-rules.csv", "summary.jsonl", "summary.xlsx", "summary.html", "series.jsonl"):
        assert (out / name).exists(), name


def test_summary_counts_equal_the_per_report_findings(corpus, batch_run):
    out, _ = batch_run
    rows = _summary_rows(out)
    reports = {r["file"]: r for r in rows if r["type"] == "report"}
    rules = {r["code"]: r for r in rows if r["type"] == "rule"}
    per_code: dict[str, list[int]] = {}
    for rel, r in reports.items():
        doc = json.loads((out / "reports" / (rel + ".json")).read_bytes())
        sev = [f["severity"] for f in doc["findings"]]
        assert (r["errors"], r["warnings"], r["infos"]) == (sev.count("error"), sev.count("warning"), sev.count("info"))
        assert r["status"] == doc["status"]
        errors = [f for f in doc["findings"] if f["severity"] == "error"]
        assert (r["first_error"] or {}).get("code") == (errors[0]["code"] if errors else None)
        codes = {}
        for f in doc["findings"]:
            codes[f["code"]] = codes.get(f["code"], 0) + 1
        for code, n in codes.items():
            agg = per_code.setdefault(code, [0, 0])
            agg[0] += 1
            agg[1] += n
    assert {c: [r["reports"], r["findings"]] for c, r in rules.items()} == per_code
    assert per_code == {"rule:T06.hierarchy": [6, 6], "batch:unusable": [5, 5]}
    # the CSV says the same in Chinese, with a BOM for Excel
    raw = (out / "summary.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(table) == 120 and {r["状态"] for r in table} == {"通过", "未通过", "无法读取"}
    bad = [r for r in table if r["状态"] == "未通过"]
    assert all(r["首个错误"].startswith("[rule:T06.hierarchy] 06表 302") for r in bad), bad[0]


def test_resume_does_no_work_and_writes_identical_summaries(corpus, batch_run, tmp_path):
    out, _ = batch_run
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in (copy / "reports").rglob("*") if p.is_file()}
    summaries = {n: (copy / n).read_bytes() for n in ("summary.csv", "summary-rules.csv", "summary.jsonl",
                                                      "summary.xlsx", "summary.html", "series.jsonl")}
    res = run_cli("batch", corpus, "-o", copy, "--jobs", "2", "--resume", "--format", "json", timeout=300)
    assert res.returncode == 1
    counts = json.loads(res.stdout)["counts"]
    assert counts["resumed"] == 120  # unusable files too: the same bytes give the same verdict
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in (copy / "reports").rglob("*") if p.is_file()}
    assert after.keys() == before.keys()
    assert after == before  # nothing rewritten
    for n, data in summaries.items():
        assert (copy / n).read_bytes() == data, n
    # an output that went missing is not current: that report alone is done again, to the same bytes
    lost = next(p for p in before if p.name.endswith(".xlsx.xml"))
    lost.unlink()
    res = run_cli("batch", corpus, "-o", copy, "--jobs", "1", "--resume", "--format", "json", timeout=300)
    assert json.loads(res.stdout)["counts"]["resumed"] == 119 and lost.read_bytes() == before[lost][1]


def test_carry_over_between_consecutive_years(tmp_path):
    tree = tmp_path / "in"
    tree.mkdir()
    shutil.copy(EXAMPLES / "liling-2020.xml", tree)
    shutil.copy(EXAMPLE_XML, tree)
    shutil.copy(EXAMPLES / "liling-2021-draft.xml", tree)
    out = tmp_path / "out"
    res = run_cli("batch", tree, "-o", out, "--jobs", "1", "--lang", "en")
    assert res.returncode == 1
    rows = {r["file"]: r for r in _summary_rows(out) if r["type"] == "report"}
    assert rows["liling-2020.xml"]["carry_over"] is None  # no 2019 report
    assert rows["liling-2021.xml"]["carry_over"] == 3 and rows["liling-2021-draft.xml"]["carry_over"] == 3
    series = [json.loads(x) for x in (out / "series.jsonl").read_text("utf-8").splitlines()]
    got = {(f["file"], f["table"], f["row"], f["values"]["opening"], f["values"]["closing"]) for f in series}
    assert ("liling-2021.xml", "04", "年初财政拨款结转和结余", "48.03", "49.56") in got
    assert ("liling-2021.xml", "01", "年初结转和结余", "48.03", "51.56") in got
    assert len(series) == 6 and {f["prior_file"] for f in series} == {"liling-2020.xml"}
    rule = [r for r in _summary_rows(out) if r["type"] == "rule" and r["code"] == "prior:carry-over"]
    assert rule == [{"type": "rule", "code": "prior:carry-over", "severity": "error", "reports": 2, "findings": 6}]
    head = (out / "summary.csv").read_text("utf-8-sig").splitlines()[0]
    assert head.endswith("first error,carry-over")


def test_an_unusable_input_and_a_missing_folder(tmp_path):
    tree = tmp_path / "in"
    (tree / "sub").mkdir(parents=True)
    shutil.copy(EXAMPLES / "liling-2020.xml", tree / "sub")
    (tree / "sub" / "doc.xml").write_text('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', encoding="utf-8")
    (tree / "sub" / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    out = tmp_path / "out"
    res = run_cli("batch", tree, "-o", out, "--jobs", "2", "--format", "json")
    assert res.returncode == 1 and json.loads(res.stdout)["counts"]["valid"] == 1
    assert "1 个其他类型的文件" in res.stderr  # .xls is not a supported type in a folder: said, not silent
    doc = json.loads((out / "reports" / "doc.xml.json").read_bytes())
    assert doc["status"] == "unusable" and "DOCTYPE" in doc["findings"][0]["message_en"]
    res = run_cli("batch", tmp_path / "nope", "-o", out)
    assert res.returncode == 1  # a named file that does not exist is one unusable report
    (tree / "sub" / "other.xml").write_text("<foo/>", encoding="utf-8")  # XML, but no instance: its reason in both languages
    run_cli("batch", tree / "sub" / "other.xml", "-o", out)
    doc = json.loads((out / "reports" / "other.xml.json").read_bytes())
    assert doc["status"] == "unusable"
    assert doc["findings"][0]["message_zh"].endswith("根元素 foo 不是本分类标准实例的根元素 {urn:juesuan:1.0}report")
    assert doc["findings"][0]["message_en"].endswith("the root element foo is not {urn:juesuan:1.0}report, the root of "
                                                     "this taxonomy's instances")
    res = run_cli("batch", tmp_path / "empty-*", "-o", out)
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "Traceback" not in res.stderr


def test_ctrl_c_leaves_only_complete_outputs(corpus, tmp_path):
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.Popen([sys.executable, "-m", "juesuan", "batch", str(corpus), "-o", str(out), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((out / "reports").rglob("*.json"))) < 10:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 1:
        pytest.skip("the batch finished before the interrupt arrived")
    assert proc.returncode == 2 and "--resume" in err and "Traceback" not in err, err
    assert not list(out.rglob("*.tmp")) and not (out / "summary.csv").exists()
    for p in (out / "reports").rglob("*.json"):
        json.loads(p.read_bytes())  # every file there is complete
    res = run_cli("batch", corpus, "-o", out, "--jobs", "2", "--resume", "--format", "json", timeout=300)
    assert res.returncode == 1 and json.loads(res.stdout)["counts"]["reports"] == 120


def test_list_file_and_glob(tmp_path):
    lst = tmp_path / "list.txt"
    lst.write_text(f"{EXAMPLES / 'liling-2020.xml'}\n# a comment\n\n", encoding="utf-8")
    out = tmp_path / "out"
    res = run_cli("batch", f"@{lst}", str(EXAMPLES / "liling-2021*.xml"), "-o", out, "--format", "json", "--jobs", "1")
    assert json.loads(res.stdout)["counts"]["reports"] == 3
    assert sorted(p.name for p in (out / "reports").iterdir()) == [
        "liling-2020.xml.json", "liling-2021-draft.xml.json", "liling-2021.xml.json"]


def test_progress_line_only_on_a_terminal(tmp_path):
    import pty

    out = tmp_path / "out"
    master, slave = pty.openpty()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.Popen([sys.executable, "-m", "juesuan", "batch", str(EXAMPLES), "-o", str(out), "--jobs", "1",
                             "--lang", "en"], stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    proc.stdout.read()
    proc.wait(timeout=120)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert b"\r4/4  failed 3" in seen, seen  # done/total, failures, rate, ETA on one line
    assert b"/s  ETA" in seen


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_batch_and_consolidate_speak_one_language(lang, tmp_path):
    from .test_cli_lang import chinese, english_words

    check = english_words if lang == "zh" else chinese
    dept = tmp_path / "dept.xml"
    runs = [run_cli("batch", EXAMPLES, "-o", tmp_path / "out", "--jobs", "1", "--lang", lang),
            run_cli("consolidate", EXAMPLE_XML, EXAMPLE_XML, "-o", dept, "--lang", lang)]
    runs.append(run_cli("consolidate", EXAMPLE_XML, EXAMPLES / "liling-2021-draft.xml", "--check", dept, "--lang", lang))
    for res in runs:
        assert res.returncode == 1
        for line in res.stdout.splitlines():
            assert not check(line), (lang, line)
    rows = (tmp_path / "out" / "summary.csv").read_text("utf-8-sig").splitlines()
    for line in rows[1:] + [(tmp_path / "out" / "summary-rules.csv").read_text("utf-8-sig")]:
        line = line.replace("醴陵市网格化管理服务中心", "")
        if lang == "en":
            line = line.split("(source:")[0]  # the workbook's cell reference quotes its Chinese sheet name
        line = re.sub(r"\b[a-z]+:[A-Za-z0-9.-]+", "", line)  # finding codes are identifiers (rule:T02.row-sum)
        assert not check(line.replace(",", " ")), (lang, line)
