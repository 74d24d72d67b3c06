"""PKG: pyproject.toml metadata that PyPI and pip need, and a version kept in one place."""

from __future__ import annotations

import re
from pathlib import Path

from ml_publish.checks.base import Skip, check
from ml_publish.checks.facts import RepositoryFacts, UnreadableFile
from ml_publish.toml_file import dict_at
from ml_publish.versions import VERSION_LINE

REQUIRED_PROJECT_KEYS = ("name", "version", "description", "readme", "requires-python", "license")
DIRECT_REFERENCE = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@|://")
LOCAL_VERSION = re.compile(r"(===?|~=|>=|<=|!=)\s*[0-9][0-9A-Za-z.!*]*\+[0-9A-Za-z.]+")
UPPER_BOUND = re.compile(r"<|~=|==")
# Where build backends read a dynamic version from.
DYNAMIC_VERSION_SOURCES = (
    ("hatch", "version"),
    ("setuptools", "dynamic"),
    ("setuptools_scm",),
    ("pdm", "version"),
    ("flit",),
)


def metadata_requirements(facts: RepositoryFacts) -> list[str]:
    """Every requirement that ends up in the package metadata: dependencies and extras."""
    project = facts.project_table()
    requirements = [str(r) for r in project.get("dependencies", [])]
    for extra in project.get("optional-dependencies", {}).values():
        requirements.extend(str(r) for r in extra)
    return requirements


def version_literals(facts: RepositoryFacts) -> dict[str, str]:
    """Hard-coded versions: ``[project] version``, each package's ``__version__`` and the one in
    the file ``[tool.hatch.version] path`` names (``<package>/version.py``)."""
    found = {}
    if "version" in facts.project_table():
        found["pyproject.toml"] = str(facts.project_table()["version"])
    hatch_path = dict_at(facts.tool_tables(), "hatch", "version").get("path")
    named = [Path(hatch_path)] if isinstance(hatch_path, str) else []
    named += [package.relative_to(facts.root) / "__init__.py" for package in facts.package_dirs()]
    for relative in dict.fromkeys(named):
        match = VERSION_LINE.search(facts.text(relative) or "")
        if match:
            found[str(relative)] = match[2]
    return found


@check("PKG101")
def pyproject_is_valid(facts: RepositoryFacts) -> str | None:
    """pyproject.toml exists and is valid TOML."""
    try:
        facts.pyproject()
    except UnreadableFile as error:
        return f"{error}; describe the package in pyproject.toml ([build-system] and [project])"
    return None


@check("PKG102", requires=("PKG101",))
def build_system_declared(facts: RepositoryFacts) -> str | None:
    """[build-system] names its requirements and its backend."""
    build_system = facts.pyproject().get("build-system", {})
    missing = [key for key in ("requires", "build-backend") if not build_system.get(key)]
    if missing:
        return (
            f"add {' and '.join(missing)} to [build-system] in pyproject.toml, e.g. "
            'requires = ["hatchling"] and build-backend = "hatchling.build"'
        )
    return None


@check("PKG103", requires=("PKG101",))
def project_table_complete(facts: RepositoryFacts) -> str | None:
    """[project] has name, version, description, readme, requires-python, license and urls."""
    project = facts.project_table()
    dynamic = set(project.get("dynamic", []))
    missing = [k for k in REQUIRED_PROJECT_KEYS if k not in project and k not in dynamic]
    if not project.get("urls"):
        missing.append("urls")
    if missing:
        return f"add {', '.join(missing)} to [project] in pyproject.toml"
    return None


@check("PKG104", requires=("PKG101",))
def requires_python_uncapped(facts: RepositoryFacts) -> str | None:
    """requires-python sets a minimum and no upper cap."""
    specifier = facts.project_table().get("requires-python")
    if specifier is None:
        raise Skip("no requires-python")
    if UPPER_BOUND.search(str(specifier)):
        return (
            f"requires-python = {specifier!r} caps the Python version, so pip picks old releases "
            "on new Pythons; write only a minimum, e.g. '>=3.10'"
        )
    if ">" not in str(specifier):
        return f"requires-python = {specifier!r} has no minimum; write e.g. '>=3.10'"
    return None


