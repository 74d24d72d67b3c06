"""An independent check of adopt's import rewrite: the same program, but for its imports.

adopt rewrites the imports of moved modules with libcst and formats with black; this check
shares none of that code. Both texts are parsed with ``ast``, with formatting (and docstring
indentation, string prefixes) normalised away:

- every statement that is no import must be the same, in the same place;
- every name an import binds, in each scope, must still be bound, to the same dotted target, or,
  where the target was a module that moved, to that module's new dotted name; a rewrite may bind
  more names only where it imports a whole dotted path (``import pkg.utils.io`` binds ``pkg``).

Where a module was and is now comes from the files' paths (``moves``, checked elsewhere to be
where the files are), read as Python reads them: ``utils/io.py`` is ``utils.io``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

Bindings = dict[tuple[str, str], str]  # (scope, bound name) -> dotted target
Loads = dict[str, set[str]]  # scope -> the dotted paths ``import a.b.c`` loads there
SCOPES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def dotted(path: str) -> list[str]:
    """The module a file is (``utils/__init__.py`` is ``utils``), as dotted parts."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    return parts[:-1] if parts and parts[-1] == "__init__" else parts


@dataclass(frozen=True)
class ModuleMoves:
    """Each moved module's, and each directory's, old dotted name and new one."""

    renamed: Mapping[str, str]

    @classmethod
    def of(cls, moves: Mapping[str, str]) -> ModuleMoves:
        renamed: dict[str, str] = {}
        for old_path, new_path in moves.items():
            if not old_path.endswith(".py"):
                continue
            old, new = dotted(old_path), dotted(new_path)
            # The directories above the module moved with it as far as their names match.
            for depth in range(len(old), 0, -1):
                tail = len(old) - depth
                if tail and (len(new) <= tail or old[depth - 1] != new[-tail - 1]):
                    break
                renamed.setdefault(".".join(old[:depth]), ".".join(new[: len(new) - tail]))
        return cls(renamed)

    def targets(self, target: str, importer: str) -> set[str] | None:
        """The targets ``target`` (imported by the file ``importer``, before the move) may have
        now, or None when it names no moved module where Python looks first (beside the
        importer, then at the root) and so may stay as it is."""
        parts = target.split(".")
        bases = [".".join(PurePosixPath(importer).parent.parts), ""]
        for size in range(len(parts), 0, -1):
            head, rest = ".".join(parts[:size]), parts[size:]
            found = {
                ".".join([self.renamed[key], *rest])
                for key in (f"{base}.{head}" if base else head for base in bases)
                if key in self.renamed
            }
            if found:
                return found
        return None

    def loose_targets(self, target: str) -> set[str]:
        """Renamings of ``target`` through a moved module whose dotted name it ends (reached
        through a ``sys.path`` edit): allowed, not required."""
        parts = target.split(".")
        found = set()
        for size in range(len(parts), 0, -1):
            head, rest = ".".join(parts[:size]), parts[size:]
            for old, new in self.renamed.items():
                if old == head or old.endswith("." + head):
                    found.add(".".join([new, *rest]))
        return found


def without_imports(tree: ast.AST) -> str:
    """The program's statements that are no imports, formatting normalised away."""

    class Strip(ast.NodeTransformer):
        def visit_Import(self, node: ast.Import) -> None:
            return None

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            return None

        def visit_Constant(self, node: ast.Constant) -> ast.Constant:
            node.kind = None  # u"..." and "..." are the same string; black drops the u
            return node

    for node in ast.walk(tree):
        if isinstance(node, SCOPES) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                if isinstance(first.value.value, str):  # black re-indents docstrings
                    lines = first.value.value.strip().splitlines()
                    first.value.value = "\n".join(line.strip() for line in lines)
    return ast.dump(Strip().visit(tree))


def bindings(tree: ast.AST, path: str) -> tuple[Bindings, Loads]:
    """What each import of the file at ``path`` binds, per scope, as absolute dotted targets,
    and the whole dotted paths it loads."""
    found: Bindings = {}
    loads: Loads = {}

    def visit(node: ast.AST, scope: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = f"{scope}.{child.name}" if isinstance(child, SCOPES[1:]) else scope
            if isinstance(child, ast.Import):
                for alias in child.names:
                    top = alias.name.split(".")[0]
                    found[(scope, alias.asname or top)] = alias.name if alias.asname else top
                    if not alias.asname and "." in alias.name:
                        loads.setdefault(scope, set()).add(alias.name)
            elif isinstance(child, ast.ImportFrom):
                source = absolute(child, path)
                for alias in child.names:
                    found[(scope, alias.asname or alias.name)] = f"{source}.{alias.name}"
            visit(child, inner)

    visit(tree, "")
    return found, loads


def absolute(node: ast.ImportFrom, path: str) -> str:
    """The module a ``from`` import names, relative ones resolved from the file's package."""
    if not node.level:
        return node.module or ""
    module = dotted(path)
    package = module if PurePosixPath(path).name == "__init__.py" else module[:-1]
    package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, *([node.module] if node.module else [])])


def allowed(target: str, moves: ModuleMoves, importer: str) -> set[str]:
    required = moves.targets(target, importer)
    return required if required is not None else {target} | moves.loose_targets(target)


def changed_imports(
    before: tuple[Bindings, Loads], after: tuple[Bindings, Loads], moves: ModuleMoves, importer: str
) -> list[str]:
    """What the rewrite bound wrongly, lost, or added without cause."""
    wrong = []
    for (scope, name), target in before[0].items():
        now = after[0].get((scope, name))
        if now not in allowed(target, moves, importer):
            wrong.append(f"{name} in scope '{scope}': {target} became {now}")
    for scope, paths in before[1].items():
        for path in paths:
            if not allowed(path, moves, importer) & after[1].get(scope, set()):
                wrong.append(f"import {path} in scope '{scope}' no longer loads it")
    roots = {new.split(".")[0] for new in moves.renamed.values()}
    for (scope, name), target in after[0].items():
        if (scope, name) not in before[0] and target not in roots:
            wrong.append(f"{name} in scope '{scope}' is bound to {target}, and was not before")
    return wrong


def differences(
    original: str, current: str, moves: ModuleMoves, paths: tuple[str, str]
) -> Iterable[str]:
    """Why ``current`` (at ``paths[1]``) is not ``original`` (at ``paths[0]``) with its imports
    pointed at the moved modules, formatted anew; nothing when it is."""
    try:
        before, after = ast.parse(original), ast.parse(current)
    except SyntaxError as error:
        yield f"it no longer parses: {error}"
        return
    if without_imports(ast.parse(original)) != without_imports(ast.parse(current)):
        yield "a statement that is no import changed"
    yield from changed_imports(
        bindings(before, paths[0]), bindings(after, paths[1]), moves, paths[0]
    )
