"""CI checks, each on a tiny passing repository and a tiny failing one."""

from __future__ import annotations

from pathlib import Path

from tests.support.tiny_repos import GOOD_PACKAGE, GOOD_PYPROJECT, Files, audit

ON_PUSH = "on:\n  push:\n    branches: [main]\n"
ON_MAIN = ON_PUSH + "  pull_request:\n"
TEST_JOB = """\
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        python-version: ["3.10", "3.12"]
    steps:
      - uses: actions/setup-python@v5
        with:
          python-version: ${{ matrix.python-version }}
      - run: python -m pip install ".[test]"
      - run: python -m pytest
"""
LINT_JOB = """\
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: python -m pip install flake8 && flake8
"""
CI = ON_MAIN + TEST_JOB
RELEASE = 'on:\n  push:\n    tags: ["v*"]\n' + TEST_JOB


def with_workflows(workflows: dict[str, str], pyproject: str = GOOD_PYPROJECT) -> Files:
    """A packaged repository with these files in .github/workflows/."""
    files: Files = {"pyproject.toml": pyproject, **GOOD_PACKAGE}
    files.update({f".github/workflows/{name}": text for name, text in workflows.items()})
    return files


GOOD = with_workflows({"ci.yml": CI})


def test_ci101_workflow_present(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "CI101").result == "pass"
    assert audit(tmp_path / "yaml", with_workflows({"ci.yaml": CI}), "CI101").result == "pass"
    failed = audit(tmp_path / "bad", with_workflows({}), "CI101")
    assert failed.result == "fail"
    assert "add a workflow in .github/workflows/" in failed.message


def test_ci102_workflows_parse(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "CI102").result == "pass"
    two = with_workflows({"ci.yml": CI, "lint.yml": "on: [push\n"})
    broken = audit(tmp_path / "broken", two, "CI102")
    assert broken.result == "fail"
    assert ".github/workflows/lint.yml is not valid YAML" in broken.message
    jobless = audit(tmp_path / "jobless", with_workflows({"ci.yml": ON_MAIN}), "CI102")
    assert jobless.result == "fail"
    assert ".github/workflows/ci.yml lacks on: or jobs:" in jobless.message


def test_ci103_workflow_runs_tests(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "CI103").result == "pass"
    nox = ON_MAIN + TEST_JOB.replace("python -m pytest", "nox -s tests")
    assert audit(tmp_path / "nox", with_workflows({"ci.yml": nox}), "CI103").result == "pass"
    failed = audit(tmp_path / "bad", with_workflows({"lint.yml": ON_MAIN + LINT_JOB}), "CI103")
    assert failed.result == "fail"
    assert "run: python -m pytest" in failed.message
    installs_only = ON_MAIN + TEST_JOB.replace("      - run: python -m pytest\n", "").replace(
        '".[test]"', "pytest"
    )
    only = audit(tmp_path / "installs", with_workflows({"ci.yml": installs_only}), "CI103")
    assert only.result == "fail"


def test_ci104_tests_run_on_default_branch(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "CI104", git=True).result == "pass"
    everywhere = with_workflows({"ci.yml": "on: [push, pull_request]\n" + TEST_JOB})
    assert audit(tmp_path / "all", everywhere, "CI104", git=True).result == "pass"
    develop = ON_PUSH.replace("main", "develop") + TEST_JOB
    failed = audit(tmp_path / "develop", with_workflows({"ci.yml": develop}), "CI104", git=True)
    assert failed.result == "fail"
    assert "no test workflow runs on pushes or pull requests to main;" in failed.message
    # Without git the branch is unknown; main and master are the guesses.
    master = with_workflows({"ci.yml": ON_PUSH.replace("main", "master") + TEST_JOB})
    assert audit(tmp_path / "master", master, "CI104").result == "pass"
    # Pushes of tags only do not run a workflow for pushes to branches.
    tagged = with_workflows({"lint.yml": ON_MAIN + LINT_JOB, "release.yml": RELEASE})
    released = audit(tmp_path / "release", tagged, "CI104", git=True)
    assert released.result == "fail"
    assert "to main;" in released.message


def test_ci105_python_versions_supported(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "CI105").result == "pass"
    old = with_workflows({"ci.yml": CI.replace('["3.10", "3.12"]', '["3.7", "3.12"]')})
    failed = audit(tmp_path / "old", old, "CI105")
    assert failed.result == "fail"
    assert "unsupported Python versions in CI: .github/workflows/ci.yml: 3.7;" in failed.message
    assert "ci.yml: 3.12" not in failed.message
    unquoted = with_workflows({"ci.yml": CI.replace('["3.10", "3.12"]', "[3.10, 3.12]")})
    float_read = audit(tmp_path / "float", unquoted, "CI105")
    assert float_read.result == "fail"
    assert 'YAML reads 3.10 as 3.1; quote it: "3.10"' in float_read.message


def test_ci106_ci_extras_exist(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "CI106").result == "pass"
    plural = with_workflows({"ci.yml": CI.replace(".[test]", ".[tests]")})
    failed = audit(tmp_path / "plural", plural, "CI106")
    assert failed.result == "fail"
    assert "does not define: tests; add them to [project.optional-dependencies]" in failed.message
    # .[name] and --extra install extras; a dependency group of that name is not one.
    grouped = GOOD_PYPROJECT + '\n[dependency-groups]\nlint = ["flake8"]\n'
    uv = CI.replace('python -m pip install ".[test]"', "uv sync --extra test --group lint")
    assert audit(tmp_path / "uv", with_workflows({"ci.yml": uv}, grouped), "CI106").result == "pass"
    group_as_extra = with_workflows({"ci.yml": CI.replace(".[test]", ".[test,lint]")}, grouped)
    failed = audit(tmp_path / "group", group_as_extra, "CI106")
    assert failed.result == "fail"
    assert "does not define: lint;" in failed.message
    uv_extra = CI.replace('python -m pip install ".[test]"', "uv sync --extra lint")
    failed = audit(tmp_path / "uv-extra", with_workflows({"ci.yml": uv_extra}, grouped), "CI106")
    assert failed.result == "fail"
    assert "does not define: lint;" in failed.message


def test_ci107_runners_available(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "CI107").result == "pass"
    pinned = with_workflows({"ci.yml": CI.replace("ubuntu-latest", "ubuntu-20.04")})
    failed = audit(tmp_path / "pinned", pinned, "CI107")
    assert failed.result == "fail"
    assert failed.message.startswith("GitHub has retired ubuntu-20.04;")
    assert "use ubuntu-latest" in failed.message
    matrix = CI.replace("runs-on: ubuntu-latest", "runs-on: ${{ matrix.os }}").replace(
        "matrix:\n", "matrix:\n        os: [ubuntu-latest, ubuntu-20.04]\n"
    )
    in_matrix = audit(tmp_path / "matrix", with_workflows({"ci.yml": matrix}), "CI107")
    assert in_matrix.result == "fail"
    assert "retired ubuntu-20.04;" in in_matrix.message


def test_ci104_skips_without_test_workflow(tmp_path: Path) -> None:
    skipped = audit(tmp_path, with_workflows({}), "CI104")
    assert skipped.result == "skip"
    assert "CI103" in skipped.message
