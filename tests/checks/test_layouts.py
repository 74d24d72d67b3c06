"""The whole audit on repositories packaged the ways the ecosystem packages them.

Each shape of tests/support/layout_repos.py (src and flat layouts; setuptools, hatchling, flit,
uv_build, pdm; static, ``__version__`` and git-tag versions; black + flake8 or ruff alone; a
namespace package) passes every check; each broken variant fails exactly the intended one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ml_publish.checks.runner import run_checks
from tests.support.check_cases import CASES
from tests.support.layout_repos import SHAPES, SRC_RUFF, shape_files, write_shape

Changes = dict[str, str | bytes | None]


def failures(root: Path) -> dict[str, str]:
    results = run_checks(root)
    for result in results:
        CASES.note(result.id, result.result)
    return {r.id: r.message for r in results if r.result == "fail"}


@pytest.mark.parametrize("name", SHAPES)
def test_a_well_formed_repository_passes_every_check(tmp_path: Path, name: str) -> None:
    assert failures(write_shape(tmp_path, SHAPES[name])) == {}


def edit(name: str, old: str, new: str) -> Callable[[dict[str, str | bytes]], Changes]:
    def change(files: dict[str, str | bytes]) -> Changes:
        text = str(files[name])
        assert old in text, f"{old!r} is not in {name}"
        return {name: text.replace(old, new)}

    return change


def pyproject(old: str, new: str) -> Callable[[dict[str, str | bytes]], Changes]:
    return edit("pyproject.toml", old, new)


def without_ruff_linting(files: dict[str, str | bytes]) -> Changes:
    changed = pyproject(
        '[tool.ruff]\nline-length = 100\n\n[tool.ruff.lint]\nextend-select = ["B", "I", "UP"]\n', ""
    )(files)
    hooks = edit(".pre-commit-config.yaml", "      - id: ruff-check\n        args: [--fix]\n", "")
    return {**changed, **hooks(files)}


def without_black(files: dict[str, str | bytes]) -> Changes:
    changed = pyproject('[tool.black]\nline-length = 100\ntarget-version = ["py310"]\n', "")(files)
    hooks = edit(
        ".pre-commit-config.yaml",
        "  - repo: https://github.com/psf/black-pre-commit-mirror\n    rev: 26.10.1\n    hooks:\n"
        "      - id: black\n",
        "",
    )
    return {**changed, **hooks(files)}


BROKEN: dict[str, tuple[str, Callable[[dict[str, str | bytes]], Changes], str]] = {
    "LNT101": ("src-setup.cfg-dunder-black-flake8", without_black, "no formatter is configured"),
    "LNT102": ("src-flit-dunder-ruff", without_ruff_linting, "no linter is configured"),
    "LNT103": (
        SRC_RUFF,
        pyproject(
            'extend-select = ["B", "I", "UP"]\n',
            'extend-select = ["B", "I", "UP", "E501"]\n\n'
            "[tool.ruff.lint.pycodestyle]\nmax-line-length = 88\n",
        ),
        "ruff format writes 100 columns but E501 allows 88",
    ),
    "LNT104": (
        "flat-hatchling-dunder-black-flake8",
        edit(".flake8", "extend-ignore = E203, W503, E704\n", ""),
        "add E203 to extend-ignore in .flake8",
    ),
    "LNT105": (
        "flat-setuptools-static-black-flake8",
        lambda files: {"mypy.ini": "[mypy]\nstrict = True\n"},
        "mypy is configured in mypy.ini and pyproject.toml",
    ),
    "PKG109": (
        "src-uv_build-static-ruff",
        pyproject("[project]\n", '[tool.uv.build-backend]\nmodule-name = "leafseg"\n\n[project]\n'),
        "no package found; looked for uv_build's module ([tool.uv.build-backend] module-name",
    ),
    "PKG110": (
        "namespace-hatchling-static-ruff",
        lambda files: {"src/acme/vision/py.typed": None},
        "add an empty py.typed file to vision",
    ),
    "PC106": (
        "src-pdm-scm-ruff",
        edit(".pre-commit-config.yaml", "rev: v0.14.0", "rev: v0.13.0"),
        "ruff hook at v0.13.0, pinned 0.14.0",
    ),
}
# setuptools' own refusal, in a flat layout with a second top-level directory.
SEVERAL_TOP_LEVEL = "flat-setuptools-static-black-flake8"


@pytest.mark.parametrize("check_id", BROKEN)
def test_a_broken_variant_fails_only_its_check(tmp_path: Path, check_id: str) -> None:
    name, change, message = BROKEN[check_id]
    shape = SHAPES[name]

    failed = failures(write_shape(tmp_path, shape, change(shape_files(shape))))

    assert list(failed) == [check_id]
    assert message in failed[check_id]


def test_setuptools_flat_discovery_refusing_several_directories_fails_pkg109(
    tmp_path: Path,
) -> None:
    shape = SHAPES[SEVERAL_TOP_LEVEL]
    changes = pyproject('[tool.setuptools.packages.find]\ninclude = ["leaf_seg*"]\n', "")(
        shape_files(shape)
    )

    failed = failures(write_shape(tmp_path, shape, {**changes, "notebooks/demo.ipynb": "{}"}))

    assert list(failed) == ["PKG109"]
    assert "several top-level directories (leaf_seg, notebooks)" in failed["PKG109"]
