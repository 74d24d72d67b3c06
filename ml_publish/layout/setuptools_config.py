"""How setuptools chooses the packages of a wheel: from pyproject.toml, setup.py or setup.cfg,
else by its automatic discovery.

Explicit settings first, in this order: ``[tool.setuptools] packages`` (a list, or
``[tool.setuptools.packages.find]``), ``setup()``'s ``packages=`` in setup.py, ``[options]
packages`` in setup.cfg; ``package-dir``/``package_dir`` maps names to directories. Without
any, setuptools discovers: every package under ``src/`` (src layout), else the single top-level
package of a flat layout, and it refuses several (its "Multiple top-level packages" error).
"""

from __future__ import annotations

import re
from pathlib import Path

from ml_publish.layout.backends import table
from ml_publish.layout.setup_script import UNREADABLE, FindSpec, SetupArguments, read_setup_py
from ml_publish.layout.tree import (
    FLAT_LAYOUT_EXCLUDED,
    INIT,
    Package,
    PackageLayout,
    find_packages,
    guessed,
    matches,
    outermost_regular,
    regular_packages,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

BACKEND = "setuptools"


def setuptools_layout(root: Path, document: dict[str, Any]) -> PackageLayout:
    """The packages setuptools would put in the wheel."""
    settings = table(document, "tool", "setuptools")
    package_dir = as_package_dir(settings.get("package-dir"))
    configured = settings.get("packages")
    if isinstance(configured, list):
        names = [str(name) for name in configured]
        return listed(root, names, package_dir, "[tool.setuptools] packages")
    if isinstance(configured, dict) and isinstance(configured.get("find"), dict):
        return found(root, find_spec(configured["find"]), "[tool.setuptools.packages.find]")
    if isinstance(settings.get("py-modules"), list):
        return only_modules(settings["py-modules"], "[tool.setuptools] py-modules")
    setup_py = setup_py_arguments(root)
    if setup_py is not None and setup_py.packages is not None:
        return from_setup_py(root, setup_py)
    from_cfg = setup_cfg_layout(root)
    if from_cfg is not None:
        return from_cfg
    if setup_py is not None and setup_py.py_modules is not None:
        return only_modules(setup_py.py_modules, "setup.py py_modules")
    return automatic_discovery(root, package_dir or setup_py_dir(setup_py))


def as_package_dir(value: object) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(name): str(path).strip("/") for name, path in value.items()}
    return {}


