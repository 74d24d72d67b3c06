#!/usr/bin/env python3
# /// script
# dependencies = ["nox"]
# ///
"""Development tasks: `nox` runs lint and tests; `nox -s build` builds."""

from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"


@nox.session(default=True)
def lint(session: nox.Session) -> None:
    """Run black, flake8, mypy and the other pre-commit hooks."""
    session.install("pre-commit")
    session.run(
        "pre-commit",
        "run",
        "--all-files",
        "--show-diff-on-failure",
        *session.posargs,
    )


@nox.session(default=True)
def tests(session: nox.Session) -> None:
    """Run the test suite."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session(default=False)
def build(session: nox.Session) -> None:
    """Build the sdist and wheel and check them as PyPI will."""
    session.install("build", "twine")
    session.run("python", "-m", "build")
    dists = [str(path) for path in Path("dist").iterdir()]
    session.run("twine", "check", "--strict", *dists)


if __name__ == "__main__":
    nox.main()
