"""Exceptions. These are for unusable input only; problems *in* a report are Findings.

An error may carry a catalogue code (messages/input.toml, messages/output.toml) and values: `text(lang)`
renders its reason in the asked language; str(err) and `message` stay the English line.
"""

from __future__ import annotations


class JuesuanError(Exception):
    """Base class. str(err) is one line saying what is wrong and where."""

    code = ""  # a catalogue code, when the reason has a translation
    values: dict = {}

    @classmethod
    def declared(cls, code: str, **values) -> "JuesuanError":
        """An error declared in the catalogue: str(err) is its en text, text(lang) the asked language's."""
        from .catalogue import render

        err = cls(render(code, values, "en"))
        err.code, err.values = code, values
        return err

    def text(self, lang: str = "zh") -> str:
        """The reason in the asked language (from the catalogue when it has a code, else str(err))."""
        if not self.code:
            return getattr(self, "message", None) or str(self)
        from .catalogue import render

        return render(self.code, self.values, lang)


def _os_code(family: str, err: OSError, default: str) -> str:
    import errno

    return family + ":" + {errno.ENOENT: "no-such-file", errno.EACCES: "permission-denied",
                           errno.EPERM: "permission-denied", errno.ENOSPC: "disk-full",
                           errno.EROFS: "read-only"}.get(err.errno or 0, default)


class UnusableInput(JuesuanError):
    """The input cannot be read as what it claims to be (exit code 2)."""

    def __init__(self, message: str, where: str | None = None, *, code: str = "", values: dict | None = None):
        self.where = where
        self.message = message  # English, for stderr and json
        self.code = code
        self.values = values or {}
        super().__init__(f"{where}: {message}" if where else message)

    @classmethod
    def of(cls, code: str, where: str | None = None, **values) -> "UnusableInput":
        """An unusable input declared in the catalogue (messages/input.toml): message is its en text."""
        from .catalogue import render

        return cls(render(code, values, "en"), where, code=code, values=values)

    @classmethod
    def from_os(cls, err: OSError, where: str) -> "UnusableInput":
        """A file the operating system would not let us read (missing, a folder, no permission)."""
        reason = err.strerror or str(err)
        code = _os_code("input", err, "cannot-read")
        if code in ("input:disk-full", "input:read-only"):
            code = "input:cannot-read"
        return cls(f"cannot read: {reason}", where, code=code, values={"reason": reason, "errno": err.errno or 0})


class TaxonomyError(JuesuanError):
    """The taxonomy files themselves are inconsistent (a bug in taxonomies/, exit code 2), or a layout
    or taxonomy asked for that it does not have."""

    def __init__(self, message: str, *, code: str = "", values: dict | None = None):
        self.message = message
        self.code = code
        self.values = values or {}
        super().__init__(message)


class OutputError(JuesuanError):
    """An output file or folder cannot be written (exit code 2)."""

    def __init__(self, message: str, *, code: str = "", values: dict | None = None):
        self.message = message
        self.code = code
        self.values = values or {}
        super().__init__(message)

    @classmethod
    def from_os(cls, err: OSError, path: str) -> "OutputError":
        """'cannot write PATH: reason' (the folder is missing, not writable, the disk full …)."""
        reason = err.strerror or str(err)
        return cls(f"cannot write {path}: {reason}", code=_os_code("output", err, "cannot-write"),
                   values={"path": path, "reason": reason, "errno": err.errno or 0})

    @classmethod
    def directory(cls, path: str) -> "OutputError":
        return cls(f"cannot write {path}: it is a directory", code="output:directory", values={"path": path})


class InvalidInstance(UnusableInput):
    """An instance that is not valid against the XSD, given to a command that needs a valid one."""
