"""The files ml-publish writes from the weights registry are written from it again, not merged."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ml_publish.template import new_project
from ml_publish.update.generated import project_registry
from ml_publish.update.updating import path_change
from ml_publish.weights.registration import add_weights
from ml_publish.weights.table import NO_WEIGHTS

LABELS = ("yours", "ml-publish 0.1.0", "ml-publish 0.2.0")


@pytest.fixture
def with_weights(tmp_path: Path) -> Path:
    """A rendered project with one registered weight: its README table and hubconf list it."""
    project = new_project(["project_name=Seal Counter"], output_dir=tmp_path, no_input=True)
    (project / "seal.pth").write_bytes(os.urandom(20_000))
    add_weights(project, project / "seal.pth", name="seal", repository="octo-org/seal-counter")
    return project


def test_a_template_change_inside_the_weights_table_cannot_conflict(
    with_weights: Path, tmp_path: Path
) -> None:
    rendered = new_project(
        ["project_name=Seal Counter"], output_dir=tmp_path / "base", no_input=True
    )
    base = (rendered / "README.md").read_bytes()
    theirs = base.replace(NO_WEIGHTS.encode(), b"Nothing published yet.")
    ours = (with_weights / "README.md").read_bytes()
    registry = project_registry(with_weights, {})

    assert b"| `seal`" in ours
    assert path_change(with_weights, "README.md", base, theirs, registry, LABELS) is None
    (with_weights / "README.md").write_bytes(ours.replace(b"| `seal`", b"| `SEAL`"))
    stale = path_change(with_weights, "README.md", base, theirs, registry, LABELS)
    assert stale is not None and (stale.action, stale.after) == ("regenerate", ours)


def test_hubconf_is_written_from_the_registry_and_the_registry_kept(
    with_weights: Path, tmp_path: Path
) -> None:
    rendered = new_project(
        ["project_name=Seal Counter"], output_dir=tmp_path / "base", no_input=True
    )
    hubconf = (with_weights / "hubconf.py").read_bytes()
    (with_weights / "hubconf.py").write_bytes(hubconf.replace(b"def seal(", b"def edited("))
    registry = project_registry(with_weights, {})
    template_hubconf = (rendered / "hubconf.py").read_bytes()

    change = path_change(
        with_weights, "hubconf.py", template_hubconf, template_hubconf + b"#\n", registry, LABELS
    )

    assert change is not None and (change.action, change.after) == ("regenerate", hubconf)
    registry_file = "seal_counter/weights.json"
    template_registry = (rendered / registry_file).read_bytes()
    assert (
        path_change(with_weights, registry_file, template_registry, b"{}", registry, LABELS) is None
    )


def test_the_authors_own_hubconf_is_kept(with_weights: Path, tmp_path: Path) -> None:
    rendered = new_project(
        ["project_name=Seal Counter"], output_dir=tmp_path / "base", no_input=True
    )
    own = b'"""PyTorch Hub models."""\n\ndependencies = ["torch"]\n\n\ndef custom(path):\n    ...\n'
    (with_weights / "hubconf.py").write_bytes(own)
    registry = project_registry(with_weights, {})
    template_hubconf = (rendered / "hubconf.py").read_bytes()

    change = path_change(
        with_weights, "hubconf.py", template_hubconf, template_hubconf + b"#\n", registry, LABELS
    )

    assert change is None
    assert (with_weights / "hubconf.py").read_bytes() == own


def test_a_format_1_registry_is_upgraded_with_the_projects_facts(
    with_weights: Path, tmp_path: Path
) -> None:
    registry_file = "seal_counter/weights.json"
    path = with_weights / registry_file
    document = json.loads(path.read_text())
    (entry,) = document["weights"]
    entry["arch"] = "example_net"
    entry["meta"] = {"dataset": "seals", "metrics": "91% on our test set"}
    path.write_text(json.dumps({"format": 1, "weights": [entry]}, indent=2))
    rendered = new_project(
        ["project_name=Seal Counter"], output_dir=tmp_path / "base", no_input=True
    )
    template_registry = (rendered / registry_file).read_bytes()

    change = path_change(
        with_weights,
        registry_file,
        b'{"format": 1, "weights": []}',
        template_registry,
        project_registry(with_weights, {}),
        LABELS,
    )

    assert change is not None and change.action == "regenerate"
    upgraded = json.loads(change.after or b"")
    assert (upgraded["format"], upgraded["defaults"]) == (2, {"example_net": "seal"})
    assert upgraded["weights"][0]["meta"] == {
        "dataset": "seals",
        "metrics_v1": "91% on our test set",
        "file_size": 20_000,
        "license": "MIT",  # the template's default answer, in pyproject.toml
    }