@check("PKG105", requires=("PKG101",))
def version_single_sourced(facts: RepositoryFacts) -> str | None:
    """The version is written in exactly one place."""
    literals = version_literals(facts)
    project = facts.project_table()
    if "version" in project.get("dynamic", []):
        tools = facts.tool_tables()
        sourced = any(all_keys_in(tools, path) for path in DYNAMIC_VERSION_SOURCES) or any(
            name != "pyproject.toml" for name in literals
        )
        if not sourced:
            return (
                "version is dynamic but nothing supplies it; add e.g. [tool.hatch.version] "
                'path = "<package>/__init__.py" with __version__ = "0.1.0" there'
            )
        return hatch_version_file_problem(facts)
    if "version" not in project:
        raise Skip("no version in [project]")
    others = sorted(name for name in literals if name != "pyproject.toml")
    if others:
        return (
            f"the version is written both in pyproject.toml and in {', '.join(others)}; keep "
            "__version__ and make the version dynamic (e.g. [tool.hatch.version] path)"
        )
    return None


def hatch_version_file_problem(facts: RepositoryFacts) -> str | None:
    """hatch's ``[tool.hatch.version] path`` must name a file with a ``__version__`` line (the
    build fails on anything else: "unable to parse the version from the file")."""
    version = facts.tool("hatch").get("version")
    if not isinstance(version, dict) or "pattern" in version:
        return None  # a custom pattern reads other lines; hatch's own error is clear enough
    path = version.get("path")
    if not isinstance(path, str):
        return None
    text = facts.text(path)
    if text is None:
        return f"[tool.hatch.version] path names {path}, which does not exist"
    if not VERSION_LINE.search(text):
        return (
            f"[tool.hatch.version] reads the version from {path}, which has no "
            '__version__ = "X.Y.Z" line; the build fails until it has one'
        )
    return None


def all_keys_in(table: dict[str, object], path: tuple[str, ...]) -> bool:
    current: object = table
    for key in path:
        if not isinstance(current, dict) or key not in current:
            return False
        current = current[key]
    return True


@check("PKG106", requires=("PKG101",))
def no_direct_references(facts: RepositoryFacts) -> str | None:
    """No dependency is a direct URL or a path (PyPI rejects them)."""
    direct = [r for r in metadata_requirements(facts) if DIRECT_REFERENCE.search(r)]
    if direct:
        return (
            f"PyPI rejects packages whose dependencies are URLs: {'; '.join(direct)}; depend on "
            "a released version, or move them to a requirements file"
        )
    return None


@check("PKG107", requires=("PKG101",))
def no_local_versions(facts: RepositoryFacts) -> str | None:
    """No dependency pins a local version such as torch==2.1.0+cu121."""
    local = [r for r in metadata_requirements(facts) if LOCAL_VERSION.search(r)]
    if local:
        return (
            f"pip cannot resolve local versions from PyPI: {'; '.join(local)}; require the "
            "public version (torch>=2.1) and document the CUDA index URL in the README"
        )
    return None


@check("PKG108", requires=("PKG101",))
def license_is_spdx_expression(facts: RepositoryFacts) -> str | None:
    """license is an SPDX expression (PEP 639), not a table or a classifier."""
    project = facts.project_table()
    license_value = project.get("license")
    legacy_classifiers = [c for c in project.get("classifiers", []) if c.startswith("License ::")]
    if isinstance(license_value, dict):
        return (
            'write license = "MIT" (an SPDX expression) and license-files = ["LICENSE"] '
            "instead of a license table, which PEP 639 deprecates"
        )
    if license_value is not None and legacy_classifiers:
        return (
            f"remove the License classifiers ({'; '.join(legacy_classifiers)}): with an SPDX "
            "license expression, build backends refuse them"
        )
    if license_value is None and not legacy_classifiers:
        raise Skip("no license in [project]")
    return None


