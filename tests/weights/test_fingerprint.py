"""``weights add --sample-input`` and ``weights verify --reproduce``: real CPU torch, a tiny
model, the installed wheel and the release assets served as GitHub serves them."""

from __future__ import annotations

import json
import shutil
import sys
import venv
import zipfile
from pathlib import Path
from typing import Any

import pytest

from ml_publish.cli import main
from ml_publish.weights.fingerprint import probe_file, probe_module
from ml_publish.weights.registration import add_weights
from tests.support.example_weights import (
    MIRROR_VARIABLE,
    save_example_state_dict,
    serving_staged_weights,
)
from tests.support.fresh_install import build_dists, fresh_venv
from tests.support.processes import run
from tests.support.venvs import VirtualEnv

SOURCE_TREE = Path(__file__).resolve().parents[2]
REPOSITORY = "your-github-name/cell-segmentation"
SAMPLE = "notebooks/sample_input.json"
REGISTRY = Path("cell_segmentation") / "weights.json"
# The same tensors in torch's legacy format (other bytes), and one tensor moved by 1e-2.
RESAVE = """
import sys, torch
state = torch.load(sys.argv[1], weights_only=True)
if sys.argv[3]:
    state[sys.argv[3]] = state[sys.argv[3]] + 1e-2
torch.save(state, sys.argv[2], _use_new_zipfile_serialization=False)
"""
CHANGED_TENSOR = "features.0.weight"


