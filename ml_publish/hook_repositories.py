"""Facts about pre-commit hook repositories: which moved or died, which hooks were removed.

One table for the PC checks (which report a dead repository or a removed hook) and for adopt
(which moves an author's configuration to the new homes): what one says, the other does.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from ml_publish.versions import version_key

PRE_COMMIT_HOOKS = "https://github.com/pre-commit/pre-commit-hooks"
# Hook repositories that are gone or archived, and where their hooks live now: a URL when the
# same hook ids live there, else what to do instead.
DEAD_REPOSITORIES = {
    "https://gitlab.com/pycqa/flake8": "https://github.com/PyCQA/flake8",
    "https://github.com/ambv/black": "https://github.com/psf/black-pre-commit-mirror",
    "https://github.com/python/black": "https://github.com/psf/black-pre-commit-mirror",
    "https://github.com/timothycrosley/isort": "https://github.com/PyCQA/isort",
    "https://github.com/pre-commit/mirrors-isort": "https://github.com/PyCQA/isort",
    "https://github.com/pre-commit/mirrors-yapf": "https://github.com/google/yapf",
    "https://github.com/pre-commit/mirrors-autopep8": "https://github.com/hhatto/autopep8",
    "https://github.com/pre-commit/mirrors-pylint": "a local hook running pylint",
    "https://github.com/pre-commit/mirrors-prettier": "https://github.com/rbubley/mirrors-prettier",
    "https://github.com/asottile/seed-isort-config": "nothing: isort 5 needs no seeding",
}
# Release tags known to install, for new homes the template's configuration does not pin: an
# old home's tags mean nothing there (mirrors-isort's v4.3.21 is no tag of PyCQA/isort).
KNOWN_GOOD_REVS = {
    "https://github.com/PyCQA/isort": "6.0.1",
    "https://github.com/google/yapf": "v0.43.0",
    "https://github.com/hhatto/autopep8": "v2.3.2",
}
# Repositories whose hooks run the same tool at the same tags as one the template pins: the
# template's revision serves them too (black's own repository beside its faster mirror).
SAME_TAGS_AS = {"https://github.com/psf/black": "https://github.com/psf/black-pre-commit-mirror"}
# Release tags that no longer install, by repository: [first broken, first fixed). isort 5.0.0
# to 5.11.4 declare an extra that poetry-core has refused since January 2023 ("The Poetry
# configuration is invalid"), so pre-commit cannot build their environment (PyCQA/isort#2077).
UNINSTALLABLE_REVS = {"https://github.com/PyCQA/isort": ("5.0.0", "5.11.5")}
FULL_SHA = re.compile(r"^[0-9a-f]{40}$")
SHORT_SHA = re.compile(r"^[0-9a-f]{7,39}$")
# ``pre-commit autoupdate --freeze`` keeps the tag of a pinned hash in a comment.
FROZEN_COMMENT = re.compile(r"^\s*rev:\s*['\"]?([0-9a-f]{40})['\"]?\s*#\s*frozen:", re.MULTILINE)
MUTABLE_REVS = {"master", "main", "HEAD", "develop", "trunk", "stable", "latest"}
# Hooks pre-commit-hooks has removed, and what replaces them.
REMOVED_HOOKS = {
    "flake8": "the flake8 hook of https://github.com/PyCQA/flake8",
    "pyflakes": "the flake8 hook of https://github.com/PyCQA/flake8",
    "autopep8-wrapper": "the autopep8 hook of https://github.com/hhatto/autopep8",
    "check-byte-order-marker": "fix-byte-order-marker",
    "fix-encoding-pragma": "pyupgrade (https://github.com/asottile/pyupgrade)",
}
# Removed hooks whose replacement is a hook of the same repository under another id.
RENAMED_HOOKS = {"check-byte-order-marker": "fix-byte-order-marker"}


def url_key(url: str) -> str:
    """A hook repository's URL as compared: no trailing slash or ``.git``, any case."""
    return url.rstrip("/").removesuffix(".git").lower()


def new_home(url: str) -> str | None:
    """Where the hooks of a dead repository live now, when the same hook ids live there."""
    home = {url_key(dead): home for dead, home in DEAD_REPOSITORIES.items()}.get(url_key(url))
    return home if home is not None and home.startswith("https://") else None


def is_release_tag(rev: str, frozen: Collection[str] = ()) -> bool:
    """Whether ``rev`` pins a release: not empty, a branch or a bare commit hash (a full hash is
    one when ``autoupdate --freeze`` kept its tag in a ``# frozen:`` comment, in ``frozen``)."""
    if not rev or rev in MUTABLE_REVS or SHORT_SHA.match(rev):
        return False
    return not FULL_SHA.match(rev) or rev in frozen


def same_tags_as(url: str) -> str | None:
    """The template's repository whose tags ``url`` shares, when it shares them."""
    return {url_key(own): mirror for own, mirror in SAME_TAGS_AS.items()}.get(url_key(url))


def known_good_rev(url: str) -> str | None:
    """A release tag known to install for the repository at ``url`` (any case: isort's own
    README names it ``https://github.com/pycqa/isort``)."""
    return {url_key(repo): rev for repo, rev in KNOWN_GOOD_REVS.items()}.get(url_key(url))


def cannot_install(url: str, rev: str) -> bool:
    """Whether ``rev`` of the repository at ``url`` is a release that no longer installs."""
    span = {url_key(repo): span for repo, span in UNINSTALLABLE_REVS.items()}.get(url_key(url))
    key = version_key(rev.removeprefix("v"))
    if span is None or key is None:
        return False
    low, high = (version_key(bound) for bound in span)
    return low is not None and high is not None and low <= key < high
