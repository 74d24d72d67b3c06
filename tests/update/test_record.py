"""The template record: read from pyproject.toml, written back without disturbing the rest."""

from __future__ import annotations

import pytest

from ml_publish.errors import UsageError
from ml_publish.update.record import TemplateRecord, read_record, with_record

PYPROJECT = """\
[project]
name = "otter-tracker"

[tool.ml-publish.template]
# What made the project.
version = "0.1.0"

[tool.ml-publish.template.answers]
project_name = "Otter Tracker"
include_notebook = true
line_length = 100

[tool.black]
line-length = 100
"""


def test_answers_are_read_as_the_text_key_value_takes() -> None:
    record = read_record(PYPROJECT)

    assert record == TemplateRecord(
        "0.1.0", {"project_name": "Otter Tracker", "include_notebook": "yes", "line_length": "100"}
    )


def test_no_table_is_no_record_and_a_broken_one_is_refused() -> None:
    assert read_record('[project]\nname = "x"\n') is None
    with pytest.raises(UsageError, match="must be the ml-publish version"):
        read_record(PYPROJECT.replace('"0.1.0"', '"soon"'))
    with pytest.raises(UsageError, match="not valid TOML"):
        read_record("[project\n")


def test_writing_a_record_changes_only_the_record() -> None:
    answers = {"project_name": "Otter Tracker", "support_channel": "Discord"}
    pending = with_record(PYPROJECT, TemplateRecord("0.1.0", answers, "0.2.0"))

    assert read_record(pending) == TemplateRecord("0.1.0", answers, "0.2.0")
    assert pending.startswith(PYPROJECT.split("[tool.ml-publish.template.answers]")[0][:-1])
    assert pending.endswith("[tool.black]\nline-length = 100\n")
    done = with_record(pending, TemplateRecord("0.2.0", answers))
    assert "pending-version" not in done
    assert read_record(done) == TemplateRecord("0.2.0", answers)


def test_a_project_without_a_record_gets_one_at_the_end() -> None:
    written = with_record('[project]\nname = "x"\n', TemplateRecord("0.1.0", {"license": "MIT"}))

    assert read_record(written) == TemplateRecord("0.1.0", {"license": "MIT"})
    assert written.startswith('[project]\nname = "x"\n')
    assert "`ml-publish update` merges later templates' changes in from here." in written
