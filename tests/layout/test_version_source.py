"""Where the version comes from, for each backend's way of saying it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml_publish.layout.version_source import (
    ATTRIBUTE,
    SCM,
    STATIC,
    UNSUPPORTED,
    find_version_source,
)
from tests.support.tiny_repos import Files, write_repository

VERSION_LINE = '__version__ = "1.2.0"\n'


def pyproject(backend: str, settings: str = "", requires: str = "[]") -> str:
    return (
        f'[build-system]\nrequires = {requires}\nbuild-backend = "{backend}"\n\n'
        f'[project]\nname = "leaf-seg"\ndynamic = ["version"]\n\n{settings}'
    )


CASES: dict[str, tuple[Files, str, str]] = {
    "static": (
        {"pyproject.toml": '[project]\nname = "leaf-seg"\nversion = "1.2.0"\n'},
        STATIC,
        "[project] version in pyproject.toml",
    ),
    "hatch path": (
        {
            "pyproject.toml": pyproject(
                "hatchling.build", '[tool.hatch.version]\npath = "src/leaf_seg/__about__.py"\n'
            ),
            "src/leaf_seg/__about__.py": VERSION_LINE,
        },
        ATTRIBUTE,
        "__version__ in src/leaf_seg/__about__.py",
    ),
    "hatch-vcs": (
        {"pyproject.toml": pyproject("hatchling.build", '[tool.hatch.version]\nsource = "vcs"\n')},
        SCM,
        "git tags (hatch-vcs)",
    ),
    "hatch code": (
        {"pyproject.toml": pyproject("hatchling.build", '[tool.hatch.version]\nsource = "code"\n')},
        UNSUPPORTED,
        "[tool.hatch.version] source = 'code' computes the version",
    ),
    "setuptools attr": (
        {
            "pyproject.toml": pyproject(
                "setuptools.build_meta",
                '[tool.setuptools.dynamic]\nversion = { attr = "leaf_seg.__version__" }\n',
            ),
            "src/leaf_seg/__init__.py": VERSION_LINE,
        },
        ATTRIBUTE,
        "__version__ in src/leaf_seg/__init__.py",
    ),
    "setuptools file": (
        {
            "pyproject.toml": pyproject(
                "setuptools.build_meta",
                '[tool.setuptools.dynamic]\nversion = { file = "VERSION" }\n',
            )
        },
        UNSUPPORTED,
        "the version is read from VERSION (a version file)",
    ),
    "setuptools-scm": (
        {
            "pyproject.toml": pyproject(
                "setuptools.build_meta", requires='["setuptools_scm[toml]>=8"]'
            )
        },
        SCM,
        "git tags (setuptools-scm)",
    ),
    "pdm file": (
        {
            "pyproject.toml": pyproject(
                "pdm.backend",
                '[tool.pdm.version]\nsource = "file"\npath = "leaf_seg/__init__.py"\n',
            ),
            "leaf_seg/__init__.py": "",
        },
        UNSUPPORTED,
        '[tool.pdm.version] path reads leaf_seg/__init__.py, which has no __version__ = "..." line',
    ),
    "pdm scm": (
        {"pyproject.toml": pyproject("pdm.backend", '[tool.pdm.version]\nsource = "scm"\n')},
        SCM,
        "git tags (pdm-backend's scm source)",
    ),
    "flit": (
        {
            "pyproject.toml": pyproject("flit_core.buildapi"),
            "src/leaf_seg/__init__.py": VERSION_LINE,
        },
        ATTRIBUTE,
        "__version__ in src/leaf_seg/__init__.py",
    ),
    "uv_build": (
        {"pyproject.toml": pyproject("uv_build"), "src/leaf_seg/__init__.py": VERSION_LINE},
        UNSUPPORTED,
        "the version is dynamic and uv_build computes it",
    ),
    "setup.cfg attr": (
        {
            "setup.cfg": "[metadata]\nversion = attr: leaf_seg.__version__\n",
            "leaf_seg/__init__.py": VERSION_LINE,
        },
        ATTRIBUTE,
        "__version__ in leaf_seg/__init__.py",
    ),
    "setup.py package": (
        {
            "setup.py": "from setuptools import setup\nsetup()\n",
            "leaf_seg/__init__.py": VERSION_LINE,
        },
        ATTRIBUTE,
        "__version__ in leaf_seg/__init__.py",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_the_version_source(tmp_path: Path, case: str) -> None:
    files, kind, where = CASES[case]

    source = find_version_source(write_repository(tmp_path, files))

    assert (source.kind, source.where) == (kind, where)
    if kind == ATTRIBUTE:
        assert source.path is not None and source.path.read_text() == VERSION_LINE
