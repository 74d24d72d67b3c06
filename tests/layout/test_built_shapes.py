"""The discovery against the build backends themselves: for every shape, the packages and the
version ml-publish reads are the ones ``python -m build`` puts in the wheel."""

from __future__ import annotations

import zipfile
from pathlib import PurePosixPath

import pytest
from packaging.utils import parse_wheel_filename

from ml_publish.layout.discovery import discover_packages
from ml_publish.layout.version_source import SCM, find_version_source
from ml_publish.project_facts import current_version
from tests.layout.conftest import BuiltShape
from tests.support.layout_repos import SHAPES, VERSION


def wheel_packages(names: list[str]) -> set[str]:
    """The outermost regular packages in a wheel's file list, with dots."""
    regular = {
        str(PurePosixPath(name).parent).replace("/", ".")
        for name in names
        if name.endswith("/__init__.py")
    }
    return {
        name
        for name in regular
        if not any(name.startswith(other + ".") for other in regular if other != name)
    }


def built(built_shapes: dict[str, BuiltShape], name: str) -> BuiltShape:
    shape = built_shapes[name]
    assert shape.wheel is not None, shape.error
    return shape


@pytest.mark.parametrize("name", SHAPES)
def test_the_packages_found_are_the_packages_the_backend_ships(
    built_shapes: dict[str, BuiltShape], name: str
) -> None:
    shape = built(built_shapes, name)
    assert shape.wheel is not None
    # uv_build lists directories too; only files count.
    files = [name for name in zipfile.ZipFile(shape.wheel).namelist() if not name.endswith("/")]

    layout = discover_packages(shape.root)

    assert set(layout.names) == wheel_packages(files) == {SHAPES[name].package}
    (package,) = layout.packages
    on_disk = sorted(
        p.relative_to(package.path).as_posix() for p in package.path.rglob("*") if p.is_file()
    )
    prefix = package.wheel_path + "/"
    assert on_disk == sorted(n.removeprefix(prefix) for n in files if n.startswith(prefix))


@pytest.mark.parametrize("name", SHAPES)
def test_the_version_read_is_the_version_the_backend_builds(
    built_shapes: dict[str, BuiltShape], name: str
) -> None:
    shape = built(built_shapes, name)
    assert shape.wheel is not None
    source = find_version_source(shape.root)

    assert (source.kind == SCM) == (SHAPES[name].version == "scm")
    assert current_version(shape.root, source) == VERSION
    assert str(parse_wheel_filename(shape.wheel.name)[1]) == VERSION
