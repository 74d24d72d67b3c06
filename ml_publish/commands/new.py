"""``ml-publish new``: render the bundled ml-package template into a new project, offline."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ml_publish import template
from ml_publish.errors import UsageError


def parse_assignments(assignments: Sequence[str]) -> dict[str, str]:
    """Turn ``KEY=VALUE`` words into template answers, refusing unknown keys and invalid choices."""
    variables = template.template_variables()
    answers: dict[str, str] = {}
    for assignment in assignments:
        key, separator, value = assignment.partition("=")
        if not separator or not key:
            raise UsageError(f"{assignment!r} is not KEY=VALUE; for example license=MIT")
        if key not in variables:
            raise UsageError(
                f"unknown template variable {key!r}; valid ones: {', '.join(variables)}"
            )
        choices = variables[key].choices
        if choices and value not in choices:
            raise UsageError(f"{key} must be one of {', '.join(choices)}, not {value!r}")
        if variables[key].is_flag and value.lower() not in template.FLAG_WORDS:
            raise UsageError(f"{key} must be yes or no, not {value!r}")
        answers[key] = value
    return answers


def is_empty_dir_or_missing(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def new(
    assignments: Sequence[str],
    *,
    output_dir: Path,
    no_input: bool = False,
    overwrite: bool = False,
) -> Path:
    """Create a project from the template and return its directory."""
    answers = template.resolve_answers(parse_assignments(assignments), no_input=no_input)
    project_dir = output_dir / answers["repo_name"]
    if not overwrite and not is_empty_dir_or_missing(project_dir):
        raise UsageError(
            f"{project_dir} already exists and is not empty; choose another output directory "
            "or pass --overwrite"
        )
    # An empty directory is as good as none; cookiecutter only accepts one when told to overwrite.
    return template.render(answers, output_dir, overwrite=overwrite or project_dir.exists())


def next_steps(project_dir: Path) -> str:
    """What to type after ``ml-publish new``."""
    return "\n".join(
        [
            f"Created {project_dir}",
            "Next:",
            f"  cd {project_dir}",
            "  git init && git add . && git commit -m 'Start from the ml-publish template'",
            '  pip install -e ".[dev,test]" && pre-commit install && pytest',
        ]
    )
