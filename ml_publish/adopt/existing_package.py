"""The package a repository already is, if it is one: its import name stays, and so does it.

Packaging metadata says it best: ``packages=[...]`` or ``find_packages(...)`` in setup.py,
``[options] packages`` in setup.cfg, or a packages list in pyproject.toml (setuptools, Poetry,
hatch). Without metadata, a top-level directory with an ``__init__.py`` that the rest of the
code imports is the package, unless its name is one of the generic names research code gives
its helper directories (``models``, ``utils``, ``datasets``, ...): those become subpackages of
a new package instead, as they would collide with everyone else's on an install.
"""

from __future__ import annotations

import ast
import configparser
import fnmatch
from pathlib import Path, PurePosixPath

from ml_publish.adopt.import_graph import ROOT, Resolution
from ml_publish.toml_file import dict_at, parse_toml

NOT_PACKAGES = {"tests", "test", "docs", "doc", "examples", "example", "benchmarks", "scripts"}
GENERIC_NAMES = frozenset(
    "models model utils util utilities data dataset datasets lib libs src common core nets "
    "networks net modules layers losses loss helpers tools config configs configuration "
    "dataloaders dataloader loaders augmentations transforms metrics callbacks experiments "
    "training train inference evaluation eval preprocessing features code misc".split()
)


def root_packages(files: tuple[str, ...]) -> list[str]:
    """Top-level directories with an ``__init__.py``, tests and docs aside."""
    return sorted(
        PurePosixPath(path).parts[0]
        for path in files
        if path.count("/") == 1
        and path.endswith("/__init__.py")
        and path.split("/")[0] not in NOT_PACKAGES
    )


def from_setup_py(source: str, found_on_disk: list[str]) -> list[str] | None:
    """Top-level packages ``setup()`` names: a literal list or ``find_packages(exclude=...)``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or ast.unparse(node.func).split(".")[-1] != "setup":
            continue
        for keyword in node.keywords:
            if keyword.arg == "packages":
                return packages_argument(keyword.value, found_on_disk)
    return None


def packages_argument(value: ast.expr, found_on_disk: list[str]) -> list[str] | None:
    if isinstance(value, (ast.List, ast.Tuple)):
        names = [e.value for e in value.elts if isinstance(e, ast.Constant)]
        return top_names([name for name in names if isinstance(name, str)])
    if isinstance(value, ast.Call) and ast.unparse(value.func).split(".")[-1] in {
        "find_packages",
        "find_namespace_packages",
    }:
        if value.args or any(k.arg in {"where"} for k in value.keywords):
            return None  # a src layout: not a root package
        excluded = excluded_patterns(value)
        return [
            name
            for name in found_on_disk
            if not any(fnmatch.fnmatch(name, pattern) for pattern in excluded)
        ]
    return None


def excluded_patterns(call: ast.Call) -> list[str]:
    for keyword in call.keywords:
        if keyword.arg == "exclude":
            try:
                value = ast.literal_eval(keyword.value)
            except ValueError:
                return []
            return [str(pattern) for pattern in value]
    return []


def top_names(names: list[str]) -> list[str]:
    return sorted({name.split(".")[0] for name in names if name.split(".")[0]})


def from_setup_cfg(text: str, found_on_disk: list[str]) -> list[str] | None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    value = parser.get("options", "packages", fallback=None)
    if value is None:
        return None
    if value.strip().startswith("find"):
        return None if parser.has_option("options", "package_dir") else found_on_disk
    return top_names([line.strip() for line in value.replace(",", "\n").splitlines()])


def from_pyproject(text: str) -> list[str] | None:
    try:
        document = parse_toml(text)
    except ValueError:
        return None
    setuptools = dict_at(document, "tool", "setuptools").get("packages")
    if isinstance(setuptools, list):
        return top_names([str(name) for name in setuptools])
    poetry = dict_at(document, "tool", "poetry").get("packages")
    if isinstance(poetry, list):
        return top_names([str(p.get("include", "")) for p in poetry if isinstance(p, dict)])
    hatch = dict_at(document, "tool", "hatch", "build", "targets", "wheel")
    if isinstance(hatch.get("packages"), list):
        return top_names([PurePosixPath(str(p)).name for p in hatch["packages"]])
    return None


def declared_packages(root: Path, files: tuple[str, ...]) -> list[str] | None:
    """The top-level packages the packaging metadata declares; ``None`` when it declares none."""
    on_disk = root_packages(files)

    def read(name: str) -> str:
        return (root / name).read_text(encoding="utf-8", errors="replace")

    declared = None
    if "pyproject.toml" in files:
        declared = from_pyproject(read("pyproject.toml"))
    if declared is None and "setup.cfg" in files:
        declared = from_setup_cfg(read("setup.cfg"), on_disk)
    if declared is None and "setup.py" in files:
        declared = from_setup_py(read("setup.py"), on_disk)
    return None if declared is None else [name for name in declared if name in on_disk]


def imported_packages(files: tuple[str, ...], imports: tuple[Resolution, ...]) -> list[str]:
    """Top-level packages that code outside them imports from the root."""
    on_disk = set(root_packages(files))
    found = {
        PurePosixPath(hit.top).parts[0]
        for hit in imports
        if hit.base == ROOT
        and hit.top.endswith("/__init__.py")
        and PurePosixPath(hit.top).parts[0] in on_disk
        and PurePosixPath(hit.importer).parts[0] != PurePosixPath(hit.top).parts[0]
    }
    return sorted(found - GENERIC_NAMES)


def existing_packages(
    root: Path, files: tuple[str, ...], imports: tuple[Resolution, ...]
) -> list[str]:
    """The candidates for "the package this repository already is", best evidence first."""
    declared = declared_packages(root, files)
    if declared is not None:
        return declared
    return imported_packages(files, imports)
