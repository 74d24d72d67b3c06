"""How hatchling, flit, uv_build, pdm-backend and poetry-core choose the packages of a wheel.

Each function reads the backend's own settings, then its documented default for the project
name, and returns what the wheel would hold. setuptools, with its three places for settings,
is in setuptools_config.py.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from ml_publish.layout.tree import (
    INIT,
    Package,
    PackageLayout,
    named_package,
    regular_packages,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

HATCH_WHEEL = "[tool.hatch.build.targets.wheel]"
HATCH_BUILD = "[tool.hatch.build]"


def table(document: dict[str, Any], *keys: str) -> dict[str, Any]:
    """The nested table ``document[keys[0]][keys[1]]...``, or an empty one."""
    current: object = document
    for key in keys:
        current = current.get(key, {}) if isinstance(current, dict) else {}
    return current if isinstance(current, dict) else {}


def project_name(document: dict[str, Any]) -> str:
    return str(table(document, "project").get("name", ""))


def canonical_name(name: str) -> str:
    """PEP 503's normal form: lower case, runs of ``-_.`` as one ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def from_paths(root: Path, paths: list[str]) -> list[Package]:
    """Packages from directories given as paths (``src/foo`` ships as ``foo``)."""
    found = []
    for path in paths:
        relative = PurePosixPath(path.strip("/"))
        found += regular_packages(root / relative, relative.name)
    return found


def hatch_layout(root: Path, document: dict[str, Any]) -> PackageLayout:
    """hatchling: ``packages``, ``only-include`` or ``include`` of the wheel target (or of the
    whole build), else its default for the project name."""
    build = table(document, "tool", "hatch", "build")
    wheel = table(build, "targets", "wheel")
    for settings, where in ((wheel, HATCH_WHEEL), (build, HATCH_BUILD)):
        packages = settings.get("packages")
        if isinstance(packages, list):
            paths = [str(path) for path in packages]
            return PackageLayout(
                from_paths(root, paths),
                backend="hatchling",
                looked_for=f"the packages {where} names ({', '.join(paths)})",
                declared=True,
            )
        for option in ("only-include", "include"):
            selected = settings.get(option)
            if isinstance(selected, list):
                sources = settings.get("sources", build.get("sources", []))
                # Glob patterns aside: only paths name a directory to ship.
                plain = [str(p) for p in selected if not any(c in str(p) for c in "*?[")]
                return hatch_only_include(root, plain, sources, f"{where} {option}")
    return hatch_default(root, project_name(document))


def hatch_only_include(root: Path, paths: list[str], sources: object, where: str) -> PackageLayout:
    """``only-include`` (or ``include``) paths, with the ``sources`` prefixes rewritten as
    hatchling does."""
    rewrites: dict[str, str] = {}
    if isinstance(sources, list):
        rewrites = {str(prefix).strip("/"): "" for prefix in sources}
    elif isinstance(sources, dict):
        rewrites = {str(k).strip("/"): str(v).strip("/") for k, v in sources.items()}
    packages, modules = [], []
    for path in paths:
        relative = path.strip("/")
        shipped = relative
        for prefix, replacement in rewrites.items():
            if prefix and (relative == prefix or relative.startswith(prefix + "/")):
                shipped = (replacement + relative[len(prefix) :]).strip("/")
                break
        if relative.endswith(".py") and "/" not in shipped:
            modules.append(shipped)
        elif shipped and "/" not in shipped:
            packages += regular_packages(root / relative, shipped)
    return PackageLayout(
        packages,
        backend="hatchling",
        looked_for=f"the paths {where} names ({', '.join(paths)})",
        declared=True,
        modules=modules,
    )


def hatch_file_name(name: str) -> str:
    """hatchling's ``normalize_file_name_component``."""
    return re.sub(r"[^\w\d.]+", "_", name, flags=re.UNICODE)


def hatch_default(root: Path, name: str) -> PackageLayout:
    """hatchling's default file selection: the first of these for the raw, then the
    normalised, project name: ``<n>/__init__.py``, ``src/<n>/__init__.py``, ``<n>.py``, and a
    single ``*/<n>/__init__.py`` (a namespace package)."""
    candidates = list(dict.fromkeys((hatch_file_name(name), hatch_file_name(canonical_name(name)))))
    shown = candidates[-1] if candidates else "<name>"
    looked_for = (
        f"hatchling's default for the project name {name!r}: {shown}/{INIT}, "
        f"src/{shown}/{INIT}, {shown}.py or */{shown}/{INIT} (or name the package in "
        f"{HATCH_WHEEL} packages)"
    )

    def layout(packages: list[Package], modules: tuple[str, ...] = ()) -> PackageLayout:
        return PackageLayout(
            packages, backend="hatchling", looked_for=looked_for, declared=False, modules=modules
        )

    for candidate in candidates if name else []:
        if (root / candidate / INIT).is_file():
            return layout([Package(candidate, root / candidate)])
        if (root / "src" / candidate / INIT).is_file():
            return layout([Package(candidate, root / "src" / candidate)])
        if (root / f"{candidate}.py").is_file():
            return layout([], (f"{candidate}.py",))
        namespaces = sorted(root.glob(f"*/{candidate}/{INIT}"))
        if len(namespaces) == 1:
            namespace = namespaces[0].parent.parent
            return layout(regular_packages(namespace, namespace.name))
    return layout([])


