"""``release --sandbox``: a rehearsal on a clone, a fresh install, and nothing left running."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ml_publish.cli import main
from ml_publish.release.options import ReleaseOptions
from ml_publish.release.sandbox import rehearse
from tests.support.processes import run
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


def sandboxes() -> set[Path]:
    """The sandbox workspaces that exist now."""
    return set(Path(tempfile.gettempdir()).glob("ml-publish-sandbox-*"))


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

    rehearsal = rehearse(world.root, ReleaseOptions(bump="minor", progress=False), say=said.append)

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


def test_ctrl_c_stops_the_servers_and_removes_the_workspace(release_world: ReleaseWorld) -> None:
    before = sandboxes()
    command = [
        sys.executable,
        "-m",
        "ml_publish",
        "release",
        "--sandbox",
        "-C",
        str(release_world.root),
    ]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("[3/8]"):  # building: the servers are up and the clone exists
                break
        assert sandboxes() - before, "".join(lines)
        process.send_signal(signal.SIGINT)
        rest = process.communicate(timeout=60)[0]
    assert process.returncode == 130, "".join(lines) + rest
    assert rest.endswith("ml-publish: error: interrupted\n")  # a rehearsal keeps nothing
    github, pypiserver = SERVERS.search("".join(lines)).groups()  # type: ignore[union-attr]
    assert refuses_connections(github) and refuses_connections(pypiserver)
    assert sandboxes() - before == set()


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


def test_demo_shows_the_whole_product_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("GH_TOKEN", "GITHUB_TOKEN", "GITHUB_SERVER_URL", "TWINE_PASSWORD"):
        monkeypatch.delenv(variable, raising=False)
    assert main(["demo", "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Sandbox release of iris-classifier v0.2.0 rehearsed" in out
    assert "weights iris-linear: downloaded from http://127.0.0.1:" in out and "verified" in out
    project = tmp_path / "iris-classifier"
    assert git(project, "status", "--porcelain") == ""
    assert len(list((project / ".ml-publish" / "weights").iterdir())) == 1
    assert main(["check", str(project)]) == 0
