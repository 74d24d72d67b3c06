"""What one Python source file is: a module to import or a script to run, and what it imports.

Read-only and based on the standard library's ``ast``: this is analysis, not rewriting.
"""

from __future__ import annotations

import ast
import keyword
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field

from ml_publish.repository_analysis.file_paths import file_relative_paths
from ml_publish.repository_analysis.notebook_cells import masked_cell
from ml_publish.repository_analysis.sys_path import sys_path_additions
from ml_publish.versions import VERSION_LINE

# String literals that point at one machine's disk: data paths to make configurable.
ABSOLUTE_DATA_PATH = re.compile(
    r"^(/home/|/Users/|/data/|/mnt/|/media/|/kaggle/|/content/|/scratch/|/datasets/|~/|"
    r"[A-Za-z]:[\\/])"
)
ARGUMENT_PARSERS = {"argparse", "click", "typer", "fire", "docopt", "hydra"}
# Top-level statements a module may have without doing work at import time.
DECLARATIONS = (
    ast.Import,
    ast.ImportFrom,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Assign,
    ast.AnnAssign,
    ast.Pass,
)


@dataclass(frozen=True)
class ImportStatement:
    """One import: ``import a.b`` (names empty) or ``from .a import b`` (level 1)."""

    module: str
    names: tuple[str, ...]
    level: int
    line: int


@dataclass(frozen=True)
class SourceFacts:
    """What analysis found in one file; ``parse_error`` set means nothing else was read."""

    parse_error: str | None = None
    imports: tuple[ImportStatement, ...] = ()
    main_block: bool = False
    main_function: bool = False
    argument_parser: str | None = None
    import_time_work: int | None = None
    sys_path_edits: tuple[int, ...] = ()
    sys_path_entries: tuple[str, ...] = ()
    absolute_paths: tuple[tuple[int, str], ...] = field(default=())
    dynamic_imports: tuple[tuple[int, str], ...] = ()
    # (line, path relative to the file's directory) built from __file__ (see file_paths.py).
    file_relative_paths: tuple[tuple[int, str], ...] = ()
    functions: frozenset[str] = frozenset()
    # Every name the module binds at its top level: what ``module:attr`` entry points may name.
    top_level_names: frozenset[str] = frozenset()
    defines_code: bool = True  # a top-level function or class; without one, settings at most
    version: str | None = None

    @property
    def is_script(self) -> bool:
        """Run rather than imported: a __main__ block, a CLI parser, or work at import time."""
        return (
            self.main_block or self.argument_parser is not None or self.import_time_work is not None
        )


def describe_syntax_error(error: SyntaxError) -> str:
    """Why a file does not parse as Python 3, in words a researcher recognises."""
    line = (error.text or "").strip()
    if isinstance(error, TabError) or "inconsistent use of tabs" in str(error.msg):
        return f"tabs mixed with spaces for indentation (line {error.lineno})"
    if re.match(r"print\s+[^\s(=]", line):
        return f"a Python 2 print statement (line {error.lineno}): {line}"
    if re.search(r"\basync\s*=", line):
        return (
            f"async= as a keyword argument, a syntax error since Python 3.7 (line {error.lineno})"
        )
    if re.search(r"except\s+\w+\s*,\s*\w+\s*:", line) or re.match(r"exec\s+['\"]", line):
        return f"Python 2 syntax (line {error.lineno}): {line}"
    return f"not valid Python 3 (line {error.lineno}: {error.msg})"


def is_main_guard(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.If)
        and isinstance(node.test, ast.Compare)
        and isinstance(node.test.left, ast.Name)
        and node.test.left.id == "__name__"
        and any(
            isinstance(c, ast.Constant) and c.value == "__main__" for c in node.test.comparators
        )
    )


def is_entry_point(node: ast.stmt) -> bool:
    """A top-level ``def main()`` a console script can call: with no arguments, or decorated
    (click's ``@click.command()`` and Hydra's ``@hydra.main`` take the arguments from the
    command line themselves). absl's ``def main(argv)``, which ``app.run(main)`` calls with the
    command line, is not one."""
    if not isinstance(node, ast.FunctionDef) or node.name != "main":
        return False
    if node.decorator_list:
        return True
    arguments = node.args
    positional = [*arguments.posonlyargs, *arguments.args]
    required_keywords = [d for d in arguments.kw_defaults if d is None]
    return len(arguments.defaults) == len(positional) and not required_keywords


