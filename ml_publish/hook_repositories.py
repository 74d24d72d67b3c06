"""Facts about pre-commit hook repositories: which moved or died, which hooks were removed.

One table for the PC checks (which report a dead repository or a removed hook) and for adopt
(which moves an author's configuration to the new homes): what one says, the other does.
"""

from __future__ import annotations

import re
from collections.abc import Collection

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
# Hook repositories that tag the same releases as another, which the template may pin: a
# black hook from psf/black itself runs the black of the mirror's tag of the same name.
SAME_RELEASES = {
    "https://github.com/psf/black": "https://github.com/psf/black-pre-commit-mirror",
}
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


def release_twin(url: str) -> str | None:
    """The repository whose release tags ``url`` shares (its hooks run the same tool)."""
    return {url_key(one): twin for one, twin in SAME_RELEASES.items()}.get(url_key(url))


def is_release_tag(rev: str, frozen: Collection[str] = ()) -> bool:
    """Whether ``rev`` pins a release: not empty, a branch or a bare commit hash (a full hash is
    one when ``autoupdate --freeze`` kept its tag in a ``# frozen:`` comment, in ``frozen``)."""
    if not rev or rev in MUTABLE_REVS or SHORT_SHA.match(rev):
        return False
    return not FULL_SHA.match(rev) or rev in frozen
