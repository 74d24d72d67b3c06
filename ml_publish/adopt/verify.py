"""adopt checks its own result: every import that named repository code still resolves.

After the plan is applied the new tree is analysed again, statically (no code is imported),
and each import statement is checked the way it will run:

- in the package, as installed: absolute imports of the package resolve from the root, and a
  bare import of a module that was local before adopt is a failure (only the package is
  installed); relative imports that resolved before still resolve;
- in the root scripts, tests and notebooks that stay: imports that were local still resolve,
  beside the file or at the root, and imports of the package resolve in it;
- every console script names a module of the package that defines its function.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ml_publish.repository_analysis.analyse import RepositoryAnalysis, analyse_repository
from ml_publish.repository_analysis.import_graph import (
    ROOT,
    SourceTree,
    added_roots,
    resolve,
    resolve_absolute,
)
from ml_publish.adopt.operations import AddConsoleScript, MoveFile, Plan
from ml_publish.repository_analysis.python_files import ImportStatement

# (importer before adopt, level, module): how an import is recognised after its file moved.
ImportKey = tuple[str, int, str]


@dataclass(frozen=True)
class Unresolved:
    path: str
    line: int
    what: str

    def describe(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def local_before(analysis: RepositoryAnalysis) -> set[ImportKey]:
    return {
        (hit.importer, hit.statement.level, hit.statement.module) for hit in analysis.local_imports
    }


def check_statement(
    tree: SourceTree,
    path: str,
    statement: ImportStatement,
    *,
    package: str,
    was_local: bool,
    roots: list[str],
) -> str | None:
    """Why ``statement`` in ``path`` will not resolve, or ``None`` when it will."""
    in_package = path.startswith(f"{package}/")
    top = statement.module.split(".")[0]
    if statement.level:
        if was_local and resolve(tree, path, statement) is None:
            return f"the relative import of {'.' * statement.level}{statement.module} is broken"
        return None
    if top == package:
        if resolve_absolute(tree, path, statement, [ROOT]) is None:
            return f"{statement.module} is not in the package"
        return None
    if not was_local:
        return None
    if in_package:
        return f"{statement.module} was a module of the repository and is not installed with it"
    if resolve(tree, path, statement, roots) is None:
        return f"{statement.module} no longer resolves"
    return None


def unresolved_imports(
    after: RepositoryAnalysis, plan: Plan, before: RepositoryAnalysis
) -> list[Unresolved]:
    original = {op.destination: op.source for op in plan.operations if isinstance(op, MoveFile)}
    was_local = local_before(before)
    tree = SourceTree([*(f.path for f in after.python_files), *after.submodule_python_files])
    importers = [(f.path, f.facts.imports, f.facts.sys_path_entries) for f in after.python_files]
    importers += [(n.path, n.imports, n.sys_path_entries) for n in after.notebooks]
    skipped = {f.path for f in after.unparseable}
    problems = []
    for path, statements, entries in importers:
        if path in skipped:
            continue
        roots = after.search_roots.get(path) or added_roots(path, entries)
        old = original.get(path, path)
        for statement in statements:
            key = (old, statement.level, statement.module)
            why = check_statement(
                tree, path, statement, package=plan.package, was_local=key in was_local, roots=roots
            )
            if why is not None:
                problems.append(Unresolved(path, statement.line, why))
    return problems


def unresolved_scripts(after: RepositoryAnalysis, plan: Plan) -> list[Unresolved]:
    """Console scripts whose module is missing or does not define the function."""
    functions = {f.path: f.facts.top_level_names for f in after.python_files}
    problems = []
    for script in (op for op in plan.operations if isinstance(op, AddConsoleScript)):
        module, _, function = script.target.partition(":")
        stem = module.replace(".", "/")
        defined = functions.get(f"{stem}.py", functions.get(f"{stem}/__init__.py"))
        if defined is None or function not in defined:
            what = f"the console script {script.name} names {script.target}, which does not exist"
            problems.append(Unresolved("pyproject.toml", 0, what))
    return problems


def verify_adoption(root: Path, plan: Plan, before: RepositoryAnalysis) -> list[Unresolved]:
    """Every import and console script of the adopted tree that will not resolve."""
    after = analyse_repository(root)
    return unresolved_imports(after, plan, before) + unresolved_scripts(after, plan)


def describe_unresolved(problems: Iterable[Unresolved]) -> str:
    return "\n".join(f"  {problem.describe()}" for problem in problems)
