"""The author's own commands keep working after the moves: rewritten, or through a stand-in.

Planning reads the repository's shell scripts, Makefiles, Dockerfiles, batch files, docs and
notebooks for commands naming a script that moves (command_lines.py finds them). A command run
from the repository's root takes the module form (``python -m pkg.mod``, a launcher's module
flag); any other (after a ``cd``, a path built from variables, an unknown wrapper) stays as
written, and a stand-in at the old path runs the moved module, as ``python -m`` would. Each
command is named in the plan's notes with what became of it.
"""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path, PurePosixPath

from ml_publish.adopt.after_moves import AddStandIn, RewriteCommands
from ml_publish.adopt.command_lines import (
    NOTEBOOK,
    CommandReference,
    command_file_kind,
    find_references,
    logical_lines,
    may_name_scripts,
    rewritten,
    shown,
)
from ml_publish.adopt.operations import MoveFile, Plan
from ml_publish.adopt.moves import module_of

STAND_IN = '''\
"""A stand-in for a script that ml-publish adopt moved into the package.

The commands that name this file keep working: it runs the moved module
as `python -m` would, from any working directory.
"""

import os
import runpy
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "{up}")))
runpy.run_module(
    "{module}",
    run_name="__main__",
    alter_sys=True,
)
'''


def read_text(file: Path) -> str | None:
    """The file's text with its line endings, or ``None`` when it is not UTF-8 text."""
    try:
        with file.open(encoding="utf-8", newline="") as stream:
            return stream.read()
    except (OSError, UnicodeDecodeError):
        return None


def kind_of(root: Path, path: str) -> str | None:
    """What kind of command text ``path`` holds; a file without a suffix by its shebang."""
    first = ""
    if not PurePosixPath(path).suffix and (root / path).is_file():
        with (root / path).open("rb") as stream:
            first = stream.readline(200).decode("utf-8", errors="replace")
    return command_file_kind(path, first)


def with_commands(root: Path, plan: Plan) -> Plan:
    """``plan`` followed by the rewrites and stand-ins the author's commands need."""
    moved = {op.source: op.destination for op in plan.operations if isinstance(op, MoveFile)}
    modules = {src: module_of(dst) for src, dst in moved.items() if src.endswith(".py")}
    if not modules:
        return plan
    operations: list[RewriteCommands | AddStandIn] = []
    notes: list[str] = []
    stand_ins: dict[str, list[str]] = {}
    for path in sorted(plan.existing_files):
        kind = None if path in moved or (root / path).is_symlink() else kind_of(root, path)
        text = read_text(root / path) if kind else None
        if kind is None or text is None or not may_name_scripts(text):
            continue
        references = find_references(text, path, kind, modules)
        rewrite = rewrite_operation(path, kind, text, references, modules)
        if rewrite is not None:
            operations.append(rewrite)
            notes += [
                f"{path}:{line}: rewritten: {old}  ->  {new}" for line, old, new in rewrite.commands
            ]
        for reference in references:
            if not reference.rewritable:
                stand_ins.setdefault(reference.script, []).append(f"{path}:{reference.line}")
                notes.append(
                    f"{path}:{reference.line}: stand-in: {reference.command}  (kept as written; "
                    f"{reference.script} is now a stand-in running python -m "
                    f"{modules[reference.script]})"
                )
    operations += [
        AddStandIn(script, modules[script], moved[script], tuple(dict.fromkeys(used)))
        for script, used in sorted(stand_ins.items())
    ]
    return replace(plan, operations=(*plan.operations, *operations), notes=(*plan.notes, *notes))


def rewrite_operation(
    path: str,
    kind: str,
    text: str,
    references: list[CommandReference],
    modules: dict[str, str],
) -> RewriteCommands | None:
    """The rewrite of the commands of ``path`` that take the module form; ``None``: none do."""
    rewritable = [r for r in references if r.rewritable]
    if not rewritable:
        return None
    lines = {r.line for r in rewritable}
    new_text = rewritten(text, rewritable, modules, lines)
    new_lines = {
        line: shown(new_text[start:end], kind)
        for line, start, end in logical_lines(new_text, kind)
        if line in lines
    }
    commands = tuple(dict.fromkeys((r.line, r.command, new_lines[r.line]) for r in rewritable))
    used = sorted({(r.script, modules[r.script]) for r in rewritable})
    return RewriteCommands(path, kind, commands, tuple(used))


def rewrite_commands(root: Path, operation: RewriteCommands) -> None:
    """Give the planned commands their module form; the rest of the file stays byte for byte.

    A notebook is looked at whole: its imports may have been rewritten first, which moves its
    lines. Elsewhere only the planned lines change (text adopt appended, such as the
    template's README sections, is left alone).
    """
    text = read_text(root / operation.path)
    if text is None:
        return
    modules = dict(operation.modules)
    references = find_references(text, operation.path, operation.kind, modules)
    lines = (
        {r.line for r in references}
        if operation.kind == NOTEBOOK
        else {line for line, _, _ in operation.commands}
    )
    new_text = rewritten(text, references, modules, lines)
    if new_text != text:
        with (root / operation.path).open("w", encoding="utf-8", newline="") as stream:
            stream.write(new_text)


def stand_in_text(path: str, module: str, executable: bool) -> str:
    """A stand-in at ``path`` running ``module``: the repository's root goes on ``sys.path``
    first, so it runs from any working directory without the package installed."""
    depth = len(PurePosixPath(path).parts) - 1
    text = STAND_IN.format(module=module, up="/".join([".."] * depth) or ".")
    return f"#!/usr/bin/env python3\n{text}" if executable else text


def write_stand_in(root: Path, operation: AddStandIn) -> None:
    """Write the stand-in unless something is at its path; executable like the moved file."""
    file = root / operation.path
    if file.exists() or file.is_symlink():
        return
    moved = root / operation.moved_to
    executable = moved.is_file() and os.access(moved, os.X_OK)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(stand_in_text(operation.path, operation.module, executable), encoding="utf-8")
    if executable:
        file.chmod(file.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
