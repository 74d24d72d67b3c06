"""The project's line length (black's wins) and flake8 made to agree with it."""

from __future__ import annotations

from pathlib import Path

from ml_publish.adopt.line_lengths import project_line_length, with_flake8_length

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


def write(root: Path, files: dict[str, str]) -> Path:
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


BLACK = "[tool.black]\nline-length = 100\n"
HOOK = "repos:\n- repo: x\n  rev: '1'\n  hooks:\n  - id: black\n    args: [-l, '110']\n"
BARE_HOOK = "repos:\n- repo: x\n  rev: '1'\n  hooks:\n  - id: black\n"


def test_blacks_length_wins_over_flake8s(tmp_path: Path) -> None:
    cases = {
        "nothing": ({}, None),
        "flake8 only": ({".flake8": FLAKE8}, 120),
        "setup.cfg first": (
            {"setup.cfg": "[flake8]\nmax_line_length=110\n", ".flake8": FLAKE8},
            110,
        ),
        "tool.black": ({"pyproject.toml": BLACK, ".flake8": FLAKE8}, 100),
        "black hook argument": ({".pre-commit-config.yaml": HOOK, ".flake8": FLAKE8}, 110),
        "black hook, default": ({".pre-commit-config.yaml": BARE_HOOK, ".flake8": FLAKE8}, 88),
    }
    found = {
        name: project_line_length(write(tmp_path / str(index), files))
        for index, (name, (files, _)) in enumerate(cases.items())
    }

    assert found == {name: expected for name, (_, expected) in cases.items()}
