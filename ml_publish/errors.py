"""Exceptions that the CLI turns into a one-line message and an exit code."""

from __future__ import annotations


class MLPublishError(Exception):
    """Something the user can act on; the message is one sentence that says what to do."""

    exit_code = 1


class UsageError(MLPublishError):
    """The user asked for something that cannot be done as asked (exit code 2)."""

    exit_code = 2


class OperationFailed(MLPublishError):
    """A well-formed request that did not succeed: a server refused or a check failed (exit 1)."""


class ReportedError(UsageError):
    """A usage error whose message a child process has already shown to the user."""
