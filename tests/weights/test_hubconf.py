"""hubconf.py: generated from the registry, lint-clean, and working with the real torch.hub."""

from __future__ import annotations

from pathlib import Path

import black
import pytest

from ml_publish.weights.hubconf import MAX_COLUMNS, entry_point_name, render_hubconf
from ml_publish.weights.registry import WeightEntry
from tests.support.example_weights import (
    MIRROR_VARIABLE,
    save_example_state_dict,
    serving_staged_weights,
)
from tests.support.processes import run
from tests.support.projects import render
from tests.support.venvs import VirtualEnv

SOURCE_TREE = Path(__file__).resolve().parents[2]
# torch 2.13's hub.list and hub.help take only GitHub names ("owner/repo:ref"); with the
# repository already in torch's hub cache (as after a first download) they read it from there,
# offline. hub.load takes the directory itself with source="local".
USE_TORCH_HUB = """
import os, sys, torch
repo = sys.argv[1]
cached = os.path.join(torch.hub.get_dir(), "your-github-name_cell-segmentation_main")
os.makedirs(torch.hub.get_dir(), exist_ok=True)
os.symlink(repo, cached)
github = "your-github-name/cell-segmentation:main"
options = dict(trust_repo=True, skip_validation=True)
print(torch.hub.list(github, **options))
print(torch.hub.help(github, "example_v1", **options))
model = torch.hub.load(repo, "example_v1", source="local", progress=False)
print(type(model).__name__, model.training, model(torch.rand(2, 3, 32, 32)).shape)
"""


LONG_PACKAGE = "segmentation_of_very_long_named_cells_in_microscopy"
LONG_REPOSITORY = "some-organisation/segmentation-of-very-long-named-cells-project"


def entry(name: str, **meta: str) -> WeightEntry:
    file_name = f"{name}-0123456789.pth"
    url = f"https://github.com/{LONG_REPOSITORY}/releases/download/v1/{file_name}"
    return WeightEntry(name, url, "0123456789" + "a" * 54, 1000, file_name, meta=dict(meta))


def test_data_files_get_no_entry_point() -> None:
    only_data = render_hubconf("cells", "o/cells", [entry("split_fold_x", kind="data")])

    assert only_data == render_hubconf("cells", "o/cells", [])
    both = render_hubconf("cells", "o/cells", [entry("unet"), entry("split_fold_x", kind="data")])
    assert "def unet(" in both and "split_fold_x" not in both


@pytest.mark.parametrize("line_length", [79, 88, 100, 120])
def test_long_names_fit_in_79_columns_and_black_keeps_them_at_any_line_length(
    line_length: int,
) -> None:
    long_name = "efficientnet_b7_noisy_student_fold0_epoch_23_best_val_loss"
    text = render_hubconf(LONG_PACKAGE, LONG_REPOSITORY, [entry(long_name), entry("unet")])

    assert max(len(line) for line in text.splitlines()) <= MAX_COLUMNS
    assert black.format_str(text, mode=black.Mode(line_length=line_length)) == text
    assert f"def {long_name}(\n    **kwargs: _Any,\n) -> _nn.Module:" in text
    assert "def unet(**kwargs: _Any) -> _nn.Module:" in text


def test_the_template_ships_what_the_renderer_writes_for_long_names_too(tmp_path: Path) -> None:
    owner, repo_name = LONG_REPOSITORY.split("/")
    answers = {"package_name": LONG_PACKAGE, "github_owner": owner, "repo_name": repo_name}
    project = render(tmp_path, answers)

    shipped = (project / "hubconf.py").read_text(encoding="utf-8")

    assert shipped == render_hubconf(LONG_PACKAGE, LONG_REPOSITORY, [])
    assert max(len(line) for line in shipped.splitlines()) <= MAX_COLUMNS


@pytest.mark.parametrize("package", ["leaf_seg", "acme.vision", LONG_PACKAGE])
def test_a_package_in_src_is_imported_from_there(package: str) -> None:
    """torch.hub puts only the repository's root on sys.path: hubconf.py adds src/."""
    text = render_hubconf(package, LONG_REPOSITORY, [entry("unet")], source_dir="src")

    assert max(len(line) for line in text.splitlines()) <= MAX_COLUMNS
    assert black.format_str(text, mode=black.Mode(line_length=79)) == text
    assert '_sys.path.insert(0, str(_Path(__file__).resolve().parent / "src"))\n' in text
    assert f'"{package}.model"' in text and "from leaf_seg" not in text
    assert f"src/{package.replace('.', '/')}/weights.json:" in text
    compile(text, "hubconf.py", "exec")  # valid Python, whatever the names


def test_entry_point_names_are_identifiers() -> None:
    assert entry_point_name("unet-r34.v2") == "unet_r34_v2"
    assert entry_point_name("3d_unet") == "model_3d_unet"
    assert entry_point_name("class") == "model_class"


def test_the_template_ships_exactly_what_the_renderer_writes_for_no_weights(
    tmp_path: Path,
) -> None:
    project = render(tmp_path, {})

    shipped = (project / "hubconf.py").read_text(encoding="utf-8")

    assert shipped == render_hubconf("cell_segmentation", "your-github-name/cell-segmentation", [])


def test_torch_hub_lists_helps_and_loads_registered_weights(
    tmp_path: Path, project_tools: VirtualEnv
) -> None:
    project = render(tmp_path, {})
    in_project = {"PYTHONPATH": f"{project}:{SOURCE_TREE}"}
    save_example_state_dict(project_tools, project, project / "net.pth", num_classes=4)
    run(
        [project_tools.python, "-m", "ml_publish", "weights", "-C", project, "add", "net.pth",
         "--name", "example_v1", "--arch", "example_net", "--meta", "dataset=CIFAR-10",
         "--meta", 'arch_kwargs={"num_classes": 4}', "--metrics",
         '{"dataset": "CIFAR-10", "split": "test", "values": {"top1": 0.91}}'],
        env=in_project,
    )  # fmt: skip

    with serving_staged_weights(project, tmp_path) as url:
        result = run(
            [project_tools.python, "-c", USE_TORCH_HUB, project],
            env={
                MIRROR_VARIABLE: url,
                "TORCH_HOME": str(tmp_path / "torch-home"),
                "PYTHONPATH": "",
            },
        )

    listed, *help_lines, loaded = result.stdout.strip().splitlines()
    assert listed == "['example_v1']"
    assert "Trained on CIFAR-10. Metrics: top1 0.91 (CIFAR-10, test)." in " ".join(
        "".join(help_lines).split()
    )
    assert loaded == "ExampleNet False torch.Size([2, 4])"
    for tool in ("black", "flake8"):
        run([project_tools.bin(tool), "hubconf.py"] if tool == "flake8" else
            [project_tools.bin(tool), "--check", "hubconf.py"], cwd=project)  # fmt: skip
