"""The ``ml-publish`` entry point: version, help, and argument errors."""

from __future__ import annotations

import sys

from ml_publish import __version__
from tests.support.processes import run


def test_version_is_the_package_version() -> None:
    result = run([sys.executable, "-m", "ml_publish", "--version"])

    assert result.stdout.strip() == f"ml-publish {__version__}"


def test_help_lists_the_commands() -> None:
    result = run([sys.executable, "-m", "ml_publish", "--help"])

    assert "new" in result.stdout
    assert "create a new ML package" in result.stdout


def test_help_imports_nothing_heavy() -> None:
    probe = (
        "import sys, io, contextlib\n"
        "from ml_publish.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])\n"
        "print(*(m in sys.modules for m in ['cookiecutter', 'argparse', 'dataclasses']))"
    )

    result = run([sys.executable, "-c", probe])

    assert result.stdout.split() == ["False", "False", "False"]


def test_command_help_shows_its_options() -> None:
    result = run([sys.executable, "-m", "ml_publish", "new", "--help"])

    assert "--output-dir" in result.stdout and "KEY=VALUE" in result.stdout


def test_unknown_command_is_a_usage_error() -> None:
    result = run([sys.executable, "-m", "ml_publish", "publish-everything"], expect_success=False)

    assert result.returncode == 2
    assert "unknown command 'publish-everything'; choose from new" in result.stderr


def test_no_command_is_a_usage_error() -> None:
    result = run([sys.executable, "-m", "ml_publish"], expect_success=False)

    assert result.returncode == 2
    assert "a command is required" in result.stderr


def test_unknown_option_is_a_usage_error() -> None:
    result = run([sys.executable, "-m", "ml_publish", "--colour"], expect_success=False)

    assert result.returncode == 2
    assert "unrecognized option '--colour'" in result.stderr
