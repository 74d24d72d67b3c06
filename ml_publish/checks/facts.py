"""What the checks read from a repository, each file read and parsed at most once."""

from __future__ import annotations

import json
from pathlib import Path

from ml_publish import git
from ml_publish.licenses import find_code_license, other_license_files
from ml_publish.weights.naming import REGISTRY_FILE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    from ml_publish.layout.tree import PackageLayout

    T = TypeVar("T")

PRECOMMIT_CONFIG = ".pre-commit-config.yaml"
WORKFLOWS_DIR = Path(".github") / "workflows"
NOT_FOUND = object()


class UnreadableFile(Exception):
    """A file exists but cannot be parsed; the message says where."""


def load_yaml(text: str) -> Any:
    """Parse YAML with PyYAML's C loader when it is built, else its Python one."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader


class RepositoryFacts:
    """Lazy, cached views of one repository's files, shared by every check in a run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, Any] = {}

    def _remember(self, key: str, compute: Callable[[], T]) -> T:
        if key not in self._cache:
            self._cache[key] = compute()
        remembered: T = self._cache[key]
        return remembered

    def text(self, relative: str | Path) -> str | None:
        """A file's text, or ``None`` when it does not exist."""

        def read() -> str | None:
            path = self.root / relative
            if not path.is_file():
                return None
            return path.read_text(encoding="utf-8", errors="replace")

        return self._remember(f"text:{relative}", read)

    # pyproject.toml

    def pyproject(self) -> dict[str, Any]:
        """The parsed pyproject.toml; ``UnreadableFile`` when missing or not TOML."""

        def parse() -> dict[str, Any] | UnreadableFile:
            text = self.text("pyproject.toml")
            if text is None:
                return UnreadableFile("there is no pyproject.toml")
            from ml_publish.toml_file import parse_toml

            try:
                return parse_toml(text)
            except ValueError as error:
                return UnreadableFile(f"pyproject.toml is not valid TOML: {error}")

        document = self._remember("pyproject", parse)
        if isinstance(document, UnreadableFile):
            raise document
        return document

    def project_table(self) -> dict[str, Any]:
        table = self.pyproject().get("project", {})
        return table if isinstance(table, dict) else {}

    def tool_tables(self) -> dict[str, Any]:
        """``[tool]`` of pyproject.toml (``{}`` when it is not a table)."""
        from ml_publish.toml_file import dict_at

        return dict_at(self.pyproject(), "tool")

    def tool(self, name: str) -> dict[str, Any]:
        from ml_publish.toml_file import dict_at

        return dict_at(self.pyproject(), "tool", name)

    # YAML files

    def yaml(self, relative: str | Path) -> Any:
        """The parsed YAML file: ``NOT_FOUND`` when missing, ``UnreadableFile`` when broken."""

        def parse() -> Any:
            text = self.text(relative)
            if text is None:
                return NOT_FOUND
            import yaml

            try:
                return load_yaml(text)
            except yaml.YAMLError as error:
                where = getattr(error, "problem_mark", None)
                line = f" (line {where.line + 1})" if where else ""
                return UnreadableFile(f"{relative} is not valid YAML{line}")

        document = self._remember(f"yaml:{relative}", parse)
        if isinstance(document, UnreadableFile):
            raise document
        return document

    def workflow_files(self) -> list[str]:
        directory = self.root / WORKFLOWS_DIR
        if not directory.is_dir():
            return []
        return sorted(
            str(WORKFLOWS_DIR / p.name)
            for p in directory.iterdir()
            if p.suffix in {".yml", ".yaml"}
        )

    def workflows(self) -> dict[str, dict[str, Any]]:
        """Every parseable workflow that is a mapping, by path."""
        parsed = {}
        for name in self.workflow_files():
            try:
                document = self.yaml(name)
            except UnreadableFile:
                continue
            if isinstance(document, dict):
                parsed[name] = document
        return parsed

    # git

    def tracked_files(self) -> list[str] | None:
        """Paths git tracks, or ``None`` when the directory is not a git work tree."""
        return self._remember("tracked", lambda: git.tracked_files(self.root))

    def default_branch(self) -> str | None:
        return self._remember("branch", lambda: git.default_branch(self.root))

    # the package and its weights

    def package_layout(self) -> PackageLayout:
        """The packages the wheel ships, found as the build backend finds them."""

        def find() -> PackageLayout:
            from ml_publish.layout.discovery import discover_packages

            try:
                document: dict[str, Any] | None = self.pyproject()
            except UnreadableFile:
                document = None if self.text("pyproject.toml") is not None else {}
            return discover_packages(self.root, document)

        return self._remember("layout", find)

    def package_dirs(self) -> list[Path]:
        """The directories of the packages the wheel ships (see ``package_layout``)."""
        return [package.path for package in self.package_layout().packages]

    def registry_paths(self) -> list[Path]:
        """Every ``<package>/weights.json``; a repository should have one at most."""
        return [p / REGISTRY_FILE for p in self.package_dirs() if (p / REGISTRY_FILE).is_file()]

    def registry_path(self) -> Path | None:
        registries = self.registry_paths()
        return registries[0] if len(registries) == 1 else None

    def registry(self) -> Any:
        """The registry as JSON; ``UnreadableFile`` when it is missing or not JSON."""

        def parse() -> Any:
            path = self.registry_path()
            if path is None:
                return UnreadableFile(f"no <package>/{REGISTRY_FILE}")
            text = self.text(path.relative_to(self.root))
            try:
                document = json.loads(text or "")
            except json.JSONDecodeError as error:
                return UnreadableFile(f"{path.relative_to(self.root)} is not JSON: {error.msg}")
            return document

        document = self._remember("registry", parse)
        if isinstance(document, UnreadableFile):
            raise document
        return document

    def registry_entries(self) -> list[dict[str, Any]]:
        """The registry's entries that are JSON objects (shape checked by WGT101)."""
        registry = self.registry()
        weights = registry.get("weights", []) if isinstance(registry, dict) else []
        return [entry for entry in weights if isinstance(entry, dict)]

    def readme_name(self) -> str | None:
        """The README: the file ``[project] readme`` names, else the first README variant."""

        def find() -> str | None:
            from ml_publish.readmes import readme_name

            try:
                declared = self.project_table().get("readme")
            except UnreadableFile:
                declared = None
            return readme_name(self.root, declared)

        return self._remember("readme", find)

    def license_name(self) -> str | None:
        """The root file that licenses the code (``LICENSE``, ``MIT-LICENSE``, ``COPYING``...)."""
        return self._remember("license", lambda: find_code_license(self.root))

    def other_license_names(self) -> list[str]:
        """Root license files whose names say they cover weights, data or docs, not the code."""
        names = [path.name for path in self.root.iterdir() if path.is_file()]
        return other_license_files(names)
