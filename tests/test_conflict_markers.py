"""Conflict markers are found where git leaves them, and nowhere else."""

from __future__ import annotations

from ml_publish.conflict_markers import conflict_lines, text_of


def test_complete_conflicts_are_found_by_their_first_line() -> None:
    diff3 = "<<<<<<< yours\nb\n||||||| base\nc\n=======\nd\n>>>>>>> theirs\n"
    text = f"a\n{diff3}e\n<<<<<<<\nf\n=======\ng\n>>>>>>>\n"

    assert conflict_lines(text) == [2, 10]


def test_headings_and_quoted_markers_are_not_conflicts() -> None:
    text = "Title\n=======\n\n    <<<<<<< indented\n<<<<<<<< eight\n=======\n>>>>>>>> eight\n"

    assert conflict_lines(text) == []
    assert conflict_lines("<<<<<<< started\n=======\nnever ended\n") == []


def test_binary_and_huge_files_are_not_text() -> None:
    assert text_of(b"PK\x03\x04\0") is None
    assert text_of(b"x" * (3 << 20)) is None
    assert text_of("é\n".encode()) == "é\n"
