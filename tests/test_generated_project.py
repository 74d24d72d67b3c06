"""Every generated project passes its own lint, type check, tests, build and CI checks on day one.

One module-scoped project per option combination; each test runs one real tool on it.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from ml_publish import REPOSITORY_URL, __version__
from tests.support.hook_repository import CHECKOUT
from tests.support.hook_stand_ins import HookStandIns, PreCommitSession, UnknownHookRepository
from tests.support.processes import run
from tests.support.projects import COMBINATIONS, pre_commit_repos, render, tracked_files
from tests.support.venvs import VirtualEnv

TEST_TOOLS = Path(sys.executable).parent
TAG = re.compile(r"^v?\d+(\.\d+)+$")
ACTION_PIN = re.compile(r"[\w-]+/[\w-]+@[0-9a-f]{40} # v\d+(\.\d+)*")
CORE_TOOL_HOOKS = {
    "black": "https://github.com/psf/black-pre-commit-mirror",
    "flake8": "https://github.com/PyCQA/flake8",
    "mypy": "https://github.com/pre-commit/mirrors-mypy",
}
# sp-repo-review checks that may be skipped: Ruff's (the project uses black + flake8, and says so
# in [tool.repo-review]) and the Ruff pre-commit details that only apply when Ruff is there.
RUFF_ONLY_CHECKS = re.compile(r"^(RF\d+|PC191|PC192)$")


@dataclass(frozen=True)
class Project:
    root: Path
    package: str
    answers: dict[str, str]

    @property
    def pyproject(self) -> dict[str, Any]:
        return tomllib.loads((self.root / "pyproject.toml").read_text(encoding="utf-8"))

    def workflow(self, name: str) -> dict[str, Any]:
        path = self.root / ".github" / "workflows" / name
        workflow: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        return workflow


@pytest.fixture(scope="module", params=list(COMBINATIONS))
def project(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    project_tools: VirtualEnv,
) -> Project:
    answers = COMBINATIONS[request.param]
    root = render(tmp_path_factory.mktemp(request.param), answers)
    # This machine has CPython 3.11 only; projects that require a newer one install anyway, so
    # their (version-independent) code is still tested here. Their own CI runs the real versions.
    project_tools.pip_install(
        "--no-deps", "--no-build-isolation", "--ignore-requires-python", "--editable", root
    )
    (package,) = [p.parent.name for p in root.glob("*/__init__.py") if p.parent.name != "tests"]
    return Project(root, package, answers)


def test_black_finds_nothing_to_reformat(project: Project, project_tools: VirtualEnv) -> None:
    run([project_tools.bin("black"), "--check", "."], cwd=project.root)


def test_flake8_reports_nothing(project: Project, project_tools: VirtualEnv) -> None:
    run([project_tools.bin("flake8")], cwd=project.root)


def test_mypy_strict_passes(project: Project, project_tools: VirtualEnv) -> None:
    run([project_tools.bin("mypy"), project.package, "tests"], cwd=project.root)


def test_own_tests_pass(project: Project, project_tools: VirtualEnv) -> None:
    result = run([project_tools.python, "-m", "pytest"], cwd=project.root)
    assert re.search(r"\b[1-9]\d* passed\b", result.stdout)


def test_builds_and_passes_twine_check(
    project: Project, project_tools: VirtualEnv, tmp_path: Path
) -> None:
    run([project_tools.python, "-m", "build", "--outdir", tmp_path], cwd=project.root)
    dists = sorted(tmp_path.iterdir())
    assert sorted(d.suffix for d in dists) == [".gz", ".whl"]
    run([project_tools.bin("twine"), "check", "--strict", *dists])
    (wheel,) = [d for d in dists if d.suffix == ".whl"]
    assert f"{project.package}/weights.json" in zipfile.ZipFile(wheel).namelist()


def test_pre_commit_config_is_valid(project: Project, project_tools: VirtualEnv) -> None:
    run([project_tools.bin("pre-commit"), "validate-config"], cwd=project.root)


def test_own_pre_commit_config_passes(
    project: Project, pre_commit_session: PreCommitSession, tmp_path: Path
) -> None:
    """Every hook of the project's own configuration passes, run by pre-commit as users run it."""
    # A copy, so a hook that rewrites files cannot change what the other tests see.
    root = shutil.copytree(project.root, tmp_path / project.root.name)
    config = pre_commit_session.stand_ins.config_for(root, tmp_path / "pre-commit-config.yaml")

    result = pre_commit_session.run_all_files(root, config)

    assert "Skipped" not in result.stdout, result.stdout


