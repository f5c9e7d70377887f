"""The same batch on a Dask cluster: a LocalCluster with 2 worker processes on loopback, and
`juesuan batch --scheduler tcp://127.0.0.1:PORT` writes outputs byte-identical to `--jobs 2`.
Skips when dask.distributed is absent outside CI; in CI (CI=true) it must run."""

from __future__ import annotations

import os
import sys

import pytest

from .conftest import ROOT, run_cli

sys.path.insert(0, str(ROOT / "benchmarks"))
import make_batch_corpus  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    try:
        from distributed import LocalCluster
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("dask.distributed is not installed in CI (the test extra includes it)")
        pytest.skip("dask.distributed not installed (pip install 'juesuan[dask]')")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, worker_dashboard_address=None) as c:
        yield c


def _tree(root) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_dask_outputs_are_byte_identical_to_local_jobs(cluster, tmp_path):
    corpus = tmp_path / "tree"
    make_batch_corpus.main([str(corpus), "--reports", "40", "--years", "4", "--xlsx", "2", "--errors", "3",
                            "--unusable", "4"])
    local, dask = tmp_path / "local", tmp_path / "dask"
    a = run_cli("batch", corpus, "-o", local, "--jobs", "2", timeout=300)
    assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
    b = run_cli("batch", corpus, "-o", dask, "--scheduler", cluster.scheduler_address, timeout=300)
    assert a.returncode == b.returncode == 1, (a.stderr, b.stderr)
    assert a.stdout.replace(str(local), "OUT") == b.stdout.replace(str(dask), "OUT")
    ta, tb = _tree(local), _tree(dask)
    assert len(ta) == 40 + 2 + 6  # a findings file per report, 2 converted instances, 6 summary files
    assert ta.keys() == tb.keys()
    assert [k for k in ta if ta[k] != tb[k]] == []


def test_unreachable_scheduler_is_one_line(tmp_path):
    pytest.importorskip("distributed")
    res = run_cli("batch", ROOT / "examples" / "liling-2020.xml", "-o", tmp_path / "o", "--scheduler",
                  "tcp://127.0.0.1:9", timeout=120)
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "127.0.0.1:9" in res.stderr, res.stderr
    assert res.stderr.startswith("juesuan: 无法连接调度器 tcp://127.0.0.1:9："), res.stderr  # Chinese by default
    en = run_cli("batch", ROOT / "examples" / "liling-2020.xml", "-o", tmp_path / "o", "--scheduler",
                 "tcp://127.0.0.1:9", "--lang", "en", timeout=120)
    assert en.returncode == 2 and en.stderr.startswith("juesuan: cannot reach the Dask scheduler tcp://127.0.0.1:9: ")


def test_without_dask_the_message_names_the_extra(monkeypatch):
    from juesuan.batch import iter_dask
    from juesuan.errors import JuesuanError

    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(JuesuanError) as e:
        next(iter_dask([], "tcp://127.0.0.1:9"))
    assert str(e.value) == "--scheduler needs the dask extra: pip install 'juesuan[dask]'"
    assert e.value.text("zh") == "--scheduler 需要 dask 扩展：pip install 'juesuan[dask]'"
