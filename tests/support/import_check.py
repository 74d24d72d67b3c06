"""An adopted repository's imports, checked independently of adopt's own code.

``check_imports`` runs import_probe.py, which uses nothing but ``ast`` and ``importlib``, in a
fresh venv holding only the built wheel (see fresh_install.py), and finds:

- ``failed``: modules of the installed package that do no work at import time, yet raise
  when really imported;
- ``unresolved``: imports of watched names, in each module of the installed package and in
  each Python file left in the repository (run from its own directory, see
  ``files_left_in_repository``), that do not resolve to the installed package or the
  repository (the standard library or a third-party package of the same name does not count),
  or take a name that does not exist there; relative imports are checked the same way.

The watched names are the package's and every name a Python file of the repository could be
imported by before adopt, at any depth (``local_names``): a subtree's ``models/net.py`` or
``lib/model/`` reached through a ``sys.path`` edit counts as much as a root ``utils.py``.

Which modules do work at import time is decided here, not by adopt: a module is imported only
when its top level holds nothing but imports, ``def``/``class``, assignments, docstrings, an
``if __name__ == "__main__":`` block, and ``if``/``try`` blocks made of the same. Anything else
(a call such as ``parser.add_argument(...)`` or ``train()``, a loop, an ``assert``) means
running it is the point, as in a script, so it is only resolved, not imported.
"""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tests.support.fresh_install import FreshVenv
from tests.support.processes import run

PROBE = Path(__file__).with_name("import_probe.py")


@dataclass(frozen=True)
class CodeFile:
    """A Python file to check: how failures name it, where it is, its dotted module name (if
    it has one), and for a file left in the repository the directory it is run from."""

    label: str
    path: Path
    module: str | None = None
    path_entry: Path | None = None


@dataclass(frozen=True)
class Unresolved:
    file: str
    problem: str
    syntax_error_in: str | None = None

    def __str__(self) -> str:
        return f"{self.file} {self.problem}"


@dataclass(frozen=True)
class ImportFindings:
    failed: list[str]
    unresolved: list[Unresolved]
    unparseable: list[str]

    def caused_by_adopt(
        self, files: Iterable[CodeFile], before: Mapping[str, bytes]
    ) -> ImportFindings:
        """Without what was broken before adopt: files that did not parse then (adopt was not
        asked to convert them), and imports in files left in the repository that fail only
        because such a file is not Python 3. Code in the installed package gets no excuse."""
        never_parsed = {d for p, d in before.items() if p.endswith(".py") and not is_python_3(d)}
        by_label = {f.label: f for f in files}

        def old_breakage(problem: Unresolved) -> bool:
            cause = problem.syntax_error_in
            left_in_repository = by_label[problem.file].path_entry is not None
            return (
                left_in_repository and bool(cause) and Path(str(cause)).read_bytes() in never_parsed
            )

        return ImportFindings(
            self.failed,
            [problem for problem in self.unresolved if not old_breakage(problem)],
            [f for f in self.unparseable if by_label[f].path.read_bytes() not in never_parsed],
        )


def is_python_3(source: bytes) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return True


def local_names(files: Iterable[str]) -> frozenset[str]:
    """Every name a repository's Python files could be imported by: each ``.py`` file's stem
    and each directory above one, at any depth (``team_a/models/net.py`` gives ``team_a``,
    ``models`` and ``net``), leaving out hidden directories (editor and notebook copies)."""
    names: set[str] = set()
    for path in files:
        parts = PurePosixPath(path).parts
        if not path.endswith(".py") or any(p.startswith(".") for p in parts):
            continue
        names.update(p for p in (*parts[:-1], PurePosixPath(path).stem) if p.isidentifier())
    return frozenset(names - {"__init__", "__main__"})


def files_left_in_repository(root: Path, package: str) -> list[CodeFile]:
    """The Python files outside the package directory: scripts, tests, subtrees that stayed.

    Each is checked from the directory it runs from: its own (Python puts a script's directory
    first on ``sys.path``), or, inside regular packages (``tests/`` with an ``__init__.py``),
    the first directory above them, as pytest's rootdir insertion and ``python -m`` do.
    Symbolic links to directories are not followed; files under hidden directories
    (``.ipynb_checkpoints``, ``.git``) are copies nobody runs.
    """
    found = []
    for directory, subdirs, names in os.walk(root):
        here = Path(directory)
        subdirs[:] = sorted(
            d for d in subdirs if not d.startswith(".") and not (here == root and d == package)
        )
        entry = here
        while entry != root and (entry / "__init__.py").is_file():
            entry = entry.parent
        for name in sorted(n for n in names if n.endswith(".py")):
            parts = (here / name).relative_to(entry).with_suffix("").parts
            dotted = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            named = entry != here and all(part.isidentifier() for part in parts)
            module = dotted if named else None
            found.append(CodeFile(str((here / name).relative_to(root)), here / name, module, entry))
    return found


def does_work_at_import(source: bytes) -> bool:
    """Whether importing a module runs more than definitions (see the module docstring)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return False  # importing it shows the syntax error, which is what a test should see
    return not all(is_quiet(statement) for statement in tree.body)


QUIET = (
    ast.Import,
    ast.ImportFrom,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Assign,
    ast.AnnAssign,
    ast.AugAssign,
    ast.Pass,
)


def is_quiet(statement: ast.stmt) -> bool:
    if isinstance(statement, QUIET):
        return True
    if isinstance(statement, ast.Expr):
        return isinstance(statement.value, ast.Constant)
    if isinstance(statement, ast.If):
        blocks = [] if is_main_guard(statement.test) else [statement.body, statement.orelse]
        return all(is_quiet(s) for block in blocks for s in block)
    if isinstance(statement, ast.Try):
        blocks = [statement.body, statement.orelse, statement.finalbody]
        blocks += [handler.body for handler in statement.handlers]
        return all(is_quiet(s) for block in blocks for s in block)
    return False


def is_main_guard(test: ast.expr) -> bool:
    """``__name__ == "__main__"``, either way round."""
    if not (isinstance(test, ast.Compare) and [type(op) for op in test.ops] == [ast.Eq]):
        return False
    sides = [test.left, *test.comparators]
    names = {side.id for side in sides if isinstance(side, ast.Name)}
    values = {side.value for side in sides if isinstance(side, ast.Constant)}
    return names == {"__name__"} and values == {"__main__"}


def check_imports(
    venv: FreshVenv,
    repository: Path,
    *,
    modules: Iterable[str],
    watched: Iterable[str],
    files: Iterable[CodeFile],
    cwd: Path,
) -> ImportFindings:
    """Import ``modules``, then resolve the imports of ``watched`` names in ``files``, in
    ``venv`` from ``cwd`` (outside the repository); see the module docstring."""
    request = {
        "repository": str(repository),
        "modules": list(modules),
        "watched": sorted(watched),
        "files": [
            {
                "label": f.label,
                "path": str(f.path),
                "module": f.module,
                "path_entry": str(f.path_entry) if f.path_entry else None,
            }
            for f in files
        ],
    }
    request_path = cwd / "probe-request.json"
    result_path = cwd / "probe-result.json"
    request_path.write_text(json.dumps(request), encoding="utf-8")
    run([venv.python, "-I", PROBE, request_path, result_path], cwd=cwd, timeout=600)
    result = json.loads(result_path.read_text(encoding="utf-8"))
    unresolved = [Unresolved(**problem) for problem in result["unresolved"]]
    return ImportFindings(result["failed"], unresolved, result["unparseable"])
