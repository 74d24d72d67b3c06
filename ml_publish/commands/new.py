"""``ml-publish new``: render the bundled ml-package template into a new project, offline."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

from ml_publish.template import NewSettings, new_project

register_arguments = NewSettings.register_arguments


def run(args: Namespace) -> int:
    settings = NewSettings.from_arguments(args)
    project_dir = new_project(
        settings.assignments,
        output_dir=settings.output_dir,
        no_input=settings.no_input,
        overwrite=settings.overwrite,
    )
    print(next_steps(project_dir))
    return 0


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
