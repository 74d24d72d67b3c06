"""``ml-publish weights init`` on packages made without ml-publish, then the weights and the
release working on them as on a generated project."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ml_publish.cli import main
from ml_publish.errors import OperationFailed
from ml_publish.release.rehearsal import rehearse
from ml_publish.release.release_settings import ReleaseSettings
from tests.support.static_server import serving
from ml_publish.weights.init_registry import (
    AddDependency,
    AppendToReadme,
    CreateFile,
    ShipRegistry,
    apply_init,
    plan_init,
)
from ml_publish.weights.wheel_check import wheel_carries_registry
from tests.support.abandoned_repos import snapshot
from tests.support.layout_repos import SHAPES, SRC_RUFF, commit_all, shape_files, write_shape
from tests.support.processes import run
from tests.support.tiny_repos import write_repository
from tests.support.venvs import VirtualEnv

TORCH_EXTRA = 'test = ["pytest>=8"]\ntorch = ["torch>=2.1"]\n'
SETUPTOOLS = "flat-setuptools-static-black-flake8"
NAMESPACE = "namespace-hatchling-static-ruff"
SAVE_STATE_DICT = """
import sys, torch
from leaf_seg.model import ExampleNet
torch.manual_seed(0)
torch.save(ExampleNet(num_classes=4).state_dict(), sys.argv[1])
"""
LOAD_FROM_TORCH_HUB = """
import sys, torch
model = torch.hub.load(sys.argv[1], "leaf_v1", source="local", progress=False)
print(type(model).__name__, model(torch.rand(2, 3, 32, 32)).shape)
"""


def with_torch(name: str) -> dict[str, str | bytes | None]:
    pyproject = str(shape_files(SHAPES[name])["pyproject.toml"])
    return {"pyproject.toml": pyproject.replace('test = ["pytest>=8"]\n', TORCH_EXTRA)}


def created(root: Path) -> list[str]:
    return [op.path for op in plan_init(root).operations if isinstance(op, CreateFile)]


def test_a_src_layout_package_gets_the_loader_the_registry_and_the_markers(
    tmp_path: Path,
) -> None:
    root = write_shape(tmp_path, SHAPES[SRC_RUFF])

    plan = plan_init(root)
    apply_init(plan)

    assert created(root) == [] and plan_init(root).operations == ()
    assert [op.path for op in plan.operations if isinstance(op, CreateFile)] == [
        "src/leaf_seg/pretrained.py",
        "src/leaf_seg/_cache.py",
        "src/leaf_seg/_download.py",
        "src/leaf_seg/_local.py",
        "src/leaf_seg/weights.json",
    ]
    assert AddDependency("filelock>=3.12") in plan.operations
    assert '"filelock>=3.12"' in (root / "pyproject.toml").read_text()
    assert json.loads((root / "src/leaf_seg/weights.json").read_text()) == {
        "format": 2,
        "defaults": {},
        "weights": [],
    }
    pretrained = (root / "src/leaf_seg/pretrained.py").read_text()
    assert 'resources.files("leaf_seg")' in pretrained and "LEAF_SEG_WEIGHTS_MIRROR" in pretrained
    assert "transforms" not in pretrained  # no PyTorch here, so no preprocessing either
    readme = (root / "README.md").read_text()
    assert readme.startswith(str(shape_files(SHAPES[SRC_RUFF])["README.md"]))
    assert readme.endswith(
        "\n## Pretrained weights\n\n<!-- weights-table:start -->\n\n"
        "No weights have been published yet.\n\n<!-- weights-table:end -->\n"
    )
    assert not (root / "hubconf.py").exists()


def test_a_pytorch_project_also_gets_the_model_transforms_and_hubconf(tmp_path: Path) -> None:
    root = write_shape(tmp_path, SHAPES[SRC_RUFF], with_torch(SRC_RUFF))

    apply_init(plan_init(root))

    for name in ("model.py", "transforms.py", "pretrained.py"):
        assert (root / "src/leaf_seg" / name).is_file()
    assert (
        "from leaf_seg.pretrained import get_weights"
        in (root / "src/leaf_seg/model.py").read_text()
    )
    assert 'dependencies = ["torch"]' in (root / "hubconf.py").read_text()
    assert "someone/leaf-seg" in (root / "hubconf.py").read_text()
    before = snapshot(root)
    second = plan_init(root)
    apply_init(second)
    assert second.operations == () and second.notes == ()  # its own files are not the author's
    assert snapshot(root) == before


def test_the_authors_own_model_is_kept_and_nothing_is_built_on_the_templates(
    tmp_path: Path,
) -> None:
    own_model = "def build() -> None:\n    pass\n"
    changes = {**with_torch(SRC_RUFF), "src/leaf_seg/model.py": own_model}
    own_loader = {**changes, "src/leaf_seg/pretrained.py": "WEIGHTS = {}\n"}
    notes = plan_init(write_shape(tmp_path / "loader", SHAPES[SRC_RUFF], own_loader)).notes
    assert notes[1].startswith("leaf_seg/pretrained.py is the package's own and stays")
    root = write_shape(tmp_path / "model", SHAPES[SRC_RUFF], changes)

    plan = plan_init(root)
    apply_init(plan)

    assert created(root) == []
    assert (root / "src/leaf_seg/model.py").read_text() == own_model
    assert not (root / "src/leaf_seg/transforms.py").exists() and not (root / "hubconf.py").exists()
    assert "def transforms" not in (root / "src/leaf_seg/pretrained.py").read_text()
    assert plan.kept == ()
    assert plan.notes[0].startswith("leaf_seg has its own model.py: kept, so no hubconf.py")


def test_the_loaders_dependency_is_added_once_and_only_where_the_loader_is_ours(
    tmp_path: Path,
) -> None:
    listed = write_shape(tmp_path / "listed", SHAPES[SRC_RUFF])
    pyproject = listed / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text.replace("dependencies = []", 'dependencies = ["FileLock"]'))
    own_loader: dict[str, str | bytes | None] = {"src/leaf_seg/pretrained.py": "WEIGHTS = {}\n"}
    own = write_shape(tmp_path / "own", SHAPES[SRC_RUFF], own_loader)

    assert not any(isinstance(op, AddDependency) for op in plan_init(listed).operations)
    plan = plan_init(own)
    assert not any(isinstance(op, AddDependency) for op in plan.operations)
    assert [op.path for op in plan.operations if isinstance(op, CreateFile)] == [
        "src/leaf_seg/weights.json"
    ]


def test_a_package_inside_a_namespace_package_is_named_with_dots(tmp_path: Path) -> None:
    root = write_shape(tmp_path, SHAPES[NAMESPACE])

    plan = plan_init(root)
    apply_init(plan)

    assert plan.registry == "src/acme/vision/weights.json"
    pretrained = (root / "src/acme/vision/pretrained.py").read_text()
    assert 'resources.files("acme.vision")' in pretrained
    assert 'MIRROR_VARIABLE = "ACME_VISION_WEIGHTS_MIRROR"' in pretrained


def test_a_restructured_text_readme_gets_comments_as_markers(tmp_path: Path) -> None:
    pyproject = str(shape_files(SHAPES[SRC_RUFF])["pyproject.toml"])
    changes: dict[str, str | bytes | None] = {
        "README.md": None,
        "README.rst": "Leaf segmentation\n=================\n",
        "pyproject.toml": pyproject.replace('readme = "README.md"', 'readme = "README.rst"'),
    }
    root = write_shape(tmp_path, SHAPES[SRC_RUFF], changes)

    (append,) = [op for op in plan_init(root).operations if isinstance(op, AppendToReadme)]

    assert append.path == "README.rst"
    assert append.text == (
        "\n.. rubric:: Pretrained weights\n\n.. weights-table:start\n\n"
        "No weights have been published yet.\n\n.. weights-table:end\n"
    )


def test_setuptools_is_told_to_ship_the_registry_and_the_build_proves_it(tmp_path: Path) -> None:
    root = write_shape(tmp_path, SHAPES[SETUPTOOLS])
    pyproject_before = (root / "pyproject.toml").read_text()
    plan = plan_init(root)
    assert plan.operations[-1] == ShipRegistry("leaf_seg")

    # Without package-data, setuptools leaves the registry out of the wheel, and the check says so.
    apply_init(plan.__class__(**{**plan.__dict__, "operations": plan.operations[:-1]}))
    with pytest.raises(OperationFailed, match=r"lacks leaf_seg/weights.json; list it in \[tool"):
        wheel_carries_registry(root, plan.package, plan.backend)

    apply_init(plan.__class__(**{**plan.__dict__, "operations": plan.operations[-1:]}))

    assert wheel_carries_registry(root, plan.package, plan.backend).endswith(".whl")
    find = '[tool.setuptools.packages.find]\ninclude = ["leaf_seg*"]\n'
    package_data = '\n[tool.setuptools.package-data]\nleaf_seg = ["weights.json"]\n'
    expected = pyproject_before.replace(find, find + package_data)
    expected = expected.replace("dependencies = []", 'dependencies = ["filelock>=3.12"]')
    assert (root / "pyproject.toml").read_text() == expected
    assert plan_init(root).operations == ()
    assert not list(root.rglob("*.egg-info"))  # the build ran on a copy


def test_bad_input_is_one_line_exit_2_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_shape(tmp_path / "shape", SHAPES[SRC_RUFF])
    broken = write_shape(
        tmp_path / "broken", SHAPES[SRC_RUFF], {"pyproject.toml": "[project\nname = 1\n"}
    )
    bare = write_repository(tmp_path / "bare", {"train.py": "print('training')\n"}, git=True)
    commit_all(bare, "Train")
    cases = [
        (root, ["--package", "leafseg"], "no package 'leafseg' in the wheel; it ships leaf_seg"),
        (broken, [], "pyproject.toml is not valid TOML"),
        (bare, [], "no package found; looked for setuptools' automatic discovery"),
    ]
    for project, options, message in cases:
        before = snapshot(project)

        code = main(["weights", "-C", str(project), "init", *options])

        err = capsys.readouterr().err
        assert (code, err.count("\n")) == (2, 1), err
        assert message in err
        assert snapshot(project) == before


def test_dry_run_prints_the_plan_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_shape(tmp_path, SHAPES[SETUPTOOLS], with_torch(SETUPTOOLS))
    before = snapshot(root)

    assert main(["weights", "-C", str(root), "init", "--dry-run"]) == 0

    assert snapshot(root) == before
    assert capsys.readouterr().out.splitlines() == [
        "weights init for the package leaf_seg (setuptools):",
        "  create leaf_seg/pretrained.py: list_models(), get_weights(), download_weights(): "
        "verified, cached",
        "  create leaf_seg/_cache.py: the loader's cache: shared by processes, offline, read-only, "
        "full disks",
        "  create leaf_seg/_download.py: the loader's verified downloads, from the release or a "
        "mirror",
        "  create leaf_seg/_local.py: the loader's local weights (<PACKAGE>_WEIGHTS_DIR), found "
        "before any download",
        "  create leaf_seg/weights.json: the weights registry, empty",
        "  create leaf_seg/model.py: @register_model and get_model(), which hubconf.py calls",
        "  create leaf_seg/transforms.py: the preprocessing recorded with each set of weights",
        "  create hubconf.py: PyTorch Hub entry points",
        "  append the weights-table markers to README.md",
        "  add filelock>=3.12 to [project] dependencies in pyproject.toml: the loader locks its "
        "cache with it",
        "  add safetensors>=0.4 to [project] dependencies in pyproject.toml: model.py reads "
        ".safetensors weights with it",
        "  add weights.json to [tool.setuptools.package-data] for leaf_seg in pyproject.toml, so "
        "the wheel carries the registry",
        "dry run: nothing was written",
    ]


def test_init_add_and_a_sandbox_release_of_a_src_layout_ruff_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The acceptance: an existing hatch-vcs + ruff package, as scientific-python/cookie makes
    them, gets verified weights and a release without restructuring."""
    for variable in ("GH_TOKEN", "GITHUB_TOKEN", "GITHUB_SERVER_URL", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(variable, raising=False)
    root = write_shape(tmp_path / "leaf-seg", SHAPES[SRC_RUFF], with_torch(SRC_RUFF))
    weights = tmp_path / "best.pth"
    weights.write_bytes(os.urandom(60_000))

    assert main(["weights", "-C", str(root), "init"]) == 0
    assert "built leaf_seg-0.0.0-py3-none-any.whl: it carries leaf_seg/weights.json" in (
        capsys.readouterr().out
    )
    commit_all(root, "Add the weights registry")
    add = ["weights", "-C", str(root), "add", str(weights), "--name", "leaf_unet"]
    assert main([*add, "--arch", "example_net"]) == 0
    assert main(["check", str(root)]) == 0
    commit_all(root, "Register the leaf U-Net")
    monkeypatch.chdir(tmp_path)

    rehearsal = rehearse(root, ReleaseSettings(bump="minor", progress=False), say=lambda _: None)

    assert (rehearsal.tag, rehearsal.installed_version) == ("v0.4.0", "0.4.0")
    assert rehearsal.index_files == ["leaf_seg-0.4.0-py3-none-any.whl", "leaf_seg-0.4.0.tar.gz"]
    (loaded,) = rehearsal.loaded
    assert loaded.name == "leaf_unet"
    assert loaded.sha256 == hashlib.sha256(weights.read_bytes()).hexdigest()
    hubconf = (root / "hubconf.py").read_text()
    assert "def leaf_unet(" in hubconf and 'parent / "src"' in hubconf
    # The rehearsal released a clone: the project itself has no new tag.
    tags = subprocess.run(["git", "tag"], cwd=root, capture_output=True, text=True, check=True)
    assert tags.stdout.split() == ["v0.3.0"]


def test_torch_hub_loads_the_weights_of_a_src_layout_package(
    tmp_path: Path, project_tools: VirtualEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """torch.hub puts only the repository on sys.path; hubconf.py finds the package in src/."""
    monkeypatch.delenv("GITHUB_SERVER_URL", raising=False)
    root = write_shape(tmp_path / "leaf-seg", SHAPES[SRC_RUFF], with_torch(SRC_RUFF))
    apply_init(plan_init(root))
    net = tmp_path / "net.pth"
    run([project_tools.python, "-c", SAVE_STATE_DICT, net], env={"PYTHONPATH": str(root / "src")})
    meta = ["--meta", 'arch_kwargs={"num_classes": 4}', "--repo", "someone/leaf-seg"]
    add = [
        "weights",
        "-C",
        str(root),
        "add",
        str(net),
        "--name",
        "leaf_v1",
        "--arch",
        "example_net",
    ]
    assert main([*add, *meta]) == 0
    served = tmp_path / "served" / "someone/leaf-seg/releases/download/v0.3.0"
    shutil.copytree(root / ".ml-publish" / "weights", served)

    with serving(tmp_path / "served") as url:
        result = run(
            [project_tools.python, "-c", LOAD_FROM_TORCH_HUB, root],
            env={
                "LEAF_SEG_WEIGHTS_MIRROR": url,
                "TORCH_HOME": str(tmp_path / "torch-home"),
                "PYTHONPATH": "",
            },
            cwd=tmp_path,
        )

    assert result.stdout.strip() == "ExampleNet torch.Size([2, 4])"
