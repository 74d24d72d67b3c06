"""Refuse answers that would generate a broken project, before anything is written.

cookiecutter renders this file with the answers filled in, runs it, and removes the
half-made project directory when it exits non-zero.
"""

from __future__ import annotations

import keyword
import re
import sys

ANSWERS = {
    "repo_name": {{ cookiecutter.repo_name | tojson }},
    "package_name": {{ cookiecutter.package_name | tojson }},
    "distribution_name": {{ cookiecutter.distribution_name | tojson }},
    "github_owner": {{ cookiecutter.github_owner | tojson }},
    "version": {{ cookiecutter.version | tojson }},
    "python_min": {{ cookiecutter.python_min | tojson }},
    "line_length": {{ cookiecutter.line_length | string | tojson }},
    "framework": {{ cookiecutter.framework | tojson }},
    "demo_app": {{ cookiecutter.demo_app | tojson }},
    "doi": {{ cookiecutter.doi | tojson }},
    "paper": {{ cookiecutter.paper | tojson }},
    "hf_repo": {{ cookiecutter.hf_repo | tojson }},
}
# A Hub model repository, "owner/name", as ml-publish's Hub adapter accepts it.
HF_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
SUPPORTED_PYTHONS = {{ supported_pythons() | tojson }}

# PEP 508 names and the PEP 440 version grammar, as the specifications give them.
DISTRIBUTION_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
PEP440_VERSION = re.compile(
    r"""^\s*v?
    (?:(?:(?P<epoch>[0-9]+)!)?
    (?P<release>[0-9]+(?:\.[0-9]+)*)
    (?P<pre>[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?
    (?P<post>(?:-[0-9]+)|(?:[-_.]?(?:post|rev|r)[-_.]?[0-9]*))?
    (?P<dev>[-_.]?dev[-_.]?[0-9]*)?)
    (?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?
    \s*$""",
    re.VERBOSE | re.IGNORECASE,
)
GITHUB_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
GITHUB_REPO = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
# A bare DOI, as CITATION.cff's schema wants it (no https://doi.org/ in front).
DOI = re.compile(r"^10\.\d{4,9}(\.\d+)?/[A-Za-z0-9:/_;\-\.\(\)\[\]\\]+$")


def problem_with_package_name(name: str) -> str | None:
    suggestion = re.sub(r"\W+", "_", name).strip("_").lower() or "my_model"
    if suggestion[0].isdigit():
        suggestion = "model_" + suggestion
    if not name.isidentifier():
        return f"package_name {name!r} is not a valid Python identifier; try {suggestion!r}"
    if keyword.iskeyword(name):
        return f"package_name {name!r} is a Python keyword; try {name + '_model'!r}"
    if name in sys.stdlib_module_names:
        return (
            f"package_name {name!r} would shadow the standard-library module of that name; "
            f"try {name + '_model'!r}"
        )
    return None


def problems(answers: dict[str, str]) -> list[str]:
    found = []
    package_problem = problem_with_package_name(answers["package_name"])
    if package_problem:
        found.append(package_problem)
    if not DISTRIBUTION_NAME.match(answers["distribution_name"]):
        found.append(
            f"distribution_name {answers['distribution_name']!r} is not a valid PyPI name; "
            "use letters, digits, '.', '_' and '-', starting and ending with a letter or digit"
        )
    if not PEP440_VERSION.match(answers["version"]):
        found.append(
            f"version {answers['version']!r} is not a PEP 440 version; use one like 0.1.0 or 1.0.0b1"
        )
    if answers["python_min"] not in SUPPORTED_PYTHONS:
        found.append(
            f"python_min {answers['python_min']!r} is not offered; "
            f"choose one of {', '.join(SUPPORTED_PYTHONS)}"
        )
    if not GITHUB_OWNER.match(answers["github_owner"]):
        found.append(
            f"github_owner {answers['github_owner']!r} is not a GitHub user or organisation name; "
            "use letters, digits and single hyphens"
        )
    if not GITHUB_REPO.match(answers["repo_name"]):
        found.append(
            f"repo_name {answers['repo_name']!r} is not a GitHub repository name; "
            "use letters, digits, '.', '_' and '-'"
        )
    if not answers["line_length"].isdigit() or not 79 <= int(answers["line_length"]) <= 200:
        found.append(f"line_length {answers['line_length']!r} must be a whole number from 79 to 200")
    if answers["demo_app"] != "none" and answers["framework"] != "pytorch":
        found.append(
            f"demo_app {answers['demo_app']!r} runs a model and needs framework 'pytorch'; "
            "choose demo_app none"
        )
    if answers["doi"] and not DOI.match(answers["doi"]):
        found.append(
            f"doi {answers['doi']!r} is not a DOI; write it bare, like 10.5281/zenodo.1234567"
        )
    paper = re.sub(r"^(https://doi\.org/|doi:)", "", answers["paper"])
    if paper and not DOI.match(paper) and not re.match(r"^https?://\S+$", paper):
        found.append(
            f"paper {answers['paper']!r} is neither a DOI (10.1234/abc) nor an http(s) URL"
        )
    if answers["hf_repo"] and not HF_REPO.match(answers["hf_repo"]):
        found.append(
            f"hf_repo {answers['hf_repo']!r} is not a Hugging Face Hub repository; write it as "
            "owner/name"
        )
    return found


def main() -> int:
    found = problems(ANSWERS)
    for problem in found:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
