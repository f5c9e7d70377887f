from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
REFERENCE_TXT = SHARED / "reference" / "liling-grid-center-2021-final-accounts.txt"
EXAMPLE_XML = EXAMPLES / "liling-2021.xml"


def run_cli(*args: str, cwd: Path | None = None, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run the real command in a subprocess (exit codes, stderr, no tracebacks)."""
    return subprocess.run(
        [sys.executable, "-m", "juesuan", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def reference_text() -> str:
    if not REFERENCE_TXT.exists():
        pytest.fail(f"reference report missing: {REFERENCE_TXT} (shared/ must sit beside the checkout)")
    return REFERENCE_TXT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def example_xml_text() -> str:
    return EXAMPLE_XML.read_text(encoding="utf-8")
