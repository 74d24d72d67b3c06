"""A project ready to release: committed weights, a bare ``origin``, the GitHub emulator and a
real pypiserver, and a snapshot of everything a release changes, to compare runs by."""

from __future__ import annotations

import random
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ml_publish.release.context import ReleaseContext
from ml_publish.release.options import ReleaseOptions
from ml_publish.release.pipeline import release
from ml_publish.release.state import RELEASE_STATE_FILE
from ml_publish.sandbox.github_emulator import GitHubEmulator
from ml_publish.sandbox.package_index import PackageIndex
from ml_publish.weights.registration import add_weights

REPOSITORY = "octo-org/leaf-counter"
OWNER, REPO = REPOSITORY.split("/")
# Fixed commit dates make a re-run's commits and tags identical to an uninterrupted run's.
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Release Tests",
    "GIT_AUTHOR_EMAIL": "release@ml-publish.invalid",
    "GIT_COMMITTER_NAME": "Release Tests",
    "GIT_COMMITTER_EMAIL": "release@ml-publish.invalid",
    "GIT_AUTHOR_DATE": "2026-11-20T12:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-11-20T12:00:00+00:00",
}
REFS = ("for-each-ref", "--format=%(refname) %(objectname)", "refs/heads", "refs/tags")
WEIGHTS = {"leaf-unet": 300_000, "leaf-small": 40_000}


def git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def set_environment(
    monkeypatch: pytest.MonkeyPatch, gh: GitHubEmulator, index: PackageIndex
) -> None:
    """Point GitHub, twine and git at the test servers and a fixed identity, not the host's."""
    for variable in ("GITHUB_TOKEN", "GITHUB_API_URL", "GITHUB_REPOSITORY", "GITHUB_ACTIONS"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("GH_TOKEN", gh.token)
    monkeypatch.setenv("GITHUB_SERVER_URL", gh.server_url)
    monkeypatch.setenv("TWINE_USERNAME", index.username)
    monkeypatch.setenv("TWINE_PASSWORD", index.password)
    for name, value in GIT_IDENTITY.items():
        monkeypatch.setenv(name, value)


def make_releasable(rendered: Path, destination: Path) -> tuple[Path, Path]:
    """A committed copy of ``rendered`` with pending weights, and its bare ``origin``."""
    root = shutil.copytree(rendered, destination / rendered.name)
    for name, size in WEIGHTS.items():
        source = destination / f"{name}.pth"
        # The same bytes in every test, so separate runs can be compared file by file.
        source.write_bytes(random.Random(name).randbytes(size))
        add_weights(root, source, name=name, repository=REPOSITORY)
    # The project's Release workflow cannot run here: this machine publishes everything.
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('publish = "workflow"', 'publish = "local"'))
    remote = destination / "origin.git"
    git(destination, "init", "--quiet", "--bare", "--initial-branch", "main", str(remote))
    git(root, "checkout", "--quiet", "-B", "main")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--message", "Train the leaf counter")
    git(root, "remote", "add", "origin", str(remote))
    git(root, "push", "--quiet", "--set-upstream", "origin", "main")
    git(root, "remote", "set-head", "origin", "main")  # as in a clone
    return root, remote


def reject_pushes_once(remote: Path, ref_prefix: str) -> Path:
    """Make ``remote`` refuse the next push of a ref starting with ``ref_prefix``, then accept."""
    marker = remote / "reject-next-push"
    marker.touch()
    hook = remote / "hooks" / "pre-receive"
    hook.write_text(
        "#!/bin/sh\n"
        "while read old new ref; do\n"
        f'  case "$ref" in {ref_prefix}*)\n'
        f'    if [ -e "{marker}" ]; then rm "{marker}"; echo "refused" >&2; exit 1; fi;;\n'
        "  esac\n"
        "done\n"
    )
    hook.chmod(0o755)
    return marker


def fail_commits_once(root: Path) -> None:
    """A git pre-commit hook in ``root`` that refuses the next commit only."""
    hook = root / ".git" / "hooks" / "pre-commit"
    marker = root / ".git" / "refuse-next-commit"
    marker.touch()
    hook.write_text(f'#!/bin/sh\nif [ -e "{marker}" ]; then rm "{marker}"; exit 1; fi\n')
    hook.chmod(0o755)


