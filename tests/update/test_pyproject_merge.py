"""pyproject.toml merged key by key: the template's changes over the project's, comments kept."""

from __future__ import annotations

import tomllib

from ml_publish.update.pyproject_merge import merge_pyproject

BASE = """\
[project]
name = "otter-tracker"
keywords = ["machine-learning"]
dependencies = [
  "torch>=2.1",
]

[tool.black]
line-length = 100

[tool.pytest.ini_options]
minversion = "8.0"
addopts = ["-ra"]
"""


def test_keys_only_the_template_changed_take_its_values() -> None:
    theirs = BASE.replace('"8.0"', '"8.4"') + "\n[tool.coverage.run]\nbranch = true\n"
    ours = BASE.replace("[tool.black]", "# Wider, for long tensor shapes.\n[tool.black]")

    merged = merge_pyproject(BASE, theirs, ours)

    assert merged.kept == ()
    assert merged.text == ours.replace('"8.0"', '"8.4"') + "\n[tool.coverage.run]\nbranch = true\n"


def test_keys_the_template_removed_go_unless_the_project_changed_them() -> None:
    theirs = BASE.replace('addopts = ["-ra"]\n', "").replace("line-length = 100\n", "")
    ours = BASE.replace("line-length = 100", "line-length = 120")

    merged = merge_pyproject(BASE, theirs, ours)

    assert "addopts" not in merged.text
    assert "line-length = 120" in merged.text
    assert merged.kept == ("tool.black.line-length: kept yours (the template removed it)",)


def test_a_key_both_changed_keeps_the_projects_value_and_says_so() -> None:
    theirs = BASE.replace('"8.0"', '"8.4"')
    ours = BASE.replace('"8.0"', '"7.0"')

    merged = merge_pyproject(BASE, theirs, ours)

    assert merged.text == ours
    assert merged.kept == (
        'tool.pytest.ini_options.minversion: kept yours (the template now says "8.4")',
    )


def test_a_key_the_project_removed_stays_removed() -> None:
    theirs = BASE.replace('"8.0"', '"8.4"')
    ours = BASE.replace('minversion = "8.0"\n', "")

    merged = merge_pyproject(BASE, theirs, ours)

    assert merged.text == ours
    assert merged.kept[0].startswith("tool.pytest.ini_options.minversion: you removed it")


def test_lists_both_changed_take_the_templates_additions_and_removals() -> None:
    theirs = BASE.replace('["machine-learning"]', '["machine-learning", "pretrained-models"]')
    theirs = theirs.replace('"torch>=2.1",', '"torch>=2.2",')
    ours = BASE.replace('["machine-learning"]', '["machine-learning", "otters"]')
    ours = ours.replace('"torch>=2.1",', '"torch>=2.1",\n  "numpy>=1.26",')

    merged = merge_pyproject(BASE, theirs, ours)

    project = tomllib.loads(merged.text)["project"]
    assert project["keywords"] == ["machine-learning", "otters", "pretrained-models"]
    assert project["dependencies"] == ["numpy>=1.26", "torch>=2.2"]
    assert merged.kept == ()
    assert merge_pyproject(BASE, theirs, merged.text).text == merged.text


def test_a_requirement_the_project_pinned_its_own_way_is_kept() -> None:
    theirs = BASE.replace('"torch>=2.1",', '"torch>=2.2",')
    ours = BASE.replace('"torch>=2.1",', '"torch==2.1.2",')

    merged = merge_pyproject(BASE, theirs, ours)

    assert merged.text == ours
    assert merged.kept == (
        'project.dependencies: kept yours (the template now says ["torch>=2.2"])',
    )


def test_the_template_record_is_left_to_update_itself() -> None:
    record = '\n[tool.ml-publish.template]\nversion = "0.1.0"\n'
    theirs = BASE + record.replace("0.1.0", "0.2.0")

    merged = merge_pyproject(BASE + record, theirs, BASE)

    assert merged.text == BASE


def test_nothing_changed_by_the_template_is_byte_for_byte_the_project() -> None:
    ours = "# My project.\n" + BASE.replace("= 100", "=   100  # wide") + "\n[tool.mine]\nx = 1\n"

    assert merge_pyproject(BASE, BASE, ours).text == ours