def is_sys_path_edit(node: ast.AST) -> bool:
    """``sys.path.append(...)``, ``sys.path.insert(...)``, ``sys.path += [...]``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        target = node.func.value
        return (
            node.func.attr in {"append", "insert", "extend"} and ast.unparse(target) == "sys.path"
        )
    if isinstance(node, ast.AugAssign):
        return ast.unparse(node.target) == "sys.path"
    return False


def import_statement(node: ast.AST) -> list[ImportStatement]:
    if isinstance(node, ast.Import):
        return [ImportStatement(alias.name, (), 0, node.lineno) for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        names = tuple(alias.name for alias in node.names)
        return [ImportStatement(node.module or "", names, node.level, node.lineno)]
    return []


CODE_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def top_level_names(tree: ast.Module) -> Iterator[str]:
    """The names ``tree`` binds at its top level: definitions, plain assignments, imports
    (``app = typer.Typer()`` is as good an entry point as ``def main``)."""
    for node in tree.body:
        if isinstance(node, CODE_DEFINITIONS):
            yield node.name
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            yield from (target.id for target in targets if isinstance(target, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            yield from (alias.asname or alias.name.split(".")[0] for alias in node.names)


def analyse_source(source: str) -> SourceFacts:
    """Parse ``source`` and describe it; a file that does not parse is described, not guessed."""
    try:
        with warnings.catch_warnings():
            # "\d" in an old string warns (DeprecationWarning, SyntaxWarning since 3.12); it is
            # not a reason to call the file broken.
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", SyntaxWarning)
            # A UTF-8 byte order mark (Windows editors write one) is no syntax error: Python
            # reads it as the file's encoding declaration.
            tree = ast.parse(source.removeprefix("\ufeff"))
    except SyntaxError as error:
        return SourceFacts(parse_error=describe_syntax_error(error))
    # One walk over the tree collects imports, sys.path edits and absolute paths.
    imports: list[ImportStatement] = []
    sys_path_edits: list[int] = []
    absolute_paths: list[tuple[int, str]] = []
    dynamic_imports: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        imports += import_statement(node)
        if is_sys_path_edit(node):
            sys_path_edits.append(getattr(node, "lineno", 0))
        elif isinstance(node, ast.Call) and (named := dynamic_import_name(node)) is not None:
            dynamic_imports.append((node.lineno, named))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and ABSOLUTE_DATA_PATH.match(node.value)
        ):
            absolute_paths.append((node.lineno, node.value))
    imports.sort(key=lambda statement: statement.line)
    top_modules = {statement.module.split(".")[0] for statement in imports}
    parser = next((name for name in sorted(ARGUMENT_PARSERS) if name in top_modules), None)
    work = next(
        (
            node.lineno
            for node in tree.body
            if not isinstance(node, DECLARATIONS)
            and not is_main_guard(node)
            and not is_docstring(node)
        ),
        None,
    )
    return SourceFacts(
        imports=tuple(imports),
        main_block=any(is_main_guard(node) for node in tree.body),
        main_function=any(is_entry_point(node) for node in tree.body),
        argument_parser=parser,
        import_time_work=work,
        sys_path_edits=tuple(sorted(sys_path_edits)),
        sys_path_entries=tuple(sys_path_additions(tree)),
        absolute_paths=tuple(sorted(absolute_paths)),
        dynamic_imports=tuple(sorted(dynamic_imports)),
        file_relative_paths=tuple(file_relative_paths(tree)),
        functions=frozenset(
            node.name
            for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        ),
        top_level_names=frozenset(top_level_names(tree)),
        defines_code=any(isinstance(node, CODE_DEFINITIONS) for node in tree.body),
        version=version[2] if (version := VERSION_LINE.search(source)) else None,
    )


def dynamic_import_name(node: ast.Call) -> str | None:
    """The literal start of a module name imported by string (``import_module("models." +
    name)``, ``__import__("configs.%s" % name)``): what a move would have to change."""
    function = node.func
    called = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
    if called not in {"import_module", "__import__"} or not node.args:
        return None
    argument = node.args[0]
    while isinstance(argument, ast.BinOp):
        argument = argument.left
    if isinstance(argument, ast.JoinedStr) and argument.values:
        argument = argument.values[0]
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return argument.value
    return None


def is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)


def is_module_name(stem: str) -> bool:
    """Whether a file stem can be imported as a module (``train-v2`` and ``01_eda`` cannot)."""
    return stem.isidentifier() and not keyword.iskeyword(stem)


def strip_notebook_magics(source: str) -> str:
    """A notebook cell with IPython's magics and shell escapes masked, so ``ast`` can read it;
    empty for a cell magic whose body is not Python (``%%bash``)."""
    return masked_cell(source).python or ""
