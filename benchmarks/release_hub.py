"""``ml-publish release`` to two hosts, GitHub and the Hugging Face Hub, against doing it by hand.

Three 200 MB weights go to the GitHub emulator and to the Hub stand-in (the real
``huggingface_hub`` client, LFS uploads), the sdist and wheel to a pypiserver. The reference is
what a release must at least do by hand: ``openssl dgst -sha256`` of each weight, ``curl -T`` of
each to each host (to GitHub's upload URL, and to the Hub's LFS storage URL its batch API hands
out, asked for before the clock starts), and ``twine upload``. Goals: the release (its build
included, which overlaps the uploads) at most 1.3x that reference, and at most 0.8x once the
reference adds ``python -m build`` of the same project, timed by hand after each release. Both
hosts take each file in one PUT (the stand-in's multipart threshold is above 200 MB), the same for
the release and the reference. Medians of the runs; every run gets fresh servers. Run with
ml-publish installed with its ``sandbox`` extra: ``python benchmarks/release_hub.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from release import REPOSITORY, WEIGHTS, Timeline, releasable_project, time_reference
from timing import verdict, write_random_file

from ml_publish.release.pipeline import release
from ml_publish.release.release_settings import ReleaseSettings
from ml_publish.sandbox.github_emulator import GitHubEmulator
from ml_publish.sandbox.hub_stand_in import HubStandIn
from ml_publish.sandbox.package_index import PackageIndex

SIZE = 200 * 1000**2
RUNS = 3
HUB_REPO = "octo/cell-segmentation-weights"
ONE_PUT = 1 << 30  # above 200 MB: every file in one PUT


def hub_environment(hub: HubStandIn) -> dict[str, str]:
    return {**hub.client_environment(), "HF_TOKEN": hub.token}


def time_release(scratch: Path, weights: list[Path], dists: Path) -> tuple[float, float, Timeline]:
    """One release to fresh servers (GitHub, the Hub, an index): its seconds, then those of
    ``python -m build`` by hand of the same project, and what the release said."""
    with (
        GitHubEmulator() as gh,
        PackageIndex() as index,
        HubStandIn(multipart_threshold=ONE_PUT) as hub,
    ):
        os.environ.update(
            GH_TOKEN=gh.token,
            GITHUB_SERVER_URL=gh.server_url,
            TWINE_USERNAME=index.username,
            TWINE_PASSWORD=index.password,
            **hub_environment(hub),
        )
        project = releasable_project(scratch, weights)
        pyproject = project / "pyproject.toml"
        text = pyproject.read_text().replace(
            'publish = "workflow"', f'publish = "local"\nhuggingface = "{HUB_REPO}"'
        )
        pyproject.write_text(text)
        subprocess.run(
            ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit",
             "--quiet", "--all", "-m", "Hub"],
            cwd=project, check=True,
        )  # fmt: skip
        options = ReleaseSettings(
            bump="patch",
            api_url=gh.api_url,
            repository_url=index.upload_url,
            repository=REPOSITORY,
            progress=False,
        )
        os.sync()
        timeline = Timeline()
        release(project, options, say=timeline.say)
        seconds = time.perf_counter() - timeline.start
        shutil.copytree(project / ".ml-publish" / "dist", dists)
        build_seconds = time_build(project, scratch / "by-hand")
    shutil.rmtree(scratch)
    return seconds, build_seconds, timeline


def time_build(project: Path, outdir: Path) -> float:
    """``python -m build`` of the released project by hand: the build the reference adds."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(outdir), str(project)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def lfs_upload_urls(hub: HubStandIn, weights: list[Path]) -> list[str]:
    """Where the Hub's LFS batch API says each file's bytes go (asked before timing)."""
    from huggingface_hub import HfApi

    HfApi(endpoint=hub.url, token=hub.token).create_repo(HUB_REPO)
    objects = []
    for path in weights:
        digest = subprocess.run(
            ["openssl", "dgst", "-sha256", "-r", str(path)], check=True, capture_output=True
        ).stdout.split()[0]
        objects.append({"oid": digest.decode(), "size": path.stat().st_size})
    body = {
        "operation": "upload",
        "transfers": ["basic"],
        "objects": objects,
        "hash_algo": "sha256",
    }
    request = urllib.request.Request(
        f"{hub.url}/{HUB_REPO}.git/info/lfs/objects/batch",
        data=json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {hub.token}",
            "Accept": "application/vnd.git-lfs+json",
            "Content-Type": "application/vnd.git-lfs+json",
        },
    )
    with urllib.request.urlopen(request) as response:
        answer = json.loads(response.read())
    return [obj["actions"]["upload"]["href"] for obj in answer["objects"]]


def time_hub_reference(weights: list[Path]) -> float:
    """``curl -T`` of each weight to the Hub stand-in's storage, as a person would by hand."""
    with HubStandIn(multipart_threshold=ONE_PUT) as hub:
        urls = lfs_upload_urls(hub, weights)
        start = time.perf_counter()
        for path, url in zip(weights, urls):
            subprocess.run(
                ["curl", "-sS", "-f", "-o", os.devnull, "-T", str(path), url], check=True
            )
        return time.perf_counter() - start


def main() -> None:
    runs = []
    steps: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        weights = [scratch / f"{name}.pth" for name in WEIGHTS]
        for path in weights:
            write_random_file(path, SIZE)
        for number in range(RUNS):
            dists = scratch / "dists"
            seconds, build, timeline = time_release(scratch / f"run{number}", weights, dists)
            steps.append(timeline.steps(end=timeline.start + seconds))
            reference = sum(time_reference(weights, sorted(dists.iterdir())).values())
            reference += time_hub_reference(weights)
            shutil.rmtree(dists)
            runs.append((seconds, build, reference))
    measured = statistics.median(run[0] for run in runs)
    build = statistics.median(run[1] for run in runs)
    reference = statistics.median(run[2] for run in runs)
    print(
        f"release to GitHub and the Hub, 3 x 200 MB weights: {measured:.2f} s vs openssl dgst +"
        f" curl -T per file per host + twine upload {reference:.2f} s"
        f" = {measured / reference:.2f}x {verdict('<= 1.3x', measured / reference)}"
    )
    with_build = reference + build
    print(
        f"the same against that plus python -m build by hand: {measured:.2f} s vs"
        f" {with_build:.2f} s = {measured / with_build:.2f}x"
        f" {verdict('<= 0.8x', measured / with_build)}"
    )
    print(
        "  each run, release / reference (build excluded): "
        + ", ".join(f"{run[0]:.2f} / {run[2]:.2f} s" for run in runs)
    )
    print(f"  each step, median of {RUNS} (the Hub's runs beside the build, then is done):")
    for title in steps[0]:
        print(f"    {title}: {statistics.median(s[title] for s in steps):.2f} s")
    print(f"  python -m build by hand, alone: {build:.2f} s")


if __name__ == "__main__":
    main()
