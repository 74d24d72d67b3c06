"""PEP 440 versions: which strings are versions, and which of those PyPI accepts."""

from __future__ import annotations

import re

# The grammar of PEP 440, appendix B, with the local part kept apart (PyPI refuses it).
PUBLIC_VERSION = re.compile(
    r"""
    v?
    (?:(?:[0-9]+)!)?                                 # epoch
    (?:[0-9]+(?:\.[0-9]+)*)                          # release
    (?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?(?:[0-9]+)?)?   # pre-release
    (?:(?:-(?:[0-9]+))|(?:[-_.]?(?:post|rev|r)[-_.]?(?:[0-9]+)?))?    # post-release
    (?:[-_.]?dev[-_.]?(?:[0-9]+)?)?                  # development release
    """,
    re.VERBOSE | re.IGNORECASE,
)
# `__version__ = "1.2.0"` (annotated or not): the assignment's start, then the version.
VERSION_LINE = re.compile(r"""^(__version__\s*(?::\s*str\s*)?=\s*)["']([^"']+)["']""", re.MULTILINE)
LOCAL_PART = re.compile(r"\+[a-z0-9]+(?:[-_.][a-z0-9]+)*", re.IGNORECASE)


def is_version(text: str) -> bool:
    """Whether ``text`` is a PEP 440 version, local part allowed."""
    text = text.strip()
    match = PUBLIC_VERSION.match(text)
    if match is None:
        return False
    rest = text[match.end() :]
    return not rest or bool(LOCAL_PART.fullmatch(rest))


def is_public_version(text: str) -> bool:
    """Whether ``text`` is a PEP 440 version without a local part, as PyPI requires."""
    return bool(PUBLIC_VERSION.fullmatch(text.strip()))


def latest_tagged_version(tags: list[str]) -> str | None:
    """The highest public version among tags such as ``v1.2.0`` or ``1.2.0``, as setuptools-scm
    reads them; ``None`` when no tag is a version."""
    from packaging.version import InvalidVersion, Version

    versions = []
    for tag in tags:
        text = tag.removeprefix("v")
        if is_public_version(text):
            try:
                versions.append((Version(text), text))
            except InvalidVersion:
                continue
    return max(versions)[1] if versions else None
