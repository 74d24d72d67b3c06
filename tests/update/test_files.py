"""One file's update decided from base, theirs and ours; merges by git merge-file --diff3."""

from __future__ import annotations

import pytest

from ml_publish.update.files import FileChange, file_change

LABELS = ("yours", "ml-publish 0.1.0", "ml-publish 0.2.0")
BASE = b"one\ntwo\nthree\nfour\nfive\nsix\n"
THEIRS = BASE.replace(b"two", b"TWO")


def change(base: bytes | None, theirs: bytes | None, ours: bytes | None) -> FileChange | None:
    return file_change("ci.yml", base, theirs, ours, LABELS)


@pytest.mark.parametrize(
    ("base", "theirs", "ours", "action", "after"),
    [
        (BASE, THEIRS, BASE, "replace", THEIRS),
        (None, THEIRS, None, "create", THEIRS),
        (BASE, None, BASE, "delete", None),
        (BASE, THEIRS, BASE.replace(b"six", b"6"), "merge", THEIRS.replace(b"six", b"6")),
        (BASE, THEIRS, None, "keep", None),
        (BASE, None, BASE + b"mine\n", "keep", BASE + b"mine\n"),
        (None, THEIRS, b"mine\n", "keep", b"mine\n"),
        (BASE, THEIRS + b"\0", BASE + b"\0mine", "keep", BASE + b"\0mine"),
    ],
    ids=[
        "unchanged-replaced",
        "added-created",
        "removed-deleted",
        "both-merged",
        "deleted-stays-deleted",
        "removed-but-changed-kept",
        "added-but-yours-kept",
        "binary-kept",
    ],
)
def test_decisions(
    base: bytes | None, theirs: bytes | None, ours: bytes | None, action: str, after: bytes | None
) -> None:
    decided = change(base, theirs, ours)

    assert decided is not None
    assert (decided.action, decided.after) == (action, after)
    assert decided.writes == (action not in ("keep",))


@pytest.mark.parametrize(
    ("base", "theirs", "ours"),
    [(BASE, BASE, b"mine\n"), (BASE, THEIRS, THEIRS), (BASE, None, None), (None, None, b"x")],
    ids=["template-unchanged", "already-there", "both-removed", "not-the-templates"],
)
def test_nothing_to_do(base: bytes | None, theirs: bytes | None, ours: bytes | None) -> None:
    assert change(base, theirs, ours) is None


def test_a_line_both_changed_is_a_conflict_marked_inline() -> None:
    ours = BASE.replace(b"two", b"deux").replace(b"six", b"6")

    decided = change(BASE, THEIRS, ours)

    assert decided is not None and decided.action == "conflict" and decided.conflicts == 1
    assert decided.after == (
        b"one\n<<<<<<< yours\ndeux\n||||||| ml-publish 0.1.0\ntwo\n=======\nTWO\n"
        b">>>>>>> ml-publish 0.2.0\nthree\nfour\nfive\n6\n"
    )
    assert decided.describe() == "  conflict   ci.yml (1 conflict)"


def test_the_diff_is_unified_from_the_project_to_the_result() -> None:
    decided = change(BASE, THEIRS, BASE)

    assert decided is not None
    assert decided.diff().splitlines()[:3] == ["--- a/ci.yml", "+++ b/ci.yml", "@@ -1,5 +1,5 @@"]
    deleted = change(BASE, None, BASE)
    assert deleted is not None and deleted.diff().splitlines()[1] == "+++ /dev/null"
