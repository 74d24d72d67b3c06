"""PEP 440 versions: which strings are versions, which of those PyPI accepts, and their order.

The one pattern and the one ordering in ml-publish (the other plain facts build on this module).
Versions are compared without importing packaging, which would cost ``ml-publish check`` (a
pre-commit hook) a fifth of its start-up; the tests hold the order to packaging's.
"""

from __future__ import annotations

import re

# The grammar of PEP 440, appendix B, as packaging parses it; the local part is a group of its
# own because PyPI refuses it.
VERSION = re.compile(
    r"""
    v?
    (?:(?P<epoch>[0-9]+)!)?                                             # epoch
    (?P<release>[0-9]+(?:\.[0-9]+)*)                                    # release
    (?:[-_.]?(?P<pre>a|b|c|rc|alpha|beta|pre|preview)[-_.]?(?P<pre_n>[0-9]+)?)?  # pre-release
    (?P<post>-(?P<post_implicit>[0-9]+)|[-_.]?(?:post|rev|r)[-_.]?(?P<post_n>[0-9]+)?)?  # post
    (?:[-_.]?(?P<dev>dev)[-_.]?(?P<dev_n>[0-9]+)?)?                    # development release
    (?P<local>\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?                         # local part
    """,
    re.VERBOSE | re.IGNORECASE,
)
# `__version__ = "1.2.0"` (annotated or not): the assignment's start, then the version.
VERSION_LINE = re.compile(r"""^(__version__\s*(?::\s*str\s*)?=\s*)["']([^"']+)["']""", re.MULTILINE)
PRE_RANKS = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}
INFINITY = float("inf")
# epoch, release (trailing zeros dropped), pre-release, post-release, development release.
VersionKey = tuple[int, tuple[int, ...], tuple[float, float], float, float]
# Below every version's key (epochs are never negative): where a non-version sorts.
BEFORE_EVERY_VERSION: VersionKey = (-1, (), (-INFINITY, 0), -INFINITY, -INFINITY)


def parse(text: object) -> re.Match[str] | None:
    """The parts of a PEP 440 version (surrounding white space ignored); ``None`` for anything
    else, text or not."""
    return VERSION.fullmatch(text.strip()) if isinstance(text, str) else None


def is_version(text: object) -> bool:
    """Whether ``text`` is a PEP 440 version, local part allowed."""
    return parse(text) is not None


def is_public_version(text: object) -> bool:
    """Whether ``text`` is a PEP 440 version without a local part, as PyPI requires."""
    match = parse(text)
    return match is not None and match["local"] is None


def version_key(text: object) -> VersionKey | None:
    """A key that orders PEP 440 versions as PEP 440 does (a local part is not compared);
    ``None`` for anything else."""
    match = parse(text)
    if match is None:
        return None
    release = [int(part) for part in match["release"].split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    has_post = match["post"] is not None
    dev: float = int(match["dev_n"] or 0) if match["dev"] else INFINITY
    if match["pre"]:
        pre: tuple[float, float] = (PRE_RANKS[match["pre"].lower()], int(match["pre_n"] or 0))
    elif dev != INFINITY and not has_post:
        pre = (-INFINITY, 0)  # 1.0.dev1 comes before 1.0a1
    else:
        pre = (INFINITY, 0)
    post: float = int(match["post_implicit"] or match["post_n"] or 0) if has_post else -INFINITY
    return (int(match["epoch"] or 0), tuple(release), pre, post, dev)


def same_version(one: str, other: str) -> bool:
    """Whether two strings name the same version, as packaging's ``Version`` equality says
    (``1.0`` is ``1.0.0`` and ``v1.0``); strings that are not versions must be equal."""
    ours, theirs = version_key(one), version_key(other)
    if ours is None or theirs is None:
        return one == other
    return ours == theirs and local_segments(one) == local_segments(other)


def local_segments(text: str) -> tuple[int | str, ...]:
    """The local part's segments as PEP 440 compares them: numbers as numbers, lower case."""
    match = parse(text)
    local = (match["local"] or "+")[1:] if match else ""
    parts = re.split(r"[-_.]", local.lower()) if local else []
    return tuple(int(part) if part.isdigit() else part for part in parts)


def latest_tagged_version(tags: list[str]) -> str | None:
    """The highest public version among tags such as ``v1.2.0`` or ``1.2.0``, as setuptools-scm
    reads them; ``None`` when no tag is a version."""
    versions = []
    for tag in tags:
        text = tag.removeprefix("v")
        key = version_key(text)
        if key is not None and is_public_version(text):
            versions.append((key, text))
    return max(versions)[1] if versions else None
