"""juesuan.limits: regular files only, bounded reads, outputs that never overwrite an input or a
special file, multi-file writes all or none."""

from __future__ import annotations

import os

import pytest

from juesuan import limits
from juesuan.errors import OutputError, UnusableInput

from .conftest import EXAMPLE_XML, run_cli


def test_special_files_are_refused(tmp_path):
    fifo = tmp_path / "f.txt"
    os.mkfifo(fifo)
    zero = tmp_path / "z.txt"
    zero.symlink_to("/dev/zero")
    with pytest.raises(UnusableInput, match="FIFO"):
        limits.read_regular(fifo, 100)
    with pytest.raises(UnusableInput, match="is a device"):
        limits.read_regular(zero, 100)
    with pytest.raises(UnusableInput, match="directory"):
        limits.regular_file(tmp_path)
    with pytest.raises(UnusableInput, match="cannot read: No such file"):
        limits.regular_file(tmp_path / "missing")


def test_read_is_bounded(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"x" * 101)
    assert limits.read_regular(p, 101) == b"x" * 101
    with pytest.raises(UnusableInput, match="101 bytes, more than the 100 bytes allowed"):
        limits.read_regular(p, 100, what="a test file")


def test_output_may_not_be_an_input_by_any_name(tmp_path):
    src = tmp_path / "in.xml"
    src.write_bytes(b"<x/>")
    (tmp_path / "link.xml").symlink_to(src)
    os.link(src, tmp_path / "hard.xml")
    for name in ("in.xml", "link.xml", "hard.xml"):
        with pytest.raises(OutputError, match="it is the input file"):
            limits.check_output(tmp_path / name, [src])
    limits.check_output(tmp_path / "new.xml", [src])  # a new file is fine
    with pytest.raises(OutputError, match="character device"):
        limits.check_output("/dev/null")


def test_write_all_is_all_or_nothing(tmp_path):
    (tmp_path / "b.xbrl").mkdir()  # the second file cannot be written
    with pytest.raises(OutputError, match="directory"):
        limits.write_all({tmp_path / "a.zip": b"zip", tmp_path / "b.xbrl": b"xml"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.xbrl"]
    limits.write_all({tmp_path / "a.zip": b"zip", tmp_path / "c.xbrl": b"xml"})
    assert (tmp_path / "a.zip").read_bytes() == b"zip" and (tmp_path / "c.xbrl").read_bytes() == b"xml"


def test_write_all_undoes_a_half_rename(tmp_path, monkeypatch):
    real = os.replace
    calls = []

    def flaky(a, b):
        calls.append(b)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(a, b)

    monkeypatch.setattr(limits.os, "replace", flaky)
    with pytest.raises(OutputError, match="No space left"):
        limits.write_all({tmp_path / "a.zip": b"zip", tmp_path / "b.xbrl": b"xml"})
    assert list(tmp_path.iterdir()) == []


def test_export_xbrl_leaves_no_zip_when_the_instance_cannot_be_written(tmp_path):
    out = tmp_path / "out"
    (out / "liling-2021.xbrl").mkdir(parents=True)
    res = run_cli("export", EXAMPLE_XML, "--format", "xbrl", "-o", out)
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "liling-2021.xbrl" in res.stderr
    assert [p.name for p in out.iterdir()] == ["liling-2021.xbrl"]


def test_utf16_instance_is_refused_as_utf16(tmp_path):
    p = tmp_path / "u.xml"
    p.write_bytes(b"\xff\xfe" + EXAMPLE_XML.read_text("utf-8").encode("utf-16-le"))
    res = run_cli("validate", p)
    assert res.returncode == 2 and "UTF-16" in res.stderr and "not XML" not in res.stderr


def test_xml_clean():
    assert limits.xml_clean("a\x08b\x00c\td") == ("abc\td", 2)
    assert limits.xml_unsafe("正常\n文本") == 0
