"""What a ``sys.path`` edit adds, read from its expression without running it.

Research code reaches sibling trees with ``sys.path.append("..")``, with
``sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../lib"))`` or with a small
``_init_paths.py`` that does the same. Each such edit is evaluated here to a directory
relative to the file that makes it. A literal or cwd-relative path (``".."``,
``os.path.abspath("../../")``) is taken relative to the file too, as the scripts are run from
their own directory; an expression that depends on anything else is not guessed.
"""

from __future__ import annotations

import ast
import posixpath

FILE_DIRECTORY = "."
PATH_WRAPPERS = {"abspath", "realpath", "normpath", "expanduser", "resolve", "absolute"}


def is_dunder_file(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "__file__"


def call_name(node: ast.expr) -> str | None:
    """``dirname`` for ``os.path.dirname(...)``; ``Path`` for ``Path(...)``."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def evaluate(node: ast.expr) -> str | None:
    """The directory ``node`` denotes, relative to the file's directory; ``None`` if unknown.

    ``__file__`` itself evaluates to the file, written ``"<file>"``, so ``dirname`` of it is
    ``"."``.
    """
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value or FILE_DIRECTORY
    if is_dunder_file(node):
        return "<file>"
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        return parent_of(evaluate(node.value))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return joined(evaluate(node.left), [evaluate(node.right)])
    if not isinstance(node, ast.Call):
        return None
    name = call_name(node)
    arguments = list(node.args)
    receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
    if name in PATH_WRAPPERS:
        target = arguments[0] if arguments else receiver
        return evaluate(target) if target is not None else None
    if name == "dirname" and arguments:
        return parent_of(evaluate(arguments[0]))
    if name == "join" and arguments:
        return joined(evaluate(arguments[0]), [evaluate(a) for a in arguments[1:]])
    if name in {"Path", "PurePath", "str", "fspath"} and len(arguments) == 1:
        return evaluate(arguments[0])
    return None


def parent_of(path: str | None) -> str | None:
    if path is None:
        return None
    if path == "<file>":
        return FILE_DIRECTORY
    return posixpath.join(path, "..")


def joined(base: str | None, parts: list[str | None]) -> str | None:
    if base is None or base == "<file>" or any(part is None for part in parts):
        return None
    return posixpath.join(base, *[str(part) for part in parts])


def added_directories(node: ast.AST) -> list[str]:
    """The directories a ``sys.path`` edit adds, relative to the editing file's directory."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        method = node.func.attr
        if method == "insert" and len(node.args) >= 2:
            candidates = [node.args[1]]
        elif method == "append" and node.args:
            candidates = [node.args[0]]
        elif method == "extend" and node.args and isinstance(node.args[0], (ast.List, ast.Tuple)):
            candidates = list(node.args[0].elts)
        else:
            candidates = []
    elif isinstance(node, ast.AugAssign) and isinstance(node.value, (ast.List, ast.Tuple)):
        candidates = list(node.value.elts)
    else:
        candidates = []
    found = []
    for candidate in candidates:
        value = evaluate(candidate)
        if value is not None and value != "<file>" and not value.startswith(("/", "~")):
            found.append(posixpath.normpath(value))
    return found
