"""Keeps what each check test saw pass and fail, for the meta-test that runs after them all.

See tests/support/check_cases.py. The meta-test judges the cases only when the run selected
every test in this package; under ``-k``, a node ID or a single file it skips and says why.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence

import pytest

from tests.support.check_cases import CASES, in_check_tests

META_TEST = "test_every_check_is_seen_passing_and_failing"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    CASES.noted.clear()  # what ``audit`` noted outside a check test's call is no evidence
    try:
        result = yield
    except BaseException:
        CASES.keep(item.nodeid, passed=False)
        raise
    CASES.keep(item.nodeid, passed=True)
    return result


def pytest_deselected(items: Sequence[pytest.Item]) -> None:
    CASES.deselected.extend(item.nodeid for item in items if in_check_tests(item))


# tryfirst makes this wrapper the outermost, so it reorders after the plugins that reorder
# (--ff, --nf, random orders) have had their say.
@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> Generator[None, None, None]:
    """Run the meta-test after every other test, whatever order the others run in."""
    yield
    last = [item for item in items if item.name == META_TEST]
    items[:] = [item for item in items if item.name != META_TEST] + last
