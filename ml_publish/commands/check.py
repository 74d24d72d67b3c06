"""``ml-publish check``: audit a repository, show the results, exit 1 when a check failed."""

from __future__ import annotations

from argparse import Namespace

from ml_publish.checks.check_settings import CheckSettings
from ml_publish.checks.report import print_report
from ml_publish.checks.runner import exit_code, list_checks, run_checks

register_arguments = CheckSettings.register_arguments


def run(args: Namespace) -> int:
    settings = CheckSettings.from_arguments(args)
    if settings.list_checks:
        print(list_checks())
        return 0
    results = run_checks(settings.root, select=settings.select, ignore=settings.ignore)
    print_report(results, settings.format, settings.path)
    return exit_code(results)
