"""``release --sandbox``: a rehearsal on a clone, a fresh install, and nothing left running."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ml_publish.cli import main
from ml_publish.release.rehearsal import rehearse
from ml_publish.release.release_settings import ReleaseSettings
from tests.support.held_hook import HeldHook, held_git_hook
from tests.support.processes import READ_SECONDS, LineReader, run, start_interruptible
from tests.support.proxies import without_proxies
from tests.support.releases import WEIGHTS, ReleaseWorld, git

SERVERS = re.compile(r"Sandbox: GitHub at (\S+), pypiserver at (\S+)")


def refuses_connections(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=2):
            return False
    except OSError:
        return True


def test_the_sandbox_releases_a_clone_installs_it_and_loads_every_weight(
    release_world: ReleaseWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = release_world
    for variable in ("GH_TOKEN", "GITHUB_SERVER_URL", "TWINE_USERNAME", "TWINE_PASSWORD"):
        monkeypatch.delenv(variable)  # the sandbox needs none of the caller's credentials
    # A proxy for plain HTTP that nothing could pass: the sandbox's servers are on this machine,
    # so the rehearsal (client, twine, pip, the package's loader) must go past it.
    without_proxies(monkeypatch)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    project_before = world.snapshot(), git(world.root, "status", "--porcelain", "--ignored")
    said: list[str] = []
    monkeypatch.chdir(world.root)  # as a user runs it; the project's source must not shadow

    rehearsal = rehearse(world.root, ReleaseSettings(bump="minor", progress=False), say=said.append)

    assert rehearsal.tag == "v0.2.0" and rehearsal.installed_version == "0.2.0"
    assert rehearsal.index_files == [
        "leaf_counter-0.2.0-py3-none-any.whl",
        "leaf_counter-0.2.0.tar.gz",
    ]
    assert len(rehearsal.release_assets) == len(WEIGHTS) + 2
    assert sorted(w.name for w in rehearsal.loaded) == sorted(WEIGHTS)
    staged = {p.name: p for p in (world.root / ".ml-publish" / "weights").iterdir()}
    for weights in rehearsal.loaded:
        file_name = weights.url.rsplit("/", 1)[1]
        assert weights.url.startswith("http://127.0.0.1:")
        assert f"/releases/download/v0.2.0/{file_name}" in weights.url
        assert file_name[len(weights.name) + 1 :].startswith(weights.sha256[:10])
        assert file_name in staged
    summary = said[-1]
    assert "fresh venv: pip installed leaf-counter 0.2.0" in summary and "verified" in summary
    # The rehearsed release commit carries the citation of the new version.
    assert any(line.startswith("    committed Release v0.2.0: CITATION.cff, ") for line in said)
    # The project itself is untouched, the servers are stopped, the credentials restored.
    assert (
        world.snapshot(),
        git(world.root, "status", "--porcelain", "--ignored"),
    ) == project_before
    github, pypiserver = SERVERS.search("\n".join(said)).groups()  # type: ignore[union-attr]
    assert refuses_connections(github) and refuses_connections(pypiserver)
    assert "GH_TOKEN" not in os.environ and "TWINE_PASSWORD" not in os.environ
    assert "NO_PROXY" not in os.environ and "no_proxy" not in os.environ


def test_the_sandbox_without_its_extra_says_how_to_install_it(release_world: ReleaseWorld) -> None:
    hide_passlib = (
        "import sys; sys.modules['passlib'] = None; from ml_publish.cli import main; "
        "sys.exit(main(sys.argv[1:]))"
    )
    result = run(
        [sys.executable, "-c", hide_passlib, "release", "--sandbox", "-C", release_world.root],
        expect_success=False,
    )

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "ml-publish: error: the sandbox needs passlib, not installed here: pip install "
        '"ml-publish[sandbox]"\n'
    )


def sandbox_command(world: ReleaseWorld) -> list[str]:
    return [sys.executable, "-m", "ml_publish", "release", "--sandbox", "-C", str(world.root)]


def as_on_a_fresh_machine(temporary: Path, hook: HeldHook) -> dict[str, str]:
    """The environment of a child run as a user runs it: Python's output buffered as usual
    (no ``PYTHONUNBUFFERED``, which some machines export), a temporary directory of its own, and
    git holding at ``hook``."""
    temporary.mkdir()
    environment = {**os.environ, "TMPDIR": str(temporary), **hook.environment}
    environment.pop("PYTHONUNBUFFERED", None)
    return environment


def sandboxes(temporary: Path) -> set[Path]:
    """The sandbox workspaces that exist now in the child's temporary directory."""
    return set(temporary.glob("ml-publish-sandbox-*"))


def test_into_a_pipe_each_step_shows_while_the_release_runs(
    release_world: ReleaseWorld, tmp_path: Path
) -> None:
    temporary = tmp_path / "tmp"
    with (
        held_git_hook(tmp_path / "held", "pre-commit") as hook,
        subprocess.Popen(
            sandbox_command(release_world),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=as_on_a_fresh_machine(temporary, hook),
        ) as process,
    ):
        assert process.stdout is not None
        lines = LineReader(process.stdout)
        # The release cannot finish while its bump commit is held: these lines come as printed.
        shown = lines.until(lambda line: line.startswith("[2/8]"))
        hook.wait_reached()
        assert shown[-2:] == ["[1/8] Preflight\n", "[2/8] Bump the version\n"], shown
        hook.release()
        rest = lines.rest()
        assert process.wait(timeout=READ_SECONDS) == 0, "".join(shown) + rest
    assert "Sandbox release of leaf-counter v0.1.1 rehearsed" in rest
    assert "[8/8] Push the branch\n" in rest
    assert sandboxes(temporary) == set()


def test_ctrl_c_stops_the_servers_and_removes_the_workspace(
    release_world: ReleaseWorld, tmp_path: Path
) -> None:
    temporary = tmp_path / "tmp"
    with (
        held_git_hook(tmp_path / "held", "pre-commit") as hook,
        start_interruptible(
            sandbox_command(release_world),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=as_on_a_fresh_machine(temporary, hook),
        ) as process,
    ):
        assert process.stdout is not None
        lines = LineReader(process.stdout)
        shown = "".join(lines.until(lambda line: line.startswith("[2/8]")))
        hook.wait_reached()  # bumping, held: the servers are up and the clone exists
        assert sandboxes(temporary), shown
        process.send_signal(signal.SIGINT)
        rest = lines.rest()
        process.wait(timeout=READ_SECONDS)
    assert process.returncode == 130, shown + rest
    assert rest.endswith("ml-publish: error: interrupted\n")  # a rehearsal keeps nothing
    github, pypiserver = SERVERS.search(shown).groups()  # type: ignore[union-attr]
    assert refuses_connections(github) and refuses_connections(pypiserver)
    assert sandboxes(temporary) == set()


def test_the_sandbox_refuses_a_dry_run(
    release_world: ReleaseWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["release", "--sandbox", "--dry-run", "-C", str(release_world.root)]) == 2
    assert "already a rehearsal; drop --dry-run" in capsys.readouterr().err


def test_the_sandbox_refuses_a_directory_that_is_not_a_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["release", "--sandbox", "-C", str(tmp_path)]) == 2
    assert "is not a git work tree" in capsys.readouterr().err
