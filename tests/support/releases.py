"""A project ready to release: committed weights, a bare ``origin``, the GitHub emulator and a
real pypiserver, the project's Release workflow as GitHub would run it, and a snapshot of
everything a release changes, to compare runs by."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from ml_publish.release.context import ReleaseContext
from ml_publish.release.pipeline import release
from ml_publish.release.release_settings import ReleaseSettings
from ml_publish.release.state import RELEASE_STATE_FILE
from ml_publish.release.workflow_wait import POLL_SECONDS, WORKFLOW_FILE
from ml_publish.sandbox.github_state import WorkflowRun
from ml_publish.weights.registration import add_weights
from tests.support.github_faults import GitHubEmulatorWithFaults
from tests.support.index_faults import RecordingPackageIndex
from tests.support.workflow_runs import rerun_workflow_run, start_workflow_run, update_workflow_run

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
# release.yml's build step as projects generated before it set SOURCE_DATE_EPOCH have it.
UNREPRODUCIBLE_BUILD = "python -m build"


def git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def set_environment(
    monkeypatch: pytest.MonkeyPatch, gh: GitHubEmulatorWithFaults, index: RecordingPackageIndex
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
    gh: GitHubEmulatorWithFaults
    index: RecordingPackageIndex
    said: list[str] = field(default_factory=list)

    def options(self, **overrides: Any) -> ReleaseSettings:
        settings: dict[str, Any] = {
            "bump": "patch",
            "api_url": self.gh.api_url,
            "repository_url": self.index.upload_url,
            "repository": REPOSITORY,
            "progress": False,
        }
        settings.update(overrides)
        return ReleaseSettings(**settings)

    def cli_words(self, *words: str) -> list[str]:
        """``ml-publish release`` words for this project and these servers, then ``words``."""
        servers = ["--api-url", self.gh.api_url, "--repository-url", self.index.upload_url]
        return ["release", "-C", str(self.root), *servers, "--repo", REPOSITORY, *words]

    def release(self, *, timeline: Timeline | None = None, **overrides: Any) -> ReleaseContext:
        """Release (or resume), sleeping not at all, or on ``timeline`` for the workflow's wait."""

        def no_waiting(seconds: float) -> None:
            pass

        def context(**kwargs: Any) -> ReleaseContext:
            if timeline is None:
                return ReleaseContext(**kwargs, sleep=no_waiting)
            return ReleaseContext(**kwargs, sleep=timeline.sleep, clock=timeline.clock)

        return release(self.root, self.options(**overrides), say=self.said.append, context=context)

    def publish_from_workflow(self) -> None:
        """Set ``publish = "workflow"`` again, as generated projects have it, in a commit."""
        pyproject = self.root / "pyproject.toml"
        text = pyproject.read_text().replace('publish = "local"', 'publish = "workflow"')
        pyproject.write_text(text)
        git(self.root, "commit", "--quiet", "--all", "--message", "Publish from the workflow")

    def draft_asset(self, name: str) -> Any:
        """The asset of the draft release whose name starts with ``name``."""
        (draft,) = [release for release in self.releases() if release.draft]
        return next(asset for asset in draft.assets if asset.name.startswith(name))

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


def github_release_status(gh: GitHubEmulatorWithFaults) -> str:
    releases = gh.state.releases(OWNER, REPO)
    if releases and all(not release.draft for release in releases):
        return "published"
    return "not published"


@dataclass
class Timeline:
    """The local run's clock: time passes only when it sleeps, and while the wait for the
    Release workflow sleeps between two looks (``POLL_SECONDS``), ``meanwhile`` acts as GitHub
    and its user would."""

    meanwhile: Callable[[], None] = lambda: None
    now: float = 1_800_000_000.0
    polls: int = 0

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        if seconds == POLL_SECONDS:
            self.polls += 1
            self.meanwhile()

    def clock(self) -> float:
        return self.now


@dataclass(frozen=True)
class FailedStep:
    """The step of the Release workflow that failed, and what it printed."""

    job: str
    script: str
    stdout: str
    stderr: str


