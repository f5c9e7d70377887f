"""Capture every command's output on two source trees and compare them byte for byte.

    python tools/compare_outputs.py OLD_SRC NEW_SRC [--keep DIR]

OLD_SRC / NEW_SRC are `src` folders (e.g. /work/main/src and ./src). Each command runs as
`python -m juesuan ...` with PYTHONPATH set to the tree, on the examples, the test fixtures, the shared
reference text and the shared Putuo PDF: convert (text/json, zh/en), validate (text/json, zh/en),
facts (csv/json, other layout), template (both layouts), export (xlsx both layouts, xbrl, xbrl-json),
diff (text/json/html/xlsx, draft-final and yoy, zh/en). Prints one line per output that differs (a
unified diff for text) and exits 1 when any does. Paths in outputs are the same for both runs (the
inputs are read from this checkout and the outputs are written to one relative folder per run).
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def commands() -> list[tuple[str, list[str]]]:
    e, f = ROOT / "examples", ROOT / "tests" / "fixtures"
    ref = SHARED / "reference" / "liling-grid-center-2021-final-accounts.txt"
    putuo = SHARED / "corpus" / "2024-shanghai-putuo-finance-bureau.pdf"
    out: list[tuple[str, list[str]]] = []
    sources = {"xlsx": e / "liling-2021.xlsx", "ref": ref, "layout": f / "liling-2021-layout.txt",
               "plain": f / "liling-2021-plain.txt", "putuo": putuo}
    for lang in ("zh", "en"):
        for name, src in sources.items():
            if src.exists():
                out.append((f"convert-{name}-{lang}", ["convert", str(src), "-o", f"c-{name}-{lang}.xml", "--lang", lang]))
                out.append((f"convertj-{name}-{lang}", ["convert", str(src), "-o", f"cj-{name}-{lang}.xml",
                                                        "--format", "json", "--lang", lang]))
        for x in ("liling-2021", "liling-2020", "liling-2021-draft"):
            out.append((f"validate-{x}-{lang}", ["validate", str(e / f"{x}.xml"), "--lang", lang]))
            out.append((f"validatej-{x}-{lang}", ["validate", str(e / f"{x}.xml"), "--format", "json", "--lang", lang]))
        for fmt in ("text", "json", "html", "xlsx"):
            out.append((f"diff-df-{fmt}-{lang}", ["diff", str(e / "liling-2021-draft.xml"), str(e / "liling-2021.xml"),
                                                  "--format", fmt, "-o", f"d-df-{lang}.{fmt}", "--lang", lang]))
            out.append((f"diff-yoy-{fmt}-{lang}", ["diff", str(e / "liling-2020.xml"), str(e / "liling-2021.xml"),
                                                   "--format", fmt, "-o", f"d-yoy-{lang}.{fmt}", "--lang", lang]))
        out.append((f"diff-stdout-{lang}", ["diff", str(e / "liling-2020.xml"), str(e / "liling-2021.xml"), "--lang", lang]))
    for x in ("liling-2021", "liling-2020", "liling-2021-draft"):
        out.append((f"facts-{x}", ["facts", str(e / f"{x}.xml")]))
        out.append((f"factsj-{x}", ["facts", str(e / f"{x}.xml"), "--format", "json"]))
    out.append(("facts-sh", ["facts", str(e / "liling-2021.xml"), "--layout", "2024-shanghai"]))
    out.append(("template-h", ["template", "-o", "t-h.xlsx"]))
    out.append(("template-s", ["template", "--layout", "2024-shanghai", "-o", "t-s.xlsx"]))
    out.append(("export-xlsx", ["export", str(e / "liling-2021.xml"), "--format", "xlsx", "-o", "x.xlsx"]))
    out.append(("export-xlsx-s", ["export", str(e / "liling-2021.xml"), "--format", "xlsx", "--layout", "2024-shanghai",
                                  "-o", "x-s.xlsx"]))
    out.append(("export-xbrl", ["export", str(e / "liling-2021.xml"), "--format", "xbrl", "-o", "xbrl"]))
    out.append(("export-xbrlj", ["export", str(e / "liling-2021.xml"), "--format", "xbrl-json", "-o", "xbrlj"]))
    return out


def capture(src: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=os.path.abspath(src))
    for name, args in commands():
        r = subprocess.run([sys.executable, "-m", "juesuan", *args], cwd=folder, env=env, capture_output=True,
                           timeout=300)
        (folder / f"{name}.stdout").write_bytes(r.stdout)
        (folder / f"{name}.stderr").write_bytes(r.stderr)
        (folder / f"{name}.rc").write_text(str(r.returncode))


def compare(a: Path, b: Path) -> int:
    names = sorted({p.relative_to(a) for p in a.rglob("*") if p.is_file()} |
                   {p.relative_to(b) for p in b.rglob("*") if p.is_file()})
    bad = 0
    for rel in names:
        pa, pb = a / rel, b / rel
        da = pa.read_bytes() if pa.exists() else None
        db = pb.read_bytes() if pb.exists() else None
        if da == db:
            continue
        bad += 1
        print(f"DIFFERS: {rel}" + ("" if da is not None and db is not None else " (missing on one side)"))
        if da is not None and db is not None and rel.suffix in (".stdout", ".stderr", ".rc", ".xml", ".json", ".html", ".text"):
            lines = difflib.unified_diff(da.decode("utf-8", "replace").splitlines(),
                                         db.decode("utf-8", "replace").splitlines(), "old", "new", lineterm="", n=0)
            for line in list(lines)[:12]:
                print("   ", line)
    print(f"{len(names)} outputs compared, {bad} differ")
    return 1 if bad else 0


def main() -> int:
    args = sys.argv[1:]
    keep = None
    if "--keep" in args:
        i = args.index("--keep")
        keep = Path(args[i + 1])
        del args[i:i + 2]
    old, new = args
    tmp = tempfile.TemporaryDirectory()
    base = keep or Path(tmp.name)
    # the same relative folder name for both runs, so that written paths print identically
    for label, src in (("old", old), ("new", new)):
        run = base / label / "out"
        capture(src, run)
    return compare(base / "old" / "out", base / "new" / "out")


if __name__ == "__main__":
    raise SystemExit(main())
