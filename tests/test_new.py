"""``ml-publish new``: the core renders the template; bad input is refused and changes nothing."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from ml_publish import __version__
from ml_publish.errors import UsageError
from ml_publish.template import new_project, parse_assignments
from tests.support.processes import run


def ml_publish(*args: str | Path, cwd: Path | None = None) -> tuple[int, str, str]:
    result = run([sys.executable, "-m", "ml_publish", *args], cwd=cwd, expect_success=False)
    return result.returncode, result.stdout, result.stderr


def test_defaults_render_a_project_named_after_the_default_title(output_dir: Path) -> None:
    project = new_project([], output_dir=output_dir, no_input=True)

    assert project == output_dir / "cell-segmentation"
    init = (project / "cell_segmentation" / "__init__.py").read_text(encoding="utf-8")
    assert '__version__ = "0.1.0"' in init
    assert (project / "cell_segmentation" / "model.py").is_file()


def test_answers_flow_into_derived_names(output_dir: Path) -> None:
    project = new_project(
        ["project_name=Whale Tail Matcher", "framework=none", "version=2.0.0rc1"],
        output_dir=output_dir,
        no_input=True,
    )

    assert project.name == "whale-tail-matcher"
    assert (project / "whale_tail_matcher" / "__init__.py").is_file()
    assert not (project / "whale_tail_matcher" / "model.py").exists()
    assert not (project / "tests" / "test_model.py").exists()
    pyproject = (project / "pyproject.toml").read_text(encoding="utf-8")
    assert 'name = "whale-tail-matcher"' in pyproject
    # Without PyTorch, only what the weights loader needs.
    assert 'dependencies = ["filelock>=3.12"]' in pyproject


def test_the_project_records_the_template_version_and_every_answer(output_dir: Path) -> None:
    given = {"project_name": "Seg Net", "include_notebook": "no", "line_length": "88"}
    project = new_project(
        [f"{k}={v}" for k, v in given.items()], output_dir=output_dir, no_input=True
    )

    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    record = pyproject["tool"]["ml-publish"]["template"]
    # Every question, answered as given or by its default (derived ones from the title).
    assert record == {
        "version": __version__,
        "answers": {
            "project_name": "Seg Net",
            "repo_name": "seg-net",
            "package_name": "seg_net",
            "distribution_name": "seg-net",
            "description": "Code and pretrained weights for seg net.",
            "author_name": "Your Name",
            "author_email": "you@example.com",
            "github_owner": "your-github-name",
            "version": "0.1.0",
            "python_min": "3.10",
            "license": "MIT",
            "framework": "pytorch",
            "line_length": "88",
            "include_notebook": "no",
            "demo_app": "none",
            "doi": "",
            "paper": "",
            "hf_repo": "",
        },
    }


def test_cli_prints_where_the_project_is_and_what_to_do_next(output_dir: Path) -> None:
    code, out, err = ml_publish("new", "--no-input", "-o", output_dir, "project_name=Seg Net")

    assert (code, err) == (0, "")
    assert f"Created {output_dir / 'seg-net'}" in out
    assert "pre-commit install" in out


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("package_name=class", "package_name 'class' is a Python keyword"),
        ("package_name=1abc", "package_name '1abc' is not a valid Python identifier"),
        ("package_name=my-pkg", "package_name 'my-pkg' is not a valid Python identifier"),
        ("package_name=os", "package_name 'os' would shadow the standard-library module"),
        ("package_name=json", "package_name 'json' would shadow the standard-library module"),
        ("version=1.0.0.beta.x", "version '1.0.0.beta.x' is not a PEP 440 version"),
        ("distribution_name=-bad-", "distribution_name '-bad-' is not a valid PyPI name"),
        ("github_owner=no spaces", "github_owner 'no spaces' is not a GitHub user"),
        ("line_length=50", "line_length '50' must be a whole number from 79 to 200"),
        ("doi=https://doi.org/10.1/x", "doi 'https://doi.org/10.1/x' is not a DOI; write it bare"),
        ("paper=arXiv 2101.00001", "paper 'arXiv 2101.00001' is neither a DOI (10.1234/abc) nor"),
        ("hf_repo=no-owner", "hf_repo 'no-owner' is not a Hugging Face Hub repository"),
        ("license=WTFPL", "license must be one of MIT, BSD-3-Clause, Apache-2.0"),
        ("python_min=3.8", "python_min must be one of 3.10, 3.9, 3.11"),
        ("framework=jax", "framework must be one of pytorch, none"),
        ("colour=red", "unknown template variable 'colour'; valid ones: project_name"),
        ("nonsense", "'nonsense' is not KEY=VALUE"),
    ],
)
def test_bad_answers_give_one_line_exit_2_and_leave_nothing(
    output_dir: Path, assignment: str, message: str
) -> None:
    code, out, err = ml_publish("new", "--no-input", "-o", output_dir, assignment)

    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert message in err
    assert list(output_dir.iterdir()) == []


def test_existing_non_empty_target_is_refused_untouched(output_dir: Path) -> None:
    target = output_dir / "cell-segmentation"
    target.mkdir()
    (target / "notes.txt").write_text("my notes\n", encoding="utf-8")

    code, out, err = ml_publish("new", "--no-input", "-o", output_dir)

    assert code == 2
    assert "already exists and is not empty" in err and "--overwrite" in err
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_overwrite_renders_into_an_existing_directory_keeping_other_files(
    output_dir: Path,
) -> None:
    target = output_dir / "cell-segmentation"
    target.mkdir()
    (target / "notes.txt").write_text("my notes\n", encoding="utf-8")

    new_project([], output_dir=output_dir, no_input=True, overwrite=True)

    assert (target / "notes.txt").read_text(encoding="utf-8") == "my notes\n"
    assert (target / "pyproject.toml").is_file()


def test_an_existing_empty_target_is_fine(output_dir: Path) -> None:
    (output_dir / "cell-segmentation").mkdir()

    project = new_project([], output_dir=output_dir, no_input=True)

    assert (project / "pyproject.toml").is_file()


def test_parse_assignments_keeps_equals_signs_in_values() -> None:
    assert parse_assignments(["description=a=b"]) == {"description": "a=b"}


def test_parse_assignments_refuses_an_empty_key() -> None:
    with pytest.raises(UsageError, match="is not KEY=VALUE"):
        parse_assignments(["=value"])


def test_interactive_answers_are_asked_in_order_and_used(output_dir: Path) -> None:
    # project_name, then Enter for the next eight questions, then python_min, license, ...,
    # then Enter for demo_app, doi, paper and hf_repo.
    answers = "Brain Tumour Seg\n" + "\n" * 8 + "4\n" + "3\n" + "2\n" + "\n" + "no\n" + "\n" * 4

    result = subprocess.run(
        [sys.executable, "-m", "ml_publish", "new", "-o", str(output_dir)],
        input=answers,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    project = output_dir / "brain-tumour-seg"
    pyproject = (project / "pyproject.toml").read_text(encoding="utf-8")
    assert 'requires-python = ">=3.12"' in pyproject
    assert 'license = "Apache-2.0"' in pyproject
    # Without PyTorch, only what the weights loader needs.
    assert 'dependencies = ["filelock>=3.12"]' in pyproject
