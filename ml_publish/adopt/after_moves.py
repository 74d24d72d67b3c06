"""The operations that tidy up after the moves: plain data, like the rest of the plan.

The author's commands that name a moved script are rewritten to run its module, or keep
working through a stand-in at the old path (see commands.py), and directories the moves
emptied are removed (see emptied.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RewriteCommands:
    """Give the commands of one file that name moved scripts their module form."""

    path: str
    kind: str
    # (line, the command as written, as rewritten) for each command the rewrite changes.
    commands: tuple[tuple[int, str, str], ...]
    # The moved scripts' old paths and their modules.
    modules: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        return "\n".join(
            f"command   {self.path}:{line}: {old}  ->  {new}" for line, old, new in self.commands
        )


@dataclass(frozen=True)
class AddStandIn:
    """Leave a small script at a moved script's old path that runs its module, for commands
    whose form cannot be rewritten (another working directory, a path built from variables)."""

    path: str
    module: str
    moved_to: str
    # Where the commands that need it are ("scripts/train.sh:4").
    used_by: tuple[str, ...]

    def describe(self) -> str:
        return (
            f"stand-in  {self.path} runs python -m {self.module} "
            f"(for {', '.join(self.used_by)})"
        )


@dataclass(frozen=True)
class RemoveEmptiedDirectories:
    """Remove the directories that the moves left empty (deepest first); a directory holding
    anything else (an ignored file, a stand-in) stays."""

    paths: tuple[str, ...]

    def describe(self) -> str:
        return f"remove    {', '.join(f'{p}/' for p in self.paths)} (emptied by the moves)"