def registry(project: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((project / REGISTRY).read_text(encoding="utf-8"))
    return document


def released_with_fingerprint_of(project: Path, source: str) -> None:
    """Mark every weight released, each claiming the fingerprint recorded for ``source``."""
    document = registry(project)
    (fingerprint,) = [e["fingerprint"] for e in document["weights"] if e["name"] == source]
    for entry in document["weights"]:
        entry.update(status="uploaded", fingerprint=fingerprint)
    (project / REGISTRY).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def test_reading_the_comparison_leaves_the_template_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A __pycache__ written into the template once broke every later `ml-publish new`:
    # cookiecutter renders its file names, which hold a cut Jinja condition.
    monkeypatch.setattr(
        sys, "dont_write_bytecode", False
    )  # as where PYTHONDONTWRITEBYTECODE is unset
    template = probe_file().parent.parent
    before = sorted(template.rglob("*"))
    probe_module.cache_clear()

    comparison = probe_module()
    found = {"shape": [1, 2], "dtype": "float32", **dict.fromkeys(comparison.STATISTICS, 1.0)}
    assert comparison.drift(found, found) is None
    assert comparison.drift(found, {**found, "shape": [1, 3]}) == "shape [1, 3] instead of [1, 2]"
    assert sorted(template.rglob("*")) == before


def test_bad_sample_input_is_refused_in_one_line_and_nothing_is_registered(
    rendered_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = shutil.copytree(rendered_project, tmp_path / "project")
    (project / "net.pth").write_bytes(b"\x80\x02}q\x00.")
    (project / "short.json").write_text('{"shape": [3, 2], "values": [0.5, 0.25]}')
    before = (project / REGISTRY).read_bytes()
    for sample, problem in (
        ("short.json", "must be JSON like notebooks/sample_input.json"),
        ("../elsewhere.json", "is outside the project; put it in the project"),
    ):
        words = ["weights", "-C", str(project), "add", "net.pth", "--name", "net"]
        code = main([*words, "--repo", REPOSITORY, "--sample-input", sample])
        err = capsys.readouterr().err
        assert (code, err.count("\n")) == (2, 1), err
        assert problem in err
    assert (project / REGISTRY).read_bytes() == before
    assert not (project / ".ml-publish").exists()


def test_the_fingerprint_catches_a_changed_tensor_and_not_a_resaved_file(
    rendered_project: Path, project_tools: VirtualEnv, tmp_path: Path
) -> None:
    project = shutil.copytree(rendered_project, tmp_path / "cell-segmentation")
    save_example_state_dict(project_tools, project, project / "tiny.pth", num_classes=10)
    # Run from the project's directory, as a person does: its root is "." there.
    added = run(
        [project_tools.python, "-m", "ml_publish", "weights", "add", "tiny.pth",
         "--name", "tiny", "--arch", "example_net", "--repo", REPOSITORY,
         "--sample-input", SAMPLE],
        cwd=project,
        env={"PYTHONPATH": str(SOURCE_TREE)},
    )  # fmt: skip
    assert "fingerprint on notebooks/sample_input.json: output [1, 10] float32" in added.stdout
    recorded = registry(project)["weights"][0]["fingerprint"]
    assert (recorded["shape"], recorded["dtype"], len(recorded["top_k"])) == ([1, 10], "float32", 5)
    assert recorded["input"] == SAMPLE and recorded["tolerance"] == 1e-4
    for name, tensor in (("tiny_resaved", ""), ("tiny_changed", CHANGED_TENSOR)):
        run([project_tools.python, "-c", RESAVE, project / "tiny.pth", tmp_path / name, tensor])
        add_weights(project, tmp_path / name, name=name, arch="example_net", repository=REPOSITORY)
    released_with_fingerprint_of(project, "tiny")
    dists = build_dists(project, tmp_path / "dist", project_tools)
    installed = fresh_venv(tmp_path / "installed", project_tools)
    # Unpacked as pip installs a pure wheel: pip itself would see the project tools' own
    # cell-segmentation (same version, behind the venv's .pth) as installed already.
    with zipfile.ZipFile(dists.wheel) as wheel:
        wheel.extractall(installed.site_packages)

    with serving_staged_weights(project, tmp_path) as url:
        env = {MIRROR_VARIABLE: url, "PYTHONPATH": str(SOURCE_TREE)}
        verified = run(
            [project_tools.python, "-m", "ml_publish", "weights", "verify",
             "--reproduce", "--python", installed.python],
            cwd=project,
            env=env,
            expect_success=False,
        )  # fmt: skip
        own_tests = run(
            [project_tools.python, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             "tests/test_fingerprints.py"],
            cwd=project,
            env={MIRROR_VARIABLE: url, "TORCH_HOME": str(tmp_path / "torch-home")},
            expect_success=False,
        )  # fmt: skip

    assert verified.returncode == 1, verified.stdout + verified.stderr
    assert verified.stderr.count("\n") == 1, verified.stderr
    problem = verified.stderr.strip()
    assert problem.startswith("weights tiny_changed: the output drifted from its fingerprint: ")
    assert problem.endswith("; these bytes do not reproduce the recorded result")
    assert "reproduced from the installed package: tiny, tiny_resaved" in verified.stdout
    assert "1 failed, 2 passed" in own_tests.stdout, own_tests.stdout + own_tests.stderr
    assert "test_published_weights_reproduce_their_fingerprint[tiny_changed]" in own_tests.stdout


def test_without_torch_the_weight_stays_registered_without_a_fingerprint(
    rendered_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = shutil.copytree(rendered_project, tmp_path / "project")
    (project / "net.pth").write_bytes(b"\x80\x02}q\x00.")
    bare = tmp_path / "bare"
    venv.EnvBuilder(with_pip=False).create(bare)  # a Python without torch
    words = ["weights", "-C", str(project), "add", "net.pth", "--name", "net", "--repo", REPOSITORY]

    code = main([*words, "--sample-input", SAMPLE, "--python", str(bare / "bin" / "python")])

    err = capsys.readouterr().err
    assert (code, err.count("\n")) == (1, 1), err
    assert err.startswith("ml-publish: error: weights net: the sample input did not run: ")
    assert "No module named 'torch'" in err
    assert err.endswith(
        "net stays registered without a fingerprint: fix that (--python names a "
        "Python with the project's dependencies, torch for a PyTorch model), then add it again\n"
    )
    (entry,) = registry(project)["weights"]
    assert entry["name"] == "net" and "fingerprint" not in entry
