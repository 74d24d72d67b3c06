"""A README PyPI cannot render as reStructuredText is declared plain text, so the release builds.

The author's README stays the repository's README, as written, and GitHub renders it as before
(GitHub allows ``.. raw:: html``; PyPI does not). Only ``[project] readme`` changes: it names the
same file with ``content-type = "text/plain"``, which readme_renderer always renders, so the dists
pass ``twine check --strict``. A sanitised copy (``README.pypi.rst``) would render better on
PyPI, but it would be a second README: the weights table (written to the file ``[project]
readme`` names), ``update`` and every later edit would go to one of the two, and the other would
go stale. The problem is listed under "needs a person" instead, with the line to fix; once the
README renders, removing the content type gives the rendered page.
"""

from __future__ import annotations

from dataclasses import dataclass

import tomlkit

from ml_publish.adopt.merge import merge_readme, tidy_toml
from ml_publish.adopt.readme import markup_of, project_readme
from ml_publish.checks.long_description import PLAIN, RST, declared_content_type, rst_problem


@dataclass(frozen=True)
class DeclarePlainReadme:
    """Declare the README ``path`` as plain text in ``[project] readme``: PyPI cannot render it
    as reStructuredText (``problem`` says why)."""

    path: str
    problem: str

    def describe(self) -> str:
        return (
            f"readme    [project] readme = {self.path} as text/plain: PyPI cannot render it as "
            f"reStructuredText ({self.problem})"
        )

    def needs_a_person(self) -> str:
        return (
            f"{self.path} will not render on PyPI ({self.problem}): [project] readme declares it "
            "text/plain, so the release passes twine check; fix that and remove the "
            "content-type to have PyPI render it"
        )


def readme_problem(
    path: str, text: str, pyproject: str, template_readme: str | None
) -> DeclarePlainReadme | None:
    """The operation for the README ``path`` (``text`` before adopt) when PyPI will not render
    it as reStructuredText once adopt has appended the template's sections (from
    ``template_readme``, when it merges them); ``None`` when it renders or is not declared rst.
    """
    declared = project_readme(pyproject)
    if markup_of(path) != "rst" or declared_content_type(declared, path) != RST:
        return None
    merged = merge_readme(text, template_readme, path) if template_readme is not None else text
    problem = rst_problem(merged)
    return None if problem is None else DeclarePlainReadme(path, problem)


def with_plain_readme(pyproject: str, path: str) -> str:
    """``pyproject`` with ``[project] readme`` naming ``path`` as plain text; unchanged when it
    already does (or has no ``[project]``)."""
    document = tomlkit.parse(pyproject)
    project = document.get("project")
    if project is None:
        return pyproject
    current = project.get("readme")
    if isinstance(current, dict) and dict(current) == {"file": path, "content-type": PLAIN}:
        return pyproject
    table = tomlkit.inline_table()
    table.update({"file": path, "content-type": PLAIN})
    project["readme"] = table
    return tidy_toml(tomlkit.dumps(document))
