"""flake8 made to agree with the project's line length."""

from __future__ import annotations


from ml_publish.adopt.line_lengths import with_flake8_length

FLAKE8 = "[flake8]\n# our screens are wide\nmax-line-length = 120\nextend-ignore = E203\n"


def test_flake8_is_set_to_blacks_length_with_the_old_value_noted() -> None:
    assert with_flake8_length(FLAKE8, 100) == (
        "[flake8]\n# our screens are wide\n"
        "# black's line length (ml-publish adopt); flake8 allowed 120 before\n"
        "max-line-length = 100\nextend-ignore = E203\n"
    )
    assert with_flake8_length(with_flake8_length(FLAKE8, 100), 100) == with_flake8_length(
        FLAKE8, 100
    )


def test_a_flake8_without_a_length_gets_one_and_other_sections_stay() -> None:
    text = "[flake8]\nextend-ignore = E203\n\n[isort]\nline_length = 120\n"

    assert with_flake8_length(text, 88) == (
        "[flake8]\nmax-line-length = 88\nextend-ignore = E203\n\n[isort]\nline_length = 120\n"
    )
