"""Exceptions. These are for unusable input only; problems *in* a report are Findings."""

from __future__ import annotations


class JuesuanError(Exception):
    """Base class. str(err) is one line saying what is wrong and where."""


class UnusableInput(JuesuanError):
    """The input cannot be read as what it claims to be (exit code 2)."""

    def __init__(self, message: str, where: str | None = None, *, code: str = "", values: dict | None = None):
        self.where = where
        self.message = message  # English, for stderr and json
        self.code = code  # a catalogue code (messages/input.toml), when the reason has a translation
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
        import errno

        reason = err.strerror or str(err)
        code = {errno.ENOENT: "input:no-such-file", errno.EACCES: "input:permission-denied",
                errno.EPERM: "input:permission-denied"}.get(
                    err.errno, "input:cannot-read")
        return cls(f"cannot read: {reason}", where, code=code, values={"reason": reason, "errno": err.errno or 0})

    def text(self, lang: str = "zh") -> str:
        """The reason in the asked language (from the catalogue when it has a code, else the message)."""
        if not self.code:
            return self.message
        from .catalogue import render

        return render(self.code, self.values, lang)


class TaxonomyError(JuesuanError):
    """The taxonomy files themselves are inconsistent (a bug in taxonomies/, exit code 2)."""


class OutputError(JuesuanError):
    """An output file or folder cannot be written (exit code 2)."""


class InvalidInstance(UnusableInput):
    """An instance that is not valid against the XSD, given to a command that needs a valid one."""
