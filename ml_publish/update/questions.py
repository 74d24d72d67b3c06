"""What ``update`` shows and asks a person: the answers it read, and the template's new questions.

The template's parsing of ``KEY=VALUE`` and its prompts are reached from here, so the
``update`` command needs nothing but this package.
"""

from __future__ import annotations

from collections.abc import Sequence

from ml_publish.errors import UsageError
from ml_publish.template import parse_assignments, prompts
from ml_publish.update.updating import Preparation, new_defaults


def given_answers(prepared: Preparation, assignments: Sequence[str]) -> dict[str, str]:
    """The ``KEY=VALUE`` answers typed, checked against the target template's questions."""
    return parse_assignments(assignments, prepared.target.root)


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
