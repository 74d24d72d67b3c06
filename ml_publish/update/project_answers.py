"""Template answers read back from a project that predates ``[tool.ml-publish.template]``.

adopt's reading of a repository (setup.py, black settings, requirements, git remote, license
file) is the start; what a project made from the template says more exactly wins over it:
``[project]`` in pyproject.toml, the package's ``__version__``, the README's title and the
files only some answers render (the notebook, the demo app, the PyTorch modules).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ml_publish.repository_analysis.analyse import analyse_repository
from ml_publish.repository_analysis.template_answers import TEMPLATE_CHOICES, answers_for
from ml_publish.errors import UsageError
from ml_publish.template import template_variables
from ml_publish.toml_file import read_toml
from ml_publish.versions import VERSION_LINE

GITHUB_URL = re.compile(r"^https://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?$")
REQUIRES_PYTHON = re.compile(r"^\s*>=\s*(3\.\d+)")
TITLE = re.compile(r"^# (.+?)\s*$", re.MULTILINE)


def answers_from_project(root: Path, template: Path | None = None) -> dict[str, str]:
    """Every answer the project lets us read back; the template's defaults fill in the rest."""
    pyproject = read_pyproject(root)
    package = package_of(root, pyproject)
    answers, _ = answers_for(analyse_repository(root), package, {})
    answers.update(from_metadata(pyproject.get("project", {}), template))
    answers.update(from_files(root, package))
    # The template's PyTorch modules come with framework=pytorch, and with torch required.
    requirements = pyproject.get("project", {}).get("dependencies", [])
    uses_torch = any(str(r).strip().lower().startswith("torch") for r in requirements)
    has_model = (root / package / "model.py").is_file()
    answers["framework"] = "pytorch" if has_model and uses_torch else "none"
    black = pyproject.get("tool", {}).get("black", {})
    if isinstance(black, dict) and "line-length" in black:
        answers["line_length"] = str(black["line-length"])
    return answers


def read_pyproject(root: Path) -> dict[str, Any]:
    try:
        return read_toml(root / "pyproject.toml")
    except FileNotFoundError:
        raise UsageError(f"{root} has no pyproject.toml; is it a project made by ml-publish?")
    except ValueError as error:
        raise UsageError(f"pyproject.toml is not valid TOML: {error}") from None


def package_of(root: Path, pyproject: dict[str, Any]) -> str:
    """The import package: the wheel's, as hatch is told, else the one directory that is one."""
    wheel = pyproject.get("tool", {}).get("hatch", {}).get("build", {}).get("targets", {})
    packages = wheel.get("wheel", {}).get("packages", [])
    if packages:
        return Path(str(packages[0])).name
    found = sorted(
        init.parent.name for init in root.glob("*/__init__.py") if init.parent.name != "tests"
    )
    if len(found) != 1:
        raise UsageError(f"cannot tell the package of {root}; pass package_name=NAME")
    return found[0]


def from_metadata(project: dict[str, Any], template: Path | None) -> dict[str, str]:
    """Answers that ``[project]`` states: names, description, author, Python, license, URLs."""
    variables = template_variables(template)
    answers = {}
    for key, answer in (("name", "distribution_name"), ("description", "description")):
        if isinstance(project.get(key), str):
            answers[answer] = project[key]
    authors = project.get("authors") or [{}]
    for key, answer in (("name", "author_name"), ("email", "author_email")):
        if isinstance(authors[0], dict) and isinstance(authors[0].get(key), str):
            answers[answer] = authors[0][key]
    python = REQUIRES_PYTHON.match(str(project.get("requires-python", "")))
    if python and python[1] in variables["python_min"].choices:
        answers["python_min"] = python[1]
    license = str(project.get("license", ""))
    license = TEMPLATE_CHOICES.get(license, license)
    if license in variables["license"].choices:
        answers["license"] = license
    for url in (project.get("urls") or {}).values():
        match = GITHUB_URL.match(str(url))
        if match:
            answers["github_owner"], answers["repo_name"] = match[1], match[2]
            break
    return answers


def from_files(root: Path, package: str) -> dict[str, str]:
    """Answers the files show: version, title, notebook, demo app."""
    answers = {"package_name": package}
    init = root / package / "__init__.py"
    version = VERSION_LINE.search(init.read_text(encoding="utf-8")) if init.is_file() else None
    if version:
        answers["version"] = version[2]
    readme = root / "README.md"
    title = TITLE.search(readme.read_text(encoding="utf-8")) if readme.is_file() else None
    if title:
        answers["project_name"] = title[1]
    notebook = root / "notebooks" / "quickstart.ipynb"
    answers["include_notebook"] = "yes" if notebook.is_file() else "no"
    app = root / "app.py"
    text = app.read_text(encoding="utf-8", errors="replace") if app.is_file() else ""
    answers["demo_app"] = next((n for n in ("gradio", "streamlit") if n in text), "none")
    return answers
