"""What a layout finds on disk: packages, namespace packages, and setuptools' ``find``.

The rule for namespace packages (directories without ``__init__.py``, PEP 420): a wheel may ship
one at its top, but ml-publish works with the regular packages it holds, the outermost ones,
named with dots (``acme/vision/__init__.py`` is the package ``acme.vision``). A regular
package's subpackages are part of it, never packages of their own.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

INIT = "__init__.py"
# How deep a namespace package is searched for the regular packages inside it.
NAMESPACE_DEPTH = 4
NOT_SEARCHED = {"__pycache__", "node_modules"}
# What setuptools' flat-layout discovery never takes for a package (FlatLayoutPackageFinder).
FLAT_LAYOUT_EXCLUDED = (
    "ci bin debian doc docs documentation manpages news newsfragments changelog test tests "
    "unit_test unit_tests example examples scripts tools util utils python build dist venv env "
    "requirements tasks fabfile site_scons benchmark benchmarks exercise exercises htmlcov"
).split() + ["[._]*"]


class Package:
    """A regular package the wheel ships: its import name and its directory."""

    __slots__ = ("name", "path")

    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.path = path

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Package) and (self.name, self.path) == (other.name, other.path)

    def __hash__(self) -> int:
        return hash((self.name, self.path))

    def __repr__(self) -> str:
        return f"<Package {self.name} at {self.path}>"

    @property
    def wheel_path(self) -> str:
        """Where the package's directory is inside the wheel (``acme/vision``)."""
        return self.name.replace(".", "/")


def is_package_name(name: str) -> bool:
    return all(part.isidentifier() for part in name.split("."))


def regular_packages(directory: Path, name: str, depth: int = NAMESPACE_DEPTH) -> list[Package]:
    """``directory`` as a package named ``name``; for a namespace directory, the outermost
    regular packages inside it."""
    if (directory / INIT).is_file():
        return [Package(name, directory)]
    if depth == 0 or not directory.is_dir():
        return []
    found = []
    for child in sorted(directory.iterdir()):
        if child.is_dir() and child.name.isidentifier() and child.name not in NOT_SEARCHED:
            found += regular_packages(child, f"{name}.{child.name}", depth - 1)
    return found


def walk_packages(where: Path, namespaces: bool) -> Iterator[str]:
    """Every dotted package name setuptools' ``find_packages`` (or, with ``namespaces``,
    ``find_namespace_packages``) sees under ``where``, before include and exclude."""
    for top, dirs, _files in os.walk(where, followlinks=True):
        children = sorted(dirs)
        dirs.clear()
        for child in children:
            path = Path(top) / child
            relative = path.relative_to(where).as_posix().replace("/", ".")
            # As setuptools: names with a dot are never packages, nor searched.
            if "." in child or child in NOT_SEARCHED:
                continue
            if not namespaces and not (path / INIT).is_file():
                continue
            yield relative
            dirs.append(child)


def matches(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def find_packages(
    where: Path,
    *,
    include: tuple[str, ...] = ("*",),
    exclude: tuple[str, ...] = (),
    namespaces: bool = False,
) -> list[str]:
    """setuptools' ``find_packages``/``find_namespace_packages``: dotted names under ``where``."""
    if not where.is_dir():
        return []
    return [
        name
        for name in walk_packages(where, namespaces)
        if is_package_name(name) and matches(name, include) and not matches(name, exclude)
    ]


def outermost_regular(where: Path, names: Iterable[str]) -> list[Package]:
    """The regular packages among dotted ``names`` (found under ``where``) that no other regular
    package among them contains."""
    regular = {name for name in names if (where / name.replace(".", "/") / INIT).is_file()}
    outermost = [
        name
        for name in sorted(regular)
        if not any(".".join(name.split(".")[:i]) in regular for i in range(1, name.count(".") + 1))
    ]
    return [Package(name, where / name.replace(".", "/")) for name in outermost]


def named_package(base: Path, dotted: str) -> list[Package]:
    """The package ``dotted`` (``acme.vision``) under ``base``, when it is there."""
    return regular_packages(base / dotted.replace(".", "/"), dotted, depth=NAMESPACE_DEPTH)


class PackageLayout:
    """The packages a project's wheel ships, and how its build backend chose them.

    ``looked_for`` says where the backend looks, in words a person can check against the tree;
    ``declared`` is whether the packaging metadata names them (rather than a backend's default
    or ml-publish's guess); ``problem`` is set when the backend would refuse to build.
    """

    __slots__ = ("packages", "modules", "backend", "looked_for", "declared", "problem")

    def __init__(
        self,
        packages: Iterable[Package],
        *,
        backend: str,
        looked_for: str,
        declared: bool,
        modules: Iterable[str] = (),
        problem: str | None = None,
    ) -> None:
        self.packages = tuple(dict.fromkeys(packages))
        self.modules = tuple(modules)
        self.backend = backend
        self.looked_for = looked_for
        self.declared = declared
        self.problem = problem

    def __repr__(self) -> str:
        names = ", ".join(p.name for p in self.packages) or "no package"
        return f"<PackageLayout {self.backend}: {names}>"

    @property
    def names(self) -> list[str]:
        return [package.name for package in self.packages]


def guessed(root: Path, backend: str, why: str) -> PackageLayout:
    """What the tree shows when the metadata cannot say: packages under ``src/``, else
    top-level directories with an ``__init__.py`` but tests and docs."""
    src = root / "src"
    base = src if src.is_dir() and any(src.glob(f"*/{INIT}")) else root
    packages = [
        package
        for init in sorted(base.glob(f"*/{INIT}"))
        if not matches(init.parent.name, FLAT_LAYOUT_EXCLUDED)
        for package in regular_packages(init.parent, init.parent.name)
    ]
    where = "src/" if base == src else "the root"
    return PackageLayout(
        packages,
        backend=backend,
        looked_for=f"{why}: directories with {INIT} in {where}, tests and docs aside",
        declared=False,
    )
