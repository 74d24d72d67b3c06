"""Step 3 of adopt: carry out a plan, one operation after another.

Every operation is idempotent, so running adopt again changes nothing. adopt starts from a
clean git tree (unless told otherwise), so when an operation fails, git can put everything back;
the error says how.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path, PurePosixPath

import libcst

from ml_publish import git
from ml_publish.adopt.after_moves import AddStandIn, RemoveEmptiedDirectories, RewriteCommands
from ml_publish.adopt.commands import rewrite_commands, write_stand_in
from ml_publish.adopt.emptied import remove_emptied
from ml_publish.adopt.imports import rewrite_notebook, rewrite_source
from ml_publish.adopt.merge import (
    merge_gitignore,
    merge_pyproject,
    merge_readme,
    move_flake8_section,
    with_ignored_files,
)
from ml_publish.adopt.isort_settings import with_split_setting
from ml_publish.adopt.line_lengths import flake8_settled
from ml_publish.adopt.modernize import write_conversions
from ml_publish.adopt.operations import (
    PINNED_REQUIREMENTS_FILE,
    AddConsoleScript,
    AddVersion,
    CreateFile,
    ForwardHookConfig,
    MergeFile,
    ModernizeFile,
    MoveFile,
    MoveFlake8Section,
    Operation,
    Plan,
    RemoveCarriedFile,
    RetargetLink,
    RewriteImports,
    SetDependencies,
    SettleFlake8,
    SplitIsortImports,
    UntrackWeight,
)
from ml_publish.adopt.pypi_readme import DeclarePlainReadme, with_plain_readme
from ml_publish.errors import MLPublishError, OperationFailed
from ml_publish.readmes import in_line_endings_of, plain_newlines
from ml_publish.versions import VERSION_LINE
from ml_publish.weights.naming import DATA_KIND

RESTORE_CLEAN = (
    "the tree was clean when adopt started, so 'git reset --hard && git clean -fd' restores it"
)
RESTORE_DIRTY = "the tree had uncommitted changes; see what adopt changed with 'git status'"


def read(root: Path, path: str, *, newline: str | None = None) -> str:
    """The file's text; ``newline=""`` keeps its line endings (CRLF stays CRLF)."""
    file = root / path
    if not file.is_file():
        return ""
    with file.open(encoding="utf-8", newline=newline) as stream:
        return stream.read()


def write_if_changed(root: Path, path: str, text: str, *, newline: str | None = None) -> None:
    """Write ``text`` unless the file holds it; ``newline=""`` writes its line endings as given."""
    file = root / path
    if not file.is_file() or read(root, path, newline=newline) != text:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8", newline=newline)


def merged(operation: MergeFile, existing: str) -> str:
    if operation.path == "pyproject.toml":
        return merge_pyproject(
            existing,
            operation.template_text,
            dependencies=operation.dependencies,
            scripts=dict(operation.scripts),
            extras=dict(operation.extras),
        )
    if operation.path == ".gitignore":
        return merge_gitignore(existing, operation.template_text)
    if not existing:
        return operation.template_text
    return merge_readme(existing, operation.template_text, operation.path)


def perform(root: Path, operation: Operation) -> None:
    """Carry out one operation; nothing happens when it is already done."""
    if isinstance(operation, CreateFile):
        if not (root / operation.path).exists():
            write_if_changed(root, operation.path, operation.content)
    elif isinstance(operation, MergeFile):
        # A README or .gitignore written on Windows keeps its CRLF line endings.
        existing = read(root, operation.path, newline="")
        text = merged(operation, plain_newlines(existing))
        write_if_changed(root, operation.path, in_line_endings_of(existing, text), newline="")
    elif isinstance(operation, MoveFile):
        if (root / operation.source).exists() and not (root / operation.destination).exists():
            git.move(root, operation.source, operation.destination)
    elif isinstance(operation, RewriteImports):
        # Only import lines change: a file written on Windows keeps its CRLF line endings.
        source = read(root, operation.path, newline="")
        renames = dict(operation.renames)
        rewrite = rewrite_notebook if operation.path.endswith(".ipynb") else rewrite_source
        write_if_changed(root, operation.path, rewrite(source, renames), newline="")
    elif isinstance(operation, AddConsoleScript):
        # Written by the pyproject.toml merge, which carries the scripts (see with_template).
        pass
    elif isinstance(operation, SetDependencies):
        # The dependencies go in with the pyproject.toml merge, before the template's own.
        if operation.pinned and not (root / PINNED_REQUIREMENTS_FILE).exists():
            header = (
                "# The exact versions this project was last run with (from ml-publish adopt).\n"
            )
            lines = [*operation.pin_options, *operation.pinned]
            write_if_changed(root, PINNED_REQUIREMENTS_FILE, header + "\n".join(lines) + "\n")
    elif isinstance(operation, MoveFlake8Section):
        source_text = read(root, operation.source)
        rest, flake8 = move_flake8_section(source_text, read(root, ".flake8"), operation.source)
        write_if_changed(root, ".flake8", flake8)
        if rest:
            write_if_changed(root, operation.source, rest)
        elif (root / operation.source).exists():
            # Everything in the file was carried over: only then does it go.
            git.remove(root, operation.source)
    elif isinstance(operation, RemoveCarriedFile):
        if operation.path in (git.tracked_files(root) or []):
            git.remove(root, operation.path)
    elif isinstance(operation, ModernizeFile):
        if read(root, operation.path) != operation.conversion.converted:
            write_conversions(root, [operation.conversion])
    elif isinstance(operation, RetargetLink):
        link = root / operation.path
        if link.is_symlink() and os.readlink(link) != operation.target:
            link.unlink()
            link.symlink_to(operation.target)
            git.add(root, [operation.path])
    elif isinstance(operation, AddVersion):
        write_if_changed(
            root, operation.path, with_version_line(read(root, operation.path), operation.version)
        )
    elif isinstance(operation, ForwardHookConfig):
        write_if_changed(root, operation.path, operation.text)
    elif isinstance(operation, SettleFlake8):
        write_if_changed(
            root, ".flake8", flake8_settled(read(root, ".flake8"), operation.length)[0]
        )
    elif isinstance(operation, SplitIsortImports):
        text = read(root, operation.path, newline="")
        write_if_changed(root, operation.path, with_split_setting(text, operation.path), newline="")
    elif isinstance(operation, UntrackWeight):
        untrack_and_register(root, operation)
    elif isinstance(operation, DeclarePlainReadme):
        pyproject = with_plain_readme(read(root, "pyproject.toml"), operation.path)
        write_if_changed(root, "pyproject.toml", pyproject)
    elif isinstance(operation, RewriteCommands):
        rewrite_commands(root, operation)
    elif isinstance(operation, AddStandIn):
        write_stand_in(root, operation)
    elif isinstance(operation, RemoveEmptiedDirectories):
        remove_emptied(root, operation)


