"""The third-party modules a Python file needs, read statically (nothing is imported).

Every absolute import counts, at any depth (in functions and classes too), except those a file
can run without: in a ``try`` that catches ImportError (or anything broader), under ``with
suppress(ImportError)``, under ``if TYPE_CHECKING:``, in an ``if __name__ == "__main__":``
block, and in a function that asks ``importlib.util.find_spec`` first. Relative imports and
``__future__`` never count; the caller leaves out the standard library and its own modules.
"""

from __future__ import annotations

import ast

from ml_publish.checks.import_names import NAMESPACES

# What an ``except`` clause names when it would catch a missing module.
CATCHES_IMPORT_ERROR = frozenset(
    {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
)


def required_imports(source: str) -> list[tuple[int, str]]:
    """``(line, module)`` for each import ``source`` needs; SyntaxError when it does not parse."""
    found: list[tuple[int, str]] = []
    visit(ast.parse(source.removeprefix("\ufeff")).body, found)  # a BOM is no syntax error
    return found


def visit(statements: list[ast.stmt], found: list[tuple[int, str]]) -> None:
    for statement in statements:
        if isinstance(statement, ast.Import):
            found += [(statement.lineno, alias.name) for alias in statement.names]
        elif isinstance(statement, ast.ImportFrom):
            found += from_import(statement)
        elif isinstance(statement, ast.Try) and catches_import_error(statement):
            continue
        elif isinstance(statement, ast.If) and (
            is_type_checking(statement.test) or is_main_guard(statement.test)
        ):
            visit(statement.orelse, found)
        elif isinstance(statement, (ast.With, ast.AsyncWith)) and suppresses_import_error(
            statement
        ):
            continue
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and asks_find_spec(
            statement
        ):
            continue
        else:
            for block in ("body", "orelse", "finalbody"):
                visit(getattr(statement, block, []), found)
            for handler in getattr(statement, "handlers", []):
                visit(handler.body, found)
            for case in getattr(statement, "cases", []):
                visit(case.body, found)


def from_import(statement: ast.ImportFrom) -> list[tuple[int, str]]:
    """``from x import y``: ``x``; under a namespace package (``from google import genai``),
    ``x.y`` for each name, which is what is installed."""
    if statement.level or not statement.module or statement.module == "__future__":
        return []
    if statement.module in NAMESPACES:
        return [(statement.lineno, f"{statement.module}.{alias.name}") for alias in statement.names]
    return [(statement.lineno, statement.module)]


def name_of(node: ast.expr) -> str:
    """``TYPE_CHECKING`` for ``typing.TYPE_CHECKING``: the last part of a name or attribute."""
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def catches_import_error(statement: ast.Try) -> bool:
    for handler in statement.handlers:
        if handler.type is None:
            return True
        caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if any(name_of(node) in CATCHES_IMPORT_ERROR for node in caught):
            return True
    return False


def suppresses_import_error(statement: ast.With | ast.AsyncWith) -> bool:
    return any(
        isinstance(item.context_expr, ast.Call)
        and name_of(item.context_expr.func) == "suppress"
        and any(name_of(arg) in CATCHES_IMPORT_ERROR for arg in item.context_expr.args)
        for item in statement.items
    )


def is_type_checking(test: ast.expr) -> bool:
    return name_of(test) == "TYPE_CHECKING"


def is_main_guard(test: ast.expr) -> bool:
    """``__name__ == "__main__"``, either way round."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return False
    sides = [test.left, *test.comparators]
    names = {side.id for side in sides if isinstance(side, ast.Name)}
    values = {side.value for side in sides if isinstance(side, ast.Constant)}
    return isinstance(test.ops[0], ast.Eq) and names == {"__name__"} and values == {"__main__"}


def asks_find_spec(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(
        isinstance(node, ast.Call) and name_of(node.func) == "find_spec"
        for node in ast.walk(function)
    )