@check("PKG109")
def package_present(facts: RepositoryFacts) -> str | None:
    """There is an importable package: a directory with __init__.py that the wheel ships."""
    if not facts.package_dirs():
        from ml_publish.layout.discovery import no_package_message

        return (
            f"{no_package_message(facts.package_layout())}; put the code in a package directory "
            "with an __init__.py (ml-publish adopt does it)"
        )
    return None


@check("PKG110", requires=("PKG109",))
def package_typed(facts: RepositoryFacts) -> str | None:
    """The package ships a py.typed marker, so users' type checkers read its hints."""
    untyped = [p.name for p in facts.package_dirs() if not (p / "py.typed").is_file()]
    if untyped:
        return f"add an empty py.typed file to {', '.join(untyped)} (PEP 561)"
    return None


@check("PKG111", requires=("PKG101", "PKG109"))
def imports_declared(facts: RepositoryFacts) -> str | None:
    """Every third-party module the package imports is a declared dependency."""
    project = facts.project_table()
    if "dependencies" in project.get("dynamic", []):
        raise Skip("the dependencies are dynamic; the build backend reads them elsewhere")
    undeclared = undeclared_imports(facts)
    if not undeclared:
        return None
    from ml_publish.checks.import_names import distribution_for

    described = []
    for name, where in list(undeclared.items())[:6]:
        distribution = distribution_for(name)
        provider = distribution if distribution else "distribution unknown"
        described.append(f"{name} ({provider}; {where})")
    more = f" and {len(undeclared) - 6} more" if len(undeclared) > 6 else ""
    return (
        f"the package imports what no dependency provides: {', '.join(described)}{more}; add "
        "them to [project] dependencies, or to an extra with the import in try/except ImportError"
    )


def undeclared_imports(facts: RepositoryFacts) -> dict[str, str]:
    """Third-party import names the package needs and no dependency or extra provides, each
    with where it is first imported (``pkg/x.py:3``); the standard library, the repository's
    own modules and what no PyPI distribution provides are left out."""
    import sys

    from ml_publish.checks.import_names import NOT_ON_PYPI, DeclaredNames, import_name
    from ml_publish.checks.imported_modules import required_imports

    names = [re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", r) for r in metadata_requirements(facts)]
    declared = DeclaredNames([name[1] for name in names if name])
    local = own_top_level_names(facts)
    found: dict[str, str] = {}
    for path in shipped_python_files(facts):
        try:
            imports = required_imports(path.read_text(encoding="utf-8", errors="replace"))
        except (SyntaxError, ValueError):
            continue  # a file that does not parse is another check's business
        for line, module in imports:
            top = module.split(".")[0]
            if top in sys.stdlib_module_names or top in local or declared.provide(module):
                continue
            if import_name(module) not in NOT_ON_PYPI:
                where = f"{path.relative_to(facts.root).as_posix()}:{line}"
                found.setdefault(import_name(module), where)
    return found


def shipped_python_files(facts: RepositoryFacts) -> list[Path]:
    """The Python files of the packages the wheel ships, caches and hidden directories aside."""
    return [
        path
        for package in facts.package_dirs()
        for path in sorted(package.rglob("*.py"))
        if not any(
            part.startswith(".") or part == "__pycache__"
            for part in path.relative_to(package).parts
        )
    ]


def own_top_level_names(facts: RepositoryFacts) -> set[str]:
    """Names the repository's own code is imported by: the shipped packages' top levels and
    every module and directory at the root and in ``src/``."""
    names = {name.split(".")[0] for name in facts.package_layout().names}
    for base in (facts.root, facts.root / "src"):
        if base.is_dir():
            names |= {path.stem if path.suffix == ".py" else path.name for path in base.iterdir()}
    return names
