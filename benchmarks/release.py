"""``ml-publish release`` of a project with three 200 MB weights, against the tools it replaces.

Goal: at most 1.3x the reference, the sum of what a release must at least do by hand:
``openssl dgst -sha256`` of the three weights, ``curl -X POST -T`` of each to a release on the
same kind of GitHub emulator, and ``twine upload`` of the project's sdist and wheel to the same
kind of pypiserver. The release is timed whole, as the issue states: preflight to pushed
branch, the build of the sdist and wheel (an isolated environment included) although the
reference builds nothing; a second line adds that build to the reference. Each step is printed
too, against the part of the reference it covers where there is one; a step does more than
that part (preflight also runs ``ml-publish check`` and git and index look-ups, the build step
also uploads the weights to the draft meanwhile, the index step looks the files up before and
after twine). Every release and every reference gets fresh servers, in this process as in
``release --sandbox``; figures are medians of the runs. Run with ml-publish installed from a
wheel, with its ``sandbox`` extra: ``python benchmarks/release.py``.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from timing import verdict, write_random_file

from ml_publish.github import GitHubClient
from ml_publish.release.pipeline import release
from ml_publish.release.release_settings import ReleaseSettings
from ml_publish.sandbox.github_emulator import GitHubEmulator
from ml_publish.sandbox.package_index import PackageIndex
from ml_publish.template import new_project
from ml_publish.weights.registration import add_weights

SIZE = 200 * 1000**2
WEIGHTS = ("w1", "w2", "w3")
RUNS = 5
REPOSITORY = "octo/cell-segmentation"
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
BUILD_STEP = "Build and check the distributions"
# The part of the reference each step covers: (key in Run.reference, what it is).
COUNTERPARTS = {
    "Preflight": ("openssl", "openssl dgst"),
    "Upload to the package index": ("twine", "twine upload"),
}


@dataclass
class Timeline:
    """What the release said, each line with the moment it was said."""

    start: float = field(default_factory=time.perf_counter)
    lines: list[tuple[float, str]] = field(default_factory=list)

    def say(self, line: str) -> None:
        self.lines.append((time.perf_counter(), line))

    def steps(self, end: float) -> dict[str, float]:
        """Seconds per step, by title: from its ``[n/N] Title`` line to the next one."""
        headings = [(at, line.partition("] ")[2]) for at, line in self.lines if line[:1] == "["]
        ends = [at for at, _ in headings[1:]] + [end]
        return {title: finish - at for (at, title), finish in zip(headings, ends)}

    def build_seconds(self) -> float:
        """``python -m build`` alone: from the build step's heading to its ``built`` note."""
        heading = next(at for at, line in self.lines if line.endswith(f"] {BUILD_STEP}"))
        built = next(at for at, line in self.lines if line.startswith("    built "))
        return built - heading


@dataclass
class Run:
    """One release and the reference measured after it, in seconds."""

    release: float
    build: float
    steps: dict[str, float]
    reference: dict[str, float]


def git(*args: str, cwd: Path) -> None:
    subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True)


def releasable_project(scratch: Path, weights: list[Path]) -> Path:
    """A new project with the weights added and committed, pushed to an empty bare ``origin``."""
    owner = REPOSITORY.partition("/")[0]
    project = new_project(
        ["framework=none", f"github_owner={owner}"], output_dir=scratch, no_input=True
    )
    remote = scratch / "origin.git"
    git("init", "--quiet", "--bare", "-b", "main", str(remote), cwd=scratch)
    git("init", "--quiet", "-b", "main", cwd=project)
    git("remote", "add", "origin", str(remote), cwd=project)
    for name, path in zip(WEIGHTS, weights):
        add_weights(project, path, name=name, repository=REPOSITORY)  # staged as a hard link
    git("add", "--all", cwd=project)
    git("commit", "--quiet", "-m", "Initial commit", cwd=project)
    git("push", "--quiet", "origin", "main", cwd=project)
    return project


