"""``ml-publish update`` of a generated project (its base template cached) against ``ml-publish
new`` of the same answers.

The project is made by an earlier release's template (this checkout's, as version 0.0.1, put
where update caches downloaded templates), committed, and updated to the installed template:
two renders, a three-way merge per changed file and pyproject.toml merged per key, against one
render. Goal: at most 2x. Run from a checkout with ml-publish installed:
``python benchmarks/update.py``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_seconds, report

from ml_publish.template import render, resolve_answers
from ml_publish.template_files import template_dir
from ml_publish.update.sources import cached_template, template_root

RUNS = 9
BASE_VERSION = "0.0.1"
ANSWERS = ["project_name=Otter Tracker", "github_owner=otter-lab"]


def cache_base_template() -> Path:
    """This checkout's template as release ``BASE_VERSION``'s, where update keeps templates."""
    unpacked = cached_template(BASE_VERSION)
    shutil.copytree(template_dir(), template_root(unpacked))
    init = template_dir().parent / "ml_publish" / "__init__.py"
    if not init.is_file():  # an installed ml-publish: __init__.py is next to _template/
        init = template_dir().parents[1] / "__init__.py"
    text = re.sub(
        r'^__version__ = "[^"]+"', f'__version__ = "{BASE_VERSION}"', init.read_text(), flags=re.M
    )
    (unpacked / "ml_publish" / "__init__.py").write_text(text, encoding="utf-8")
    return template_root(unpacked)


def committed_project(output: Path, base_template: Path) -> Path:
    """A project rendered by the base template, committed to git."""
    given = dict(answer.split("=", 1) for answer in ANSWERS)
    answers = resolve_answers(given, no_input=True, template=base_template)
    project = render(answers, output, overwrite=False, template=base_template)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    for command in (["init", "-q"], ["add", "--all"], ["commit", "-qm", "base"]):
        subprocess.run([*git, *command], cwd=project, check=True)
    return project


def main() -> None:
    ml_publish = shutil.which("ml-publish") or sys.exit("install ml-publish first")
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["XDG_CACHE_HOME"] = str(Path(scratch) / "cache")
        project = committed_project(Path(scratch) / "projects", cache_base_template())
        output = Path(scratch) / "out"

        def clear_output() -> None:
            shutil.rmtree(output, ignore_errors=True)

        def restore_project() -> None:
            subprocess.run(["git", "reset", "-q", "--hard"], cwd=project, check=True)
            subprocess.run(["git", "clean", "-qfd"], cwd=project, check=True)

        reference = median_seconds(
            [ml_publish, "new", "--no-input", "-o", str(output), *ANSWERS], RUNS, clear_output
        )
        measured = median_seconds(
            [ml_publish, "update", "--yes", str(project)], RUNS, restore_project
        )
    report("ml-publish update (base cached)", measured, reference, "ml-publish new", "<= 2x")


if __name__ == "__main__":
    main()
