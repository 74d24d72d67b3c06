"""``weights mirror add/remove`` and ``weights verify --all-sources``."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ml_publish.cli import main
from ml_publish.sandbox.github_emulator import GitHubEmulator
from ml_publish.weights.upload_pending import upload_weights
from tests.support.static_server import serving
from ml_publish.weights.verification import verify_weights
from tests.support.weights_projects import (
    REPOSITORY,
    WeightsProject,
    project_with_weights,
    use_emulator,
)

UNET = random.Random("unet").randbytes(30_000)


@dataclass(frozen=True)
class Mirrors:
    """A project with the weight ``unet``, and a server with copies of it: good and bad ones."""

    project: WeightsProject
    url: str

    def cli(self, *words: str) -> int:
        return main(["weights", "-C", str(self.project.root), *words])

    def registry(self) -> bytes:
        return next(self.project.root.glob("*/weights.json")).read_bytes()

    def readme(self) -> str:
        return (self.project.root / "README.md").read_text(encoding="utf-8")


@pytest.fixture
def mirrors(
    rendered_project: Path, tmp_path: Path, gh: GitHubEmulator, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Mirrors]:
    use_emulator(monkeypatch, gh)
    project = project_with_weights(rendered_project, tmp_path, {"unet": UNET})
    served = tmp_path / "served"
    served.mkdir()
    (served / "unet.pth").write_bytes(UNET)
    (served / "shorter.pth").write_bytes(UNET[:-1])
    (served / "other.pth").write_bytes(bytes(len(UNET)))
    with serving(served) as url:
        yield Mirrors(project, url)


def test_a_mirror_serving_the_registered_size_is_added_shown_and_removed(
    mirrors: Mirrors, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"{mirrors.url}/unet.pth"

    assert mirrors.cli("mirror", "add", "unet", url, "--verify") == 0
    assert mirrors.project.entries()["unet"].mirrors == (url,)
    once = mirrors.registry()
    assert mirrors.cli("mirror", "add", "unet", url) == 0
    assert mirrors.registry() == once
    assert f"; mirrors: [127.0.0.1]({url}) |" in mirrors.readme()
    entry = json.loads(once)["weights"][0]
    assert list(entry)[-1] == "mirrors" and entry["mirrors"] == [url]

    assert mirrors.cli("mirror", "remove", "unet", url) == 0
    assert mirrors.project.entries()["unet"].mirrors == ()
    assert "mirrors:" not in mirrors.readme()
    assert capsys.readouterr().out.splitlines()[-1] == "unet mirrors: none"


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (
            ["mirror", "add", "unet", "{url}/shorter.pth"],
            f"serves 29999 bytes (30.0 KB), but unet is {len(UNET)} bytes",
        ),
        (
            ["mirror", "add", "unet", "{url}/other.pth", "--verify"],
            f"serves other bytes than unet (SHA-256 {hashlib.sha256(bytes(30_000)).hexdigest()}",
        ),
        (["mirror", "add", "unet", "{url}/missing.pth"], "does not serve unet: 404 File not found"),
        (["mirror", "add", "vgg", "{url}/unet.pth"], "no weight named 'vgg' is registered (known"),
        (["mirror", "add", "unet", "ftp://example.org/unet.pth"], "is not an HTTPS URL"),
        (["mirror", "add", "unet", "http://example.org/unet.pth"], "is not an HTTPS URL"),
        (["mirror", "remove", "unet", "{url}/unet.pth"], "is not a mirror of unet (its mirrors"),
        (["mirror", "remove", "vgg", "{url}/unet.pth"], "no weight named 'vgg'"),
    ],
    ids=[
        "another size",
        "other bytes",
        "not found",
        "unknown weight",
        "not http",
        "plain http",
        "not a mirror",
        "remove unknown weight",
    ],
)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    mirrors: Mirrors, capsys: pytest.CaptureFixture[str], words: list[str], message: str
) -> None:
    before = mirrors.registry(), mirrors.readme()

    code = mirrors.cli(*[word.format(url=mirrors.url) for word in words])

    (line,) = capsys.readouterr().err.strip().splitlines()
    assert (code, message in line) == (2, True), line
    assert (mirrors.registry(), mirrors.readme()) == before


def test_verify_all_sources_downloads_from_the_release_and_every_mirror(
    mirrors: Mirrors, gh: GitHubEmulator
) -> None:
    good = f"{mirrors.url}/unet.pth"
    assert mirrors.cli("mirror", "add", "unet", good) == 0
    root = mirrors.project.root
    upload_weights(root, repository=REPOSITORY, api_url=gh.api_url, publish=True)
    assert verify_weights(root, all_sources=True) == []

    # A mirror that later serves other bytes is found by --all-sources only.
    (Path(mirrors.project.root).parent / "served" / "unet.pth").write_bytes(bytes(len(UNET)))

    assert verify_weights(root, download=True) == []
    (problem,) = verify_weights(root, all_sources=True)
    assert problem.startswith(f"unet: {good} has SHA-256 ")
