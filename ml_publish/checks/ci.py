"""CI: GitHub Actions that run the tests, on the default branch, on Pythons runners offer."""

from __future__ import annotations

import fnmatch
import re

from ml_publish.checks.base import check
from ml_publish.checks.facts import RepositoryFacts, UnreadableFile

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

INSTALL = re.compile(r"\b(pip|uv|pipx|conda|mamba)\b.*\binstall\b")
TEST_COMMAND = re.compile(
    r"\b(pytest|nox|tox|unittest|hatch\s+test|hatch\s+run\s+test|make\s+test|pdm\s+run\s+test)\b"
)
EXTRAS = re.compile(r"""(?:^|[\s'"])\.\[([A-Za-z0-9_.,\s-]+)\]""")
EXTRA_OPTION = re.compile(r"--(extra|group)[=\s]+([A-Za-z0-9_.-]+)")
# GitHub-hosted runner images that GitHub has retired: jobs on them never start.
RETIRED_RUNNERS = {
    "ubuntu-16.04",
    "ubuntu-18.04",
    "ubuntu-20.04",
    "macos-10.15",
    "macos-11",
    "macos-12",
    "macos-13",
    "windows-2016",
    "windows-2019",
}
DEFAULT_BRANCH_GUESSES = ("main", "master")


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    """The ``on:`` section as a mapping (PyYAML reads the bare key ``on`` as ``True``)."""
    raw = workflow.get("on", workflow.get(True))
    if isinstance(raw, str):
        return {raw: {}}
    if isinstance(raw, list):
        return {str(event): {} for event in raw}
    return {str(k): v or {} for k, v in raw.items()} if isinstance(raw, dict) else {}


def steps(workflow: dict[Any, Any]) -> Iterator[dict[str, Any]]:
    for job in (workflow.get("jobs") or {}).values():
        if isinstance(job, dict):
            for step in job.get("steps") or []:
                if isinstance(step, dict):
                    yield step


def run_commands(workflow: dict[Any, Any]) -> list[str]:
    return [str(step["run"]) for step in steps(workflow) if "run" in step]


def runs_tests(command: str) -> bool:
    """Whether a step's script runs a test runner (installing one does not count)."""
    return any(
        TEST_COMMAND.search(line) and not INSTALL.search(line) for line in command.splitlines()
    )


def test_workflows(facts: RepositoryFacts) -> dict[str, dict[Any, Any]]:
    return {
        name: workflow
        for name, workflow in facts.workflows().items()
        if any(runs_tests(command) for command in run_commands(workflow))
    }


def python_versions(workflow: dict[Any, Any]) -> Iterator[object]:
    """Literal Python versions: matrix entries and setup-python inputs."""
    for job in (workflow.get("jobs") or {}).values():
        if not isinstance(job, dict):
            continue
        matrix = (job.get("strategy") or {}).get("matrix") or {}
        if isinstance(matrix, dict):
            values = matrix.get("python-version", matrix.get("python", []))
            yield from values if isinstance(values, list) else []
            for include in matrix.get("include") or []:
                if isinstance(include, dict) and "python-version" in include:
                    yield include["python-version"]
    for step in steps(workflow):
        if str(step.get("uses", "")).startswith("actions/setup-python"):
            version = (step.get("with") or {}).get("python-version")
            if version is not None and "${{" not in str(version):
                yield version


@check("CI101")
def workflow_present(facts: RepositoryFacts) -> str | None:
    """A GitHub Actions workflow exists."""
    if not facts.workflow_files():
        return "add a workflow in .github/workflows/ that runs the tests (ml-publish new has one)"
    return None


@check("CI102", requires=("CI101",))
def workflows_parse(facts: RepositoryFacts) -> str | None:
    """Every workflow parses and has on: and jobs:."""
    problems = []
    for name in facts.workflow_files():
        try:
            workflow = facts.yaml(name)
        except UnreadableFile as error:
            problems.append(str(error))
            continue
        if not isinstance(workflow, dict) or not triggers(workflow) or not workflow.get("jobs"):
            problems.append(f"{name} lacks on: or jobs:")
    if problems:
        return "; ".join(problems) + "; GitHub ignores such workflows"
    return None


