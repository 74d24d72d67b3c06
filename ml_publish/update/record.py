"""``[tool.ml-publish.template]``: which template rendered a project, and with which answers.

The template writes the table itself (so plain cookiecutter renders carry it too); ``update``
reads it for the base of its merge and moves ``version`` once a merge leaves no conflict
markers. Until then ``pending-version`` says which version the conflicts are resolved towards.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import tomlkit
from tomlkit.items import Table

from ml_publish.errors import UsageError
from ml_publish.template import answer_text
from ml_publish.template_record import PENDING, record_problem, template_table
from ml_publish.toml_file import parse_toml

COMMENT = (
    "The ml-publish release whose template made this project, and the answers it was made with:",
    "`ml-publish update` merges later templates' changes in from here.",
)


@dataclass(frozen=True)
class TemplateRecord:
    """The recorded template version, the answers, and the version an update is resolving to."""

    version: str
    answers: dict[str, str] = field(default_factory=dict)
    pending: str | None = None


def read_record(pyproject: str) -> TemplateRecord | None:
    """The record in a pyproject.toml's text; ``None`` without one, ``UsageError`` if broken."""
    try:
        document = parse_toml(pyproject)
    except ValueError as error:
        raise UsageError(f"pyproject.toml is not valid TOML: {error}") from None
    table = template_table(document)
    if table is None:
        return None
    problem = record_problem(table)
    if problem:
        raise UsageError(problem)
    assert isinstance(table, Mapping)
    answers = {str(k): answer_text(v) for k, v in table["answers"].items()}
    return TemplateRecord(table["version"], answers, table.get(PENDING))


def with_record(pyproject: str, record: TemplateRecord) -> str:
    """``pyproject`` with ``record`` in its table; the rest of the text, comments too, kept."""
    document = tomlkit.parse(pyproject)
    tool = document.setdefault("tool", tomlkit.table(is_super_table=True))
    ml_publish = tool.setdefault("ml-publish", tomlkit.table(is_super_table=True))
    if "template" not in ml_publish:
        table = tomlkit.table()
        for line in COMMENT:
            table.add(tomlkit.comment(line))
        ml_publish["template"] = table
    table = ml_publish["template"]
    assert isinstance(table, Table)
    table["version"] = record.version
    if record.pending is None:
        table.pop(PENDING, None)
    else:
        table[PENDING] = record.pending
    answers = table.get("answers")
    if not isinstance(answers, Table):
        answers = tomlkit.table()
        table["answers"] = answers
    for name in [name for name in answers if name not in record.answers]:
        del answers[name]
    for name, value in record.answers.items():
        if answers.get(name) != value:
            answers[name] = value
    return tomlkit.dumps(document)