def flit_layout(root: Path, document: dict[str, Any]) -> PackageLayout:
    """flit_core: ``[tool.flit.module] name``, else the project name with ``-`` as ``_``; as a
    package or a module, at the root or under ``src/``."""
    configured = table(document, "tool", "flit", "module").get("name")
    module = str(configured or project_name(document).replace("-", "_"))
    path = module.replace(".", "/")
    looked_for = (
        f"flit's module {module!r} ([tool.flit.module] name, else the project name): "
        f"{path}/{INIT}, src/{path}/{INIT}, {path}.py or src/{path}.py"
    )
    packages: list[Package] = []
    modules: list[str] = []
    for base in (root, root / "src"):
        if (base / path / INIT).is_file():
            packages = named_package(base, module)
            break
        if (base / f"{path}.py").is_file():
            modules = [f"{path}.py"]
            break
    return PackageLayout(
        packages,
        backend="flit_core",
        looked_for=looked_for,
        declared=configured is not None,
        modules=modules,
    )


def uv_layout(root: Path, document: dict[str, Any]) -> PackageLayout:
    """uv_build: ``module-name`` (a name, a dotted name or a list) inside ``module-root``
    (``src`` unless set), else the project name with ``.`` and ``-`` as ``_``."""
    settings = table(document, "tool", "uv", "build-backend")
    configured = settings.get("module-name")
    if isinstance(configured, list):
        names = [str(name) for name in configured]
    elif configured:
        names = [str(configured)]
    else:
        names = [re.sub(r"[-.]", "_", canonical_name(project_name(document)))]
    module_root = str(settings.get("module-root", "src")).strip("/")
    base = root / module_root
    namespace = settings.get("namespace") is True
    packages = []
    for name in names:
        directory = base / name.replace(".", "/")
        if namespace or (directory / INIT).is_file():
            packages += named_package(base, name)
    where = f"{module_root}/" if module_root else ""
    shown = ", ".join(f"{where}{name.replace('.', '/')}/{INIT}" for name in names)
    return PackageLayout(
        packages,
        backend="uv_build",
        looked_for=(
            f"uv_build's module ([tool.uv.build-backend] module-name, else the project name, "
            f"in module-root, else src): {shown}"
        ),
        declared=configured is not None or "module-root" in settings,
    )


def pdm_layout(root: Path, document: dict[str, Any]) -> PackageLayout:
    """pdm-backend: ``[tool.pdm.build] includes``, else every top-level package in
    ``package-dir`` (``src`` when it exists), tests aside."""
    settings = table(document, "tool", "pdm", "build")
    default_dir = "src" if (root / "src").exists() else ""
    package_dir = str(settings.get("package-dir", default_dir)).strip("/")
    base = root / package_dir
    includes = settings.get("includes")
    packages: list[Package] = []
    if isinstance(includes, list) and includes:
        for pattern in includes:
            for path in sorted(root.glob(str(pattern).strip("/"))):
                if path.is_dir():
                    relative = path.relative_to(base) if path.is_relative_to(base) else None
                    name = relative.as_posix().replace("/", ".") if relative else path.name
                    packages += regular_packages(path, name)
        looked_for = f"the paths [tool.pdm.build] includes names ({', '.join(map(str, includes))})"
        return PackageLayout(packages, backend="pdm-backend", looked_for=looked_for, declared=True)
    if base.is_dir():
        packages = [
            Package(child.name, child)
            for child in sorted(base.iterdir())
            if (child / INIT).is_file() and child != root / "tests"
        ]
    where = f"{package_dir}/" if package_dir else "the root"
    return PackageLayout(
        packages,
        backend="pdm-backend",
        looked_for=f"pdm-backend's default: every directory with {INIT} in {where}, tests aside",
        declared="package-dir" in settings,
    )


def poetry_layout(root: Path, document: dict[str, Any]) -> PackageLayout:
    """poetry-core: ``[tool.poetry] packages`` (``include``, ``from``), else the project name
    at the root or under ``src/``."""
    poetry = table(document, "tool", "poetry")
    configured = poetry.get("packages")
    if isinstance(configured, list):
        packages = []
        for entry in configured:
            if isinstance(entry, dict) and entry.get("include"):
                include = str(entry["include"]).strip("/")
                base = root / str(entry.get("from", "")).strip("/")
                packages += regular_packages(base / include, include.replace("/", "."))
        return PackageLayout(
            packages,
            backend="poetry-core",
            looked_for="the packages [tool.poetry] packages names",
            declared=True,
        )
    name = str(poetry.get("name") or project_name(document))
    module = re.sub(r"[-.]", "_", canonical_name(name))
    packages = []
    for base in (root, root / "src"):
        if (base / module / INIT).is_file():
            packages = [Package(module, base / module)]
            break
    return PackageLayout(
        packages,
        backend="poetry-core",
        looked_for=f"poetry's default for the project name {name!r}: {module}/{INIT} or "
        f"src/{module}/{INIT}",
        declared=False,
    )
