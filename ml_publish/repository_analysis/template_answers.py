"""The template's answers a repository already gives: its name, setup.py's or Poetry's
metadata, black's line length, the Python it requires, torch among its requirements, its git
remote and its license file. adopt renders the template with them; update reads them back from
a project that predates the record of its answers.
"""

from __future__ import annotations

import re

from ml_publish import git, template
from ml_publish.licenses import recognise_license
from ml_publish.repository_analysis.analyse import RepositoryAnalysis
from ml_publish.repository_analysis.code_style import project_line_length
from ml_publish.repository_analysis.version_module import package_version_module
from ml_publish.versions import VERSION_LINE

TEMPLATE_LICENSE_FILE = "LICENSE"
# The template's name for a license whose SPDX identifier it does not use as its choice.
TEMPLATE_CHOICES = {"LicenseRef-Proprietary": "Proprietary"}


def repository_license(analysis: RepositoryAnalysis) -> str | None:
    """The SPDX identifier the repository's own license file is recognised as."""
    if analysis.license_file is None:
        return None
    return recognise_license((analysis.root / analysis.license_file).read_text(errors="replace"))


def line_length_of(analysis: RepositoryAnalysis) -> str | None:
    """black's line length, else flake8's (see line_lengths.py)."""
    length = project_line_length(analysis.root)
    return None if length is None else str(length)


def version_in_root_modules(analysis: RepositoryAnalysis) -> str | None:
    """A ``__version__ = "..."`` literal in a root module, as 2016-style setup.py files read it."""
    for file in analysis.python_files:
        if "/" not in file.path and not file.facts.parse_error:
            text = (analysis.root / file.path).read_text(encoding="utf-8", errors="replace")
            match = VERSION_LINE.search(text)
            if match:
                return match[2]
    return None


def python_requires_minimum(analysis: RepositoryAnalysis) -> str | None:
    """``3.8`` from a literal ``python_requires=">=3.8"`` in setup.py."""
    requires = analysis.setup_py_literals.get("python_requires")
    match = re.search(r">=\s*(3\.\d+)", str(requires or ""))
    return match[1] if match else None


def answers_for(
    analysis: RepositoryAnalysis, package: str, given: dict[str, str]
) -> tuple[dict[str, str], bool]:
    """Template answers read from the repository, ``given`` ones winning; and whether licensed."""
    answers: dict[str, str] = {"package_name": package, "include_notebook": "no"}
    repo_name = re.sub(r"[^A-Za-z0-9._-]+", "-", analysis.root.resolve().name).strip("-").lower()
    answers["repo_name"] = repo_name or package.replace("_", "-")
    answers["project_name"] = answers["repo_name"].replace("-", " ").replace("_", " ").title()
    setup = analysis.setup_py_literals
    if setup:
        for key, answer in (
            ("name", "distribution_name"),
            ("description", "description"),
            ("author", "author_name"),
            ("author_email", "author_email"),
            ("version", "version"),
        ):
            if isinstance(setup.get(key), str):
                answers[answer] = str(setup[key])
    poetry = analysis.poetry
    if poetry is not None:
        for value, answer in (
            (poetry.name, "distribution_name"),
            (poetry.description, "description"),
            (poetry.author[0] if poetry.author else None, "author_name"),
            (poetry.author[1] if poetry.author else None, "author_email"),
            (poetry.version, "version"),
        ):
            if value and answer not in answers:
                answers[answer] = value
    if "author_name" not in answers and (author := git.main_author(analysis.root)):
        # The LICENSE, CITATION.cff and [project] authors name who wrote the code, not a
        # placeholder: whoever made most of the commits, where no metadata says.
        answers["author_name"], answers["author_email"] = author
    if "version" not in answers:
        found = package_version_module(analysis.root, package)
        version = found[1] if found else version_in_root_modules(analysis)
        if version:
            answers["version"] = version
    length = line_length_of(analysis)
    if length and 79 <= int(length) <= 200:
        answers["line_length"] = length
    python = analysis.dependencies.python or python_requires_minimum(analysis)
    if python and python in template.template_variables()["python_min"].choices:
        answers["python_min"] = python
    uses_torch = any(
        r.name.lower() in {"torch", "pytorch"} for r in analysis.dependencies.requirements
    )
    answers["framework"] = "pytorch" if uses_torch else "none"
    origin = git.origin_repository(analysis.root)
    if origin:
        answers["github_owner"], answers["repo_name"] = origin.split("/")
    licensed = True
    recognised = repository_license(analysis)
    choice = TEMPLATE_CHOICES.get(recognised, recognised) if recognised else None
    if choice is not None and choice in template.template_variables()["license"].choices:
        answers["license"] = choice
        if analysis.license_file == TEMPLATE_LICENSE_FILE:
            # The template's LICENSE cannot go beside the author's of the same name, so the
            # author's license stands (adoption.py notes the ignored answer). Under another name
            # (MIT-LICENSE) an answer adds the template's LICENSE, the maintainer's choice.
            given = {key: value for key, value in given.items() if key != "license"}
    elif "license" not in given:
        licensed = False
    answers.update(given)
    return answers, licensed
