"""Well-formed repositories packaged the ways the ecosystem packages them, one per shape.

A shape is a layout (src or flat), a build backend (setuptools from pyproject.toml or from
setup.cfg, hatchling, flit_core, uv_build, pdm-backend), a version source (static,
``__version__``, git tags) and a lint set-up (black + flake8, or ruff alone); the namespace
shape ships ``acme.vision`` inside the namespace package ``acme``. Each passes every check of
``ml-publish check``; ``write_shape`` writes one as a committed git repository (tagged v0.3.0
when git tags make its version).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.support.abandoned_repos import MIT_TEXT
from tests.support.releases import GIT_IDENTITY
from tests.support.tiny_repos import Files, write_repository

TAG = "v0.3.0"
VERSION = "0.3.0"
RUFF_VERSION = "0.14.0"

BACKENDS = {
    "setuptools": ('["setuptools>=77"]', "setuptools.build_meta"),
    "setuptools-scm": ('["setuptools>=77", "setuptools-scm>=8"]', "setuptools.build_meta"),
    "hatchling": ('["hatchling>=1.27"]', "hatchling.build"),
    "hatch-vcs": ('["hatchling>=1.27", "hatch-vcs>=0.4"]', "hatchling.build"),
    "flit": ('["flit_core>=3.12,<4"]', "flit_core.buildapi"),
    "uv_build": ('["uv_build>=0.9"]', "uv_build"),
    "pdm": ('["pdm-backend>=2.4"]', "pdm.backend"),
}


@dataclass(frozen=True)
class Shape:
    """One way of packaging: see the module docstring."""

    layout: str
    backend: str
    version: str
    lint: str
    package: str = "leaf_seg"
    distribution: str = "leaf-seg"

    @property
    def name(self) -> str:
        return f"{self.layout}-{self.backend}-{self.version}-{self.lint}"

    @property
    def package_dir(self) -> str:
        base = "" if self.layout == "flat" else "src/"
        return base + self.package.replace(".", "/")


SHAPES = {
    shape.name: shape
    for shape in (
        Shape("src", "setuptools-scm", "scm", "ruff"),
        Shape("flat", "setuptools", "static", "black-flake8"),
        Shape("src", "setup.cfg", "dunder", "black-flake8"),
        Shape("src", "hatch-vcs", "scm", "ruff"),
        Shape("flat", "hatchling", "dunder", "black-flake8"),
        Shape("src", "flit", "dunder", "ruff"),
        Shape("src", "uv_build", "static", "ruff"),
        Shape("flat", "uv_build", "static", "black-flake8"),
        Shape("src", "pdm", "scm", "ruff"),
        Shape("flat", "pdm", "dunder", "black-flake8"),
        Shape("namespace", "hatchling", "static", "ruff", "acme.vision", "acme-vision"),
    )
}
# A src-layout project rendered from scientific-python/cookie: hatch-vcs, ruff alone.
SRC_RUFF = "src-hatch-vcs-scm-ruff"


def backend_table(shape: Shape) -> str:
    """[build-system] and the backend's own settings: where the package and version are."""
    key = {"setup.cfg": "setuptools"}.get(shape.backend, shape.backend)
    requires, backend = BACKENDS[key]
    text = f"[build-system]\nrequires = {requires}\nbuild-backend = {backend!r}\n"
    text = text.replace("'", '"')
    init = f"{shape.package_dir}/__init__.py"
    settings = {
        "setuptools-scm": (
            '[tool.setuptools.packages.find]\nwhere = ["src"]\n\n[tool.setuptools_scm]\n'
        ),
        "setuptools": '[tool.setuptools.packages.find]\ninclude = ["leaf_seg*"]\n',
        "setup.cfg": '[tool.setuptools.dynamic]\nversion = { attr = "leaf_seg.__version__" }\n',
        "hatch-vcs": '[tool.hatch.version]\nsource = "vcs"\n',
        "hatchling": (
            f'[tool.hatch.version]\npath = "{init}"\n\n'
            f'[tool.hatch.build.targets.wheel]\npackages = ["{shape.package_dir}"]\n'
        ),
        "flit": "",
        "uv_build": "" if shape.layout == "src" else '[tool.uv.build-backend]\nmodule-root = ""\n',
        "pdm": (
            '[tool.pdm.version]\nsource = "scm"\n'
            if shape.version == "scm"
            else f'[tool.pdm.version]\nsource = "file"\npath = "{init}"\n'
        ),
    }[shape.backend]
    if shape.layout == "namespace":
        settings = '[tool.hatch.build.targets.wheel]\npackages = ["src/acme"]\n'
    return text + "\n" + settings


def project_table(shape: Shape) -> str:
    version = f'version = "{VERSION}"' if shape.version == "static" else 'dynamic = ["version"]'
    pins = (
        f'"ruff=={RUFF_VERSION}", "mypy==2.4.1"'
        if shape.lint == "ruff"
        else '"black==26.10.1", "flake8==7.5.0", "mypy==2.4.1"'
    )
    return f"""\
[project]
name = "{shape.distribution}"
{version}
description = "Segments leaves in photographs."
readme = "README.md"
requires-python = ">=3.10"
license = "MIT"
license-files = ["LICENSE"]
authors = [{{ name = "Jane Doe", email = "jane@example.com" }}]
dependencies = []

[project.optional-dependencies]
test = ["pytest>=8"]

[project.urls]
Source = "https://github.com/someone/{shape.distribution}"

[dependency-groups]
dev = [{pins}]
"""


