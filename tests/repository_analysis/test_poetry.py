"""Poetry's [tool.poetry] metadata, read into the template's [project]."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml_publish.repository_analysis.poetry import PoetryMetadata, pep508, read_poetry

POETRY_PYPROJECT = """\
[tool.poetry]
name = "segkit"
version = "0.4.0"
description = "Segmentation kit"
authors = ["Ada Lovelace <ada@example.org>", "B <b@example.org>"]

[tool.poetry.dependencies]
python = "^3.9"
torch = "^2.0.1"
numpy = "*"
albumentations = { version = "~1.3", extras = ["imgaug"] }
wandb = { version = "^0.15", optional = true }
timm = { git = "https://github.com/rwightman/pytorch-image-models.git" }

[build-system]
requires = ["poetry-core>=1.0.0"]
build-backend = "poetry.core.masonry.api"
"""


@pytest.mark.parametrize(
    ("constraint", "requirement"),
    [
        ("^2.0.1", "torch>=2.0.1"),
        ("~1.3", "torch>=1.3"),
        (">=1.10,<3", "torch>=1.10"),
        ("==1.13.1", "torch>=1.13.1"),
        ("*", "torch"),
        ({"version": "^2", "extras": ["cuda"]}, "torch[cuda]>=2"),
        ({"version": "^2", "optional": True}, None),
        ({"path": "../torch"}, None),
    ],
)
def test_poetry_constraints_become_lower_bounds(constraint: object, requirement: str) -> None:
    assert pep508("torch", constraint) == requirement


def test_the_metadata_is_read_and_what_is_left_out_is_said(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(POETRY_PYPROJECT, encoding="utf-8")

    assert read_poetry(tmp_path) == PoetryMetadata(
        name="segkit",
        version="0.4.0",
        description="Segmentation kit",
        author=("Ada Lovelace", "ada@example.org"),
        python="3.9",
        requirements=("torch>=2.0.1", "numpy", "albumentations[imgaug]>=1.3"),
        problems=(
            "pyproject.toml [tool.poetry]: wandb = {'version': '^0.15', 'optional': True} left "
            "out of the metadata",
            "pyproject.toml [tool.poetry]: timm = {'git': "
            "'https://github.com/rwightman/pytorch-image-models.git'} left out of the metadata",
        ),
    )


def test_a_project_without_poetry_has_no_poetry_metadata(tmp_path: Path) -> None:
    assert read_poetry(tmp_path) is None
    (tmp_path / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n", "utf-8")
    assert read_poetry(tmp_path) is None


def test_poetry_scripts_are_read_in_each_of_its_forms(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.poetry]\nname = "tagger"\n\n[tool.poetry.scripts]\n'
        'train = "tagger.cli:app"\n'
        'predict = { callable = "tagger.predict:main", extras = ["onnx"] }\n'
        'serve = { reference = "tagger.serve:run", type = "console" }\n'
        'setup-data = { reference = "bin/setup.sh", type = "file" }\n',
        encoding="utf-8",
    )

    poetry = read_poetry(tmp_path)

    assert poetry is not None
    assert poetry.scripts == (
        ("train", "tagger.cli:app"),
        ("predict", "tagger.predict:main"),
        ("serve", "tagger.serve:run"),
    )
    assert poetry.problems == (
        "pyproject.toml [tool.poetry]: the script setup-data = {'reference': 'bin/setup.sh', "
        "'type': 'file'} is no console script; left out of [project.scripts]",
    )


def test_poetry_extras_become_extras_with_their_lower_bounds(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.poetry]\nname = "tagger"\n\n[tool.poetry.dependencies]\npython = "^3.10"\n'
        'onnx = {version = "^1.15", optional = true}\n'
        'onnxruntime = {version = "~1.16", optional = true, extras = ["gpu"]}\n'
        'wandb = {version = "^0.16", optional = true}\n\n'
        '[tool.poetry.extras]\nexport = ["onnx", "onnxruntime"]\n',
        encoding="utf-8",
    )

    poetry = read_poetry(tmp_path)

    assert poetry is not None
    assert poetry.requirements == ()
    assert poetry.extras == (("export", ("onnx>=1.15", "onnxruntime[gpu]>=1.16")),)
    assert poetry.problems == (
        "pyproject.toml [tool.poetry]: onnx (optional) carried into the extra export of "
        "[project.optional-dependencies]",
        "pyproject.toml [tool.poetry]: onnxruntime (optional) carried into the extra export of "
        "[project.optional-dependencies]",
        "pyproject.toml [tool.poetry]: wandb = {'version': '^0.16', 'optional': True} left out "
        "of the metadata",
    )
