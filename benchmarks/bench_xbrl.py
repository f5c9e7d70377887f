"""juesuan validate (XSD + all table rules) against Arelle validating the same report's XBRL export.

    python benchmarks/bench_xbrl.py [N_JUESUAN] [N_ARELLE]

Both run in this process, one after the other, on the reference example:
- juesuan: `juesuan.validate.iter_findings(path)` — read the file, hardened parse, XSD validation,
  instance model, every rule of the catalogue; N_JUESUAN times (default 300) after one warm-up.
- Arelle: the XBRL export of the same file (`juesuan export --format xbrl`, written once, not timed)
  validated through Arelle's supported in-process API (arelle.api.Session, a session per run, the options
  of the tests: --packages <zip> --validate --workOffline --calc=c11r); N_ARELLE runs (default 10)
  after one warm-up. Each run loads the taxonomy package, the DTS and the instance (Arelle keeps no
  DTS between runs), then validates XBRL 2.1, Dimensions and Calculation 1.1.

Prints both times per validation and the ratio (target: juesuan ≥ 20x faster).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from juesuan.validate import iter_findings  # noqa: E402
from juesuan.loader import load_valid  # noqa: E402
from juesuan.xbrl import export_xbrl  # noqa: E402


def time_juesuan(path: Path, n: int) -> tuple[float, int]:
    findings = list(iter_findings(path))  # warm-up: schema compiled, rules loaded
    t = time.perf_counter()
    for _ in range(n):
        list(iter_findings(path))
    return (time.perf_counter() - t) * 1000 / n, len(findings)


def time_arelle(instance: Path, package: Path, n: int) -> tuple[float, int, float]:
    from arelle.api.Session import Session
    from arelle.RuntimeOptions import RuntimeOptions

    def options() -> RuntimeOptions:
        return RuntimeOptions(entrypointFile=str(instance), packages=[str(package)], validate=True,
                              workOffline=True, calcs="c11r", logFile="logToBuffer", disablePersistentConfig=True)

    import json

    def run() -> list[dict]:
        # A fresh Session (and controller) per run: arelle.api.Session.run() clears the package
        # manager's configuration before each run, and re-adding a package to a cleared
        # configuration fails (arelle-release 2.47) unless a new controller initialises it again.
        with Session() as session:
            assert session.run(options())
            return json.loads(session.get_logs("json", clear_logs=True))["log"]

    t0 = time.perf_counter()
    log = run()  # warm-up (imports, plug-in and package machinery)
    first = (time.perf_counter() - t0) * 1000
    inconsistencies = sum(1 for e in log if e["code"].startswith("calc11e:inconsistent"))
    t = time.perf_counter()
    for _ in range(n):
        run()
    per = (time.perf_counter() - t) * 1000 / n
    return per, inconsistencies, first


def main() -> None:
    n_j = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    n_a = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    example = ROOT / "examples" / "liling-2021.xml"
    with tempfile.TemporaryDirectory() as tmp:
        package, instance = export_xbrl(load_valid(example), tmp)
        j, nf = time_juesuan(example, n_j)
        a, ninc, first = time_arelle(instance, package, n_a)
        size = instance.stat().st_size
    print(f"report: {example.name} ({example.stat().st_size:,} bytes, XBRL export {size:,} bytes), "
          f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"juesuan validate (XSD + all rules, in-process): {j:9.2f} ms/validation  ({n_j} runs, {nf} findings)")
    print(f"Arelle validate (XBRL 2.1 + dims + calc 1.1, in-process arelle.api.Session): {a:9.2f} ms/validation  "
          f"({n_a} runs, first run {first:.0f} ms, {ninc} calculation inconsistencies)")
    print(f"ratio Arelle/juesuan: {a / j:.1f}x (target >= 20x)")


if __name__ == "__main__":
    main()
