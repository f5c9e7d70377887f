"""The PDF filters the stream check decodes (readers/pdfium_streams.py): Flate with zlib (isal's when
installed), in bounded steps; LZW and run-length in Python; ASCII85 and ASCIIhex with base64 and
binascii; each to at most a cap of output, and saying whether it decoded to its end marker.
"""

from __future__ import annotations

import re
import zlib
from typing import Protocol

from ..errors import UnusableInput

_FLATE, _LZW, _RL, _A85, _HEX = "flate", "lzw", "rl", "a85", "hex"
_KINDS = {b"FlateDecode": _FLATE, b"Fl": _FLATE, b"LZWDecode": _LZW, b"LZW": _LZW, b"RunLengthDecode": _RL,
          b"RL": _RL, b"ASCII85Decode": _A85, b"A85": _A85, b"ASCIIHexDecode": _HEX, b"AHx": _HEX}
# the most each filter expands its input: Flate 1032:1; LZW's 12-bit codes emit at most 4,096 bytes per
# code of 1.5 bytes; run-length 128 bytes per 2; ASCII85's z 4 bytes per character; ASCIIhex halves
_RATIO = {_FLATE: 1032, _LZW: 2731, _RL: 64, _A85: 4, _HEX: 1}
_STEP = 1 << 16  # input and output per inflate step
_SLOW_BYTES = 4 << 20  # of LZW and run-length data decoded in Python (a second or so a megabyte)


class Budget(Protocol):
    slow: int  # bytes of LZW and run-length data still to be decoded in Python


def _decoded(raw: memoryview, chain: list[str], limit: int, budget: Budget, where: str) -> tuple[bytes | int, bool]:
    """What `chain` decodes raw to (the size, an int, once past limit), and whether it decoded to its
    end: _decoded_size with the last stage's output kept (a page's content, at most the limit)."""
    if chain[-1] != _FLATE:
        return _decoded_size(raw, chain, limit, budget, where, keep=True)
    data, whole = raw, True
    if len(chain) > 1:
        data, whole = _decoded_size(raw, chain[:-1], 2 * limit, budget, where, keep=True)
        if isinstance(data, int):
            return data, False
    out = bytearray()
    size, ok = _inflated_size(memoryview(data), limit, False, out)
    return (size if size > limit else bytes(out)), whole and ok