def find_spec(settings: dict[str, Any]) -> FindSpec:
    """``[tool.setuptools.packages.find]``: namespaces are on by default there."""

    def patterns(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = settings.get(key)
        return tuple(map(str, value)) if isinstance(value, list) else default

    return FindSpec(
        where=patterns("where", (".",)),
        include=patterns("include", ("*",)),
        exclude=patterns("exclude", ()),
        namespaces=settings.get("namespaces", True) is not False,
    )


def listed(root: Path, names: list[str], package_dir: dict[str, str], where: str) -> PackageLayout:
    """Packages named one by one, each where ``package_dir`` maps it."""
    paths = {name: package_path(root, name, package_dir) for name in names}
    regular = {name for name, path in paths.items() if (path / INIT).is_file()}
    packages = [
        Package(name, paths[name])
        for name in sorted(regular)
        if not any(".".join(name.split(".")[:i]) in regular for i in range(1, name.count(".") + 1))
    ]
    return PackageLayout(
        packages,
        backend=BACKEND,
        looked_for=f"the packages {where} names ({', '.join(names) or 'none'})",
        declared=True,
    )


def package_path(root: Path, name: str, package_dir: dict[str, str]) -> Path:
    """Where setuptools looks for the package ``name``: the longest ``package_dir`` prefix."""
    parts = name.split(".")
    for length in range(len(parts), 0, -1):
        prefix = ".".join(parts[:length])
        if prefix in package_dir:
            return root.joinpath(package_dir[prefix], *parts[length:])
    return root.joinpath(package_dir.get("", ""), *parts)


def found(root: Path, spec: FindSpec, where: str) -> PackageLayout:
    packages = []
    for directory in spec.where:
        base = root / directory.strip("/")
        names = find_packages(
            base, include=spec.include, exclude=spec.exclude, namespaces=spec.namespaces
        )
        packages += outermost_regular(base, names)
    return PackageLayout(
        packages,
        backend=BACKEND,
        looked_for=f"the packages {where} finds: {spec.describe()}",
        declared=True,
    )


def only_modules(modules: object, where: str) -> PackageLayout:
    names = [f"{name}.py" for name in modules] if isinstance(modules, list) else []
    return PackageLayout(
        [],
        backend=BACKEND,
        looked_for=f"{where}: modules, not a package",
        declared=True,
        modules=names,
    )


def setup_py_arguments(root: Path) -> SetupArguments | None:
    path = root / "setup.py"
    if not path.is_file():
        return None
    return read_setup_py(path.read_text(encoding="utf-8", errors="replace"))


def setup_py_dir(arguments: SetupArguments | None) -> dict[str, str]:
    if arguments is None or not isinstance(arguments.package_dir, dict):
        return {}
    return as_package_dir(arguments.package_dir)


def from_setup_py(root: Path, arguments: SetupArguments) -> PackageLayout:
    packages = arguments.packages
    if isinstance(packages, list):
        return listed(root, packages, setup_py_dir(arguments), "setup.py packages=")
    if isinstance(packages, FindSpec):
        return found(root, packages, "setup.py packages=")
    assert packages == UNREADABLE
    return guessed(root, BACKEND, "setup.py computes packages= (ml-publish does not run it)")


def setup_cfg_layout(root: Path) -> PackageLayout | None:
    """``[options] packages`` of setup.cfg; ``None`` when it says nothing about packages."""
    path = root / "setup.cfg"
    if not path.is_file():
        return None
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(path.read_text(encoding="utf-8", errors="replace"))
    except configparser.Error:
        return None
    value = parser.get("options", "packages", fallback=None)
    if value is None:
        modules = parser.get("options", "py_modules", fallback=None)
        return None if modules is None else only_modules(cfg_list(modules), "setup.cfg py_modules")
    package_dir = cfg_package_dir(parser.get("options", "package_dir", fallback=""))
    value = value.strip()
    if value in {"find:", "find_namespace:"}:

        def option(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
            text = parser.get("options.packages.find", key, fallback=None)
            return tuple(cfg_list(text)) if text else default

        spec = FindSpec(
            where=option("where", (package_dir.get("", "."),)),
            include=option("include", ("*",)),
            exclude=option("exclude", ()),
            namespaces=value == "find_namespace:",
        )
        return found(root, spec, "setup.cfg [options] packages =")
    return listed(root, cfg_list(value), package_dir, "setup.cfg [options] packages")


def cfg_list(text: str) -> list[str]:
    return [item for item in re.split(r"[\s,]+", text) if item]


def cfg_package_dir(text: str) -> dict[str, str]:
    """``package_dir = =src`` (or one ``name = path`` per line)."""
    mapping = {}
    for line in text.replace(",", "\n").splitlines():
        name, separator, path = line.partition("=")
        if separator:
            mapping[name.strip()] = path.strip().strip("/")
    return mapping


def automatic_discovery(root: Path, package_dir: dict[str, str]) -> PackageLayout:
    """setuptools' automatic discovery: the src layout, else the flat layout."""
    src = root / package_dir.get("", "src")
    if package_dir.get("", "src") and src.is_dir():
        names = find_packages(src, namespaces=True)
        return PackageLayout(
            outermost_regular(src, names),
            backend=BACKEND,
            looked_for=f"setuptools' automatic discovery of the src layout: packages in "
            f"{src.relative_to(root).as_posix()}/",
            declared=False,
        )
    tops = [
        child.name
        for child in sorted(root.iterdir())
        if child.is_dir()
        and child.name.isidentifier()
        and not matches(child.name, FLAT_LAYOUT_EXCLUDED)
    ]
    looked_for = (
        "setuptools' automatic discovery of the flat layout: one top-level directory, not "
        "tests, docs, scripts, ... (or list the packages in [tool.setuptools.packages.find])"
    )
    if len(tops) > 1:
        problem = (
            "setuptools refuses to guess between several top-level directories "
            f"({', '.join(tops)}); name the package in [tool.setuptools.packages.find] "
            'include = ["<package>*"]'
        )
        return PackageLayout(
            [], backend=BACKEND, looked_for=looked_for, declared=False, problem=problem
        )
    packages = regular_packages(root / tops[0], tops[0]) if tops else []
    return PackageLayout(packages, backend=BACKEND, looked_for=looked_for, declared=False)
