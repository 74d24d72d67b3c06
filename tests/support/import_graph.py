"""Which modules of a package its entry points reach, walked statically with ``ast``.

The roots are entry points, ``module:function`` as pyproject's ``[project.scripts]`` writes them
(and a pre-commit hook reaches the console script its ``entry`` runs). From each module reached,
the walk follows, at any depth of the module (imports inside functions included):

- ``import a.b.c`` and ``from a.b import c``, relative ones resolved; ``c`` counts when it is a
  module, and importing a module runs its parent packages' ``__init__`` too;
- strings that name a module of the package, alone or as ``module:function`` (a table of
  commands, a ``python -m`` target for a subprocess);
- strings read as names under a package that the module imports dynamically, as
  ``__import__(f"pkg.commands.{name}")`` or ``"pkg.commands." + name`` do: there ``"new"`` or
  ``"weights:list_"`` name ``pkg.commands.new`` and ``pkg.commands.weights``.

A module is a ``.py`` file whose directories, up to the package's, all hold an ``__init__.py``:
data shipped beside the code (a cookiecutter template's files) is not a module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PackageSources:
    """The modules of package ``name`` under ``root`` (the directory that holds the package)."""

    root: Path
    name: str

    def modules(self) -> dict[str, Path]:
        """Every module of the package by dotted name, packages by their ``__init__.py``."""
        found: dict[str, Path] = {}
        for path in sorted((self.root / self.name).rglob("*.py")):
            parts = path.relative_to(self.root).with_suffix("").parts
            folders = path.relative_to(self.root).parents
            if not all(part.isidentifier() for part in parts):
                continue
            if not all((self.root / folder / "__init__.py").is_file() for folder in folders[:-1]):
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
        return found


def entry_module(entry_point: str) -> str:
    """The module of an entry point written ``module:function`` (or a bare module)."""
    return entry_point.partition(":")[0].strip()


def reached_modules(sources: PackageSources, roots: Iterable[str]) -> set[str]:
    """Every module of the package that importing ``roots`` can lead to."""
    modules = sources.modules()
    reached: set[str] = set()
    waiting = [root for root in roots if root in modules]
    while waiting:
        name = waiting.pop()
        if name in reached:
            continue
        reached.add(name)
        path = modules[name]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        named = set(_imported(tree, name, is_package)) | set(_named_in_strings(tree, modules))
        for target in named:
            waiting += [module for module in _with_parents(target) if module in modules]
    return reached


def unreached_modules(sources: PackageSources, roots: Iterable[str]) -> list[str]:
    """The package's modules that no root leads to, sorted."""
    return sorted(set(sources.modules()) - reached_modules(sources, roots))


def _with_parents(name: str) -> Iterator[str]:
    parts = name.split(".")
    for end in range(1, len(parts) + 1):
        yield ".".join(parts[:end])


def _imported(tree: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    """The dotted names each import statement in ``tree`` names, relative ones made absolute."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module or "", node.level, module, is_package)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names if alias.name != "*")


def _absolute(name: str, level: int, module: str, is_package: bool) -> str:
    if level == 0:
        return name
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (level - 1)]
    return ".".join([*base, name] if name else base)


def _named_in_strings(tree: ast.AST, modules: dict[str, Path]) -> Iterator[str]:
    """Modules that string constants name, absolutely or under a dynamically imported package."""
    prefixes = set(_dynamic_prefixes(tree)) & set(modules)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        name = entry_module(node.value)
        if not all(part.isidentifier() for part in name.split(".")):
            continue
        yield name
        yield from (f"{prefix}.{name}" for prefix in prefixes)


def _dynamic_prefixes(tree: ast.AST) -> Iterator[str]:
    """Packages whose modules are imported by a name built at run time: the constant start of
    ``f"pkg.commands.{name}"`` or ``"pkg.commands." + name``, less its final dot."""
    for node in ast.walk(tree):
        start: ast.expr | None = None
        if isinstance(node, ast.JoinedStr) and node.values:
            start = node.values[0]
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            start = node.left
        if isinstance(start, ast.Constant) and isinstance(start.value, str):
            if start.value.endswith("."):
                yield start.value[:-1]