def _decoded_size(raw: memoryview, chain: list[str], limit: int, budget: Budget | None = None,
                  where: str = "", keep: bool = False) -> tuple[int | bytes, bool]:
    """The size `chain` decodes raw to, or the first size over limit (each stage but the last kept,
    up to twice the limit; with `keep`, the last too, as bytes unless past the limit), and whether
    every stage decoded to its end. LZW and run-length data are decoded in Python: past the budget's
    bytes of them the file is refused."""
    if chain == [_FLATE, _FLATE] and not keep:
        return _inflated_size(raw, limit, True)
    data, whole = raw, True
    for i, kind in enumerate(chain):
        last = i == len(chain) - 1
        if kind == _FLATE and last and not keep:
            size, ok = _inflated_size(memoryview(data), limit, False)
            return size, whole and ok
        cap = limit if last else 2 * limit
        data = bytes(data)
        if budget is not None and kind in (_LZW, _RL):  # decoded in Python: no more than the budget left
            given = data[:max(budget.slow, 0)]
            out, ok = _DECODE[kind](given, cap)
            made = out if isinstance(out, int) else len(out)
            budget.slow -= min(len(given), 2 * made + 16)  # at most 2 bytes in for each byte out, and a code
            if len(given) < len(data) and not ok and made <= cap:  # cut short by the budget: not measured
                raise UnusableInput.of("input:pdf-slow-filters", where, limit=_SLOW_BYTES // 2**20)
            data = out
        else:
            data, ok = _DECODE[kind](data, cap)
        whole = whole and ok
        size = data if isinstance(data, int) else len(data)
        if size > cap:
            return size, False
    return (data if keep else len(data)), whole


def _inflater():
    """isal's zlib (ISA-L: the same inflate, about twice as fast) when installed, else zlib."""
    try:
        from isal import isal_zlib
    except ImportError:
        return zlib, (zlib.error,)
    return isal_zlib, (zlib.error, isal_zlib.error)


def _inflated_size(raw: memoryview, limit: int, nested: bool, keep: bytearray | None = None) -> tuple[int, bool]:
    """The stream's inflated size, or the first size over limit, and whether it inflated to its end
    (False: damaged or encrypted data, of which PDFium decodes at most what inflates here): fed 64 KB
    of input at a time (zlib copies what a step leaves unconsumed) for at most 64 KB of output a step
    (buffers that small are reused, not mapped afresh each step). `keep`, if given, gets the output
    (for a filter after this one)."""
    z, errors = _inflater()
    d = z.decompressobj()
    inner = z.decompressobj() if nested else None
    size = 0
    pos, end = 0, len(raw)
    chunk = raw[:0]
    try:
        while True:
            if not chunk and pos < end:
                chunk, pos = raw[pos:pos + _STEP], pos + _STEP
            out = d.decompress(chunk, _STEP)
            got = len(out)
            if inner is not None:
                out = inner.decompress(out, limit + 1 - size) if not inner.eof else b""
            size += len(out)
            if keep is not None:
                keep += out
            if size > limit:
                return size, False
            chunk = d.unconsumed_tail
            if d.eof or (not chunk and pos >= end and not got):
                return size, d.eof
    except errors:
        return size, False  # damaged (or encrypted) data: PDFium decodes at most what inflates


def _inflate(data: bytes, cap: int) -> tuple[bytes | int, bool]:
    out = bytearray()
    _, whole = _inflated_size(memoryview(data), cap, False, out)
    return bytes(out), whole


def _unlzw(data: bytes, cap: int) -> tuple[bytes | int, bool]:
    """LZWDecode (EarlyChange 1, as PDFium's default), up to the first cap + 1 bytes; a code past the
    table ends it (damaged)."""
    out = bytearray()
    table = [bytes([i]) for i in range(256)] + [b"", b""]  # 256 clear, 257 end of data
    width, acc, held, prev = 9, 0, 0, b""
    for byte in data:
        acc, held = (acc << 8) | byte, held + 8
        while held >= width:
            held -= width
            code = (acc >> held) & ((1 << width) - 1)
            acc &= (1 << held) - 1
            if code == 256:
                del table[258:]
                width, prev = 9, b""
                continue
            if code == 257:
                return bytes(out), True
            if code < len(table):
                entry = table[code]
                if prev:
                    table.append(prev + entry[:1])
            elif code == len(table) and prev:
                entry = prev + prev[:1]
                table.append(entry)
            else:
                return bytes(out), False
            out += entry
            if len(out) > cap:
                return bytes(out), False
            prev = entry
            if len(table) + 1 >= 1 << width and width < 12:
                width += 1
    return bytes(out), False  # no end-of-data code


def _unrun(data: bytes, cap: int) -> tuple[bytes | int, bool]:
    """RunLengthDecode up to the first cap + 1 bytes."""
    out = bytearray()
    i, n = 0, len(data)
    while i < n and len(out) <= cap:
        length = data[i]
        if length == 128:
            return bytes(out), True
        if length < 128:
            out += data[i + 1: i + 2 + length]
            i += length + 2
        else:
            out += data[i + 1: i + 2] * (257 - length)
            i += 2
    return bytes(out), False  # no end-of-data byte (128), or past cap


_WHITE = b" \t\r\n\x0b\x0c\x00"
_A85_GROUPS = re.compile(rb"(?:z|[!-u]{5})*")
_A85_GROUP = re.compile(rb"z|[!-u]{5}")
_HEX_DIGITS = re.compile(rb"[0-9A-Fa-f]*")


def _una85(data: bytes, cap: int) -> tuple[bytes | int, bool]:
    """ASCII85Decode of its whole groups (z or five characters of its alphabet, white space
    ignored) before anything else (`~>` ends it, and a z inside a group or another character stops
    it): at least what PDFium decodes, but for a last group of two to four characters (at most three
    bytes). z stands for four zero bytes: the size is counted before the bytes are made (an int when
    over cap)."""
    import base64

    text = data.translate(None, _WHITE).removeprefix(b"<~")
    groups = _A85_GROUPS.match(text)[0]
    zs = groups.count(b"z")
    size = 4 * (zs + (len(groups) - zs) // 5)
    if size > cap:
        return size, False
    ended = text[len(groups):len(groups) + 2] == b"~>"
    try:
        return base64.a85decode(groups), ended
    except ValueError:  # a group past 2**32 - 1 ("uuuuu"): each taken modulo 2**32, one at a time
        out = bytearray()
        for m in _A85_GROUP.finditer(groups):
            g = m[0]
            if g == b"z":
                out += bytes(4)
            else:
                value = 0
                for c in g:
                    value = value * 85 + c - 33
                out += (value & 0xFFFFFFFF).to_bytes(4, "big")
        return bytes(out), ended


def _unhex(data: bytes, cap: int) -> tuple[bytes | int, bool]:
    """ASCIIHexDecode of the digits (white space ignored) before anything else (`>` ends it)."""
    import binascii

    text = data.translate(None, _WHITE)
    digits = _HEX_DIGITS.match(text)[0]
    if len(digits) // 2 > cap:
        return len(digits) // 2, False
    return binascii.unhexlify(digits + b"0" * (len(digits) % 2)), text[len(digits):len(digits) + 1] == b">"


_DECODE = {_FLATE: _inflate, _LZW: _unlzw, _RL: _unrun, _A85: _una85, _HEX: _unhex}
