"""The project's line length: black's wins over flake8's."""

from __future__ import annotations

from pathlib import Path

from ml_publish.repository_analysis.code_style import project_line_length

FLAKE8 = "[flake8]\n# our screens are wide\nmax-line-length = 120\nextend-ignore = E203\n"


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