LINT_SETTINGS = {
    "ruff": """\
[tool.ruff]
line-length = 100

[tool.ruff.lint]
extend-select = ["B", "I", "UP"]

[tool.mypy]
strict = true
""",
    "black-flake8": """\
[tool.black]
line-length = 100
target-version = ["py310"]

[tool.mypy]
strict = true
""",
}
FLAKE8 = "[flake8]\nmax-line-length = 100\nextend-ignore = E203, W503, E704\n"
HOOKS = """\
repos:
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v6.0.0
    hooks:
      - id: end-of-file-fixer
      - id: check-added-large-files
"""
LINT_HOOKS = {
    "ruff": f"""\
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v{RUFF_VERSION}
    hooks:
      - id: ruff-check
        args: [--fix]
      - id: ruff-format
""",
    "black-flake8": """\
  - repo: https://github.com/psf/black-pre-commit-mirror
    rev: 26.10.1
    hooks:
      - id: black
  - repo: https://github.com/PyCQA/flake8
    rev: 7.5.0
    hooks:
      - id: flake8
""",
}
MYPY_HOOK = """\
  - repo: https://github.com/pre-commit/mirrors-mypy
    rev: v2.4.1
    hooks:
      - id: mypy
"""
CI = """\
name: CI
on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        python-version: ["3.10", "3.13"]
    steps:
      - uses: actions/checkout@v5
      - uses: actions/setup-python@v6
        with:
          python-version: ${{ matrix.python-version }}
      - run: python -m pip install ".[test]"
      - run: python -m pytest
"""
RELEASE = """\
name: Release
on:
  push:
    tags: ["v*"]
permissions:
  contents: read
jobs:
  publish:
    runs-on: ubuntu-latest
    environment: pypi
    permissions:
      id-token: write
    steps:
      - uses: actions/checkout@v5
      - uses: actions/setup-python@v6
        with:
          python-version: "3.13"
      - run: python -m pip install build twine
      - run: python -m build
      - run: python -m twine check --strict dist/*
      - uses: pypa/gh-action-pypi-publish@release/v1
"""
GITIGNORE = """\
__pycache__/
*.egg-info/
build/
dist/
.venv/
*.pt
*.pth
*.ckpt
*.safetensors
*.onnx
*.h5
checkpoints/
lightning_logs/
wandb/
.ml-publish/
"""
CITATION = """\
cff-version: 1.2.0
message: "If you use this software, please cite it as below."
title: "Leaf segmentation"
authors:
  - family-names: "Doe"
    given-names: "Jane"
"""


SEGMENTATION = "def segment(image: bytes) -> bytes:\n    return image\n"


def readme(shape: Shape) -> str:
    return f"""\
# Leaf segmentation

Segments leaves in photographs.

## Installation

```bash
pip install {shape.distribution}
```

## Usage

```python
from {shape.package} import segment
```
"""


def shape_files(shape: Shape) -> Files:
    """Every file of a well-formed repository of ``shape``."""
    version = f'__version__ = "{VERSION}"\n' if shape.version == "dunder" else ""
    files: Files = {
        "pyproject.toml": "\n".join(
            (backend_table(shape), project_table(shape), LINT_SETTINGS[shape.lint])
        ),
        ".pre-commit-config.yaml": HOOKS + LINT_HOOKS[shape.lint] + MYPY_HOOK,
        ".github/workflows/ci.yml": CI,
        ".github/workflows/release.yml": RELEASE,
        ".gitignore": GITIGNORE,
        "README.md": readme(shape),
        "LICENSE": MIT_TEXT,
        "CITATION.cff": CITATION,
        f"{shape.package_dir}/__init__.py": f'"""Leaf segmentation."""\n\n{version}',
        f"{shape.package_dir}/segmentation.py": SEGMENTATION,
        f"{shape.package_dir}/py.typed": "",
        "tests/test_segmentation.py": "def test_nothing() -> None:\n    assert True\n",
    }
    if shape.lint == "black-flake8":
        files[".flake8"] = FLAKE8
    if shape.backend == "setup.cfg":
        files["setup.cfg"] = (
            "[options]\npackages = find:\npackage_dir =\n    = src\n\n"
            "[options.packages.find]\nwhere = src\n"
        )
    return files


def git_env() -> dict[str, str]:
    return {**os.environ, **GIT_IDENTITY}


def commit_all(root: Path, message: str) -> None:
    env = git_env()
    for command in (["add", "--all"], ["commit", "--quiet", "--message", message]):
        subprocess.run(["git", *command], cwd=root, env=env, check=True)


def write_shape(
    root: Path, shape: Shape, changes: dict[str, str | bytes | None] | None = None
) -> Path:
    """A committed git repository of ``shape``, tagged when git tags make its version;
    ``changes`` replace files, or remove them (``None``)."""
    files = {**shape_files(shape), **(changes or {})}
    write_repository(root, {name: text for name, text in files.items() if text is not None})
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(root)], check=True)
    commit_all(root, "Segment leaves")
    if shape.version == "scm":
        subprocess.run(
            ["git", "tag", "--annotate", "--message", TAG, TAG],
            cwd=root,
            env=git_env(),
            check=True,
        )
    return root
