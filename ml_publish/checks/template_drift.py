"""TPL: the project records the template that made it, keeps up with it, and has no conflicts.

``ml-publish update`` merges a later template into a project from the record in
``[tool.ml-publish.template]``; these checks say when the record is missing or broken, when a
newer template is installed, and when an update (or any merge) left conflict markers behind.
"""

from __future__ import annotations

from ml_publish.checks.base import Skip, check
from ml_publish.checks.facts import RepositoryFacts, UnreadableFile
from ml_publish.conflict_markers import baselined, conflict_lines, text_of
from ml_publish.template_record import TABLE, record_problem, template_table
from ml_publish.versions import version_key

DIST_INFO_PREFIX = "ml_publish-"
DIST_INFO = ".dist-info"


def recorded(facts: RepositoryFacts) -> dict[str, object]:
    """The record, once TPL101 has passed."""
    table = template_table(facts.pyproject())
    assert isinstance(table, dict)
    return table


def installed_version() -> str | None:
    """The version of the ml-publish distribution on the import path, from its ``.dist-info``.

    Found by listing the path's directories: importlib.metadata would add a fifth to the
    start-up of a check pre-commit runs on every commit.
    """
    import os
    import sys

    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(DIST_INFO) and name.lower().startswith(DIST_INFO_PREFIX):
                return name[len(DIST_INFO_PREFIX) : -len(DIST_INFO)]
    return None


def answer_problems(answers: dict[str, object], same_template: bool) -> list[str]:
    """Answers the installed template would refuse; and, for its own version, ones missing or
    unknown to it."""
    from ml_publish.template_files import FLAG_WORDS, template_questions

    questions = template_questions()
    problems = []
    for name, raw in answers.items():
        value = {True: "yes", False: "no"}.get(raw, str(raw)) if isinstance(raw, bool) else str(raw)
        if name not in questions:
            if same_template:
                problems.append(f"{name} is not a question of the template")
            continue
        choices, is_flag = questions[name]
        if choices and value not in choices:
            problems.append(f"{name} = {value!r} is not one of {', '.join(choices)}")
        elif is_flag and value.lower() not in FLAG_WORDS:
            problems.append(f"{name} = {value!r} is not yes or no")
    if same_template:
        problems += [f"{name} has no answer" for name in questions if name not in answers]
    return problems


@check("TPL101", requires=("PKG101",))
def template_recorded(facts: RepositoryFacts) -> str | None:
    """pyproject.toml records the template's version and valid answers."""
    table = template_table(facts.pyproject())
    if table is None and not facts.tool("ml-publish"):
        # No [tool.ml-publish] at all: a repository ml-publish did not make has nothing to
        # update (it may still use the hooks and weights init).
        raise Skip("no [tool.ml-publish] table: not a project made by ml-publish new or adopt")
    if table is None:
        return (
            f"pyproject.toml has no {TABLE}; run ml-publish update --from VERSION with the "
            "ml-publish version that made the project, to record it"
        )
    problem = record_problem(table)
    if problem:
        return problem
    assert isinstance(table, dict)
    same = table["version"] == installed_version()
    problems = answer_problems(table["answers"], same)
    if problems:
        return (
            f"answers in {TABLE}: {'; '.join(problems)}; correct them with ml-publish update "
            "KEY=VALUE"
        )
    return None


@check("TPL102", requires=("TPL101",))
def template_current(facts: RepositoryFacts) -> str | None:
    """The template is not older than the installed ml-publish's."""
    installed = installed_version()
    if installed is None:
        raise Skip(
            "ml-publish is not installed in the environment that runs the check, so there is "
            "no template version to compare with"
        )
    version = str(recorded(facts)["version"])
    ours, newest = version_key(version), version_key(installed)
    if ours is not None and newest is not None and ours < newest:
        return (
            f"the project has the template of ml-publish {version}, and {installed} is "
            "installed; run `ml-publish update` to merge the newer template in"
        )
    return None


def recorded_conflicts(facts: RepositoryFacts) -> dict[str, int]:
    """The conflicts adopt recorded per file; none where there is no readable pyproject.toml
    (this check needs none: markers fail a bare repository too)."""
    try:
        return baselined(facts.tool("ml-publish").get("check"))
    except UnreadableFile:
        return {}


@check("TPL103")
def no_conflict_markers(facts: RepositoryFacts) -> str | None:
    """No conflict markers are left in tracked text files (but the ones adopt recorded)."""
    tracked = facts.tracked_files()
    if tracked is None:
        raise Skip("not a git repository, so there are no tracked files")
    # Files committed with markers before adopt, as many as they had then (the baseline).
    allowed = recorded_conflicts(facts)
    found = []
    for name in tracked:
        path = facts.root / name
        if not path.is_file() or path.is_symlink():
            continue
        data = path.read_bytes()
        text = text_of(data) if b"<<<<<<<" in data else None
        lines = conflict_lines(text or "")
        if len(lines) > allowed.get(name, 0):
            found += [f"{name}:{line}" for line in lines]
    if found:
        shown = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
        return f"resolve the conflicts marked with <<<<<<< at {shown}, then commit"
    return None
