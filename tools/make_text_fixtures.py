"""Write tests/fixtures/liling-2021-layout.txt and liling-2021-plain.txt: the reference report
(../shared/reference/liling-grid-center-2021-final-accounts.txt, tab-separated) re-typed the way
pdfplumber's extract_text() gives a PDF's text.

Both files keep every line that is not a table row (cover, titles, notes, 第三部分 …) and every
number of every table row. The table rows are re-typed:

- layout: columns placed at fixed character positions, as `extract_text(layout=True)` keeps
  them (amounts right-aligned, blank cells are just spaces);
- plain: cells joined by single spaces, blank cells vanish, as `extract_text()` gives them.

and both carry what real extractions show: long labels wrapped onto the next line (01, 04),
amounts landing on the line below their label (01, 04), codes and names run together (02, 03, 05
项 rows), a table title broken over two lines (02: "二、收入" / "决算表"), and a table's header
repeated mid-table as after a page break (06).

Run `python tools/make_text_fixtures.py` after changing this script; tests read the files.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference" / "liling-grid-center-2021-final-accounts.txt"
OUT = ROOT / "tests" / "fixtures"

AMOUNT = re.compile(r"^[\d,]+\.\d\d$")
WRAP_AT = 12  # label characters kept on the first line of a wrapped label (01 and 04)
# rows whose amounts go on the line below their label: (line in the reference, 1-based)
VALUES_BELOW = {113, 181}
# rows whose 7-digit code and name run together
RUN_TOGETHER = re.compile(r"^\d{7}$")
BROKEN_TITLE = {"收入决算表": ["二、收入", "决算表"]}
REPEAT_HEADER_AFTER = 226  # 06: the header printed again after this line (a page break)


def _table_of(line_no: int, titles: list[tuple[int, str]]) -> str:
    last = ""
    for n, t in titles:
        if n <= line_no:
            last = t
    return last


def build(lines: list[str]) -> tuple[list[str], list[str]]:
    titles = [(i + 1, l.strip()) for i, l in enumerate(lines) if "\t" not in l and re.search(r"(决算表|决算总表|明细表)$", l.strip()) and len(l.strip()) < 40]
    # chunks of tab rows (blank lines inside a table keep the chunk open)
    chunks: list[list[int]] = []
    cur: list[int] = []
    for i, l in enumerate(lines):
        if "\t" in l:
            cur.append(i)
        elif l.strip() and cur:
            chunks.append(cur)
            cur = []
    if cur:
        chunks.append(cur)
    header_of: dict[int, list[int]] = {}
    layout: dict[int, list[str]] = {}
    plain: dict[int, list[str]] = {}
    for chunk in chunks:
        rows = {i: lines[i].split("\t") for i in chunk}
        table = _table_of(chunk[0] + 1, titles)
        ncol = max(len(r) for r in rows.values())
        widths = [max((len(r[j]) if j < len(r) else 0) for r in rows.values()) for j in range(ncol)]
        if table in ("收入支出决算总表", "财政拨款收入支出决算总表"):
            widths = [min(w, WRAP_AT) if j in (0, 3) else w for j, w in enumerate(widths)]
        starts = [sum(w + 3 for w in widths[:j]) for j in range(ncol)]
        first_amount = next((i for i in chunk if any(AMOUNT.match(c.strip()) for c in rows[i])), chunk[-1] + 1)
        head = [i for i in chunk if i < first_amount]
        header_of[chunk[0]] = head
        for i in chunk:
            cells = [c.strip() for c in rows[i]]
            if RUN_TOGETHER.match(cells[0]) and table in ("收入决算表", "支出决算表", "一般公共预算财政拨款支出决算表"):
                cells = [cells[0] + cells[1], "", *cells[2:]]
            first = list(cells)
            second = [""] * len(cells)
            if table in ("收入支出决算总表", "财政拨款收入支出决算总表"):
                for j in (0, 3):
                    if j < len(cells) and len(cells[j]) > WRAP_AT and not AMOUNT.match(cells[j]):
                        first[j], second[j] = cells[j][:WRAP_AT], cells[j][WRAP_AT:]
            if i + 1 in VALUES_BELOW:
                second = [c if AMOUNT.match(c) else s for c, s in zip(cells, second)]
                first = ["" if AMOUNT.match(c) else f for c, f in zip(cells, first)]
            out_layout, out_plain = [], []
            for part in (first, second):
                if not any(part):
                    continue
                text = ""
                for j, c in enumerate(part):
                    if not c:
                        continue
                    w = widths[j] if j < len(widths) else len(c)
                    pos = starts[j] + (w - len(c) if AMOUNT.match(c) else 0) if j < len(starts) else len(text) + 3
                    pos = max(pos, len(text) + (2 if text else 0))
                    text = text.ljust(pos) + c
                out_layout.append(text)
                out_plain.append(" ".join(c for c in part if c))
            layout[i], plain[i] = out_layout, out_plain
        if table == "一般公共预算财政拨款基本支出决算明细表":
            after = REPEAT_HEADER_AFTER - 1
            layout[after] = layout[after] + [""] + [layout[h][0] for h in head]
            plain[after] = plain[after] + [""] + [plain[h][0] for h in head]
    out_l, out_p = [], []
    for i, l in enumerate(lines):
        if i in layout:
            out_l.extend(layout[i])
            out_p.extend(plain[i])
        elif l.strip() in BROKEN_TITLE:
            out_l.extend(BROKEN_TITLE[l.strip()])
            out_p.extend(BROKEN_TITLE[l.strip()])
        elif "\t" not in l:
            out_l.append(l)
            out_p.append(l)
    return out_l, out_p


def main() -> None:
    lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    lay, plain = build(lines)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "liling-2021-layout.txt").write_text("\n".join(lay) + "\n", encoding="utf-8")
    (OUT / "liling-2021-plain.txt").write_text("\n".join(plain) + "\n", encoding="utf-8")
    print(f"{len(lay)} and {len(plain)} lines")


if __name__ == "__main__":
    main()
