"""Minimal PDFs written by hand for the reader's failure tests (no PDF library needed)."""

from __future__ import annotations


def build_pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """objects[i] is the body of object i+1; object 1 must be the catalog."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_extra, xref)
    return bytes(out)


def image_only_pdf() -> bytes:
    """One page showing an 8x8 grey image and no text operators: what a scan without OCR is."""
    pixels = bytes(range(64))
    content = b"q 400 0 0 400 100 200 cm /Im1 Do Q"
    return build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 64 >>\nstream\n"
        + pixels + b"\nendstream",
    ])


def encrypted_pdf() -> bytes:
    """A standard-security-handler PDF whose user password is not empty (the /U entry matches no
    empty password), as a password-protected report is."""
    content = b"BT /F1 12 Tf 72 720 Td (x) Tj ET"
    o = b"<" + b"11" * 32 + b">"
    u = b"<" + b"22" * 32 + b">"
    return build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Filter /Standard /V 1 /R 2 /O " + o + b" /U " + u + b" /P -4 >>",
    ], trailer_extra=b"/Encrypt 5 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] ")


_PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")  # the standard padding
_ID = bytes.fromhex("0123456789abcdef0123456789abcdef")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def owner_locked_pdf(objects: list[bytes]) -> bytes:
    """build_pdf(objects) encrypted as a published report restricting printing or copying is: with an
    owner password and an empty user password (any reader opens it without asking), the standard
    security handler at revision 2 (RC4, 40-bit key; PDF 32000-1, 7.6.3.3 algorithms 2 to 4). Each
    object's stream data is encrypted with its object key (the objects given hold no strings outside
    streams); an object whose body has no stream is left as it is."""
    import hashlib
    import struct

    perms = -44  # no printing at full quality, no copying, no changes
    o = _rc4(hashlib.md5(_PAD + b"owner").digest()[:5], _PAD)  # algorithm 3: owner password "owner"
    key = hashlib.md5(_PAD + o + struct.pack("<i", perms) + _ID).digest()[:5]  # algorithm 2: empty user password
    u = _rc4(key, _PAD)  # algorithm 4
    locked = []
    for num, body in enumerate(objects, start=1):
        head, sep, rest = body.partition(b"stream\n")
        if sep:
            data, _, tail = rest.rpartition(b"\nendstream")
            obj_key = hashlib.md5(key + struct.pack("<i", num)[:3] + b"\0\0").digest()[:10]
            body = head + sep + _rc4(obj_key, data) + b"\nendstream" + tail
        locked.append(body)
    n = len(locked) + 1
    locked.append(b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>" % (o.hex().encode(), u.hex().encode(), perms))
    return build_pdf(locked, trailer_extra=b"/Encrypt %d 0 R /ID [<%s> <%s>] " % (n, _ID.hex().encode(), _ID.hex().encode()))


def flate_bomb_objects(megabytes: int = 400) -> list[bytes]:
    """The objects of flate_bomb_pdf."""
    import zlib

    import struct

    chunk = b" " * (1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: the zlib header and checksum added here
    first = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    same = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    check = 1
    for _ in range(megabytes):
        check = zlib.adler32(chunk, check)
    body = b"\x78\xda" + first + same * (megabytes - 2) + c.compress(chunk) + c.flush() + struct.pack(">I", check)
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
    ]


def flate_bomb_pdf(megabytes: int = 400) -> bytes:
    """One page whose content stream is `megabytes` MB of spaces, Flate-compressed to about 1 KB per MB
    (a 400 MB stream is a ~400 KB file). Built from full-flush blocks, so only three are compressed."""
    return build_pdf(flate_bomb_objects(megabytes))


def many_pages_pdf(pages: int) -> bytes:
    """`pages` pages sharing one small content stream (a line of text each)."""
    content = b"BT /F1 12 Tf 72 720 Td (page) Tj ET"
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
             b"/Resources << /Font << /F1 4 0 R >> >> >>"] * pages
    return build_pdf(objs)


def dense_grid_pdf(lines: int = 600, size: int = 14400) -> bytes:
    """One page (size x size pt, the largest a PDF page may be) ruled with `lines` + 1 vertical and as
    many horizontal strokes crossing each other: (lines + 1)² crossings in ~70 bytes a line."""
    step = (size - 20) / lines
    parts = [b"BT /F1 12 Tf 72 %d Td (grid) Tj ET" % (size - 20), b"0.1 w"]
    for i in range(lines + 1):
        v = 10 + i * step
        parts.append(b"%.3f 10 m %.3f %d l S" % (v, v, size - 10))
        parts.append(b"10 %.3f m %d %.3f l S" % (v, size - 10, v))
    content = b"\n".join(parts)
    return build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>" % (size, size),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def turned_pages(data: bytes, turn: int, pages=None, matrix: bytes = b"") -> bytes:
    """The PDF `data` with the content of its pages (0-based indexes in `pages`, else all) drawn
    turned `turn` degrees counter-clockwise (90, 180 or 270) and no /Rotate to turn it back (the
    MediaBox swapped for a quarter turn), as a print driver writes a landscape sheet on a portrait
    page; with turn 0, drawn through `matrix` ("a b c d e f") instead. A content stream holding the turning `cm` is put before each page's own, appended before
    the cross-reference table (whose offsets then no longer hold: PDFium rebuilds it)."""
    import re

    next_id = max(int(x) for x in re.findall(rb"(\d+) 0 obj", data)) + 1
    out, added, shift, index = data, b"", 0, -1
    for m in re.finditer(rb"\d+ 0 obj\s*(<<.*?)endobj", data, re.S):
        body = m.group(1)
        if not re.search(rb"/Type\s*/Page(?![s\w])", body):
            continue
        index += 1
        if pages is not None and index not in pages:
            continue
        box = re.search(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", body)
        x0, y0, x1, y1 = (float(v) for v in box.groups())
        w, h = x1 - x0, y1 - y0
        cm = {0: matrix + b" cm\n", 90: b"0 1 -1 0 %g 0 cm\n" % h, 180: b"-1 0 0 -1 %g %g cm\n" % (w, h),
              270: b"0 -1 1 0 0 %g cm\n" % w}[turn]
        added += b"%d 0 obj\n<</Length %d>>\nstream\n" % (next_id, len(cm)) + cm + b"\nendstream\nendobj\n"
        contents = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+ 0 R)", body)
        refs = contents.group(1).strip(b"[]")
        new = body.replace(contents.group(0), b"/Contents[%d 0 R %s]" % (next_id, refs))
        new = new.replace(box.group(0), b"/MediaBox[0 0 %g %g]" % ((h, w) if turn in (90, 270) else (w, h)))
        next_id += 1
        out = out[:m.start(1) + shift] + new + out[m.end(1) + shift:]
        shift += len(new) - len(body)
    assert index >= 0, "no page object found"
    at = out.rindex(b"\nxref") + 1 if b"\nxref" in out else len(out)
    return out[:at] + added + out[at:]


def lzw(data: bytes) -> bytes:
    """data LZW-encoded as PDF's LZWDecode reads it (9- to 12-bit codes, most significant bit first,
    EarlyChange 1, a clear code first and when the table is full, the end-of-data code last)."""
    out = bytearray()
    acc = bits = 0
    width = 9

    def emit(code: int) -> None:
        nonlocal acc, bits
        acc, bits = (acc << width) | code, bits + width
        while bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
        acc &= (1 << bits) - 1

    table = {bytes([i]): i for i in range(256)}
    emit(256)
    word = b""
    for byte in data:
        grown = word + bytes([byte])
        if grown in table:
            word = grown
            continue
        emit(table[word])
        table[grown] = len(table) + 2  # 256 and 257 are the clear and end codes
        if len(table) + 2 >= 1 << width:  # the decoder, an entry behind, widens one code early (EarlyChange 1)
            if width == 12:
                emit(256)
                table, width = {bytes([i]): i for i in range(256)}, 9
            else:
                width += 1
        word = bytes([byte])
    if word:
        emit(table[word])
    emit(257)
    if bits:
        out.append((acc << (8 - bits)) & 0xFF)
    return bytes(out)


def lzw_bomb(megabytes: int) -> bytes:
    """LZWDecode data of `megabytes` MB of spaces in about 1.5 bytes per 1,900 of them: after each
    clear code a space, then each code the entry made just before (one space longer than the last),
    until the table is full. The codes are packed at the widths the decoder reads them at."""
    codes, total = [], 0
    while total < megabytes << 20:
        codes += [256, 32]
        total, length, code = total + 1, 1, 258
        while code < 4094 and total < megabytes << 20:
            codes.append(code)
            length, code = length + 1, code + 1
            total += length
    codes.append(257)
    out = bytearray()
    acc = bits = 0
    width, entries, started = 9, 258, False
    for code in codes:
        acc, bits = (acc << width) | code, bits + width
        while bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
        acc &= (1 << bits) - 1
        if code == 256:
            width, entries, started = 9, 258, False
            continue
        entries += started
        started = True
        if entries + 1 >= 1 << width and width < 12:
            width += 1
    if bits:
        out.append((acc << (8 - bits)) & 0xFF)
    return bytes(out)


def flate_bomb_hiding_endstream(megabytes: int = 40) -> bytes:
    """Zlib data of `megabytes` MB of spaces whose first block is stored and spells `endstream`:
    data cut at the first `endstream` inflates to a few bytes, the whole (its /Length) to the bomb."""
    import struct
    import zlib

    payload = b"  endstream  "
    chunk = b" " * (1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    blocks = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    same = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    check = zlib.adler32(payload)
    for _ in range(megabytes):
        check = zlib.adler32(chunk, check)
    stored = b"\x00" + struct.pack("<HH", len(payload), len(payload) ^ 0xFFFF) + payload  # BFINAL 0, BTYPE 00
    return (b"\x78\x01" + stored + blocks + same * (megabytes - 2) + c.compress(chunk) + c.flush()
            + struct.pack(">I", check))