@check("CI103", requires=("CI102",))
def workflow_runs_tests(facts: RepositoryFacts) -> str | None:
    """A workflow runs the tests."""
    if not test_workflows(facts):
        return "add a step that runs the tests (run: python -m pytest) to a workflow"
    return None


@check("CI104", requires=("CI103",))
def tests_run_on_default_branch(facts: RepositoryFacts) -> str | None:
    """The tests run on pushes or pull requests to the default branch."""
    branch = facts.default_branch()
    branches = (branch,) if branch else DEFAULT_BRANCH_GUESSES
    for workflow in test_workflows(facts).values():
        for event in ("push", "pull_request"):
            settings = triggers(workflow).get(event)
            if settings is None:
                continue
            if isinstance(settings, dict) and settings.keys() & {"tags", "tags-ignore"}:
                if not settings.keys() & {"branches", "branches-ignore"}:
                    continue  # tag pushes only: GitHub does not run it for branch pushes
            wanted = settings.get("branches") if isinstance(settings, dict) else None
            ignored = settings.get("branches-ignore", []) if isinstance(settings, dict) else []
            if wanted is None and not any(
                fnmatch.fnmatch(b, str(p)) for b in branches for p in ignored
            ):
                return None
            if any(fnmatch.fnmatch(b, str(p)) for b in branches for p in wanted or []):
                return None
    return (
        f"no test workflow runs on pushes or pull requests to {' or '.join(branches)}; add it "
        "under on: push: branches:"
    )


@check("CI105", requires=("CI102",))
def python_versions_supported(facts: RepositoryFacts) -> str | None:
    """Workflows test only Python versions that are supported and offered by runners."""
    from ml_publish.template_files import supported_pythons

    supported = supported_pythons()
    problems = []
    for name, workflow in facts.workflows().items():
        for version in python_versions(workflow):
            text = str(version)
            if isinstance(version, float) and text + "0" in supported:
                problems.append(f'{name}: {text} (YAML reads 3.10 as 3.1; quote it: "{text}0")')
            elif re.fullmatch(r"\d+\.\d+", text) and text not in supported:
                problems.append(f"{name}: {text}")
    if problems:
        return (
            f"unsupported Python versions in CI: {'; '.join(problems)}; test on "
            f"{supported[0]} to {supported[-1]}"
        )
    return None


@check("CI106", requires=("CI102", "PKG101"))
def ci_extras_exist(facts: RepositoryFacts) -> str | None:
    """Extras and dependency groups that CI installs exist in pyproject.toml."""
    project = facts.project_table()
    extras = set(project.get("optional-dependencies", {}))
    # `.[name]` and uv's --extra name only extras; --group names either (pdm) or a group.
    known = extras | set(facts.pyproject().get("dependency-groups", {}))
    missing = set()
    for workflow in facts.workflows().values():
        for command in run_commands(workflow):
            for group in EXTRAS.findall(command):
                missing |= {e.strip() for e in group.split(",") if e.strip()} - extras
            for option, name in EXTRA_OPTION.findall(command):
                missing |= {name} - (extras if option == "extra" else known)
    if missing:
        return (
            f"CI installs extras that pyproject.toml does not define: "
            f"{', '.join(sorted(missing))}; add them to [project.optional-dependencies]"
        )
    return None


@check("CI107", requires=("CI102",))
def runners_available(facts: RepositoryFacts) -> str | None:
    """Jobs run on runner images GitHub still offers."""
    retired = set()
    for workflow in facts.workflows().values():
        for job in (workflow.get("jobs") or {}).values():
            retired |= {label for label in runner_labels(job) if label in RETIRED_RUNNERS}
    if retired:
        return (
            f"GitHub has retired {', '.join(sorted(retired))}; jobs there never start; use "
            "ubuntu-latest, macos-latest or windows-latest"
        )
    return None


def runner_labels(job: object) -> set[str]:
    """The job's runs-on labels, and the values of a matrix.os it may refer to."""
    if not isinstance(job, dict):
        return set()
    runs_on = job.get("runs-on")
    labels = runs_on if isinstance(runs_on, list) else [runs_on]
    matrix = (job.get("strategy") or {}).get("matrix") or {}
    if isinstance(matrix, dict) and isinstance(matrix.get("os"), list):
        labels = [*labels, *matrix["os"]]
    return {str(label) for label in labels}
