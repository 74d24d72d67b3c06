"""The packages a project ships, found as its build backend finds them; and which one is *the*
package when a command needs one.

The backend is ``[build-system] build-backend`` (setuptools, pip's default, when there is
none). hatchling, flit_core, uv_build, pdm-backend, poetry-core and setuptools are read as they
read themselves (backends.py, setuptools_config.py); any other backend is taken at what the
tree shows: packages under ``src/``, else top-level packages but tests and docs.

Several packages: a command that needs one takes the one asked for (``--package``), else the
only one there is, else the one named like the distribution (``cell-counter`` →
``cell_counter``), else refuses and lists them.
"""

from __future__ import annotations

from pathlib import Path

from ml_publish.errors import UsageError
from ml_publish.layout.backends import (
    canonical_name,
    flit_layout,
    hatch_layout,
    pdm_layout,
    poetry_layout,
    uv_layout,
)
from ml_publish.layout.setuptools_config import setuptools_layout
from ml_publish.layout.tree import Package, PackageLayout, guessed

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Rule = Callable[[Path, dict[str, Any]], PackageLayout]

DEFAULT_BACKEND = "setuptools.build_meta:__legacy__"
# By the backend's module (what comes before ":" in build-backend).
RULES: dict[str, Rule] = {
    "hatchling.build": hatch_layout,
    "hatchling.ouroboros": hatch_layout,
    "flit_core.buildapi": flit_layout,
    "flit.buildapi": flit_layout,
    "uv_build": uv_layout,
    "pdm.backend": pdm_layout,
    "pdm.pep517.api": pdm_layout,
    "poetry.core.masonry.api": poetry_layout,
    "setuptools.build_meta": setuptools_layout,
}


def read_pyproject(root: Path) -> dict[str, Any] | None:
    """pyproject.toml parsed; ``{}`` when there is none, ``None`` when it is not TOML."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}
    from ml_publish.toml_file import parse_toml

    try:
        return parse_toml(path.read_text(encoding="utf-8", errors="replace"))
    except ValueError:
        return None


def build_backend(document: dict[str, Any]) -> str:
    backend = document.get("build-system", {}).get("build-backend")
    return str(backend) if backend else DEFAULT_BACKEND


def discover_packages(root: Path, document: dict[str, Any] | None = None) -> PackageLayout:
    """The packages the wheel of the project at ``root`` ships (``document``: its parsed
    pyproject.toml, when the caller has it)."""
    if document is None:
        document = read_pyproject(root)
    if document is None:
        return guessed(root, "unknown", "pyproject.toml is not valid TOML")
    backend = build_backend(document)
    rule = RULES.get(backend.partition(":")[0].strip())
    if rule is None:
        return guessed(root, backend, f"{backend} chooses its own files")
    return rule(root, document)


def no_package_message(layout: PackageLayout) -> str:
    """Why there is no package, with what was looked for."""
    if layout.problem:
        return layout.problem
    if layout.modules:
        return (
            f"the wheel ships the module {', '.join(layout.modules)}, not a package "
            f"({layout.looked_for})"
        )
    return f"no package found; looked for {layout.looked_for}"


def the_package(
    layout: PackageLayout, requested: str | None = None, distribution: str = ""
) -> Package:
    """The package a command works on (see the module docstring); ``UsageError`` otherwise."""
    packages = layout.packages
    names = ", ".join(layout.names)
    if requested is not None:
        for package in packages:
            if requested in {package.name, package.path.name}:
                return package
        if not packages:
            raise UsageError(f"no package {requested!r}: {no_package_message(layout)}")
        raise UsageError(f"no package {requested!r} in the wheel; it ships {names}")
    if not packages:
        raise UsageError(no_package_message(layout))
    if len(packages) == 1:
        return packages[0]
    wanted = canonical_name(distribution).replace("-", "_")
    named = [p for p in packages if p.name.rpartition(".")[2].lower() == wanted]
    if len(named) == 1:
        return named[0]
    raise UsageError(f"the wheel ships several packages ({names}); pass --package with one")
