"""Exceptions that the CLI turns into a one-line message and an exit code."""

from __future__ import annotations


class UsageError(Exception):
    """The user asked for something that cannot be done as asked (exit code 2).

    The message is one sentence that says what is wrong and what to do instead.
    """


class ReportedError(UsageError):
    """A usage error whose message a child process has already shown to the user."""
