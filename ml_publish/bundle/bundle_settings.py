"""The options of ``ml-publish bundle``, declared once: registered on the parser, read back."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ml_publish.bundle.targets import (
    CURRENT,
    KAGGLE_LIST,
    KAGGLE_PLATFORM,
    KAGGLE_PYTHON,
    KAGGLE_SIZE_LIMIT_GB,
    Target,
    check_dataset_id,
    preinstalled_names,
)
from ml_publish.errors import UsageError

if TYPE_CHECKING:
    from typing import Self

# Beside the staged weights, out of git and away from dist/ (where `twine upload dist/*` looks).
DEFAULT_DIRECTORY = Path(".ml-publish") / "bundle"


@dataclass(frozen=True)
class BundleSettings:
    """What ``ml-publish bundle`` makes, from which project, for which target."""

    project: Path = Path(".")
    directory: Path = DEFAULT_DIRECTORY
    target: Target = Target()
    weights: tuple[str, ...] | None = None
    preinstalled: frozenset[str] = frozenset()
    kaggle: str | None = None
    size_limit_gb: float = KAGGLE_SIZE_LIMIT_GB
    verify: bool = True
    verify_python: str = sys.executable
    wheel: Path | None = None

    @staticmethod
    def register_arguments(parser: argparse.ArgumentParser) -> None:
        """Give ``parser`` the options of ``ml-publish bundle``."""
        parser.add_argument(
            "directory",
            nargs="?",
            metavar="DIR",
            help=f"where to write the bundle (default: {DEFAULT_DIRECTORY} in the project)",
        )
        parser.add_argument("--project", default=".", help="the project (default: here)")
        parser.add_argument(
            "--python",
            default=KAGGLE_PYTHON,
            help=f"the target's Python version (default: {KAGGLE_PYTHON}, Kaggle's; "
            f"'{CURRENT}': the verifying Python's)",
        )
        parser.add_argument(
            "--platform",
            default=KAGGLE_PLATFORM,
            help=f"the target's wheel platform tag (default: {KAGGLE_PLATFORM}, Kaggle's; "
            f"'{CURRENT}': this machine's)",
        )
        parser.add_argument(
            "--weights", nargs="+", metavar="NAME", help="bundle only these weights (default: all)"
        )
        parser.add_argument(
            "--exclude-preinstalled",
            nargs="*",
            metavar="NAME",
            help="leave out distributions the target already has: bare, Kaggle's list "
            f"(torch, numpy, pandas, ...); or the names given ('{KAGGLE_LIST}' adds Kaggle's)",
        )
        parser.add_argument(
            "--kaggle", metavar="OWNER/SLUG", help="write dataset-metadata.json for this dataset"
        )
        parser.add_argument(
            "--size-limit",
            type=float,
            default=KAGGLE_SIZE_LIMIT_GB,
            metavar="GB",
            help=f"refuse a bigger bundle (default: {KAGGLE_SIZE_LIMIT_GB:g}, Kaggle's limit)",
        )
        parser.add_argument(
            "--no-verify", action="store_true", help="skip installing and loading it offline"
        )
        parser.add_argument(
            "--verify-python",
            default=sys.executable,
            metavar="PYTHON",
            help="the Python whose fresh venv installs the bundle offline (default: this one)",
        )
        parser.add_argument("--wheel", help="bundle this built wheel instead of building one")

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> Self:
        """The settings ``register_arguments``' options were parsed into."""
        if args.size_limit <= 0:
            raise UsageError(f"--size-limit {args.size_limit:g} must be above 0 GB")
        project = Path(args.project)
        directory = Path(args.directory) if args.directory else project / DEFAULT_DIRECTORY
        return cls(
            project=project,
            directory=directory,
            target=Target(args.python, args.platform),
            weights=tuple(args.weights) if args.weights else None,
            preinstalled=preinstalled_names(args.exclude_preinstalled),
            kaggle=check_dataset_id(args.kaggle) if args.kaggle else None,
            size_limit_gb=args.size_limit,
            verify=not args.no_verify,
            verify_python=args.verify_python,
            wheel=Path(args.wheel) if args.wheel else None,
        )
