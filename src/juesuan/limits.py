"""Where input is read and output written: regular files only, bounded reads, safe output paths.

Every reader and every command goes through these few functions, so that the rules hold everywhere:

- an input must be a regular file (a symlink is followed to what it names): a FIFO would block the
  read forever, a device (``/dev/zero``, or a symlink to it, whose st_size is 0) would read until
  memory runs out, a socket cannot be read at all; each is refused in one line (UnusableInput);
- an input is read to at most its limit, whatever its st_size claims (``read_regular``);
- an output path must not name an input (``convert in.xlsx -o in.xlsx`` would replace the workbook
  with XML), and must be a regular file or not exist yet: a FIFO or device node is never replaced
  (``check_outputs``, OutputError);
- files written together are all written or none (``write_all``): each goes to a temporary file next
  to it first, and only when every one is complete are they renamed into place.

Imports only os and stat: this runs on every command's start-up path.
"""

from __future__ import annotations

import os
import stat

from .errors import OutputError, UnusableInput

# The limits, in one place (the README's "Limits" section states them).
MAX_INSTANCE_BYTES = 32 * 1024 * 1024  # an instance XML (xmlio.MAX_XML_BYTES)
MAX_TEXT_BYTES = 20 * 1024 * 1024  # a report's text (.txt / .csv / .tsv)
MAX_PDF_BYTES = 100 * 1024 * 1024  # a report PDF
MAX_WORKBOOK_BYTES = 50 * 1024 * 1024  # a workbook file (excel.xlsx.MAX_FILE_BYTES)

_KIND = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
         stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a directory"}
_INPUT_CODE = {stat.S_IFIFO: "input:fifo", stat.S_IFCHR: "input:device", stat.S_IFBLK: "input:device",
               stat.S_IFSOCK: "input:socket"}


def _kind(mode: int) -> str:
    return _KIND.get(stat.S_IFMT(mode), "not a regular file")


def _not_regular(mode: int, where: str) -> UnusableInput:
    if stat.S_ISDIR(mode):
        return UnusableInput.of("input:directory", where)
    return UnusableInput.of(_INPUT_CODE.get(stat.S_IFMT(mode), "input:device"), where)


def regular_file(path: str | os.PathLike, where: str | None = None) -> os.stat_result:
    """The stat of `path` (symlinks followed), or UnusableInput when it is missing or not a regular file."""
    p = os.fspath(path)
    where = where or str(path)
    try:
        st = os.stat(p)
    except OSError as e:
        raise UnusableInput.from_os(e, where) from None
    if not stat.S_ISREG(st.st_mode):
        raise _not_regular(st.st_mode, where)
    return st


def read_regular(path: str | os.PathLike, limit: int, where: str | None = None, what: str = "the file") -> bytes:
    """At most `limit` bytes of a regular file; UnusableInput when it is larger, or not a regular file.

    The file is opened without blocking (a FIFO swapped in after the stat must not hang the open) and
    checked again on the open descriptor, then read to limit + 1 bytes whatever st_size says.
    """
    p = os.fspath(path)
    where = where or str(path)
    st = regular_file(p, where)
    if st.st_size > limit:
        raise UnusableInput.of("input:too-large", where, size=st.st_size, limit=limit)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as e:
        raise UnusableInput.from_os(e, where) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(st.st_mode, where)
        chunks, left = [], limit + 1
        while left > 0:
            b = os.read(fd, min(left, 1 << 20))
            if not b:
                break
            chunks.append(b)
            left -= len(b)
    except OSError as e:
        raise UnusableInput.from_os(e, where) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:  # it grew since the stat
        raise UnusableInput.of("input:too-large", where, size=len(data), limit=limit)
    return data


def _same(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def check_output(path: str | os.PathLike, inputs=()) -> None:
    """OutputError unless `path` may be written: not one of `inputs` (same file, by any name), and a
    regular file or nothing yet (a FIFO, device, socket or directory is never replaced)."""
    p = os.fspath(path)
    for i in inputs:
        if i is not None and os.path.exists(os.fspath(i)) and _same(p, os.fspath(i)):
            values = {"path": p, "input": os.fspath(i)}
            raise OutputError(render_en("output:is-input", values), code="output:is-input", values=values)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        return
    except OSError as e:
        raise OutputError.from_os(e, p) from None
    if stat.S_ISDIR(st.st_mode):
        raise OutputError.directory(p)
    if not stat.S_ISREG(st.st_mode):
        values = {"path": p, "kind": _kind(st.st_mode)}
        raise OutputError(render_en("output:special-file", values), code="output:special-file", values=values)


def render_en(code: str, values: dict) -> str:
    from .catalogue import render

    return render(code, values, "en")


def check_outputs(paths, inputs=()) -> None:
    for p in paths:
        check_output(p, inputs)


def write_all(files: dict, inputs=()) -> None:
    """Write {path: bytes} atomically as a whole: every path is checked (check_output), every file
    written to a temporary file in its folder and synced; then all are renamed into place. When a
    step fails, no temporary file stays and no new target is left behind (OutputError); only a rename
    failing after another one replaced an existing file cannot be undone."""
    check_outputs(files, inputs)
    temps: list[tuple[str, str]] = []
    try:
        for path, data in files.items():
            p = os.fspath(path)
            try:
                fd, tmp = _create_temp(os.path.dirname(p) or ".", os.path.basename(p))
            except OSError as e:
                raise OutputError.from_os(e, p) from None
            temps.append((tmp, p))
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp, 0o644)
            except OSError as e:
                raise OutputError.from_os(e, p) from None
        existed = {p for _, p in temps if os.path.lexists(p)}
        renamed: list[str] = []
        for tmp, p in temps:
            try:
                os.replace(tmp, p)
            except OSError as e:
                for q in renamed:  # undo what this call created (a file it replaced cannot come back)
                    if q not in existed:
                        try:
                            os.unlink(q)
                        except OSError:
                            pass
                raise OutputError.from_os(e, p) from None
            renamed.append(p)
    except BaseException:
        for tmp, _ in temps:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise


_XML_BAD = None


def _xml_bad():
    global _XML_BAD
    if _XML_BAD is None:
        import re

        _XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
    return _XML_BAD


def _surely_clean(s: str) -> bool:
    """True when `s` certainly holds none of those characters, found without the pattern (compiling its
    large class costs more than a whole header and narrative checked with it): a printable character is
    no control character, surrogate or non-character (str.isprintable), and tab, LF and CR are allowed."""
    return s.isprintable() or s.replace("\n", "").replace("\t", "").replace("\r", "").isprintable()


def xml_unsafe(s: str) -> int:
    """How many characters of `s` XML 1.0 cannot hold (control characters other than tab, LF and CR;
    lone surrogates; U+FFFE/U+FFFF)."""
    return 0 if _surely_clean(s) else len(_xml_bad().findall(s))


def xml_clean(s: str) -> tuple[str, int]:
    """`s` without the characters XML cannot hold, and how many were removed."""
    return (s, 0) if _surely_clean(s) else _xml_bad().subn("", s)


def _create_temp(folder: str, name: str) -> tuple[int, str]:
    """A new file `.NAME.<random>.tmp` in folder, created exclusively with mode 0600, as
    tempfile.mkstemp does, without importing tempfile (and random, shutil ...)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        tmp = os.path.join(folder, f".{name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, flags, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name for {name} in {folder}")
