"""The legacy lists in hook excludes: exact patterns, written into the text and read back."""

from __future__ import annotations

import re

import pytest

from ml_publish.adopt.hook_excludes import (
    LEGACY_COMMENT,
    legacy_exclude,
    split_legacy_exclude,
    with_legacy_exclude,
)
from tests.support.pre_commit_configs import TEMPLATE_CONFIG, hooks_of


@pytest.mark.parametrize(
    "paths",
    [("README.md",), ("feat_[svd]_(v2).py", "a b/c#d.py", "x|y.md"), ("docs/ideas.md", "train.py")],
)
def test_the_exclude_matches_exactly_the_listed_paths_and_reads_back(
    paths: tuple[str, ...],
) -> None:
    pattern = legacy_exclude("^LICENSE$", paths)

    for path in (*paths, "LICENSE"):
        assert re.search(pattern, path), path
    for other in ("docs/README.md", "README.mdx", "LICENSE.txt", "train.pyc", "a b/c"):
        assert not re.search(pattern, other), other
    assert split_legacy_exclude(pattern) == ("^LICENSE$", tuple(map(re.escape, paths)))


def test_a_plain_exclude_is_the_hooks_own() -> None:
    assert split_legacy_exclude("^LICENSE$") == ("^LICENSE$", ())


def test_the_legacy_list_is_added_replaced_and_removed_in_the_text() -> None:
    added = with_legacy_exclude(TEMPLATE_CONFIG, "codespell", ("README.md", "train.py"))
    exclude = str(hooks_of(added)["codespell"]["exclude"])
    assert re.search(exclude, "LICENSE") and re.search(exclude, "train.py")
    assert LEGACY_COMMENT in added
    # Everything else is the template's text, comments and blank lines included.
    assert added.replace(added[added.index(f"        {LEGACY_COMMENT}") :], "") in TEMPLATE_CONFIG

    replaced = with_legacy_exclude(added, "codespell", ("README.md",))
    assert not re.search(str(hooks_of(replaced)["codespell"]["exclude"]), "train.py")
    assert with_legacy_exclude(replaced, "codespell", ("README.md",)) == replaced

    assert with_legacy_exclude(replaced, "codespell", ()) == TEMPLATE_CONFIG


def test_a_hook_without_exclude_gets_one_and_loses_it_again() -> None:
    added = with_legacy_exclude(TEMPLATE_CONFIG, "check-yaml", ("configs/unet.yaml",))

    assert hooks_of(added)["check-yaml"]["exclude"] == "(?x)^(\n    configs/unet\\.yaml\n)$\n"
    assert "exclude" not in hooks_of(added)["end-of-file-fixer"]
    assert with_legacy_exclude(added, "check-yaml", ()) == TEMPLATE_CONFIG
