"""The ``ml-publish`` entry point: version, help, argument errors, and how every run ends:
one line for errors, 130 for Ctrl-C, quietly into a closed pipe, tracebacks only with --debug."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ml_publish import __version__
from ml_publish.cli import COMMANDS, WEIGHTS_ACTIONS
from ml_publish.sandbox.github_emulator import GitHubEmulator
from tests.support.processes import (
    READ_SECONDS,
    LineReader,
    quiet_end,
    run,
    run_into_closed_pipe,
    start_interruptible,
)
from tests.support.readme_repos import write_committed
from tests.support.weights_projects import REPOSITORY, WeightsProject


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


# A command stood in for by ``run``'s body, to see how the CLI ends what the command raises.
STAND_IN = """
import sys, time
import ml_publish.commands.check as command
from ml_publish.cli import main

def run(args):
{body}

command.run = run
sys.exit(main(sys.argv[1:]))
"""


def run_stand_in(body: str, *words: str) -> subprocess.CompletedProcess[str]:
    """``ml-publish check WORDS`` with ``body`` (indented) as the check command's code."""
    code = STAND_IN.format(body=textwrap.indent(textwrap.dedent(body), "    "))
    return run([sys.executable, "-c", code, *words], expect_success=False)


def test_an_unexpected_exception_is_one_line_pointing_at_debug() -> None:
    result = run_stand_in("return 1 / 0", "check")

    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "ml-publish: error: unexpected ZeroDivisionError: division by zero; run with --debug for "
        "the traceback\n"
    )


@pytest.mark.parametrize(
    "words", [["check", "--debug"], ["--debug", "check"], ["--verbose", "check"]]
)
def test_debug_anywhere_on_the_line_shows_the_traceback(words: list[str]) -> None:
    result = run_stand_in("return 1 / 0", *words)

    assert result.returncode == 1
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert result.stderr.rstrip().endswith("ZeroDivisionError: division by zero")


def test_an_operating_system_error_is_one_line_with_its_file() -> None:
    result = run_stand_in("open('/nonexistent/dir/weights.bin')", "check")

    assert result.returncode == 1
    assert result.stderr == (
        "ml-publish: error: [Errno 2] No such file or directory: '/nonexistent/dir/weights.bin'; "
        "run with --debug for the traceback\n"
    )


@pytest.mark.parametrize("module", ["passlib", "pypiserver.bottle"])
def test_a_missing_optional_extra_names_its_install_command(module: str) -> None:
    result = run_stand_in(f"sys.modules[{module!r}] = None\nimport {module}", "check")

    top = module.partition(".")[0]
    assert result.returncode == 2
    assert result.stderr == (
        f"ml-publish: error: {top} is not installed; it comes with: "
        'pip install "ml-publish[sandbox]"\n'
    )


def test_a_missing_module_that_is_no_extra_is_unexpected() -> None:
    result = run_stand_in("import no_such_module_anywhere", "check")

    assert result.returncode == 1
    assert (
        "unexpected ModuleNotFoundError: No module named 'no_such_module_anywhere'" in result.stderr
    )


def test_ctrl_c_exits_130_in_one_line() -> None:
    # The command waits for a line the test never sends: until Ctrl-C, whenever that lands.
    body = "print('ready', flush=True)\nsys.stdin.readline()"
    code = STAND_IN.format(body=textwrap.indent(body, "    "))
    command = [sys.executable, "-c", code, "check"]
    with start_interruptible(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        lines = LineReader(process.stdout)
        assert lines.until(lambda line: True) == ["ready\n"]
        process.send_signal(signal.SIGINT)
        out = lines.rest()
        process.wait(timeout=READ_SECONDS)
        err = process.stderr.read()

    assert (process.returncode, out, err) == (130, "", "ml-publish: error: interrupted\n")


HELP_WORDS = [
    [],
    *[[name] for name in COMMANDS],
    *[["weights", action] for action in WEIGHTS_ACTIONS],
]


@pytest.mark.parametrize("words", HELP_WORDS, ids=lambda words: " ".join(words) or "top")
def test_every_commands_help_ends_quietly_into_a_closed_pipe(
    words: list[str], tmp_path: Path
) -> None:
    result = run_into_closed_pipe([*words, "--help"], tmp_path)

    assert quiet_end(result), result.stderr


def test_commands_at_work_end_quietly_into_a_closed_pipe(
    weights_project: WeightsProject, gh: GitHubEmulator, tmp_path: Path
) -> None:
    root = weights_project.root
    big = tmp_path / "big.pth"
    big.write_bytes(b"\x80\x02" + os.urandom(200_000))
    files: dict[str, str | bytes] = {"train.py": "print('training')\n", "README.md": "# Run\n"}
    repository = write_committed(tmp_path / "repository", files)
    runs: dict[str, list[str | Path]] = {
        "version": ["--version"],
        "new": ["new", "--no-input", "-o", tmp_path / "new"],
        "adopt": ["adopt", "--dry-run", repository],
        "check": ["check", root],
        "check --list": ["check", "--list"],
        "no-weights-in-git": ["no-weights-in-git", big],
        "weights add": ["weights", "-C", root, "add", big, "--name", "big", "--repo", REPOSITORY],
        "weights list": ["weights", "-C", root, "list"],
        "weights upload": [
            "weights", "-C", root, "upload", "--repo", REPOSITORY, "--api-url", gh.api_url
        ],
    }  # fmt: skip

    results = {name: run_into_closed_pipe(words, tmp_path) for name, words in runs.items()}

    assert {name: result.stderr for name, result in results.items() if not quiet_end(result)} == {}
    assert (tmp_path / "new").is_dir() and "big" in weights_project.entries()  # the work was done
    assert len([r for r in gh.requests if r.host == "uploads"]) == 3