def untrack_and_register(root: Path, operation: UntrackWeight) -> None:
    """Take the file out of git for good (untracked, and ignored by its exact path), keep it
    on disk and register it, as data when it is data."""
    from ml_publish.weights.registration import add_weights

    if operation.path in (git.tracked_files(root) or []):
        git.untrack(root, operation.path)
    # A .gitignore written on Windows keeps its CRLF line endings here too.
    existing = read(root, ".gitignore", newline="")
    ignored = with_ignored_files(plain_newlines(existing), [operation.path])
    write_if_changed(root, ".gitignore", in_line_endings_of(existing, ignored), newline="")
    meta = {"kind": DATA_KIND} if operation.kind == DATA_KIND else {}
    file_format = "safetensors" if operation.convert else None
    add_weights(
        root, root / operation.path, name=operation.name, meta=meta, file_format=file_format
    )


def with_version_line(source: str, version: str) -> str:
    """``source`` with ``__version__`` assigned after its docstring and ``__future__`` imports."""
    if VERSION_LINE.search(source):
        return source
    tree = ast.parse(source)
    after = 0
    for node in tree.body:
        is_docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        is_future = isinstance(node, ast.ImportFrom) and node.module == "__future__"
        if not (is_docstring or is_future):
            break
        after = node.end_lineno or after
    lines = source.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    version_line = f'__version__ = "{version}"\n'
    block = ["\n", version_line] if after else [version_line]
    if after < len(lines):
        block.append("\n")
    return "".join(lines[:after] + block + lines[after:])


def apply_plan(root: Path, plan: Plan, *, tree_was_clean: bool = True) -> None:
    """Carry out every operation in order; on a failure, say which one and how to restore."""
    operations = list(plan.operations)
    index = 0
    while index < len(operations):
        batch = moves_into_one_directory(operations, index)
        if len(batch) > 1 and move_together(root, batch):
            index += len(batch)
            continue
        try:
            perform(root, operations[index])
        except (
            OSError,
            ValueError,
            git.GitError,
            libcst.ParserSyntaxError,
            MLPublishError,
        ) as error:
            step = operations[index].describe()
            raise stopped_at(step, error, tree_was_clean=tree_was_clean) from error
        index += 1


def stopped_at(step: str, error: Exception, *, tree_was_clean: bool) -> OperationFailed:
    """The one-line error for a failure after adopt's first write: the step, why, how to undo."""
    step = " ".join(step.split())
    reason = " ".join(str(error).split())
    restore = RESTORE_CLEAN if tree_was_clean else RESTORE_DIRTY
    return OperationFailed(f"adopt stopped at '{step}': {reason}; {restore}")


def moves_into_one_directory(operations: list[Operation], start: int) -> list[MoveFile]:
    """The run of moves from ``start`` that keep their names and share a target directory."""
    batch: list[MoveFile] = []
    for operation in operations[start:]:
        if not isinstance(operation, MoveFile):
            break
        source, destination = PurePosixPath(operation.source), PurePosixPath(operation.destination)
        if source.name != destination.name or (
            batch and destination.parent != PurePosixPath(batch[0].destination).parent
        ):
            break
        batch.append(operation)
    return batch


def move_together(root: Path, batch: list[MoveFile]) -> bool:
    """One ``git mv`` for the whole batch (hundreds of modules take one git process).

    ``False`` when it did not work; the moves are then made one by one, which names the file
    that fails.
    """
    pending = [
        op for op in batch if (root / op.source).exists() and not (root / op.destination).exists()
    ]
    if not pending:
        return True
    try:
        git.move_into(
            root, [op.source for op in pending], str(PurePosixPath(pending[0].destination).parent)
        )
    except (OSError, git.GitError):
        return False
    return True
