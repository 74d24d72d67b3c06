"""The template adapter and the template's own configuration."""

from __future__ import annotations

import importlib.util
import json

from ml_publish.template import template_variables
from ml_publish.template_files import template_dir

REQUIRED_VARIABLES = [
    "project_name",
    "repo_name",
    "package_name",
    "distribution_name",
    "description",
    "author_name",
    "author_email",
    "github_owner",
    "version",
    "python_min",
    "license",
    "framework",
    "line_length",
    "include_notebook",
    "demo_app",
    "doi",
    "paper",
    "hf_repo",
]


def test_variables_are_exactly_the_documented_ones_in_order() -> None:
    assert list(template_variables()) == REQUIRED_VARIABLES


def test_every_variable_has_a_prompt() -> None:
    config = json.loads((template_dir() / "cookiecutter.json").read_text(encoding="utf-8"))

    assert set(config["__prompts__"]) == set(REQUIRED_VARIABLES)


def test_choices_and_defaults() -> None:
    variables = template_variables()

    assert variables["python_min"].default == "3.10"
    assert sorted(variables["python_min"].choices, key=lambda v: int(v.split(".")[1])) == [
        "3.9",
        "3.10",
        "3.11",
        "3.12",
        "3.13",
        "3.14",
        "3.15",
    ]
    assert variables["license"].choices == (
        "MIT",
        "BSD-3-Clause",
        "Apache-2.0",
        "GPL-3.0-only",
        "Proprietary",
    )
    assert variables["framework"].choices == ("pytorch", "none")
    assert variables["framework"].default == "pytorch"
    assert variables["version"].default == "0.1.0"
    assert variables["line_length"].default == "100"
    assert variables["include_notebook"].default == "yes"
    assert variables["include_notebook"].is_flag
    assert variables["demo_app"].choices == ("none", "gradio", "streamlit")
    assert variables["doi"].default == variables["paper"].default == ""


def test_the_python_list_is_the_one_the_template_extension_reads() -> None:
    path = template_dir() / "ml_package_extension.py"
    spec = importlib.util.spec_from_file_location("ml_package_extension", path)
    assert spec is not None and spec.loader is not None
    ml_package_extension = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ml_package_extension)

    assert ml_package_extension.supported_pythons()[0] == "3.9"
    assert ml_package_extension.pythons_from("3.13") == ["3.13", "3.14", "3.15"]
    assert ml_package_extension.mypy_target("3.9") == "3.10"
    assert ml_package_extension.black_target("3.12") == "py312"


def test_root_config_points_at_the_template_directory() -> None:
    root = template_dir().parent
    config = json.loads((root / "cookiecutter.json").read_text(encoding="utf-8"))

    (entry,) = config["templates"].values()
    assert (root / entry["path"]).resolve() == template_dir().resolve()
