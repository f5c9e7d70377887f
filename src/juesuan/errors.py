"""Exceptions. These are for unusable input only; problems *in* a report are Findings."""

from __future__ import annotations


class JuesuanError(Exception):
    """Base class. str(err) is one line saying what is wrong and where."""


class UnusableInput(JuesuanError):
    """The input cannot be read as what it claims to be (exit code 2)."""

    def __init__(self, message: str, where: str | None = None):
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)


class TaxonomyError(JuesuanError):
    """The taxonomy files themselves are inconsistent (a bug in taxonomies/, exit code 2)."""


class OutputError(JuesuanError):
    """An output file or folder cannot be written (exit code 2)."""


class InvalidInstance(UnusableInput):
    """An instance that is not valid against the XSD, given to a command that needs a valid one."""
