"""The command line of ``ml-publish check``: declared once, read back as plain data."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Self

FORMATS = ("text", "json", "markdown")


@dataclass(frozen=True)
class CheckSettings:
    """What ``ml-publish check`` was asked: the repository, the report's format, which checks."""

    path: str = "."
    format: str = "text"
    # Check ids and families, one per item (the command line's comma-separated lists, split).
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    list_checks: bool = False

    @property
    def root(self) -> Path:
        return Path(self.path)

    @staticmethod
    def register_arguments(parser: argparse.ArgumentParser) -> None:
        """Give ``parser`` the options of ``ml-publish check``."""
        parser.add_argument("path", nargs="?", default=".", help="the repository (default: here)")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            default="text",
            help="text (a table), json (stable, for CI) or markdown (for a pull request comment)",
        )
        parser.add_argument(
            "--select",
            action="append",
            default=[],
            metavar="IDS",
            help="run only these checks or families, comma-separated (e.g. PKG,WGT101)",
        )
        parser.add_argument(
            "--ignore",
            action="append",
            default=[],
            metavar="IDS",
            help="skip these checks or families, comma-separated",
        )
        parser.add_argument("--list", action="store_true", help="list the checks and exit")

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> Self:
        """The settings ``register_arguments``' options were parsed into."""
        return cls(
            path=args.path,
            format=args.format,
            select=comma_separated(args.select),
            ignore=comma_separated(args.ignore),
            list_checks=args.list,
        )


def comma_separated(values: list[str]) -> tuple[str, ...]:
    """``["PKG,WGT101", "DOC"]`` as ``("PKG", "WGT101", "DOC")``; empty items dropped."""
    return tuple(word for value in values for word in value.split(",") if word.strip())
