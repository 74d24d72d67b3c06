"""Run inside a fresh venv (standard library only): resolve or import an installed package's code.

Started as ``python -I import_probe.py REQUEST RESULT`` by tests/support/import_check.py, which
writes REQUEST (JSON) and reads RESULT (JSON). ``-I`` keeps the working directory and PYTHON*
variables off ``sys.path``, so only the installed wheel, the standard library and the shared
tools venv (through a ``.pth`` file) can answer an import. Nothing here comes from ml-publish:
this is the independent second opinion on what adopt produced.

In one process (torch is imported once), in this order:

- ``importlib.import_module`` each module named in ``modules``, collecting failures; then
  ``sys.path`` and the imported package are put back as they were;
- parse each of ``files`` with ``ast`` and check that every import of a watched name (the
  package, or a module that existed in the repository before adopt) resolves with
  ``importlib.util.find_spec`` to a file of the installed package (or, for a file left in the
  repository, of the repository), and that each name taken with ``from M import name`` is a
  submodule of ``M`` or bound at the top level of ``M``'s source. An import that does not
  resolve because a file is not Python 3 names that file, so the caller can tell code that
  never ran under Python 3 from code adopt broke.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import os
import sys
import sysconfig
import traceback
from collections.abc import Iterable, Iterator
from importlib.machinery import ModuleSpec
from pathlib import Path
from typing import Any


def imports_of(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement of a module, wherever it sits (functions, ``if``, ``try``)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node


def target_names(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from target_names(element)
    elif isinstance(target, ast.Starred):
        yield from target_names(target.value)


def bound_at_top_level(statements: Iterable[ast.stmt]) -> Iterator[str]:
    """Names a module binds outside functions and classes; ``*`` when it star-imports."""
    for node in statements:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                yield from target_names(target)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            yield from target_names(node.target)
        elif isinstance(node, ast.Import):
            yield from (a.asname or a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield from (a.asname or a.name for a in node.names)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            yield from target_names(node.target)
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    yield from target_names(item.optional_vars)
        for block in ("body", "orelse", "finalbody"):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                yield from bound_at_top_level(getattr(node, block, []))
        for handler in getattr(node, "handlers", []):
            if handler.name:
                yield handler.name
            yield from bound_at_top_level(handler.body)


# A reason an import does not resolve, and the file with a syntax error behind it, if any.
Problem = tuple[str, str | None]


def find(name: str) -> tuple[ModuleSpec | None, Problem | None]:
    """``find_spec`` (which runs parent packages' ``__init__``), or why it raised."""
    try:
        return importlib.util.find_spec(name), None
    except SyntaxError as error:  # a parent, or something it imports, is not Python 3
        return None, (f"{name}: SyntaxError: {error}", error.filename)
    except Exception as error:  # a parent that fails to import, or is not a package
        return None, (f"{name}: {type(error).__name__}: {error}", None)


def locations(spec: ModuleSpec) -> list[str]:
    if spec.origin and os.path.isabs(spec.origin):
        return [spec.origin]
    return list(spec.submodule_search_locations or [spec.origin or "<built-in>"])


def provides(spec: ModuleSpec, module: str, name: str) -> bool:
    """Whether ``from module import name`` can work: a submodule, or a name bound in its source."""
    if spec.submodule_search_locations is not None and find(f"{module}.{name}")[0] is not None:
        return True
    if not (spec.origin and spec.origin.endswith(".py")):
        return spec.origin is not None  # an extension module: nothing to read, take its word
    try:
        tree = ast.parse(Path(spec.origin).read_bytes())
    except (OSError, SyntaxError, ValueError):
        return False
    bound = set(bound_at_top_level(tree.body))
    return name in bound or "*" in bound or "__getattr__" in bound


class Resolver:
    """Checks imports in one context: the installed package alone, or a script's directory."""

    def __init__(self, watched: set[str], allowed: list[str]) -> None:
        self.watched = watched
        self.allowed = [os.path.realpath(root) + os.sep for root in allowed]

    def module_problem(self, module: str) -> Problem | None:
        spec, problem = find(module)
        if problem is not None:
            return problem
        if spec is None:
            return f"{module}: not found", None
        where = locations(spec)
        if not any(os.path.realpath(w).startswith(tuple(self.allowed)) for w in where):
            return f"{module}: found outside the package and the repository, in {where[0]}", None
        return None

    def from_problems(self, module: str, names: list[ast.alias]) -> list[Problem]:
        problem = self.module_problem(module)
        if problem is not None:
            return [problem]
        spec, _ = find(module)
        assert spec is not None
        return [
            (f"{module}.{alias.name}: neither a submodule nor a name {module} defines", None)
            for alias in names
            if alias.name != "*" and not provides(spec, module, alias.name)
        ]

    def problems(self, tree: ast.Module, module: str | None, is_package: bool) -> list[Problem]:
        found: list[Problem] = []
        for node in imports_of(tree):
            if isinstance(node, ast.Import):
                watched = [a.name for a in node.names if a.name.split(".")[0] in self.watched]
                problems = [p for name in watched for p in [self.module_problem(name)] if p]
            elif node.level:
                if module is None:
                    continue  # a relative import in a script never worked; not adopt's doing
                anchor = module if is_package else module.rpartition(".")[0]
                relative = "." * node.level + (node.module or "")
                try:
                    target = importlib.util.resolve_name(relative, anchor)
                except ImportError as error:
                    found.append((f"line {node.lineno}: {error}", None))
                    continue
                problems = self.from_problems(target, node.names)
            elif node.module and node.module.split(".")[0] in self.watched:
                problems = self.from_problems(node.module, node.names)
            else:
                continue
            found += [(f"line {node.lineno}: {text}", cause) for text, cause in problems]
        return found


def forget(watched: set[str], repository: str) -> None:
    """Drop the modules of watched names or from the repository imported so far, so the next
    context finds them afresh."""
    inside = os.path.realpath(repository) + os.sep
    for name, module in list(sys.modules.items()):
        where = os.path.realpath(getattr(module, "__file__", None) or os.devnull)
        if name.split(".")[0] in watched or where.startswith(inside):
            del sys.modules[name]
    importlib.invalidate_caches()


def resolve(request: dict[str, Any]) -> dict[str, Any]:
    watched = set(request["watched"])
    site_packages = sysconfig.get_paths()["purelib"]
    unresolved: list[dict[str, str | None]] = []
    unparseable: list[str] = []
    # The package as installed first, then each directory files left in the repository are run
    # from, first on sys.path as when they run.
    contexts: dict[str | None, list[dict[str, Any]]] = {}
    for file in request["files"]:
        contexts.setdefault(file["path_entry"], []).append(file)
    for directory, files in sorted(contexts.items(), key=lambda item: item[0] or ""):
        forget(watched, request["repository"])
        allowed = [site_packages] + ([request["repository"]] if directory else [])
        resolver = Resolver(watched, allowed)
        path = list(sys.path)  # parents run by find_spec may edit it too
        sys.path[:0] = [directory] if directory else []
        for file in files:
            try:
                tree = ast.parse(Path(file["path"]).read_bytes(), file["path"])
            except (SyntaxError, ValueError):
                unparseable.append(file["label"])
                continue
            is_package = file["path"].endswith("__init__.py")
            unresolved += [
                {"file": file["label"], "problem": text, "syntax_error_in": cause}
                for text, cause in resolver.problems(tree, file["module"], is_package)
            ]
        sys.path[:] = path
    return {"unresolved": unresolved, "unparseable": unparseable}


def import_all(modules: list[str], watched: set[str], repository: str) -> list[str]:
    failed: list[str] = []
    path = list(sys.path)
    for module in modules:
        try:
            importlib.import_module(module)
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # SystemExit too: argparse at import exits
            last = traceback.format_exception(error)[-3:]
            failed.append(f"{module}: {type(error).__name__}: {error}\n{''.join(last)}")
    sys.path[:] = path
    forget(watched, repository)
    return failed


def main() -> None:
    request_path, result_path = sys.argv[1:3]
    # Code that parses arguments at import time must see none.
    sys.argv = [sys.argv[0]]
    request = json.loads(Path(request_path).read_text(encoding="utf-8"))
    watched = set(request["watched"])
    result: dict[str, Any] = {
        "failed": import_all(request["modules"], watched, request["repository"])
    }
    result.update(resolve(request))
    Path(result_path).write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