@dataclass
class ReleaseWorld:
    """One project to release, with the servers it releases to."""

    root: Path
    remote: Path
    gh: GitHubEmulator
    index: PackageIndex
    said: list[str] = field(default_factory=list)

    def options(self, **overrides: Any) -> ReleaseOptions:
        settings: dict[str, Any] = {
            "bump": "patch",
            "api_url": self.gh.api_url,
            "repository_url": self.index.upload_url,
            "repository": REPOSITORY,
            "progress": False,
        }
        settings.update(overrides)
        return ReleaseOptions(**settings)

    def cli_words(self, *words: str) -> list[str]:
        """``ml-publish release`` words for this project and these servers, then ``words``."""
        servers = ["--api-url", self.gh.api_url, "--repository-url", self.index.upload_url]
        return ["release", "-C", str(self.root), *servers, "--repo", REPOSITORY, *words]

    def release(self, **overrides: Any) -> ReleaseContext:
        def no_waiting(seconds: float) -> None:
            pass

        def context(**kwargs: Any) -> ReleaseContext:
            return ReleaseContext(**kwargs, sleep=no_waiting)

        return release(self.root, self.options(**overrides), say=self.said.append, context=context)

    def releases(self) -> list[Any]:
        return self.gh.state.releases(OWNER, REPO)

    def completed_uploads(self) -> Counter[str]:
        """How many complete uploads each asset received (cut ones do not count)."""
        sizes = {asset.name: asset.size for release in self.releases() for asset in release.assets}
        return Counter(
            request.query["name"][0]
            for request in self.gh.requests
            if request.host == "uploads"
            and request.method == "POST"
            and request.body_length == sizes.get(request.query["name"][0])
        )

    def snapshot(self) -> dict[str, Any]:
        """Everything a release changes, comparable between runs on different servers.

        Server addresses (in registry URLs, so in the dists too) differ between runs; they are
        replaced by placeholders, and each dist is checked to be the same file everywhere.
        """
        releases = [
            (release.tag_name, release.draft, sorted(asset.name for asset in release.assets))
            for release in self.releases()
        ]
        weight_digests = sorted(
            (asset.name, asset.digest)
            for release in self.releases()
            for asset in release.assets
            if asset.name.endswith(".pth")
        )
        index_files = self.index.files()
        for release in self.releases():
            for asset in release.assets:
                if asset.name in index_files:
                    assert asset.file.read_bytes() == index_files[asset.name], asset.name
        tags = git(self.root, "tag", "--list")
        release_files = {
            path: git(self.root, "show", f"{tag}:{path}").replace(self.gh.server_url, "SERVER")
            for tag in tags.split()
            for path in git(self.root, "ls-tree", "-r", "--name-only", tag).split()
        }
        return {
            "github": releases,
            "weights": weight_digests,
            "index": sorted(index_files),
            "origin": git(self.remote, *REFS),
            "local": git(self.root, *REFS),
            "release_files": release_files,
            "status": git(self.root, "status", "--porcelain"),
            "state_file": (self.root / RELEASE_STATE_FILE).exists(),
        }

    def comparable(self) -> dict[str, Any]:
        """The snapshot without commit ids, which embed the server addresses."""
        snapshot = self.snapshot()
        for key in ("origin", "local"):
            snapshot[key] = [line.split()[0] for line in snapshot[key].splitlines()]
        snapshot["origin_matches_local"] = self.origin_matches_local()
        return snapshot

    def origin_matches_local(self) -> bool:
        """Whether origin's tags and main are the local ones (main at the release commit)."""
        local, remote = (
            dict(line.split() for line in git(root, *REFS).splitlines())
            for root in (self.root, self.remote)
        )
        return all(local.get(ref) == sha for ref, sha in remote.items())

    def index_saw_only_published_releases(self) -> bool:
        """Whether every upload reached the index after the GitHub release was published."""
        return all(upload.note == "published" for upload in self.index.uploads)


def github_release_status(gh: GitHubEmulator) -> str:
    releases = gh.state.releases(OWNER, REPO)
    if releases and all(not release.draft for release in releases):
        return "published"
    return "not published"
