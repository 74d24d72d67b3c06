"""Paths a module builds from its own ``__file__``, read without running it.

Research code finds its data beside its code: ``os.path.join(os.path.dirname(__file__), "..",
"data", "classes.txt")``, ``Path(__file__).parent.parent / "configs"``. Such a path is relative
to the file, so it names something else once adopt moves the file into the package. Each one
is evaluated here, with sys_path's evaluator and the module-level names bound so far, to a path
relative to the file's directory; adopt/moved_paths.py says which of them a move breaks.
``sys.path`` edits are left to sys_path.py.
"""

from __future__ import annotations

import ast

from ml_publish.repository_analysis.sys_path import PathEvaluator, edit_arguments, usable


def file_relative_paths(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, path relative to the file's directory) for each path built from ``__file__``:
    the outermost such expression of a line, as it is the one the code opens."""
    evaluator = PathEvaluator()
    found: dict[int, str] = {}
    for statement in tree.body:
        if any(edit_arguments(node) for node in ast.walk(statement)):
            evaluator.bind(statement)
            continue  # a sys.path edit: sys_path.py reads it
        for node in ast.walk(statement):
            line = getattr(node, "lineno", 0)
            if line in found or not isinstance(node, (ast.Call, ast.BinOp, ast.Attribute)):
                continue
            if evaluator.is_anchored(node) and (path := usable(evaluator.evaluate(node))):
                found[line] = path
        evaluator.bind(statement)
    return sorted(found.items())
