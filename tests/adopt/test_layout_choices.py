"""What the plan says about the layout: distinct commands for scripts of one name."""

from __future__ import annotations

from pathlib import PurePosixPath

from ml_publish.adopt.layout_choices import distinct_console_names


def dashed_stem(path: str) -> str:
    return PurePosixPath(path).stem.replace("_", "-")


def test_scripts_of_one_name_get_their_directory_in_the_command() -> None:
    paths = ["alice/run_train.py", "bob/run_train.py", "team_a/sub/run_train.py", "predict.py"]

    assert distinct_console_names(paths, dashed_stem) == {
        "alice/run_train.py": "alice-run-train",
        "bob/run_train.py": "bob-run-train",
        "team_a/sub/run_train.py": "team-a-sub-run-train",
        "predict.py": "predict",
    }
