"""The conflict-marker baseline adopt records in pyproject.toml for TPL103."""

from __future__ import annotations

from pathlib import Path

from ml_publish.adopt.conflict_baseline import write_conflict_baseline

CONFLICT = "x = 1\n<<<<<<< HEAD\ny = 2\n=======\ny = 3\n>>>>>>> theirs\n"
PYPROJECT = '[project]\nname = "demo"\n\n[tool.ml-publish.check.ignore]\nREL101 = "by hand"\n'


def test_files_with_markers_are_recorded_with_their_count_and_a_rerun_changes_nothing(
    tmp_path: Path,
) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (tmp_path / "model.py.orig").write_text(CONFLICT * 2, encoding="utf-8")
    (tmp_path / "notes.md").write_text("Title\n=======\n", encoding="utf-8")
    (tmp_path / "weights.bin").write_bytes(b"\0" + CONFLICT.encode())

    found = write_conflict_baseline(tmp_path, ["model.py.orig", "notes.md", "weights.bin"])

    assert found == {"model.py.orig": 2}
    expected = PYPROJECT + (
        "\n[tool.ml-publish.check.conflict-markers]\n"
        "# Files committed with conflict markers before ml-publish adopt: resolve, then remove.\n"
        '"model.py.orig" = 2\n'
    )
    assert (tmp_path / "pyproject.toml").read_text(encoding="utf-8") == expected
    write_conflict_baseline(tmp_path, ["model.py.orig", "notes.md", "weights.bin"])
    assert (tmp_path / "pyproject.toml").read_text(encoding="utf-8") == expected


def test_without_markers_nothing_is_written_and_a_resolved_file_leaves_the_record(
    tmp_path: Path,
) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n', encoding="utf-8")
    (tmp_path / "a.py").write_text(CONFLICT, encoding="utf-8")
    assert write_conflict_baseline(tmp_path, ["a.py"]) == {"a.py": 1}

    (tmp_path / "a.py").write_text("y = 2\n", encoding="utf-8")
    assert write_conflict_baseline(tmp_path, ["a.py"]) == {}

    text = (tmp_path / "pyproject.toml").read_text(encoding="utf-8")
    assert "conflict-markers" not in text
    assert text.startswith('[project]\nname = "demo"\n')
