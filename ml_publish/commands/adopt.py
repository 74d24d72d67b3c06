"""``ml-publish adopt``: analyse the repository once, plan, ask, apply it, report.

The person's answers (which package, convert Python 2 files, a license, safetensors) are
``AdoptChoices``: each makes a new plan from the one analysis.
"""

from __future__ import annotations

import sys
from argparse import Namespace
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from ml_publish.adopt.adoption import analyse_for_adoption, carry_out, plan_for, report
from ml_publish.adopt.choices import AdoptChoices
from ml_publish.adopt.operations import Plan
from ml_publish.adopt.plan import SeveralPackages, with_safetensors
from ml_publish.adopt.adopt_settings import AdoptSettings
from ml_publish.errors import UsageError
from ml_publish.template import parse_assignments, template_variables

# A plan from the one analysis of the repository, for the choices given.
Planner = Callable[[AdoptChoices], Plan]

register_arguments = AdoptSettings.register_arguments


def run(args: Namespace) -> int:
    return adopt(AdoptSettings.from_arguments(args))


def adopt(settings: AdoptSettings) -> int:
    """Plan the adoption, ask what only a person can answer, apply it and report."""
    choices = AdoptChoices(
        package=settings.package,
        answers=parse_assignments(settings.assignments),
        modernize=settings.modernize,
        take_default_package=settings.yes or not sys.stdin.isatty(),
    )
    plan_with = partial(
        plan_for, analyse_for_adoption(settings.path, allow_dirty=settings.allow_dirty)
    )
    choices, plan = planned(plan_with, choices)
    if not (settings.yes or settings.dry_run):
        choices, plan = asked(plan_with, settings.path, choices, plan)
    print(plan.describe())
    if settings.dry_run:
        diff = plan.conversion_diff()
        if diff:
            print(f"\nPython 3 conversions (--modernize):\n{diff}", end="")
        print("\n--dry-run: nothing was changed")
        return 0
    if not settings.yes and not confirm("\nApply this plan?"):
        return 2
    adoption = carry_out(
        settings.path,
        plan,
        tree_was_clean=not settings.allow_dirty,
        format_code=settings.format_code,
    )
    print(report(adoption))
    return 0


def planned(plan_with: Planner, choices: AdoptChoices) -> tuple[AdoptChoices, Plan]:
    """The plan for ``choices``. When several packages could be the one, a terminal is asked;
    ``--yes`` (or no terminal) takes the default: a new package named after the repository,
    holding them all, which the plan's notes say."""
    try:
        return choices, plan_with(choices)
    except SeveralPackages as several:
        choices = replace(choices, package=ask_package(several), take_default_package=False)
        return choices, plan_with(choices)


def asked(
    plan_with: Planner, root: Path, choices: AdoptChoices, plan: Plan
) -> tuple[AdoptChoices, Plan]:
    """The choices and the plan once a person has answered what the plan leaves open."""
    if not choices.modernize and plan.unparseable and ask_to_modernize(plan):
        choices, plan = planned(plan_with, replace(choices, modernize=True))
    license_answer = ask_license(plan)
    if license_answer:
        choices, plan = planned(plan_with, choices.answering("license", license_answer))
    if offer_safetensors(root, plan):
        choices, plan = planned(plan_with, replace(choices, safetensors=True))
    return choices, plan


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


def offer_safetensors(root: Path, plan: Plan) -> bool:
    """On a terminal, offer to register the pickled PyTorch weights adopt untracks as
    safetensors (which loads without running code); whether the answer is yes."""
    pickled = with_safetensors(root, plan)[1]
    if not pickled or not sys.stdin.isatty():
        return False
    shown = ", ".join(pickled[:5]) + (" ..." if len(pickled) > 5 else "")
    return confirm(
        f"{len(pickled)} weight file(s) are pickled PyTorch checkpoints ({shown}); register "
        "them converted to safetensors, which loads without running code from the file?"
    )


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
    if not sys.stdin.isatty() or not plan.missing_license:
        return None
    choices = template_variables()["license"].choices
    answer = input(f"The repository has no LICENSE. Add one ({', '.join(choices)}, or none)? ")
    if answer.strip() in choices:
        return answer.strip()
    return None
