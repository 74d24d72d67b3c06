"""Two real releases of a generated project: its CITATION.cff cites each one, and stays valid."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from ml_publish.checks.runner import run_checks
from tests.support.releases import ReleaseWorld, Timeline, git

JANUARY_15 = 1_800_000_000.0  # 2027-01-15 08:00 UTC
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


def test_each_release_commit_cites_its_version_and_the_result_is_valid_cff(
    release_world: ReleaseWorld,
) -> None:
    world = release_world
    world.release(bump="minor", timeline=Timeline(now=JANUARY_15))
    world.release(
        bump="patch", doi="doi:10.5281/zenodo.7654321", timeline=Timeline(now=JANUARY_15 + 86_400)
    )

    for tag, version, day in (("v0.2.0", "0.2.0", "2027-01-15"), ("v0.2.1", "0.2.1", "2027-01-16")):
        changed = git(world.root, "show", "--name-only", "--format=", tag).splitlines()
        assert "CITATION.cff" in changed, tag
        cited = yaml.safe_load(git(world.root, "show", f"{tag}:CITATION.cff"))
        assert (cited["version"], cited["date-released"]) == (version, day)
    citation = world.root / "CITATION.cff"
    assert yaml.safe_load(citation.read_text())["doi"] == "10.5281/zenodo.7654321"
    readme = (world.root / "README.md").read_text()
    assert "(https://doi.org/10.5281/zenodo.7654321)" in readme
    validated = subprocess.run(
        [CHECK_JSONSCHEMA, "--builtin-schema", "vendor.citation-file-format", citation],
        capture_output=True,
        text=True,
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr
    results = {result.id: result for result in run_checks(world.root, select=["DOC109"])}
    assert results["DOC109"].result == "pass"
