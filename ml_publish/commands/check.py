"""``ml-publish check``: audit a repository, show the results, exit 1 when a check failed."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

from ml_publish.checks.report import print_report
from ml_publish.checks.runner import exit_code, list_checks, run_checks


def run(args: Namespace) -> int:
    if args.list:
        print(list_checks())
        return 0
    results = run_checks(
        Path(args.path), select=comma_separated(args.select), ignore=comma_separated(args.ignore)
    )
    print_report(results, args.format, args.path)
    return exit_code(results)


def comma_separated(values: list[str]) -> list[str]:
    return [word for value in values for word in value.split(",") if word.strip()]
