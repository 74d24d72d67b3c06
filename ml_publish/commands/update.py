"""``ml-publish update``: bring the project up to a later template with a three-way merge."""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

from ml_publish.errors import UsageError
from ml_publish.template import parse_assignments, prompts
from ml_publish.update.updating import (
    Preparation,
    apply_update,
    new_defaults,
    plan_update,
    prepare_update,
)


def run(args: Namespace) -> int:
    # `ml-publish update support=x`: the first KEY=VALUE lands in PATH's place.
    if "=" in args.path and not Path(args.path).exists():
        args.assignments.insert(0, args.path)
        args.path = "."
    prepared = prepare_update(
        Path(args.path),
        to=args.to,
        from_version=args.from_version,
        base_wheel=Path(args.base_wheel) if args.base_wheel else None,
    )
    given = parse_assignments(args.assignments, prepared.target.root)
    asking = not (args.yes or args.dry_run)
    if prepared.record is None:
        print(describe_read_answers(prepared, given))
        if asking and not confirm("Use these answers?"):
            return 2
    if asking and sys.stdin.isatty():
        given.update(ask_new_questions(prepared, given))
    plan = plan_update(prepared, given)
    print(plan.describe())
    if args.dry_run:
        print(plan.diff(), end="")
        print("--dry-run: nothing was changed")
        return 0
    if not plan.writes:
        if plan.failed:
            print(plan.report())
        return 1 if plan.failed else 0
    if asking and not confirm("\nApply this update?"):
        return 2
    apply_update(plan)
    print(plan.report())
    return 1 if plan.failed else 0


def describe_read_answers(prepared: Preparation, given: dict[str, str]) -> str:
    """The answers read from a project that does not record them, for the user to confirm."""
    lines = [
        f"No template record in pyproject.toml: the template of ml-publish "
        f"{prepared.base.version} is rendered with these answers, read from the project "
        "(pass KEY=VALUE to correct one):"
    ]
    lines += [f"  {name} = {value!r}" for name, value in {**prepared.answers, **given}.items()]
    return "\n".join(lines)


def ask_new_questions(prepared: Preparation, given: dict[str, str]) -> dict[str, str]:
    """On a terminal, ask each question the template added since the project was made."""
    defaults = new_defaults(prepared, given)
    questions = prompts(prepared.target.root)
    answers: dict[str, str] = {}
    for variable in prepared.new_variables:
        if variable.name in given:
            continue
        choices = f" ({', '.join(variable.choices)})" if variable.choices else ""
        question = f"New question: {questions.get(variable.name, variable.name)}{choices}"
        while variable.name not in answers:
            typed = input(f"{question} [{defaults[variable.name]}]: ").strip()
            try:
                answers.update(
                    parse_assignments(
                        [f"{variable.name}={typed or defaults[variable.name]}"],
                        prepared.target.root,
                    )
                )
            except UsageError as error:
                print(error)
    return answers


def confirm(question: str) -> bool:
    """Ask on a terminal; refuse (with the flag to pass) when nobody can answer."""
    if not sys.stdin.isatty():
        raise UsageError(
            "update changes the project; pass --yes to apply the update without a terminal"
        )
    return input(f"{question} [y/N] ").strip().lower() in {"y", "yes"}
