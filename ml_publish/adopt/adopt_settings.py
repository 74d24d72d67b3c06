"""The options of ``ml-publish adopt``, declared once: this class registers them on the parser
and reads them back (twine's ``Settings`` pattern)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Self


@dataclass(frozen=True)
class AdoptSettings:
    """What ``ml-publish adopt`` was asked to do, as plain data."""

    path: Path = Path(".")
    package: str | None = None
    dry_run: bool = False
    allow_dirty: bool = False
    format_code: bool = True
    modernize: bool = False
    yes: bool = False
    # The template's answers as given, KEY=VALUE (read by template.parse_assignments).
    assignments: tuple[str, ...] = field(default=())

    @staticmethod
    def register_arguments(parser: argparse.ArgumentParser) -> None:
        """Give ``parser`` adopt's options."""
        parser.add_argument("path", nargs="?", default=".", help="the repository (default: here)")
        parser.add_argument(
            "--package",
            help="import name of the package (default: the package the repository already is, "
            "else one named after the directory)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print the plan and change nothing"
        )
        parser.add_argument(
            "--allow-dirty",
            action="store_true",
            help="run on a tree with uncommitted changes (git cannot undo adopt then)",
        )
        parser.add_argument("--no-format", action="store_true", help="do not run black")
        parser.add_argument(
            "--modernize",
            action="store_true",
            help="convert Python 2 files to Python 3 first (fissix's fixers, tabs, async=)",
        )
        parser.add_argument("--yes", action="store_true", help="apply the plan without asking")
        parser.add_argument(
            "assignments",
            nargs="*",
            metavar="KEY=VALUE",
            help="template answers, e.g. license=MIT github_owner=me (others are read from the "
            "repo)",
        )

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> Self:
        """The settings ``args`` (parsed by ``register_arguments``'s options) ask for."""
        path, assignments = str(args.path), tuple(args.assignments)
        # `ml-publish adopt license=MIT`: the first KEY=VALUE lands in PATH's place.
        if "=" in path and not Path(path).exists():
            path, assignments = ".", (path, *assignments)
        return cls(
            path=Path(path),
            package=args.package,
            dry_run=args.dry_run,
            allow_dirty=args.allow_dirty,
            format_code=not args.no_format,
            modernize=args.modernize,
            yes=args.yes,
            assignments=assignments,
        )
