"""Step 3 of adopt: carry out a plan, one operation after another.

Every operation is idempotent, so running adopt again changes nothing. adopt starts from a
clean git tree (unless told otherwise), so when an operation fails, git can put everything back;
the error says how.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import libcst

from ml_publish import git
from ml_publish.adopt.imports import rewrite_notebook, rewrite_source
from ml_publish.adopt.merge import (
    merge_gitignore,
    merge_pyproject,
    merge_readme,
    move_flake8_section,
)
from ml_publish.adopt.plan import (
    PINNED_REQUIREMENTS_FILE,
    AddConsoleScript,
    CreateFile,
    MergeFile,
    MoveFile,
    MoveFlake8Section,
    Operation,
    Plan,
    RemoveCarriedFile,
    RewriteImports,
    SetDependencies,
    UntrackWeight,
)
from ml_publish.errors import MLPublishError, OperationFailed

RESTORE_CLEAN = (
    "the tree was clean when adopt started, so 'git reset --hard && git clean -fd' restores it"
)
RESTORE_DIRTY = "the tree had uncommitted changes; see what adopt changed with 'git status'"


def read(root: Path, path: str) -> str:
    file = root / path
    return file.read_text(encoding="utf-8") if file.is_file() else ""


def write_if_changed(root: Path, path: str, text: str) -> None:
    file = root / path
    if not file.is_file() or file.read_text(encoding="utf-8") != text:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")


def merged(operation: MergeFile, existing: str) -> str:
    if operation.path == "pyproject.toml":
        return merge_pyproject(
            existing,
            operation.template_text,
            dependencies=operation.dependencies,
            scripts=dict(operation.scripts),
        )
    if operation.path == ".gitignore":
        return merge_gitignore(existing, operation.template_text)
    return merge_readme(existing, operation.template_text) if existing else operation.template_text


def perform(root: Path, operation: Operation) -> None:
    """Carry out one operation; nothing happens when it is already done."""
    if isinstance(operation, CreateFile):
        if not (root / operation.path).exists():
            write_if_changed(root, operation.path, operation.content)
    elif isinstance(operation, MergeFile):
        existing = read(root, operation.path)
        write_if_changed(root, operation.path, merged(operation, existing))
    elif isinstance(operation, MoveFile):
        if (root / operation.source).exists() and not (root / operation.destination).exists():
            git.move(root, operation.source, operation.destination)
    elif isinstance(operation, RewriteImports):
        source = read(root, operation.path)
        renames = dict(operation.renames)
        rewrite = rewrite_notebook if operation.path.endswith(".ipynb") else rewrite_source
        write_if_changed(root, operation.path, rewrite(source, renames))
    elif isinstance(operation, AddConsoleScript):
        # Written by the pyproject.toml merge, which carries the scripts (see with_template).
        pass
    elif isinstance(operation, SetDependencies):
        # The dependencies go in with the pyproject.toml merge, before the template's own.
        if operation.pinned and not (root / PINNED_REQUIREMENTS_FILE).exists():
            header = (
                "# The exact versions this project was last run with (from ml-publish adopt).\n"
            )
            write_if_changed(
                root, PINNED_REQUIREMENTS_FILE, header + "\n".join(operation.pinned) + "\n"
            )
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
    elif isinstance(operation, UntrackWeight):
        from ml_publish.weights.registration import add_weights

        if operation.path in (git.tracked_files(root) or []):
            git.untrack(root, operation.path)
        add_weights(root, root / operation.path, name=operation.name)


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
            step = " ".join(operations[index].describe().split())
            reason = " ".join(str(error).split())
            restore = RESTORE_CLEAN if tree_was_clean else RESTORE_DIRTY
            raise OperationFailed(f"adopt stopped at '{step}': {reason}; {restore}") from error
        index += 1


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