def time_release(scratch: Path, weights: list[Path], dists: Path) -> tuple[float, Timeline]:
    """One release to fresh servers; its sdist and wheel are copied to ``dists``."""
    with GitHubEmulator() as gh, PackageIndex() as index:
        os.environ.update(
            GH_TOKEN=gh.token,
            GITHUB_SERVER_URL=gh.server_url,  # the weights' URLs are the emulator's
            TWINE_USERNAME=index.username,
            TWINE_PASSWORD=index.password,
        )
        project = releasable_project(scratch, weights)
        options = ReleaseSettings(
            bump="patch",
            publish="local",
            api_url=gh.api_url,
            repository_url=index.upload_url,
            repository=REPOSITORY,
            progress=False,
        )
        os.sync()  # so the disk is not still writing out earlier runs' files meanwhile
        timeline = Timeline()
        release(project, options, say=timeline.say)
        seconds = time.perf_counter() - timeline.start
        shutil.copytree(project / ".ml-publish" / "dist", dists)
    shutil.rmtree(scratch)
    return seconds, timeline


def time_reference(weights: list[Path], dists: list[Path]) -> dict[str, float]:
    """Seconds of openssl, curl and twine for the same files, to fresh servers."""
    seconds = {}
    os.sync()
    start = time.perf_counter()
    for path in weights:
        subprocess.run(["openssl", "dgst", "-sha256", str(path)], check=True, capture_output=True)
    seconds["openssl"] = time.perf_counter() - start
    with GitHubEmulator() as gh:
        with GitHubClient(REPOSITORY, api_url=gh.api_url, token=gh.token) as client:
            upload_url = client.create_release("v0.1.1", draft=True).upload_url.split("{", 1)[0]
        start = time.perf_counter()
        for path in weights:
            subprocess.run(
                ["curl", "-sS", "-f", "-o", os.devnull, "-X", "POST", "-T", str(path),
                 "-H", f"Authorization: Bearer {gh.token}",
                 "-H", "Content-Type: application/octet-stream",
                 f"{upload_url}?name={path.name}"],
                check=True,
            )  # fmt: skip
        seconds["curl"] = time.perf_counter() - start
    with PackageIndex() as index:
        env = dict(os.environ, TWINE_USERNAME=index.username, TWINE_PASSWORD=index.password)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "twine", "upload", "--non-interactive",
             "--repository-url", index.upload_url, *map(str, dists)],
            check=True, capture_output=True, env=env,
        )  # fmt: skip
        seconds["twine"] = time.perf_counter() - start
    return seconds


def measure(scratch: Path) -> list[Run]:
    weights = [scratch / f"{name}.pth" for name in WEIGHTS]
    for path in weights:
        write_random_file(path, SIZE)
    runs = []
    for number in range(RUNS):
        dists = scratch / "dists"
        seconds, timeline = time_release(scratch / f"run{number}", weights, dists)
        reference = time_reference(weights, sorted(dists.iterdir()))
        shutil.rmtree(dists)
        steps = timeline.steps(end=timeline.start + seconds)
        runs.append(Run(seconds, timeline.build_seconds(), steps, reference))
    return runs


def report(runs: list[Run]) -> None:
    median = statistics.median
    measured = median(run.release for run in runs)
    reference = median(sum(run.reference.values()) for run in runs)
    parts = {key: median(run.reference[key] for run in runs) for key in runs[0].reference}
    print(
        f"release, 3 x 200 MB weights, python -m build included: {measured:.2f} s vs"
        f" openssl dgst + curl -T + twine upload {reference:.2f} s"
        f" = {measured / reference:.2f}x {verdict('<= 1.3x', measured / reference)}"
    )
    build = median(run.build for run in runs)
    print(
        f"  the same with the release's python -m build added to the reference:"
        f" {measured:.2f} s vs {reference + build:.2f} s = {measured / (reference + build):.2f}x"
    )
    print(
        "  each run, release / reference: "
        + ", ".join(f"{run.release:.2f} / {sum(run.reference.values()):.2f} s" for run in runs)
    )
    print(f"  each step, median of {RUNS}:")
    for title in runs[0].steps:
        seconds = median(run.steps[title] for run in runs)
        line = f"    {title}: {seconds:.2f} s"
        if title in COUNTERPARTS:
            key, what = COUNTERPARTS[title]
            line += f" vs {what} {parts[key]:.2f} s = {seconds / parts[key]:.2f}x"
        if title == BUILD_STEP:
            line += (
                f", of which the build and, side by side, the weights' upload to the draft"
                f" {build:.2f} s (curl -T alone: {parts['curl']:.2f} s)"
            )
        print(line)


def main() -> None:
    for tool in ("openssl", "curl"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is needed as the reference")
    with tempfile.TemporaryDirectory() as scratch:
        runs = measure(Path(scratch))
    report(runs)


if __name__ == "__main__":
    main()