@dataclass
class ReleaseWorkflow:
    """The project's release.yml on GitHub, for the pushed tag: its run in the emulator, and
    its jobs' ``run`` steps exactly as the tagged commit writes them, run in a fresh checkout
    against the test servers, with the environment Actions gives them.

    The actions (checkout, artifacts) and the tool installs are what this venv already is;
    the publish job's pypa/gh-action-pypi-publish is twine with the test index's password.
    """

    world: ReleaseWorld
    workspace: Path
    # Run instead of release.yml's own build step, as an older release.yml would.
    build_script: str | None = None
    run: WorkflowRun | None = None
    failure: FailedStep | None = None
    attempts: int = 0

    def start(self) -> WorkflowRun:
        """The run the tag push starts, queued, as GitHub creates it."""
        tag = git(self.world.remote, "tag", "--list")
        commit = git(self.world.remote, "rev-parse", f"{tag}^{{commit}}")
        state = self.world.gh.state
        self.run = start_workflow_run(state, OWNER, REPO, head_branch=tag, head_sha=commit)
        return self.run

    def attempt(self) -> str:
        """Run (or re-run, as "Re-run all jobs" does) every job; the run's conclusion."""
        state = self.world.gh.state
        run = self.run or self.start()
        if run.status == "completed":
            rerun_workflow_run(state, run)
        update_workflow_run(state, run, "in_progress")
        self.attempts += 1
        self.failure = self._jobs(self.workspace / f"attempt-{run.run_attempt}")
        conclusion = "success" if self.failure is None else "failure"
        update_workflow_run(state, run, "completed", conclusion)
        return conclusion

    def end_without_running(self, conclusion: str) -> None:
        """The run ends before any job did anything (cancelled, no runner, a broken file...)."""
        run = self.run or self.start()
        update_workflow_run(self.world.gh.state, run, "completed", conclusion)

    def attempt_once(self) -> None:
        """The first attempt, if there was none yet: the tag push starts the workflow once."""
        if self.attempts == 0:
            self.attempt()

    def _jobs(self, checkout: Path) -> FailedStep | None:
        assert self.run is not None
        tag = self.run.head_branch
        self.workspace.mkdir(parents=True, exist_ok=True)
        origin = str(self.world.remote)
        git(self.workspace, "clone", "--quiet", "--branch", tag, origin, str(checkout))
        workflow = yaml.safe_load((checkout / WORKFLOW_FILE).read_text(encoding="utf-8"))
        env = self._environment(tag)
        for job in ("build", "github-release"):
            for step in workflow["jobs"][job]["steps"]:
                script = step.get("run")
                if script is None or script.startswith("python -m pip install"):
                    continue
                if self.build_script and script.rstrip().endswith("python -m build"):
                    script = self.build_script
                result = subprocess.run(
                    ["bash", "-e", "-c", script],
                    cwd=checkout,
                    env=env,
                    capture_output=True,
                    text=True,
                )
                if result.returncode != 0:
                    return FailedStep(job, script, result.stdout, result.stderr)
        dists = sorted(map(str, (checkout / "dist").iterdir()))
        index = self.world.index
        upload = ["upload", "--non-interactive", "--repository-url", index.upload_url, *dists]
        credentials = {"TWINE_USERNAME": index.username, "TWINE_PASSWORD": index.password}
        result = subprocess.run(
            [sys.executable, "-m", "twine", *upload],
            env=env | credentials,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            return FailedStep("publish", "twine upload", result.stdout, result.stderr)
        return None

    def _environment(self, tag: str) -> dict[str, str]:
        """This process's environment as a job on GitHub sees it: no user token or password,
        the job's GITHUB_TOKEN, Actions' variables, and this venv's tools first on PATH."""
        hidden = ("GH_TOKEN", "TWINE_USERNAME", "TWINE_PASSWORD")
        env = {key: value for key, value in os.environ.items() if key not in hidden}
        return env | {
            "GITHUB_ACTIONS": "true",
            "GITHUB_TOKEN": self.world.gh.token,
            "GITHUB_REF_NAME": tag,
            "GITHUB_REPOSITORY": REPOSITORY,
            "GITHUB_API_URL": self.world.gh.api_url,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        }
