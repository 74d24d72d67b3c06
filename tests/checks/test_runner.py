"""The check runner: the registry of checks, selection, configuration, prerequisites, exit codes."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_publish.checks import all_checks
from ml_publish.checks.base import FAIL, FAMILIES, PASS
from ml_publish.checks.facts import RepositoryFacts
from ml_publish.checks.runner import choose, exit_code, read_config, run_checks
from ml_publish.errors import UsageError
from tests.support.check_cases import CASES, in_check_tests, left_out
from tests.support.fuzzing import fuzzed, toml_values, tricky_text
from tests.support.processes import run
from tests.support.tiny_repos import GOOD_PACKAGE, GOOD_PYPROJECT, write_repository

CHECK_TESTS = Path(__file__).parent
GOOD = {"pyproject.toml": GOOD_PYPROJECT, **GOOD_PACKAGE}


def ml_publish_check(*args: str | Path, cwd: Path | None = None) -> tuple[int, str, str]:
    result = run(
        [sys.executable, "-m", "ml_publish", "check", *args], cwd=cwd, expect_success=False
    )
    return result.returncode, result.stdout, result.stderr


def test_there_are_at_least_thirty_checks_in_every_family() -> None:
    checks = all_checks()
    ids = [c.id for c in checks]

    assert len(checks) >= 30
    assert len(set(ids)) == len(ids)
    assert {c.family for c in checks} == set(FAMILIES)
    assert all(re.fullmatch(r"[A-Z]+\d{3}", c.id) and c.title for c in checks)


def test_prerequisites_exist_and_never_form_a_cycle() -> None:
    by_id = {c.id: c for c in all_checks()}

    def depth(check_id: str, seen: tuple[str, ...] = ()) -> int:
        assert check_id not in seen, f"cycle through {seen}"
        return 1 + max((depth(r, (*seen, check_id)) for r in by_id[check_id].requires), default=0)

    for check in by_id.values():
        assert set(check.requires) <= set(by_id), check
        assert depth(check.id) >= 1


def test_every_check_has_its_own_test() -> None:
    tested = {
        match.upper()
        for path in CHECK_TESTS.glob("test_*.py")
        for match in re.findall(r"^def test_([a-z]+\d{3})_", path.read_text(), re.MULTILINE)
    }

    assert {c.id for c in all_checks()} <= tested


def test_every_check_is_seen_passing_and_failing(request: pytest.FixtureRequest) -> None:
    """Some check test that passed saw each check pass, and some saw it fail.

    conftest.py runs this after every other test; the cases are what ``audit`` returned
    (tests/support/check_cases.py). Only a run of every check test can hold them all, so under
    ``-k``, a node ID or a single file this skips and says what was left out.
    """
    selected = [item for item in request.session.items if in_check_tests(item)]
    left = left_out(selected, CASES.deselected)
    if left:
        pytest.skip(f"judged only when every check test runs, and {left}")
    unfinished = [
        item.nodeid
        for item in selected
        if item.nodeid not in CASES.finished and item is not request.node
    ]
    assert not unfinished, f"ran before {unfinished[0]}; tests/checks/conftest.py moves it last"
    missing = [
        f"{check.id} {result}"
        for check in all_checks()
        for result in (PASS, FAIL)
        if (check.id, result) not in CASES.seen
    ]
    message = f"no check test sees {', '.join(missing)}"
    if CASES.not_passed:
        message += f" (what {', '.join(CASES.not_passed)} saw does not count: they did not pass)"
    assert not missing, message


def test_a_failed_prerequisite_skips_its_dependents_even_when_not_selected(tmp_path: Path) -> None:
    write_repository(tmp_path, {"pyproject.toml": "[project\n"})

    (result,) = run_checks(tmp_path, select=["PKG103"])

    assert (result.id, result.result) == ("PKG103", "skip")
    assert result.message == "not run: PKG101 failed"


def test_select_takes_families_and_ignore_gives_the_reason(tmp_path: Path) -> None:
    write_repository(tmp_path, GOOD)

    results = run_checks(tmp_path, select=["pkg", "LNT101"], ignore=["PKG110"])

    assert [r.id for r in results] == [f"PKG1{n:02}" for n in range(1, 12)] + ["LNT101"]
    ignored = next(r for r in results if r.id == "PKG110")
    assert (ignored.result, ignored.message) == ("skip", "ignored with --ignore")


def test_configuration_ignores_with_a_reason(tmp_path: Path) -> None:
    config = '\n[tool.ml-publish.check]\nignore = { PKG110 = "the stubs ship separately" }\n'
    write_repository(tmp_path, {**GOOD, "pyproject.toml": GOOD_PYPROJECT + config})
    (tmp_path / "cell_counter" / "py.typed").unlink()

    (result,) = run_checks(tmp_path, select=["PKG110"])

    assert (result.result, result.message) == ("skip", "ignored: the stubs ship separately")


@pytest.mark.parametrize(
    ("config", "error"),
    [
        ('ignore = { PKG999 = "x" }', "unknown check 'PKG999' in [tool.ml-publish.check]"),
        ('select = ["WGT", "XYZ1"]', "unknown check 'XYZ1' in [tool.ml-publish.check]"),
        ('skip = ["PKG101"]', "unknown key 'skip' in [tool.ml-publish.check]"),
        ('ignore = "PKG101"', "ignore in [tool.ml-publish.check] must be a table"),
    ],
)
def test_bad_configuration_is_a_clear_usage_error(tmp_path: Path, config: str, error: str) -> None:
    write_repository(
        tmp_path,
        {**GOOD, "pyproject.toml": f"{GOOD_PYPROJECT}\n[tool.ml-publish.check]\n{config}\n"},
    )

    with pytest.raises(UsageError, match=re.escape(error)):
        run_checks(tmp_path)


def test_exit_code_is_one_only_when_a_check_failed(tmp_path: Path) -> None:
    write_repository(tmp_path, GOOD)
    passing = run_checks(tmp_path, select=["PKG"])
    (tmp_path / "cell_counter" / "py.typed").unlink()
    failing = run_checks(tmp_path, select=["PKG"])

    assert exit_code(passing) == 0
    assert exit_code(failing) == 1


def test_cli_exits_1_on_a_failure_and_says_how_to_fix_it(tmp_path: Path) -> None:
    write_repository(
        tmp_path, {**GOOD, "pyproject.toml": GOOD_PYPROJECT.replace('">=3.10"', '"==3.11"')}
    )

    code, out, _ = ml_publish_check(tmp_path, "--select", "PKG104,PKG101")

    assert code == 1
    assert "FAIL  PKG104" in out and "write only a minimum" in out
    assert out.strip().endswith("1 passed, 1 failed, 0 skipped")


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--select", "PKG101,NOPE"], "unknown check 'NOPE' in --select"),
        (["--ignore", "ZZZ"], "unknown check 'ZZZ' in --ignore"),
        (["--format", "yaml"], "invalid choice: 'yaml'"),
    ],
)
def test_cli_usage_errors_exit_2_and_write_nothing(
    tmp_path: Path, args: list[str], error: str
) -> None:
    write_repository(tmp_path, GOOD)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))

    code, out, err = ml_publish_check(tmp_path, *args)

    assert code == 2
    assert error in err and out == ""
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_cli_refuses_a_path_that_is_not_a_directory(tmp_path: Path) -> None:
    code, _, err = ml_publish_check(tmp_path / "missing")

    assert code == 2
    assert err.strip().endswith("is not a directory; pass the repository to check")


def test_list_shows_every_check_with_its_prerequisites() -> None:
    code, out, _ = ml_publish_check("--list")

    assert code == 0
    for check in all_checks():
        assert f"{check.id:<7} {check.title}" in out
    assert "PKG103  [project] has name" in out and "[needs PKG101]" in out


CHECK_IDS = [check.id for check in all_checks()]
# [tool.ml-publish.check] as hand edits leave it: any TOML value at any level of the path, or
# select and ignore holding IDs, families and anything else.
check_words = st.sampled_from([*CHECK_IDS[:5], *FAMILIES, "pkg101", " WGT ", "XYZ1"]) | tricky_text
check_configurations = st.one_of(
    toml_values.map(lambda value: {"tool": value}),
    toml_values.map(lambda value: {"tool": {"ml-publish": value}}),
    toml_values.map(lambda value: {"tool": {"ml-publish": {"check": value}}}),
    st.fixed_dictionaries(
        {},
        optional={
            "select": st.lists(check_words, max_size=3) | toml_values,
            "ignore": st.dictionaries(check_words, toml_values, max_size=3)
            | st.lists(check_words, max_size=3)
            | toml_values,
        },
    ).map(lambda table: {"tool": {"ml-publish": {"check": table}}}),
)


@settings(fuzzed, max_examples=100)
@given(document=check_configurations)
def test_any_check_configuration_is_used_or_refused_in_one_line(
    tmp_path: Path, document: dict[str, Any]
) -> None:
    (tmp_path / "pyproject.toml").write_text(tomlkit.dumps(document), encoding="utf-8")
    try:
        selection = choose(all_checks(), read_config(RepositoryFacts(tmp_path)), [], [])
    except UsageError as error:
        assert error.exit_code == 2 and str(error) and "\n" not in str(error)
        return
    assert set(selection.selected) <= set(CHECK_IDS)
    assert set(selection.ignored) <= set(CHECK_IDS)
