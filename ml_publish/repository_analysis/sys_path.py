"""What a file's ``sys.path`` edits add, read from its expressions without running it.

Research code reaches sibling trees with ``sys.path.append("..")``, with
``sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../lib"))``, or with a small
``_init_paths.py`` that names the directory first (``this_dir = osp.dirname(__file__)``) and
adds it through a helper (``def add_path(path): sys.path.insert(0, path)``). Each such edit is
evaluated here to a directory relative to the file that makes it: module-level names bound to
paths are followed, and so are the file's own functions that add their argument. A literal or
cwd-relative path (``".."``, ``os.path.abspath("../../")``) depends on where the script is run
from: it is returned with ``WORKING_DIRECTORY`` in front (``<cwd>/src``), and the import graph
tries it from the file's own directory and then from the repository root, where the author's
commands run the scripts (``sys.path.insert(0, "src")`` in ``experiments/03/run.py``, run as
``python experiments/03/run.py``). An expression that depends on anything else is not guessed.
"""

from __future__ import annotations

import ast
import posixpath
import re

FILE_DIRECTORY = "."
THE_FILE = "<file>"
# In front of a directory that is relative to the working directory, not to the file.
WORKING_DIRECTORY = "<cwd>/"
WINDOWS_DRIVE = re.compile(
    r"^[A-Za-z]:/"
)  # a Windows absolute path, C:\Users, once its separators are /
PATH_WRAPPERS = {"abspath", "realpath", "normpath", "expanduser", "resolve", "absolute"}
CONVERSIONS = {"Path", "PurePath", "str", "fspath"}


def is_sys_path(node: ast.expr) -> bool:
    return ast.unparse(node) == "sys.path"


def call_name(node: ast.Call) -> str | None:
    """``dirname`` for ``os.path.dirname(...)``; ``Path`` for ``Path(...)``."""
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


class PathEvaluator:
    """Evaluates path expressions with the module-level names bound so far."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.anchored: set[str] = set()  # names bound to paths built from ``__file__``

    def is_anchored(self, node: ast.expr) -> bool:
        """Whether ``node`` is built from ``__file__`` (or a name bound to such a path)."""
        return any(
            isinstance(part, ast.Name) and (part.id == "__file__" or part.id in self.anchored)
            for part in ast.walk(node)
        )

    def evaluate(self, node: ast.expr) -> str | None:
        """The directory ``node`` denotes, relative to the file's directory; ``None`` if unknown.

        ``__file__`` itself evaluates to the file, ``THE_FILE``, so ``dirname`` of it is ``"."``.
        """
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            # Written on Windows, '..\\src' is '../src': Python there takes either separator.
            return node.value.replace("\\", "/") or FILE_DIRECTORY
        if isinstance(node, ast.Name):
            return THE_FILE if node.id == "__file__" else self.names.get(node.id)
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            return parent_of(self.evaluate(node.value))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return joined(self.evaluate(node.left), [self.evaluate(node.right)])
        if isinstance(node, ast.Call):
            return self.evaluate_call(node)
        return None

    def evaluate_call(self, node: ast.Call) -> str | None:
        name = call_name(node)
        arguments = list(node.args)
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        if name in PATH_WRAPPERS:
            target = arguments[0] if arguments else receiver
            return self.evaluate(target) if target is not None else None
        if name == "dirname" and arguments:
            return parent_of(self.evaluate(arguments[0]))
        if name == "join" and arguments:
            return joined(self.evaluate(arguments[0]), [self.evaluate(a) for a in arguments[1:]])
        if name in CONVERSIONS and len(arguments) == 1:
            return self.evaluate(arguments[0])
        return None

    def bind(self, statement: ast.stmt) -> None:
        """Remember ``name = <path expression>`` at module level."""
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name):
                value = self.evaluate(statement.value)
                self.anchored.discard(target.id)
                if value is None:
                    self.names.pop(target.id, None)
                else:
                    self.names[target.id] = value
                    if self.is_anchored(statement.value):
                        self.anchored.add(target.id)


def parent_of(path: str | None) -> str | None:
    if path is None:
        return None
    if path == THE_FILE:
        return FILE_DIRECTORY
    return posixpath.join(path, "..")


def joined(base: str | None, parts: list[str | None]) -> str | None:
    if base is None or base == THE_FILE or any(part is None for part in parts):
        return None
    return posixpath.join(base, *[str(part) for part in parts])


def edit_arguments(node: ast.AST) -> list[ast.expr]:
    """The expressions a ``sys.path`` edit adds: ``insert(0, x)``, ``append(x)``, ``+= [x]``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if not is_sys_path(node.func.value):
            return []
        method = node.func.attr
        if method == "insert" and len(node.args) >= 2:
            return [node.args[1]]
        if method == "append" and node.args:
            return [node.args[0]]
        if method == "extend" and node.args and isinstance(node.args[0], (ast.List, ast.Tuple)):
            return list(node.args[0].elts)
    if isinstance(node, ast.AugAssign) and is_sys_path(node.target):
        if isinstance(node.value, (ast.List, ast.Tuple)):
            return list(node.value.elts)
    return []


def path_adding_functions(tree: ast.Module) -> dict[str, int]:
    """The file's functions that add one of their parameters to ``sys.path``: name → index."""
    found = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        parameters = [argument.arg for argument in node.args.args]
        for inner in ast.walk(node):
            for added in edit_arguments(inner):
                if isinstance(added, ast.Name) and added.id in parameters:
                    found[node.name] = parameters.index(added.id)
    return found


def usable(path: str | None) -> str | None:
    if path is None or path == THE_FILE or path.startswith(("/", "~")) or WINDOWS_DRIVE.match(path):
        return None
    return posixpath.normpath(path)


def sys_path_additions(tree: ast.Module) -> list[str]:
    """Every directory the file adds to ``sys.path``: relative to its own directory, or with
    ``WORKING_DIRECTORY`` in front when it is relative to the working directory."""
    evaluator = PathEvaluator()
    adders = path_adding_functions(tree)
    found: list[str] = []
    for statement in tree.body:
        for node in ast.walk(statement):
            candidates = edit_arguments(node)
            if isinstance(node, ast.Call) and call_name(node) in adders:
                index = adders[str(call_name(node))]
                candidates = node.args[index : index + 1]
            found += [
                path if evaluator.is_anchored(candidate) else WORKING_DIRECTORY + path
                for candidate in candidates
                if (path := usable(evaluator.evaluate(candidate))) is not None
            ]
        evaluator.bind(statement)
    return list(dict.fromkeys(found))
