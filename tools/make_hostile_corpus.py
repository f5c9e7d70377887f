"""Write the hostile-input corpus: files no reader or command may crash, hang or blow up on.

    python tools/make_hostile_corpus.py DIR          # the files, into DIR
    python tools/make_hostile_corpus.py --manifest   # rewrite tests/hostile/manifest.json

Every case is built from the repository's own examples (examples/liling-2021.xlsx and .xml,
tests/fixtures/liling-2021-layout.txt, the reference report beside the checkout, tests/pdfgen.py) by a small mutation, so the corpus costs a
few hundred KB to generate and nothing to store; special files (FIFOs, symlinks to /dev/zero) cannot
be committed anyway. tests/test_hostile.py generates it once per session and runs every case as a
subprocess with a 5 s timeout and a memory cap.

A case of the manifest:
    name     the file (or folder) name in DIR, also the test id
    args     the juesuan command line; {dir} is DIR, {out} a fresh empty folder for outputs
    exit     the expected exit status (0 clean, 1 error findings, 2 one line on stderr)
             (the test runs every command but facts with --lang=en)
    codes    finding codes the command's JSON output must hold (exit 0/1)
    stderr   a phrase the single stderr line must hold (exit 2)
    facts    the number of facts the conversion must write
    absent   files (under {out}) that must not exist afterwards
    owner    set when the outcome depends on another helper's fix: the test is xfail(strict) until then
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_XLSX = ROOT / "examples" / "liling-2021.xlsx"
EXAMPLE_XML = ROOT / "examples" / "liling-2021.xml"
LAYOUT_TXT = ROOT / "tests" / "fixtures" / "liling-2021-layout.txt"
REFERENCE_TXT = ROOT.parent / "shared" / "reference" / "liling-grid-center-2021-final-accounts.txt"
MANIFEST = ROOT / "tests" / "hostile" / "manifest.json"

SHEET_02 = "xl/worksheets/sheet3.xml"  # 收入决算表 in the example workbook; D6 is 合计 财政拨款收入 1960.73
CONVERT = ["convert", "{dir}/%s", "-o", "{out}/out.xml", "--format", "json"]


def _conv(name: str, **kw) -> dict:
    return {"name": name, "args": [a.replace("%s", name) for a in CONVERT], **kw}


# ------------------------------------------------------------------ workbooks


def _members() -> dict[str, bytes]:
    with zipfile.ZipFile(EXAMPLE_XLSX) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in members.items():
            zf.writestr(zipfile.ZipInfo(n, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _cell(members: dict[str, bytes], ref: str, xml: str, part: str = SHEET_02) -> dict[str, bytes]:
    """The example with cell `ref` of `part` replaced by `xml` (a whole <c> element)."""
    m = dict(members)
    text = m[part].decode("utf-8")
    new, n = re.subn(r'<c r="%s"[^>]*?(?:/>|>.*?</c>)' % ref, lambda _: xml, text, count=1)
    assert n == 1, ref
    m[part] = new.encode("utf-8")
    return m


def _with_style(members: dict[str, bytes], num_fmt: int) -> tuple[dict[str, bytes], int]:
    """The example with one more cell style using built-in number format `num_fmt`; its index."""
    m = dict(members)
    styles = m["xl/styles.xml"].decode("utf-8")
    count = int(re.search(r'<cellXfs count="(\d+)"', styles).group(1))
    styles = re.sub(r'<cellXfs count="\d+"', f'<cellXfs count="{count + 1}"', styles)
    styles = styles.replace("</cellXfs>", f'<xf numFmtId="{num_fmt}" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/></cellXfs>')
    m["xl/styles.xml"] = styles.encode("utf-8")
    return m, count


def _prolog(members: dict[str, bytes], part: str, doctype: str) -> dict[str, bytes]:
    m = dict(members)
    m[part] = doctype.encode("utf-8") + m[part]
    return m


def _encrypted_flag(data: bytes, member: str) -> bytes:
    """A zip whose `member` has general-purpose flag bit 0 (encrypted) set, in both headers."""
    buf = bytearray(data)
    name = member.encode("utf-8")
    for sig, flag_at, name_len_at, name_at in ((b"PK\x03\x04", 6, 26, 30), (b"PK\x01\x02", 8, 28, 46)):
        i = 0
        while (i := buf.find(sig, i)) >= 0:
            n = int.from_bytes(buf[i + name_len_at:i + name_len_at + 2], "little")
            if bytes(buf[i + name_at:i + name_at + n]) == name:
                buf[i + flag_at] |= 1
            i += 4
    return bytes(buf)


def _shared_strings_bomb(length: int, rows: int, cols: int) -> bytes:
    """A small workbook whose one long shared string is used by rows × cols cells (defect 14)."""
    m = _members()
    sst = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
           f'<si><t>{"收入 1,9x0 合计 " * (length // 12)}</t></si></sst>')
    m["xl/sharedStrings.xml"] = sst.encode("utf-8")
    rels = m["xl/_rels/workbook.xml.rels"].decode("utf-8").replace(
        "</Relationships>", '<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    m["xl/_rels/workbook.xml.rels"] = rels.encode("utf-8")
    body = "".join(f'<row r="{r}">' + "".join(f'<c r="{chr(65 + c)}{r}" t="s"><v>0</v></c>' for c in range(min(cols, 26))) + "</row>"
                   for r in range(40, 40 + rows))
    sheet = m[SHEET_02].decode("utf-8").replace("</sheetData>", body + "</sheetData>")
    m[SHEET_02] = sheet.encode("utf-8")
    return _zip(m)


def _workbooks(d: Path) -> list[dict]:
    cases: list[dict] = []
    base = _members()

    def put(name: str, data: bytes, **kw) -> None:
        (d / name).write_bytes(data)
        cases.append(_conv(name, **kw))

    put("xlsx-example.xlsx", EXAMPLE_XLSX.read_bytes(), exit=1, codes=["rule:T02.row-sum"], facts=122)
    # typed cells (defect 6) and amounts (defects 2, 10) in 02 表 合计 财政拨款收入
    put("xlsx-date-t-d.xlsx", _zip(_cell(base, "D6", '<c r="D6" t="d"><v>2021-03-15T00:00:00</v></c>')),
        exit=1, codes=["convert:date-not-amount", "convert:rule-not-checked"], facts=121)
    styled, s = _with_style(base, 14)
    put("xlsx-date-format.xlsx", _zip(_cell(styled, "D6", f'<c r="D6" s="{s}"><v>44270</v></c>')),
        exit=1, codes=["convert:date-not-amount"], facts=121)
    put("xlsx-error-value.xlsx", _zip(_cell(base, "D6", '<c r="D6" t="e"><v>#DIV/0!</v></c>')),
        exit=1, codes=["convert:error-value", "convert:rule-not-checked"], facts=121)
    put("xlsx-boolean.xlsx", _zip(_cell(base, "D6", '<c r="D6" t="b"><v>1</v></c>')),
        exit=1, codes=["convert:bool-not-amount"], facts=121)
    put("xlsx-formula-no-value.xlsx", _zip(_cell(base, "D6", '<c r="D6"><f>SUM(D7:D12)</f></c>')),
        exit=1, codes=["convert:formula-not-computed", "convert:rule-not-checked"], facts=121)
    put("xlsx-bad-amount-text.xlsx", _zip(_cell(base, "D6", '<c r="D6" t="inlineStr"><is><t>1,9x0</t></is></c>')),
        exit=1, codes=["convert:not-an-amount", "convert:rule-not-checked"], facts=121)
    put("xlsx-1e27.xlsx", _zip(_cell(base, "D6", '<c r="D6"><v>1E+27</v></c>')),
        exit=1, codes=["convert:amount-out-of-range"], facts=121)
    put("xlsx-1e308.xlsx", _zip(_cell(base, "D6", '<c r="D6"><v>1.7976931348623157E+308</v></c>')),
        exit=1, codes=["convert:amount-out-of-range"], facts=121)
    put("xlsx-nan.xlsx", _zip(_cell(base, "D6", '<c r="D6"><v>NaN</v></c>')),
        exit=1, codes=["convert:not-an-amount"], facts=121)
    put("xlsx-comment-in-value.xlsx", _zip(_cell(base, "D6", '<c r="D6"><v>1960<!--x-->.73</v></c>')),
        exit=1, codes=["rule:T02.row-sum"], facts=122)
    # XML tricks in parts (defect 5 and the classic attacks)
    laughs = ('<!DOCTYPE worksheet [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
              '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>')
    put("xlsx-doctype-worksheet.xlsx", _zip(_cell(_prolog(base, SHEET_02, '<!DOCTYPE worksheet [<!ENTITY x "1960.73">]>'),
                                                  "D6", '<c r="D6"><v>&x;</v></c>')), exit=2, stderr="DOCTYPE")
    put("xlsx-billion-laughs-workbook.xlsx", _zip(_prolog(base, "xl/workbook.xml", laughs)), exit=2, stderr="DOCTYPE")
    put("xlsx-xxe-styles.xlsx", _zip(_prolog(base, "xl/styles.xml", '<!DOCTYPE s [<!ENTITY e SYSTEM "file:///etc/passwd">]>')),
        exit=2, stderr="DOCTYPE")
    put("xlsx-doctype-rels.xlsx", _zip(_prolog(base, "xl/_rels/workbook.xml.rels", '<!DOCTYPE r>')), exit=2, stderr="DOCTYPE")
    bad_ns = dict(base)
    bad_ns["xl/workbook.xml"] = base["xl/workbook.xml"].replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                                                               b"urn:not-spreadsheetml")
    put("xlsx-wrong-namespace.xlsx", _zip(bad_ns), exit=1, codes=["rule:T02.row-sum"], facts=122)
    not_wf = dict(base)
    not_wf[SHEET_02] = base[SHEET_02][: len(base[SHEET_02]) // 2]
    put("xlsx-sheet-not-well-formed.xlsx", _zip(not_wf), exit=2, stderr="not well-formed")
    utf16 = dict(base)
    utf16[SHEET_02] = b"\xff\xfe" + base[SHEET_02].decode("utf-8").encode("utf-16-le")
    put("xlsx-sheet-utf16.xlsx", _zip(utf16), exit=1, codes=["rule:T02.row-sum"], facts=122)
    # the container
    data = _zip(base)
    put("xlsx-truncated.xlsx", data[: len(data) // 2], exit=2, stderr="zip")
    put("xlsx-empty.xlsx", b"", exit=2, stderr="empty")
    put("xlsx-not-a-zip.xlsx", b"juesuan " * 100, exit=2, stderr="not a zip")
    put("xlsx-old-xls.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096), exit=2, stderr=".xls")
    put("xlsx-encryption-flag.xlsx", _encrypted_flag(data, SHEET_02), exit=2, stderr="encrypted")
    no_wb = {k: v for k, v in base.items() if k != "xl/workbook.xml"}
    put("xlsx-no-workbook-part.xlsx", _zip(no_wb), exit=2, stderr="xl/workbook.xml")
    bomb = dict(base)
    bomb["xl/media/zeros.bin"] = bytes(8 * 1024 * 1024)
    put("xlsx-zip-bomb-ratio.xlsx", _zip(bomb), exit=2, stderr="zip bomb")
    many = dict(base)
    many.update({f"xl/junk/{i}.xml": b"" for i in range(10_001)})
    put("xlsx-too-many-parts.xlsx", _zip(many), exit=2, stderr="parts")
    put("xlsx-missing-shared-string.xlsx", _zip(_cell(base, "D6", '<c r="D6" t="s"><v>7</v></c>')), exit=2,
        stderr="shared string")
    put("xlsx-bad-cell-ref.xlsx", _zip(_cell(base, "D6", '<c r="D6X"><v>1</v></c>')), exit=2, stderr="cell reference")
    rows = dict(base)
    rows[SHEET_02] = base[SHEET_02].replace(b"</sheetData>", b'<row r="2000000"><c r="A2000000"><v>1</v></c></row></sheetData>')
    put("xlsx-row-2000000.xlsx", _zip(rows), exit=2, stderr="row")
    dim = dict(base)
    dim[SHEET_02] = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:Z5000000"/>', base[SHEET_02])
    if dim[SHEET_02] == base[SHEET_02]:
        dim[SHEET_02] = base[SHEET_02].replace(b"<sheetData>", b'<dimension ref="A1:Z5000000"/><sheetData>', 1)
    put("xlsx-dimension-5000000.xlsx", _zip(dim), exit=2, stderr="rows")
    tags = dict(base)
    tags[SHEET_02] = base[SHEET_02].replace(b"</worksheet>", b"<extLst>" + b"".join(b"<x%d/>" % i for i in range(510_000))
                                            + b"</extLst></worksheet>")
    put("xlsx-510000-tags.xlsx", _zip(tags), exit=2, stderr="XML tags")
    cells = dict(base)
    cells[SHEET_02] = base[SHEET_02].replace(b"</sheetData>", b"".join(
        b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>%d</v></c>' % (bytes([65 + c]), r, r * c) for c in range(26)) + b"</row>"
        for r in range(100, 4100)) + b"</sheetData>")
    put("xlsx-104000-cells.xlsx", _zip(cells), exit=2, stderr="cells")
    put("xlsx-shared-string-900k.xlsx", _shared_strings_bomb(900_000, 20, 26), exit=2, stderr="zip bomb")
    put("xlsx-shared-string-amplified.xlsx", _shared_strings_bomb(30_000, 20, 26), exit=2, stderr="characters")
    put("xlsx-cell-40000-chars.xlsx", _zip(_cell(base, "D6", '<c r="D6" t="inlineStr"><is><t>%s</t></is></c>' % ("x" * 40_000))),
        exit=2, stderr="characters")
    try:
        cases.append(_encrypted_ooxml(d))
    except ImportError:  # msoffcrypto-tool is in [test]; without it the test reports the case missing
        pass
    return cases


def _encrypted_ooxml(d: Path) -> dict:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(EXAMPLE_XLSX.read_bytes())).encrypt("juesuan", out)
    (d / "xlsx-password.xlsx").write_bytes(out.getvalue())
    return _conv("xlsx-password.xlsx", exit=2, stderr="encrypted")


# ------------------------------------------------------------------ text


def _texts(d: Path) -> list[dict]:
    cases: list[dict] = []
    text = LAYOUT_TXT.read_text(encoding="utf-8")
    reference = REFERENCE_TXT.read_text(encoding="utf-8")

    def put(name: str, data: bytes | str, **kw) -> None:
        (d / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        cases.append(_conv(name, **kw))

    put("txt-reference.txt", text, exit=1, codes=["rule:T02.row-sum"], facts=122)
    put("txt-empty.txt", b"", exit=2, stderr="empty")
    put("txt-binary.txt", b"\x00\x01\x02juesuan" * 100, exit=2, stderr="binary")
    put("txt-pdf-bytes.txt", b"%PDF-1.4\n" + bytes(100), exit=2, stderr="binary")
    put("txt-latin1-garbage.txt", bytes(range(128, 256)) * 20, exit=2, stderr="UTF-8")
    put("txt-gb18030.txt", text.encode("gb18030"), exit=1, codes=["convert:encoding"], facts=122)
    put("txt-control-characters.txt", text.replace("。", "。\x08"), exit=1, codes=["convert:control-characters"], facts=122)
    put("txt-entity-control.txt", text, exit=2, stderr="control character")
    cases[-1]["args"] += ["--entity", "bad\x08name"]
    put("txt-reference-tabs.txt", reference, exit=1, codes=["rule:T02.row-sum"], facts=122)
    put("txt-tabs-to-spaces.txt", reference.replace("\t", " "), exit=1, facts=122)
    put("txt-no-amounts.txt", "部门决算\n收入支出决算总表\n单位：万元\n项目 决算数\n", exit=1, entity=True,
        codes=["convert:no-amounts"])
    put("txt-budget.txt", "某局2019年部门预算\n收支预算总表\n单位：万元\n项目 预算数\n一般公共预算拨款 100.00\n",
        exit=2, stderr="预算")
    # tables by their titles and content, never by their 公开NN number (defect 7)
    swapped = reference.replace("\n收入决算表\n", "\n\0\n").replace("\n支出决算表\n", "\n收入决算表\n")
    put("txt-titles-swapped.txt", swapped.replace("\n\0\n", "\n支出决算表\n"), exit=1,
        codes=["convert:table-title-content"], facts=83)
    put("txt-title-gone-mark-kept.txt", reference.replace("\n收入决算表\n", "\n收入情况\n"), exit=0,
        codes=["convert:table-like"], facts=101)
    put("txt-huge-line.txt", "收入决算表\n单位：万元\n" + " ".join(["1.00"] * 200_000) + "\n", exit=1, entity=True)
    csv_head = "收入决算表\n单位：万元\n功能分类科目编码,科目名称,本年收入合计,财政拨款收入,上级补助收入,事业收入,经营收入,附属单位上缴收入,其他收入\n"
    put("csv-1e27.csv", csv_head + ",合计,1e27,,,,,,\n", exit=1, codes=["convert:not-an-amount"], entity=True)
    put("csv-1e308.csv", csv_head + ",合计,1" + "0" * 308 + ".00,,,,,,\n", exit=1, codes=["convert:amount-out-of-range"],
        entity=True)
    put("csv-cr-only.csv", (csv_head + ",合计,20.00,,,,,,20.00\n").replace("\n", "\r"), exit=0, facts=2, entity=True)
    put("csv-cr-in-field.csv", csv_head + ',"合\r计",20.00,,,,,,20.00\n', exit=0, facts=2, entity=True)
    put("csv-huge-field.csv", csv_head + ',"' + "x" * 140_000 + '",20.00,,,,,,20.00\n', exit=1, entity=True)
    put("csv-nan-first-row.csv", csv_head + ",合计,n/a,,,,,,20\n", exit=1, codes=["convert:not-an-amount"], entity=True)
    for c in cases:
        if c.pop("entity", False):
            c["args"] += ["--entity", "某单位", "--year", "2021"]
    return cases


# ------------------------------------------------------------------ instances


def _instances(d: Path) -> list[dict]:
    cases: list[dict] = []
    xml = EXAMPLE_XML.read_bytes()

    def put(name: str, data: bytes, cmd: str = "validate", **kw) -> None:
        (d / name).write_bytes(data)
        args = {"validate": ["validate", "{dir}/" + name, "--format", "json"],
                "facts": ["facts", "{dir}/" + name, "--format", "json"],
                "diff": ["diff", "{dir}/" + name, "{root}/examples/liling-2021.xml", "--format", "json"],
                "export": ["export", "{dir}/" + name, "--format", "xlsx", "-o", "{out}/e.xlsx"]}[cmd]
        cases.append({"name": name if cmd == "validate" else f"{name}:{cmd}", "args": args, **kw})

    decl = b'<?xml version="1.0" encoding="UTF-8"?>\n'
    body = xml[len(decl):] if xml.startswith(decl) else xml
    laughs = (b'<!DOCTYPE report [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
              b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>\n')
    put("xml-example.xml", xml, exit=1, codes=["rule:T02.row-sum"])
    put("xml-billion-laughs.xml", decl + laughs + body.replace(b"<note>", b"<note>&d;", 1), exit=2, stderr="DOCTYPE")
    put("xml-xxe.xml", decl + b'<!DOCTYPE report [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n' + body, exit=2, stderr="DOCTYPE")
    put("xml-xxe.xml", decl + b'<!DOCTYPE report [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n' + body, "facts", exit=2,
        stderr="DOCTYPE")
    put("xml-dtd-external.xml", decl + b'<!DOCTYPE report SYSTEM "http://example.com/x.dtd">\n' + body, exit=2, stderr="DOCTYPE")
    put("xml-wrong-namespace.xml", xml.replace(b"urn:juesuan:1.0", b"urn:juesuan:9.9"), exit=1, codes=["schema:not-an-instance"])
    put("xml-wrong-namespace.xml", xml.replace(b"urn:juesuan:1.0", b"urn:juesuan:9.9"), "facts", exit=2, stderr="不符合 XSD")
    put("xml-utf16.xml", b"\xff\xfe" + xml.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-le"),
        exit=2, stderr="UTF-16")
    put("xml-utf16.xml", b"\xff\xfe" + xml.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-le"),
        "diff", exit=2, stderr="UTF-16")
    put("xml-truncated.xml", xml[: len(xml) // 2], exit=2, stderr="not well-formed")
    put("xml-empty.xml", b"", exit=2, stderr="empty")
    put("xml-binary.xml", bytes(range(256)) * 4, exit=2, stderr="binary")
    put("xml-char-ref-control.xml", xml.replace(b"</entity>", b"&#x8;</entity>", 1), exit=2, stderr="not well-formed")
    put("xml-comment-in-amount.xml", xml.replace(b"<SumIncTotal>1980.73<", b"<SumIncTotal>1980<!--x-->.73<", 1), "facts",
        exit=0, fact=["SumIncTotal", "", "1980.73"])
    put("xml-comment-before-amount.xml", xml.replace(b"<SumIncTotal>1980.73<", b"<SumIncTotal><!--c-->1980.73<", 1), "facts",
        exit=0, fact=["SumIncTotal", "", "1980.73"])
    put("xml-not-an-amount.xml", xml.replace(b"<SumIncTotal>1980.73<", b"<SumIncTotal>1e27<", 1), "export", exit=2,
        stderr="not valid")
    put("xml-big-instance.xml", _big_instance(xml, 50_000), exit=1, codes=["rule:T02.row-sum"])
    sparse = d / "xml-33mb-sparse.xml"
    with open(sparse, "wb") as fh:
        fh.truncate(33 * 1024 * 1024)
    cases.append({"name": "xml-33mb-sparse.xml", "args": ["validate", "{dir}/xml-33mb-sparse.xml"], "exit": 2, "stderr": "bytes"})
    return cases


def _big_instance(xml: bytes, n: int) -> bytes:
    """The example with n extra 02 表 facts under made-up 7-digit function codes (each unique)."""
    extra = "".join(f'    <IncTotal code="{2300000 + i:07d}">0.00</IncTotal>\n' for i in range(n))
    return xml.replace(b"</facts>", extra.encode("ascii") + b"</facts>", 1)


# ------------------------------------------------------------------ PDFs


def _pdfs(d: Path) -> list[dict]:
    sys.path.insert(0, str(ROOT))
    from tests.pdfgen import build_pdf, encrypted_pdf, image_only_pdf

    cases: list[dict] = []

    def put(name: str, data: bytes, **kw) -> None:
        (d / name).write_bytes(data)
        cases.append(_conv(name, **kw))

    put("pdf-encrypted.pdf", encrypted_pdf(), exit=2, stderr="password")
    put("pdf-image-only.pdf", image_only_pdf(), exit=2, stderr="no text layer")
    put("pdf-truncated.pdf", image_only_pdf()[:200], exit=2, stderr="PDF")
    put("pdf-not-a-pdf.pdf", b"juesuan\n" * 20, exit=2, stderr="not a PDF")
    put("pdf-empty.pdf", b"", exit=2, stderr="empty")
    text = b"BT /F1 12 Tf 72 720 Td (x) Tj ET"
    put("pdf-no-mediabox.pdf", build_pdf([  # pdfminer logs a warning per page: not on stderr
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
    ]), exit=2, stderr="no table")
    # defect 16: a small file whose content stream inflates to ~90 MB of drawing operators
    content = zlib.compress(b"0 0 m 1 1 l S\n" * 6_000_000, 9)
    bomb = build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
    ])
    put("pdf-flate-bomb.pdf", bomb, exit=2, stderr="bomb")
    return cases


# ------------------------------------------------------------------ special files and output paths


def _special(d: Path) -> list[dict]:
    cases: list[dict] = []
    for name in ("fifo.xlsx", "fifo.txt", "fifo.xml"):
        os.mkfifo(d / name)
    for name in ("dev-zero.txt", "dev-zero.xml", "dev-zero.xlsx"):
        os.symlink("/dev/zero", d / name)
    shutil_copy(EXAMPLE_XLSX, d / "same.xlsx")
    shutil_copy(EXAMPLE_XML, d / "same.xml")
    # the input under other names whose suffixes the commands accept for their output
    os.link(d / "same.xml", d / "same-link.xlsx")
    os.link(d / "same.xml", d / "same-link.json")
    for name in ("fifo-out.xml", "fifo-out.json"):
        os.mkfifo(d / name)
    one = "only regular files are read"
    for name in ("fifo.xlsx", "fifo.txt", "dev-zero.txt", "dev-zero.xlsx"):
        cases.append(_conv(name, exit=2, stderr=one))
    for cmd in ("validate", "facts", "diff", "export"):
        for name in ("fifo.xml", "dev-zero.xml"):
            args = {"validate": ["validate", "{dir}/" + name], "facts": ["facts", "{dir}/" + name],
                    "diff": ["diff", "{dir}/" + name, "{root}/examples/liling-2021.xml"],
                    "export": ["export", "{dir}/" + name, "--format", "xbrl", "-o", "{out}"]}[cmd]
            cases.append({"name": f"{name}:{cmd}", "args": args, "exit": 2, "stderr": "只读取普通文件" if cmd == "facts" else one})
    written = "only regular files are written"
    cases += [
        {"name": "same.xml:convert-onto-input", "args": ["convert", "{dir}/same.xml", "-o", "{dir}/same.xml"],
         "exit": 2, "stderr": "input file"},
        {"name": "same.xml:export-onto-input", "args": ["export", "{dir}/same.xml", "--format", "xlsx", "-o", "{dir}/same-link.xlsx"],
         "exit": 2, "stderr": "input file"},
        {"name": "same.xml:diff-onto-input", "args": ["diff", "{dir}/same.xml", "{root}/examples/liling-2021.xml", "--format", "json",
                                                    "-o", "{dir}/same-link.json"],
         "exit": 2, "stderr": "input file"},
        {"name": "same.xlsx:convert-onto-fifo", "args": ["convert", "{dir}/same.xlsx", "-o", "{dir}/fifo-out.xml"],
         "exit": 2, "stderr": written},
        {"name": "same.xlsx:convert-onto-dev-null", "args": ["convert", "{dir}/same.xlsx", "-o", "/dev/null"],
         "exit": 2, "stderr": written},
        {"name": "template-onto-fifo", "args": ["template", "-o", "{dir}/fifo.xlsx"], "exit": 2, "stderr": written},
        {"name": "same.xml:diff-onto-fifo", "args": ["diff", "{dir}/same.xml", "{root}/examples/liling-2021.xml", "--format", "json", "-o",
                                                  "{dir}/fifo-out.json"],
         "exit": 2, "stderr": written},
    ]
    # export xbrl whose instance file cannot be written (a folder of that name): no package zip either
    cases.append({"name": "same.xml:export-xbrl-instance-blocked", "args": ["export", "{dir}/same.xml", "--format", "xbrl",
                  "-o", "{out}"], "exit": 2, "stderr": "same.xbrl", "setup_dirs": ["same.xbrl"],
                  "absent": ["*.zip"]})
    return cases


def shutil_copy(src: Path, dst: Path) -> None:
    dst.write_bytes(src.read_bytes())


def build(d: Path) -> list[dict]:
    """Write every case's file into the folder d (created; must be empty) and return the manifest."""
    d.mkdir(parents=True, exist_ok=True)
    cases = [*_workbooks(d), *_texts(d), *_instances(d), *_pdfs(d), *_special(d)]
    names = [c["name"] for c in cases]
    dup = {n for n in names if names.count(n) > 1}
    assert not dup, dup
    return cases


def main(argv: list[str]) -> int:
    if argv == ["--manifest"]:
        import tempfile

        with tempfile.TemporaryDirectory() as t:
            cases = build(Path(t) / "c")
        MANIFEST.parent.mkdir(parents=True, exist_ok=True)
        MANIFEST.write_text(json.dumps(cases, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {MANIFEST} ({len(cases)} cases)")
        return 0
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    cases = build(Path(argv[0]))
    print(f"wrote {len(cases)} cases into {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
