"""The ``ml-publish`` command line: argument parsing only; each subcommand calls one core in commands/.

Kept free of heavy imports (cookiecutter, rich, requests) so ``--help`` and pre-commit hooks start fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ml_publish import __version__
from ml_publish.errors import ReportedError, UsageError


def run_new(args: argparse.Namespace) -> int:
    from ml_publish.commands.new import new, next_steps

    project_dir = new(
        args.assignments,
        output_dir=args.output_dir,
        no_input=args.no_input,
        overwrite=args.overwrite,
    )
    print(next_steps(project_dir))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ml-publish",
        description="Turn a finished ML project into a package people can install and build on.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--verbose", action="store_true", help="show tracebacks when something goes wrong"
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    new = commands.add_parser(
        "new",
        help="create a new ML package from the bundled template (offline)",
        description="Render the ml-package template into OUTPUT_DIR/<repo_name>.",
    )
    new.add_argument(
        "-o",
        "--output-dir",
        type=Path,
        default=Path("."),
        help="where to create the project directory (default: the current directory)",
    )
    new.add_argument(
        "--no-input", action="store_true", help="take the defaults instead of asking"
    )
    new.add_argument(
        "--overwrite", action="store_true", help="render into an existing, non-empty directory"
    )
    new.add_argument(
        "assignments",
        nargs="*",
        metavar="KEY=VALUE",
        help="answers to template questions, e.g. project_name='Cell Counter' license=MIT",
    )
    new.set_defaults(handler=run_new)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        exit_code: int = args.handler(args)
    except ReportedError:
        if args.verbose:
            raise
        return 2
    except UsageError as error:
        if args.verbose:
            raise
        print(f"ml-publish: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ml-publish: interrupted", file=sys.stderr)
        return 130
    return exit_code
