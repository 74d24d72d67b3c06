"""DOC: a README that says how to install and use the model, a LICENSE, a valid CITATION.cff."""

from __future__ import annotations

import re


from ml_publish.checks.base import Skip, check
from ml_publish.checks.facts import NOT_FOUND, RepositoryFacts, UnreadableFile
from ml_publish.licenses import expression_identifiers, recognise_license
from ml_publish.versions import VERSION_LINE, same_version

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ml_publish.weights.registry import WeightEntry

CITATION_FILE = "CITATION.cff"
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
RST_HEADING = re.compile(r"^(\S.*)\n[=\-~^\"'`#*+]{3,}\s*$", re.MULTILINE)
# Code blocks: their "# comment" lines are not headings.
FENCED_CODE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
INSTALL_WORDS = re.compile(r"install|setup|getting started", re.IGNORECASE)
USAGE_WORDS = re.compile(
    r"usage|inference|predict|quick ?start|getting started|example|how to use|demo",
    re.IGNORECASE,
)
# The keys CITATION.cff 1.2.0 allows at the top level, and the ones it requires.
CFF_KEYS = set(
    "abstract authors cff-version commit contact date-released doi identifiers keywords license "
    "license-url message preferred-citation references repository repository-artifact "
    "repository-code title type url version".split()
)
CFF_REQUIRED = ("cff-version", "message", "title", "authors")
CFF_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CFF_DOI = re.compile(r"^10\.\d{4,9}(\.\d+)?/[A-Za-z0-9:/_;\-\.\(\)\[\]\\]+$")


def headings(facts: RepositoryFacts) -> list[str]:
    name = facts.readme_name()
    text = facts.text(name) if name else None
    if text is None:
        raise Skip("no README")
    prose = FENCED_CODE.sub("", text)
    return MARKDOWN_HEADING.findall(prose) + RST_HEADING.findall(prose)


def heading_example(facts: RepositoryFacts, title: str) -> str:
    """A heading as the README's markup writes it: ``'## Usage'`` or an underlined title."""
    name = facts.readme_name() or ""
    if name.lower().endswith((".rst", ".txt")) or "." not in name:
        return f"'{title}' (underlined with ---)"
    return f"'## {title}'"


@check("DOC101")
def readme_present(facts: RepositoryFacts) -> str | None:
    """A README exists."""
    if facts.readme_name() is None:
        return "add a README.md: what the model does, how to install it, how to run inference"
    return None


@check("DOC102", requires=("DOC101",))
def readme_install_section(facts: RepositoryFacts) -> str | None:
    """The README has an installation section."""
    if not any(INSTALL_WORDS.search(heading) for heading in headings(facts)):
        section = heading_example(facts, "Installation")
        return f"add an {section} section to the README with the pip install command"
    return None


@check("DOC103", requires=("DOC101",))
def readme_usage_section(facts: RepositoryFacts) -> str | None:
    """The README has a usage or inference section."""
    if not any(USAGE_WORDS.search(heading) for heading in headings(facts)):
        section = f"{heading_example(facts, 'Inference')} (or {heading_example(facts, 'Usage')})"
        return f"add an {section} section with a short code example"
    return None


def registered_weights(facts: RepositoryFacts) -> list[WeightEntry]:
    """The registry's entries as the README table shows them."""
    raw_entries = facts.registry()["weights"]
    if not raw_entries:
        return []
    from ml_publish.weights.registry import RegistryError, entry_from_json

    registry = facts.registry_path()
    assert registry is not None
    try:
        return [entry_from_json(registry, i, raw) for i, raw in enumerate(raw_entries)]
    except RegistryError as error:
        raise Skip(f"the registry has invalid entries ({error})") from None


@check("DOC104", requires=("DOC101", "WGT101"))
def readme_weights_table_in_sync(facts: RepositoryFacts) -> str | None:
    """The README's pretrained-weights table matches the registry."""
    from ml_publish.weights.table import render_for, table_in, table_markers

    entries = registered_weights(facts)
    name = facts.readme_name() or ""
    rst = name.lower().endswith(".rst")
    table = table_in(facts.text(name) or "", rst)
    if table is None:
        if not entries:
            raise Skip("no weights registered and no weights table")
        start, end = table_markers(rst)
        return f"add {start} and {end} to {name}, then run ml-publish weights table"
    if table.strip() != render_for(entries, rst).strip():
        return f"{name}'s weights table is out of date; run ml-publish weights table"
    return None


@check("DOC105")
def license_present(facts: RepositoryFacts) -> str | None:
    """A LICENSE file exists."""
    if facts.license_name() is not None:
        return None
    others = facts.other_license_names()
    if others:
        return (
            f"no license for the code: {', '.join(others)} is named for something else "
            "(weights, data, docs); add a LICENSE file for the code "
            "(choose one at https://choosealicense.com)"
        )
    return (
        "add a LICENSE file: without one nobody may reuse the code or the weights "
        "(choose one at https://choosealicense.com)"
    )


