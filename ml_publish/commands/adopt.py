"""``ml-publish adopt``: plan the restructuring, ask, apply it, report."""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

from ml_publish.adopt.adoption import carry_out, plan_adoption, report
from ml_publish.adopt.operations import Plan
from ml_publish.adopt.plan import NO_LICENSE_ITEM, SeveralPackages, with_safetensors
from ml_publish.errors import UsageError
from ml_publish.template import parse_assignments, template_variables


def run(args: Namespace) -> int:
    # `ml-publish adopt license=MIT`: the first KEY=VALUE lands in PATH's place.
    if "=" in args.path and not Path(args.path).exists():
        args.assignments.insert(0, args.path)
        args.path = "."
    answers = parse_assignments(args.assignments)
    plan = make_plan(args, answers)
    interactive = not (args.yes or args.dry_run)
    if interactive and not args.modernize and plan.unparseable and ask_to_modernize(plan):
        args.modernize = True
        plan = make_plan(args, answers)
    license_answer = ask_license(plan) if interactive else None
    if license_answer:
        answers["license"] = license_answer
        plan = make_plan(args, answers)
    if interactive:
        plan = offer_safetensors(Path(args.path), plan)
    print(plan.describe())
    if args.dry_run:
        diff = plan.conversion_diff()
        if diff:
            print(f"\nPython 3 conversions (--modernize):\n{diff}", end="")
        print("\n--dry-run: nothing was changed")
        return 0
    if not args.yes and not confirm("\nApply this plan?"):
        return 2
    adoption = carry_out(
        Path(args.path), plan, tree_was_clean=not args.allow_dirty, format_code=not args.no_format
    )
    print(report(adoption))
    return 0


def make_plan(args: Namespace, answers: dict[str, str]) -> Plan:
    """The plan for the options given. When several packages could be the one, a terminal is
    asked; ``--yes`` (or no terminal) takes the default: a new package named after the
    repository, holding them all, which the plan's notes say."""

    def plan_for(package: str | None, take_default: bool) -> Plan:
        return plan_adoption(
            Path(args.path),
            package=package,
            answers=answers,
            allow_dirty=args.allow_dirty,
            modernize=args.modernize,
            take_default_package=take_default,
        )

    try:
        return plan_for(args.package, args.yes or not sys.stdin.isatty())
    except SeveralPackages as several:
        args.package = ask_package(several)
        return plan_for(args.package, False)


def ask_to_modernize(plan: Plan) -> bool:
    """On a terminal, offer to convert the files that are not Python 3."""
    if not sys.stdin.isatty():
        return False
    names = sorted(plan.unparseable)
    shown = ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")
    return confirm(
        f"{len(names)} file(s) are not Python 3 ({shown}); convert them with fissix "
        "(adopt --modernize)?"
    )


def offer_safetensors(root: Path, plan: Plan) -> Plan:
    """On a terminal, offer to register the pickled PyTorch weights adopt untracks as
    safetensors (which loads without running code); the plan with or without it."""
    converted, pickled = with_safetensors(root, plan)
    if not pickled or not sys.stdin.isatty():
        return plan
    shown = ", ".join(pickled[:5]) + (" ..." if len(pickled) > 5 else "")
    question = (
        f"{len(pickled)} weight file(s) are pickled PyTorch checkpoints ({shown}); register "
        "them converted to safetensors, which loads without running code from the file?"
    )
    return converted if confirm(question) else plan


def ask_package(several: SeveralPackages) -> str:
    """On a terminal, ask which of the repository's packages is the one to publish; Enter takes
    the default, a new package named after the repository holding them all."""
    answer = input(
        f"Which package is the one to publish ({', '.join(several.candidates)}; Enter for a new "
        f"package {several.default!r} holding them all)? "
    )
    return answer.strip() or several.default


def confirm(question: str) -> bool:
    """Ask on a terminal; refuse (with the flag to pass) when nobody can answer."""
    if not sys.stdin.isatty():
        raise UsageError(
            "adopt changes the repository; pass --yes to apply the plan without a terminal"
        )
    return input(f"{question} [y/N] ").strip().lower() in {"y", "yes"}


def ask_license(plan: Plan) -> str | None:
    """On a terminal, ask for the license the repository lacks (adopt never picks one)."""
    if not sys.stdin.isatty() or not any(
        item.startswith(NO_LICENSE_ITEM) for item in plan.needs_a_person
    ):
        return None
    choices = template_variables()["license"].choices
    answer = input(f"The repository has no LICENSE. Add one ({', '.join(choices)}, or none)? ")
    if answer.strip() in choices:
        return answer.strip()
    return None
