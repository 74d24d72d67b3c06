"""Projects rendered from the template, and the answers that cover its choices."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml

from ml_publish import REPOSITORY_URL
from ml_publish.template import new_project
from tests.support.hook_stand_ins import known_hook_repository

# Every value of every choice appears at least once; names differ so the projects can share a venv.
COMBINATIONS: dict[str, dict[str, str]] = {
    "defaults": {},
    "py39-bsd-none-79": {
        "project_name": "Leaf Counter",
        "python_min": "3.9",
        "license": "BSD-3-Clause",
        "framework": "none",
        "line_length": "79",
        "author_name": "Hypatia",
        "include_notebook": "no",
    },
    "py311-apache-torch-88": {
        "project_name": "Tumour Detector",
        "python_min": "3.11",
        "license": "Apache-2.0",
        "line_length": "88",
        "demo_app": "gradio",
        "doi": "10.5281/zenodo.1234567",
        "paper": "https://doi.org/10.48550/arXiv.1505.04597",
    },
    "py312-gpl-none": {
        "project_name": "Speech Denoiser",
        "python_min": "3.12",
        "license": "GPL-3.0-only",
        "framework": "none",
        "paper": "https://example.org/speech-denoiser.pdf",
        "hf_repo": "denoise-lab/speech-denoiser",
    },
    "py313-proprietary-torch": {
        "project_name": "Kaggle Whale Id",
        "python_min": "3.13",
        "license": "Proprietary",
        "demo_app": "streamlit",
        "include_notebook": "no",
    },
    "py314-mit-none-distname": {
        "project_name": "Retina Net",
        "distribution_name": "retina-net-weights",
        "python_min": "3.14",
        "framework": "none",
    },
    "py315-apache-torch": {
        "project_name": "Galaxy Morphology",
        "python_min": "3.15",
        "license": "Apache-2.0",
        "line_length": "120",
    },
}


def render(output_dir: Path, answers: dict[str, str]) -> Path:
    """Render the template the way ``ml-publish new --no-input KEY=VALUE ...`` does."""
    assignments = [f"{key}={value}" for key, value in answers.items()]
    project = new_project(assignments, output_dir=output_dir, no_input=True)
    subprocess.run(["git", "init", "--quiet", str(project)], check=True)
    subprocess.run(["git", "-C", str(project), "add", "--all"], check=True)
    return project


def pre_commit_repos(project: Path) -> dict[str, dict[str, Any]]:
    """The project's pre-commit repositories by URL."""
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return {repo["repo"]: repo for repo in config["repos"]}


def tracked_files(project: Path) -> list[Path]:
    listing = subprocess.run(
        ["git", "ls-files"], cwd=project, capture_output=True, text=True, check=True
    )
    return [project / name for name in listing.stdout.splitlines()]


def hook_tool_requirements(project: Path) -> list[str]:
    """Pinned requirements for the tools the project's pre-commit hooks run.

    A hook repository the tests do not know fails here rather than going unchecked.
    """
    requirements = []
    for url, repo in pre_commit_repos(project).items():
        if url == REPOSITORY_URL:
            continue  # this checkout, which the tests run from
        requirement = known_hook_repository(url).requirement(repo["rev"])
        if requirement is None:
            continue  # pygrep hooks: regular expressions, no tool
        requirements.append(requirement)
        for hook in repo["hooks"]:
            requirements.extend(
                dependency
                for dependency in hook.get("additional_dependencies", [])
                if not dependency.startswith(("torch", "pytest"))
            )
    return requirements