@pytest.mark.parametrize(
    ("repo", "message"),
    [
        (
            "- repo: https://github.com/example/lint-hooks\n  rev: v1.0.0\n  hooks: [{id: lint}]",
            r"no stand-in for the hook repository https://github\.com/example/lint-hooks: add it "
            r"to HOOK_REPOSITORIES",
        ),
        (
            "- repo: https://github.com/PyCQA/flake8\n  rev: 7.0.0\n  hooks: [{id: flake8}]",
            r"definitions for https://github\.com/PyCQA/flake8 are for 7\.5\.0, the "
            r"configuration pins 7\.0\.0",
        ),
        (
            "- repo: https://github.com/PyCQA/flake8\n  rev: 7.5.0\n  hooks: [{id: flake9}]",
            r"https://github\.com/PyCQA/flake8 at 7\.5\.0 has no hook flake9",
        ),
    ],
    ids=["unknown repository", "another revision", "unknown hook"],
)
def test_pre_commit_stand_ins_refuse_what_they_have_no_real_definitions_for(
    repo: str, message: str, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / ".pre-commit-config.yaml").write_text(f"repos:\n{repo}\n", encoding="utf-8")
    stand_ins = HookStandIns(tmp_path / "stand-ins")

    with pytest.raises(UnknownHookRepository, match=message):
        stand_ins.config_for(project, tmp_path / "pre-commit-config.yaml")


def test_hook_revs_are_release_tags_pinned_like_the_dev_extra(project: Project) -> None:
    repos = pre_commit_repos(project.root)
    assert all(TAG.match(repo["rev"]) for repo in repos.values()), repos
    optional = project.pyproject["project"]["optional-dependencies"]
    dev_pins = dict(re.split("==", pin) for pin in optional["dev"])
    for tool, url in CORE_TOOL_HOOKS.items():
        assert repos[url]["rev"].removeprefix("v") == dev_pins[tool], tool


