"""``ml-publish update``: bring the project up to a later template with a three-way merge."""

from __future__ import annotations

import sys
from argparse import Namespace

from ml_publish.errors import UsageError
from ml_publish.update.questions import ask_new_questions, describe_read_answers, given_answers
from ml_publish.update.update_settings import UpdateSettings
from ml_publish.update.updating import apply_update, plan_update, prepare_update

register_arguments = UpdateSettings.register_arguments


def run(args: Namespace) -> int:
    settings = UpdateSettings.from_arguments(args)
    prepared = prepare_update(
        settings.path,
        to=settings.to,
        from_version=settings.from_version,
        base_wheel=settings.base_wheel,
    )
    given = given_answers(prepared, settings.assignments)
    if prepared.record is None:
        print(describe_read_answers(prepared, given))
        if settings.asking and not confirm("Use these answers?"):
            return 2
    if settings.asking and sys.stdin.isatty():
        given.update(ask_new_questions(prepared, given))
    plan = plan_update(prepared, given)
    print(plan.describe())
    if settings.dry_run:
        print(plan.diff(), end="")
        print("--dry-run: nothing was changed")
        return 0
    if not plan.writes:
        if plan.failed:
            print(plan.report())
        return 1 if plan.failed else 0
    if settings.asking and not confirm("\nApply this update?"):
        return 2
    apply_update(plan)
    print(plan.report())
    return 1 if plan.failed else 0


def confirm(question: str) -> bool:
    """Ask on a terminal; refuse (with the flag to pass) when nobody can answer."""
    if not sys.stdin.isatty():
        raise UsageError(
            "update changes the project; pass --yes to apply the update without a terminal"
        )
    return input(f"{question} [y/N] ").strip().lower() in {"y", "yes"}
