"""The license an adopted repository declares, and how the rendered template files say it.

The repository's own license file is the license when its text is recognised and no
``license=`` answer names another: it stays where it is, under its own name (``MIT-LICENSE``,
``COPYING``, ``LICENSE.txt``), ``license-files`` names it, and no second LICENSE is written. A
recognised license the template does not offer (BSD-2-Clause, CC-BY-NC-4.0, ...) is declared
as it is; a GNU text is not, as it does not say whether it is -only or -or-later. Without a
license, every trace of one is removed from the rendered files: adopt never picks one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from ml_publish.repository_analysis.analyse import RepositoryAnalysis
from ml_publish.licenses import GNU_VARIANTS, expression_identifiers
from ml_publish.repository_analysis.template_answers import repository_license


def own_license(analysis: RepositoryAnalysis, rendered: str | None) -> str | None:
    """The license expression to declare for the repository's own license file, or ``None``
    when its file is not the license (unrecognised, or the ``license=`` answer names another).

    ``rendered`` is the expression the template rendered, ``None`` when it rendered none.
    """
    recognised = repository_license(analysis)
    if recognised is None:
        return None
    if rendered is None:
        # A GNU text does not say -only or -or-later; that stays the author's choice.
        return None if GNU_VARIANTS.match(recognised) else recognised
    same = recognised.lower() in {name.lower() for name in expression_identifiers(rendered)}
    return rendered if same else None


def gnu_license_item(analysis: RepositoryAnalysis) -> str | None:
    """The "needs a person" line for a GNU license file adopt declares nothing for (its text
    does not say -only or -or-later), so the choice is asked for rather than left unsaid."""
    recognised = repository_license(analysis)
    if recognised is None or not GNU_VARIANTS.match(recognised):
        return None
    answer = f"license={recognised}-only" if recognised == "GPL-3.0" else None
    declare = f'license = "{recognised}-only" (or "{recognised}-or-later") in [project]'
    return (
        f"{analysis.license_file} is the {recognised} text, which does not say -only or "
        f"-or-later, so no license is declared: "
        + (f"pass {answer} to adopt, or declare {declare}" if answer else f"declare {declare}")
    )


def rendered_expression(files: dict[str, bytes]) -> str | None:
    match = re.search(r'^license = "(.+)"$', files["pyproject.toml"].decode(), re.M)
    return match[1] if match else None


def readme_license(readme: str, expression: str | None, license_file: str) -> str:
    """The rendered README's license badge and License section, for the license declared."""
    badge = re.compile(r"^\[!\[License\]\(.*\)\]\(.*\)\n", re.M)
    section = re.compile(r"^(## License\n\n).*?(?=^## |\Z)", re.M | re.S)
    if expression is None:
        body = "**TODO:** choose a license (https://choosealicense.com) and add it as LICENSE.\n\n"
        return section.sub(lambda m: m[1] + body, badge.sub("", readme))
    shield = expression.replace("-", "--")
    line = f"[![License](https://img.shields.io/badge/license-{shield}-blue)]({license_file})\n"
    readme = badge.sub(lambda _: line, readme)
    return section.sub(lambda m: f"{m[1]}[{expression}]({license_file}).\n\n", readme)


def edit(files: dict[str, bytes], name: str, change: Callable[[str], str]) -> None:
    if name in files:
        files[name] = change(files[name].decode()).encode()


def without_license(files: dict[str, bytes]) -> dict[str, bytes]:
    """The rendered files with every trace of a license removed (nothing was chosen)."""
    files = {name: text for name, text in files.items() if name != "LICENSE"}
    edit(
        files,
        "pyproject.toml",
        lambda text: re.sub(r"^license(-files)? = .*\n", "", text, flags=re.M),
    )
    edit(files, "CITATION.cff", lambda text: re.sub(r"^license: .*\n", "", text, flags=re.M))
    edit(files, "README.md", lambda text: readme_license(text, None, "LICENSE"))
    return files


def naming_license_file(files: dict[str, bytes], license_file: str) -> dict[str, bytes]:
    """The rendered files pointing at the repository's license file instead of a new LICENSE."""
    if license_file == "LICENSE":
        return files
    files = {name: text for name, text in files.items() if name != "LICENSE"}
    listed = f"license-files = [{json.dumps(license_file)}]"
    edit(
        files,
        "pyproject.toml",
        lambda text: re.sub(r"^license-files = .*$", lambda _: listed, text, flags=re.M),
    )
    edit(files, "README.md", lambda text: text.replace("](LICENSE)", f"]({license_file})"))
    return files


def declaring_license(files: dict[str, bytes], expression: str) -> dict[str, bytes]:
    """The rendered files declaring ``expression``, a license the template does not offer."""
    files = dict(files)
    quoted = json.dumps(expression)
    edit(
        files,
        "pyproject.toml",
        lambda text: re.sub(r"^license = .*$", lambda _: f"license = {quoted}", text, flags=re.M),
    )
    edit(
        files,
        "CITATION.cff",
        lambda text: re.sub(r"^license: .*$", lambda _: f"license: {quoted}", text, flags=re.M),
    )
    edit(files, "README.md", lambda text: readme_license(text, expression, "LICENSE"))
    return files


def licensed_files(
    analysis: RepositoryAnalysis, files: dict[str, bytes], licensed: bool
) -> tuple[dict[str, bytes], bool]:
    """The rendered files with the license adopt declares, and whether it declares one."""
    expression = own_license(analysis, rendered_expression(files) if licensed else None)
    if expression is None or analysis.license_file is None:
        return (files if licensed else without_license(files)), licensed
    if not licensed:
        files = declaring_license(files, expression)
    return naming_license_file(files, analysis.license_file), True