def test_ml_publish_hooks_are_pinned_to_this_release(project: Project) -> None:
    hooks_file = yaml.safe_load((CHECKOUT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    ml_publish = pre_commit_repos(project.root)[REPOSITORY_URL]

    assert ml_publish["rev"] == f"v{__version__}"
    assert [hook["id"] for hook in ml_publish["hooks"]] == [hook["id"] for hook in hooks_file]


def test_ml_publish_check_passes(project: Project) -> None:
    result = run([TEST_TOOLS / "ml-publish", "check", "--format", "json"], cwd=project.root)
    checks = json.loads(result.stdout)["checks"]

    assert [c for c in checks if c["result"] == "fail"] == []
    skipped = {c["id"] for c in checks if c["result"] == "skip"}
    # No weights yet (REL104, REL105, the metadata contract's WGT110-WGT114), and no hubconf.py
    # without PyTorch (WGT107).
    no_weights = {"REL104", "REL105", "WGT110", "WGT111", "WGT112", "WGT113", "WGT114"}
    no_hubconf = project.answers.get("framework") == "none"
    expected = no_weights | ({"WGT107"} if no_hubconf else set())
    assert skipped == expected


def test_dependency_group_matches_the_extras(project: Project) -> None:
    pyproject = project.pyproject
    extras = pyproject["project"]["optional-dependencies"]
    groups = pyproject["dependency-groups"]
    assert groups["test"] == extras["test"]
    assert groups["dev"] == [{"include-group": "test"}, *extras["dev"]]


def test_line_lengths_agree(project: Project) -> None:
    black = project.pyproject["tool"]["black"]
    flake8 = (project.root / ".flake8").read_text(encoding="utf-8")
    expected = int(project.answers.get("line_length", "100"))
    assert black["line-length"] == expected
    assert f"max-line-length = {expected}\n" in flake8
    assert "E203" in flake8


def test_workflows_match_the_github_schema(project: Project) -> None:
    workflows = sorted((project.root / ".github" / "workflows").glob("*.yml"))
    assert [w.name for w in workflows] == ["ci.yml", "release.yml"]
    schema_check: list[str | Path] = [TEST_TOOLS / "check-jsonschema", "--builtin-schema"]
    run([*schema_check, "vendor.github-workflows", *workflows])
    run([*schema_check, "vendor.dependabot", project.root / ".github" / "dependabot.yml"])


def test_ci_matrix_runs_from_python_min_to_the_newest(project: Project) -> None:
    ci = yaml.safe_load((project.root / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    matrix = ci["jobs"]["test"]["strategy"]["matrix"]["python-version"]
    python_min = project.answers.get("python_min", "3.10")
    assert matrix[0] == python_min
    assert matrix[-1] == "3.15"
    assert len(matrix) == 15 - int(python_min.split(".")[1]) + 1
    requires_python = project.pyproject["project"]["requires-python"]
    assert requires_python == f">={python_min}"


def test_release_jobs_run_build_then_github_release_then_pypi(project: Project) -> None:
    jobs = project.workflow("release.yml")["jobs"]
    assert list(jobs) == ["build", "github-release", "publish"]
    assert jobs["github-release"]["needs"] == "build"
    assert jobs["publish"]["needs"] == "github-release"


def test_release_build_job_builds_what_ml_publish_release_built_locally(project: Project) -> None:
    # The local run put its dists, built with the release commit's time, on the draft; the
    # github-release job refuses dists that are not the same bytes.
    steps = project.workflow("release.yml")["jobs"]["build"]["steps"]
    (build,) = [step for step in steps if "python -m build" in step.get("run", "")]
    assert build["run"].splitlines() == [
        'SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"',
        "export SOURCE_DATE_EPOCH",
        "python -m build",
    ]


def test_only_the_github_release_job_may_write_contents(project: Project) -> None:
    workflow = project.workflow("release.yml")
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert jobs["github-release"]["permissions"] == {"contents": "write"}
    assert "permissions" not in jobs["build"]
    assert jobs["publish"]["permissions"] == {"id-token": "write"}


def test_github_release_job_finishes_the_release_with_this_ml_publish(project: Project) -> None:
    steps = project.workflow("release.yml")["jobs"]["github-release"]["steps"]
    checkout, download = steps[0], steps[2]
    assert checkout["with"] == {"persist-credentials": False, "fetch-depth": 0}
    assert download["uses"].startswith("actions/download-artifact@")
    assert download["with"] == {"name": "distributions", "path": "dist/"}
    runs = [step for step in steps if "run" in step]
    assert [step["run"] for step in runs] == [
        f"python -m pip install ml-publish=={__version__}",
        "ml-publish release --no-pypi --dist-dir dist",
    ]
    assert runs[-1]["env"] == {"GITHUB_TOKEN": "${{ secrets.GITHUB_TOKEN }}"}


def test_pypi_job_uses_trusted_publishing(project: Project) -> None:
    job = project.workflow("release.yml")["jobs"]["publish"]
    (upload,) = [s for s in job["steps"] if s.get("uses", "").startswith("pypa/gh-action-pypi-")]
    assert "password" not in upload.get("with", {})
    assert job["environment"]["name"] == "pypi"
    assert job["permissions"]["id-token"] == "write"


def test_release_actions_are_pinned_by_commit_with_their_tag_beside(project: Project) -> None:
    text = (project.root / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    actions = re.findall(r"uses: (.*)", text)
    assert len(actions) == 8
    assert all(ACTION_PIN.fullmatch(action) for action in actions), actions


def test_release_is_published_by_the_workflow(project: Project) -> None:
    """Published by the workflow; with an ``hf_repo`` answer the weights go to the Hub too."""
    hub = {"huggingface": project.answers["hf_repo"]} if project.answers.get("hf_repo") else {}
    assert project.pyproject["tool"]["ml-publish"]["release"] == {"publish": "workflow", **hub}


def test_readme_explains_releasing_before_the_citation(project: Project) -> None:
    readme = (project.root / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Releasing\n", 1)[1].split("\n## ", 1)[0]
    assert "ml-publish release --bump" in section
    assert "ml-publish weights add" in section
    assert "Trusted Publisher" in section
    assert readme.index("## Releasing") < readme.index("## Citation")


def test_citation_file_is_valid_cff(project: Project) -> None:
    run(
        [
            TEST_TOOLS / "check-jsonschema",
            "--builtin-schema",
            "vendor.citation-file-format",
            project.root / "CITATION.cff",
        ]
    )


def test_citation_names_the_doi_and_the_paper_answered(project: Project) -> None:
    citation = yaml.safe_load((project.root / "CITATION.cff").read_text(encoding="utf-8"))
    readme = (project.root / "README.md").read_text(encoding="utf-8")
    doi, paper = project.answers.get("doi"), project.answers.get("paper", "")
    assert citation.get("doi") == doi
    badge = f"[![DOI](https://zenodo.org/badge/DOI/{doi}.svg)](https://doi.org/{doi})\n\n"
    assert (badge in readme) == bool(doi)
    preferred = citation.get("preferred-citation")
    if not paper:
        assert preferred is None
    elif paper.startswith("https://doi.org/"):
        assert preferred["doi"] == paper.removeprefix("https://doi.org/")
        assert preferred["authors"] == [{"family-names": "Name", "given-names": "Your"}]
    else:
        assert (preferred["type"], preferred["url"]) == ("article", paper)


def test_the_hub_repository_answered_is_released_to_and_named_in_the_readme(
    project: Project,
) -> None:
    hf_repo = project.answers.get("hf_repo", "")
    pyproject = tomllib.loads((project.root / "pyproject.toml").read_text(encoding="utf-8"))
    table = pyproject["tool"]["ml-publish"]["release"]
    readme = (project.root / "README.md").read_text(encoding="utf-8")

    assert table.get("huggingface") == (hf_repo or None)
    assert (f"(https://huggingface.co/{hf_repo})" in readme) == bool(hf_repo)
    assert ("(`hf auth login`, or `HF_TOKEN`)" in readme) == bool(hf_repo)


def test_zizmor_finds_nothing_even_pedantic(project: Project, project_tools: VirtualEnv) -> None:
    result = run(
        [project_tools.bin("zizmor"), "--offline", "--persona", "pedantic", "."],
        cwd=project.root,
    )
    assert "No findings to report" in result.stdout + result.stderr


def test_repo_review_passes_every_check_but_ruffs(project: Project) -> None:
    result = run([TEST_TOOLS / "sp-repo-review", "--format", "json", "."], cwd=project.root)
    checks = json.loads(result.stdout)["checks"]
    failed = {name: c["err_msg"] for name, c in checks.items() if c["result"] is False}
    skipped = {name for name, c in checks.items() if c["result"] is None}
    assert not failed
    assert all(RUFF_ONLY_CHECKS.match(name) for name in skipped), skipped
    assert len(checks) - len(skipped) >= 57


def test_pre_commit_hook_tools_pass(project: Project, project_tools: VirtualEnv) -> None:
    """The hooks' own tools, at the pinned versions, accept every file as generated."""
    files = tracked_files(project.root)
    texts = [str(f) for f in files]
    yaml_files = [str(f) for f in files if f.suffix in {".yml", ".yaml", ".cff"}]
    toml_files = [str(f) for f in files if f.suffix == ".toml"]
    tools = project_tools.bin
    commands: list[list[str | Path]] = [
        [tools("trailing-whitespace-fixer"), *texts],
        [tools("end-of-file-fixer"), *texts],
        [tools("mixed-line-ending"), *texts],
        [tools("check-merge-conflict"), *texts],
        [tools("check-case-conflict"), *texts],
        [tools("check-added-large-files"), "--maxkb=500", *texts],
        [tools("check-yaml"), *yaml_files],
        [tools("check-toml"), *toml_files],
        [tools("debug-statement-hook"), *[t for t in texts if t.endswith(".py")]],
        [tools("codespell"), *[t for t in texts if not t.endswith("LICENSE")]],
        [tools("blacken-docs"), "README.md"],
        [tools("mdformat"), "--check", "README.md"],
    ]
    for command in commands:
        run(command, cwd=project.root)
    assert run(["git", "diff", "--stat"], cwd=project.root).stdout == ""


def test_license_is_the_chosen_text_with_holder_and_year(project: Project) -> None:
    license_text = (project.root / "LICENSE").read_text(encoding="utf-8")
    choice = project.answers.get("license", "MIT")
    opening = {
        "MIT": "MIT License",
        "BSD-3-Clause": "BSD 3-Clause License",
        "Apache-2.0": "Apache License",
        "GPL-3.0-only": "GNU GENERAL PUBLIC LICENSE",
        "Proprietary": "Copyright (c)",
    }[choice]
    assert license_text.lstrip().startswith(opening)
    if choice in {"MIT", "BSD-3-Clause", "Proprietary"}:
        assert project.answers.get("author_name", "Your Name") in license_text
        assert re.search(r"Copyright \(c\) 20\d\d", license_text)
    expected_spdx = "LicenseRef-Proprietary" if choice == "Proprietary" else choice
    assert project.pyproject["project"]["license"] == expected_spdx


def test_notebook_is_valid_nbformat_without_outputs(
    project: Project, project_tools: VirtualEnv
) -> None:
    notebook = project.root / "notebooks" / "quickstart.ipynb"
    if project.answers.get("include_notebook") == "no":
        assert not (project.root / "notebooks").exists()
        return
    check = (
        "import sys, nbformat; nb = nbformat.read(sys.argv[1], as_version=4); "
        "nbformat.validate(nb); "
        "print(sum(len(c.get('outputs', [])) for c in nb.cells), len(nb.cells))"
    )
    result = run([project_tools.python, "-c", check, notebook])
    outputs, cells = map(int, result.stdout.split())
    assert outputs == 0 and cells >= 4


def test_demo_app_and_its_extra_match_the_choice(project: Project) -> None:
    choice = project.answers.get("demo_app", "none")
    extras = project.pyproject["project"]["optional-dependencies"]
    app = project.root / "app.py"
    if choice == "none":
        assert not app.exists() and "demo" not in extras
    else:
        assert f"import {choice}" in app.read_text(encoding="utf-8")
        assert any(requirement.startswith(choice) for requirement in extras["demo"])
