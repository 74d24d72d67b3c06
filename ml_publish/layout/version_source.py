"""Where a project's version comes from, as its build backend reads it.

Three kinds ml-publish can bump: a static ``[project] version``, a ``__version__ = "..."`` line
in a module the backend reads (``[tool.hatch.version] path``, ``[tool.setuptools.dynamic]
version = {attr = ...}``, ``[tool.pdm.version]`` with a file, flit's module, or the package of
a project without ``[project]``), and git tags (setuptools-scm, hatch-vcs, pdm-backend's scm
source), where the release tag itself is the bump. Anything else (a version file, a function
call, a plugin) is ``unsupported``, with a one-line reason.
"""

from __future__ import annotations

import re
from pathlib import Path

from ml_publish.layout.backends import table
from ml_publish.layout.discovery import build_backend, discover_packages, read_pyproject
from ml_publish.versions import VERSION_LINE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ml_publish.layout.tree import PackageLayout

STATIC = "static"
ATTRIBUTE = "attribute"
SCM = "scm"
UNSUPPORTED = "unsupported"
SCM_REQUIREMENT = re.compile(r"^\s*setuptools[-_]scm\b", re.IGNORECASE)


class VersionSource:
    """One of the kinds above, the file it is in (not for ``scm``), and how to say it."""

    __slots__ = ("kind", "path", "where")

    def __init__(self, kind: str, path: Path | None, where: str) -> None:
        self.kind = kind
        self.path = path
        self.where = where

    def __repr__(self) -> str:
        return f"<VersionSource {self.kind}: {self.where}>"


def unsupported(why: str) -> VersionSource:
    return VersionSource(UNSUPPORTED, None, why)


def attribute(root: Path, path: Path, setting: str) -> VersionSource:
    """``__version__`` in ``path``, when the file has such a line."""
    relative = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    if not path.is_file():
        return unsupported(f"{setting} names {relative}, which does not exist")
    if not VERSION_LINE.search(path.read_text(encoding="utf-8", errors="replace")):
        return unsupported(f'{setting} reads {relative}, which has no __version__ = "..." line')
    return VersionSource(ATTRIBUTE, path, f"__version__ in {relative}")


def find_version_source(root: Path) -> VersionSource:
    """Where the version of the project at ``root`` is written (see the module docstring)."""
    document = read_pyproject(root)
    if document is None:
        return unsupported("pyproject.toml is not valid TOML")
    project = table(document, "project")
    if not project:
        return legacy_source(root, document)
    if "version" in project:
        return VersionSource(STATIC, root / "pyproject.toml", "[project] version in pyproject.toml")
    if "version" not in project.get("dynamic", []):
        return unsupported("[project] has no version and does not make it dynamic")
    backend = build_backend(document).partition(":")[0]
    if backend.startswith("hatchling"):
        return hatch_source(root, document)
    if backend == "setuptools.build_meta":
        return setuptools_source(root, document)
    if backend == "pdm.backend":
        return pdm_source(root, document)
    if backend in {"flit_core.buildapi", "flit.buildapi"}:
        return module_source(root, discover_packages(root, document), "flit's module")
    return unsupported(f"the version is dynamic and {backend} computes it")


def hatch_source(root: Path, document: dict[str, Any]) -> VersionSource:
    settings = table(document, "tool", "hatch", "version")
    source = str(settings.get("source", "regex"))
    if source == "vcs":
        return VersionSource(SCM, None, "git tags (hatch-vcs)")
    if source == "regex" and settings.get("path"):
        return attribute(root, root / str(settings["path"]), "[tool.hatch.version] path")
    return unsupported(f"[tool.hatch.version] source = {source!r} computes the version")


def setuptools_source(root: Path, document: dict[str, Any]) -> VersionSource:
    dynamic = table(document, "tool", "setuptools", "dynamic").get("version")
    if isinstance(dynamic, dict) and "attr" in dynamic:
        return attr_source(root, str(dynamic["attr"]), document)
    if isinstance(dynamic, dict) and "file" in dynamic:
        return unsupported(f"the version is read from {dynamic['file']} (a version file)")
    requires = document.get("build-system", {}).get("requires", [])
    if "setuptools_scm" in table(document, "tool") or any(
        SCM_REQUIREMENT.match(str(r)) for r in requires
    ):
        return VersionSource(SCM, None, "git tags (setuptools-scm)")
    return unsupported("the version is dynamic but setuptools is not told where to read it")


def attr_source(root: Path, attr: str, document: dict[str, Any]) -> VersionSource:
    """``{attr = "pkg.__version__"}``: the module's file, searched as setuptools imports it."""
    module, _, name = attr.rpartition(".")
    setting = f"[tool.setuptools.dynamic] version = {{attr = {attr!r}}}"
    if name != "__version__" or not module:
        return unsupported(f"{setting} is not a __version__ attribute")
    package_dir = table(document, "tool", "setuptools").get("package-dir", {})
    bases = [root / str(package_dir.get("", "")) if isinstance(package_dir, dict) else root]
    bases += [root / "src", root]
    for base in bases:
        directory = base.joinpath(*module.split("."))
        for candidate in (directory / "__init__.py", directory.with_suffix(".py")):
            if candidate.is_file():
                return attribute(root, candidate, setting)
    return unsupported(f"{setting} names a module ml-publish cannot find")


def pdm_source(root: Path, document: dict[str, Any]) -> VersionSource:
    settings = table(document, "tool", "pdm", "version")
    source = str(settings.get("source", ""))
    if source == "scm":
        return VersionSource(SCM, None, "git tags (pdm-backend's scm source)")
    if source == "file" and settings.get("path"):
        return attribute(root, root / str(settings["path"]), "[tool.pdm.version] path")
    return unsupported(f"[tool.pdm.version] source = {source!r} computes the version")


def module_source(root: Path, layout: PackageLayout, setting: str) -> VersionSource:
    if len(layout.packages) == 1:
        return attribute(root, layout.packages[0].path / "__init__.py", setting)
    if len(layout.modules) == 1:
        return attribute(root, root / layout.modules[0], setting)
    return unsupported(f"{setting} holds the version, and ml-publish finds no single package")


def legacy_source(root: Path, document: dict[str, Any]) -> VersionSource:
    """No ``[project]``: setup.cfg's ``version = attr:``, else the package's ``__version__``."""
    setup_cfg = root / "setup.cfg"
    if setup_cfg.is_file():
        match = re.search(
            r"^version\s*=\s*attr:\s*([\w.]+)", setup_cfg.read_text(errors="replace"), re.M
        )
        if match:
            return attr_source(root, match[1], document)
    return module_source(root, discover_packages(root, document), "the package's __init__.py")
