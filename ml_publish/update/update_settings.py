"""The command line of ``ml-publish update``: declared once, read back as plain data."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Self


@dataclass(frozen=True)
class UpdateSettings:
    """What ``ml-publish update`` was asked: the project, the two template versions, answers."""

    path: Path = Path(".")
    to: str | None = None
    from_version: str | None = None
    base_wheel: Path | None = None
    dry_run: bool = False
    yes: bool = False
    # KEY=VALUE answers to the template's new questions, as typed.
    assignments: tuple[str, ...] = ()

    @property
    def asking(self) -> bool:
        """Whether a person is asked (to confirm, and the new questions)."""
        return not (self.yes or self.dry_run)

    @staticmethod
    def register_arguments(parser: argparse.ArgumentParser) -> None:
        """Give ``parser`` the options of ``ml-publish update``."""
        parser.add_argument("path", nargs="?", default=".", help="the project (default: here)")
        parser.add_argument(
            "--to",
            metavar="VERSION",
            help="the ml-publish version's template to update to " "(default: this one's)",
        )
        parser.add_argument(
            "--from",
            dest="from_version",
            metavar="VERSION",
            help="the ml-publish version whose template made the project (default: the one "
            "pyproject.toml records; needed when it records none)",
        )
        parser.add_argument(
            "--base-wheel",
            metavar="FILE",
            help="that version's ml-publish wheel, when it cannot be downloaded (offline)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print the plan and the diffs; change nothing"
        )
        parser.add_argument(
            "--yes", action="store_true", help="apply without asking; new questions take defaults"
        )
        parser.add_argument(
            "assignments",
            nargs="*",
            metavar="KEY=VALUE",
            help="answers to the template's new questions, e.g. support_channel=Discord",
        )

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> Self:
        """The settings ``register_arguments``' options were parsed into."""
        path, assignments = args.path, list(args.assignments)
        # `ml-publish update support=x`: the first KEY=VALUE lands in PATH's place.
        if "=" in path and not Path(path).exists():
            path, assignments = ".", [path, *assignments]
        return cls(
            path=Path(path),
            to=args.to,
            from_version=args.from_version,
            base_wheel=Path(args.base_wheel) if args.base_wheel else None,
            dry_run=args.dry_run,
            yes=args.yes,
            assignments=tuple(assignments),
        )