@check("DOC106", requires=("DOC105",))
def license_recognised(facts: RepositoryFacts) -> str | None:
    """The LICENSE text is a license ml-publish recognises (SPDX)."""
    name = facts.license_name() or ""
    if recognise_license(facts.text(name) or "") is None:
        return (
            f"{name} is not a text ml-publish recognises; use the unmodified text of an SPDX "
            "license (MIT, BSD-3-Clause, Apache-2.0, GPL-3.0, CC-BY-4.0, ...)"
        )
    return None


@check("DOC107", requires=("DOC106", "PKG101"))
def license_matches_metadata(facts: RepositoryFacts) -> str | None:
    """The LICENSE file is the license pyproject.toml declares."""
    declared = facts.project_table().get("license")
    if isinstance(declared, dict):
        declared = declared.get("text")
    if not declared:
        raise Skip("no license expression in [project]")
    name = facts.license_name() or ""
    found = recognise_license(facts.text(name) or "")
    declared_ids = {identifier.lower() for identifier in expression_identifiers(str(declared))}
    if found is None or found.lower() not in declared_ids:
        return f"{name} is {found} but pyproject.toml declares {declared}; make them the same"
    return None


@check("DOC108")
def citation_present(facts: RepositoryFacts) -> str | None:
    """A CITATION.cff file exists, so GitHub shows 'Cite this repository'."""
    if facts.text(CITATION_FILE) is None:
        return "add a CITATION.cff (https://citation-file-format.github.io) with the paper"
    return None


@check("DOC109", requires=("DOC108",))
def citation_valid(facts: RepositoryFacts) -> str | None:
    """CITATION.cff is valid Citation File Format 1.2.0 and cites the package's version."""
    try:
        citation = facts.yaml(CITATION_FILE)
    except UnreadableFile as error:
        return str(error)
    problems = citation_problems(citation) or citation_version_problems(facts, citation)
    if problems:
        return f"{CITATION_FILE}: {'; '.join(problems)}"
    return None


def citation_problems(citation: Any) -> list[str]:
    """What stops a document from being CITATION.cff 1.2.0, briefly."""
    if citation is NOT_FOUND or not isinstance(citation, dict):
        return ["it is not a YAML mapping"]
    problems = [f"{key} is required" for key in CFF_REQUIRED if key not in citation]
    unknown = sorted(set(map(str, citation)) - CFF_KEYS)
    if unknown:
        problems.append(f"unknown keys {', '.join(unknown)}")
    if "cff-version" in citation and str(citation["cff-version"]) != "1.2.0":
        problems.append('cff-version must be "1.2.0"')
    authors = citation.get("authors")
    if "authors" in citation and (not isinstance(authors, list) or not authors):
        problems.append("authors must be a non-empty list")
    elif isinstance(authors, list):
        nameless = [
            str(i + 1)
            for i, author in enumerate(authors)
            if not isinstance(author, dict)
            or not (author.get("family-names") or author.get("name"))
        ]
        if nameless:
            problems.append(f"authors {', '.join(nameless)} need family-names or name")
    date = citation.get("date-released")
    if date is not None and not CFF_DATE.match(str(date)):
        problems.append("date-released must be YYYY-MM-DD")
    doi = citation.get("doi")
    if doi is not None and not CFF_DOI.match(str(doi)):
        problems.append("doi must look like 10.1234/abc (without https://doi.org/)")
    for key in ("message", "title"):
        if key in citation and not str(citation[key]).strip():
            problems.append(f"{key} must not be empty")
    return problems


def package_version(facts: RepositoryFacts) -> str | None:
    """The version written in the project (``[project]`` or ``__version__``); None from tags."""
    from ml_publish.layout.version_source import ATTRIBUTE, STATIC, find_version_source

    source = find_version_source(facts.root)
    if source.kind == STATIC:
        return str(facts.project_table().get("version"))
    if source.kind == ATTRIBUTE and source.path is not None:
        match = VERSION_LINE.search(source.path.read_text(encoding="utf-8", errors="replace"))
        return match[2] if match else None
    return None


def citation_version_problems(facts: RepositoryFacts, citation: dict[str, Any]) -> list[str]:
    """The citation's version, when it has one, must be the package's (a release sets both)."""
    cited = citation.get("version")
    version = package_version(facts) if cited is not None else None
    if cited is None or version is None or same_version(str(cited), version):
        return []
    return [
        f'version is {cited} but the package is {version}; set version: "{version}" '
        "(ml-publish release does it in its bump commit)"
    ]


@check("DOC110", requires=("DOC101",))
def readme_renders_on_pypi(facts: RepositoryFacts) -> str | None:
    """PyPI renders the README as the metadata declares it (twine check --strict passes)."""
    from ml_publish.checks.long_description import declared_content_type, rendering_problem

    name = facts.readme_name() or ""
    try:
        declared = facts.project_table().get("readme")
    except UnreadableFile:
        declared = None
    content_type = declared_content_type(declared, name)
    problem = rendering_problem(facts.text(name) or "", content_type)
    if problem is None:
        return None
    plain = f'readme = {{ file = "{name}", content-type = "text/plain" }}'
    return (
        f"{name} will not render on PyPI as {content_type} ({problem}), so twine check --strict "
        f"and ml-publish release fail; fix it, or declare it as plain text: {plain}"
    )
