"""``weights add --format safetensors`` with real torch on CPU, and the generated package loading
the result (``model.load_state_dict``, ``get_model``)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tests.support.example_weights import MIRROR_VARIABLE, serving_staged_weights
from tests.support.processes import run
from tests.support.torch_files import TorchFiles
from tests.support.venvs import VirtualEnv

SOURCE_TREE = Path(__file__).resolve().parents[2]

CONVERT_AND_LOAD = """
import json, sys, torch
from pathlib import Path
from ml_publish.weights.registration import add_weights
from cell_segmentation.model import load_state_dict

project, files = Path(sys.argv[1]), Path(sys.argv[2])
staged = project / ".ml-publish" / "weights"
convert = {"repository": "o/r", "file_format": "safetensors"}
tied = add_weights(project, files / "tied.pth", name="tied", **convert)
unet = add_weights(project, files / "lightning.ckpt", name="unet", strip_prefix="model.", **convert)
pickled = add_weights(project, files / "state_dict.pth", name="plain", repository="o/r")
plain = add_weights(project, files / "state_dict.pth", name="plain", **convert)

original = torch.load(files / "tied.pth", weights_only=True)
loaded = load_state_dict(staged / tied.file_name)
data = (staged / tied.file_name).read_bytes()
header = json.loads(data[8 : 8 + int.from_bytes(data[:8], "little")])
print(json.dumps({
    "tied": [tied.file_name, tied.meta, len(data)],
    "equal": sorted(name for name in original if torch.equal(original[name], loaded[name])),
    "shared": loaded["head.weight"] is loaded["embed.weight"],
    "stored": sorted(header),
    "unet": sorted(load_state_dict(staged / unet.file_name)),
    "plain": [pickled.file_name, plain.file_name, (staged / pickled.file_name).exists()],
}))
"""

GET_MODEL = """
import sys, torch
from cell_segmentation.model import get_model
model = get_model("example_st", progress=False)
original = torch.load(sys.argv[1], weights_only=True)
print(type(model).__name__, all(torch.equal(model.state_dict()[k], v) for k, v in original.items()))
"""


@pytest.fixture
def project(rendered_project: Path, tmp_path: Path) -> Path:
    return shutil.copytree(rendered_project, tmp_path / rendered_project.name)


def test_tied_weights_and_a_lightning_checkpoint_convert_and_load_back(
    project: Path, project_tools: VirtualEnv, torch_files: TorchFiles
) -> None:
    in_project = {"PYTHONPATH": f"{project}:{SOURCE_TREE}"}

    result = run([project_tools.python, "-c", CONVERT_AND_LOAD, project, torch_files.directory],
                 env=in_project)  # fmt: skip

    found = json.loads(result.stdout)
    file_name, meta, size = found["tied"]
    source_sha256 = hashlib.sha256((torch_files / "tied.pth").read_bytes()).hexdigest()
    assert file_name.endswith(".safetensors")
    assert meta == {
        "converted_from": {"file_name": "tied.pth", "sha256": source_sha256},
        "file_size": size,
        # embed.weight and embed_t (10x4 each: the transposed view becomes a copy), first_row
        # and head.bias; the tied head.weight is stored once, as embed.weight.
        "num_params": 40 + 40 + 4 + 10,
        "license": "MIT",
    }
    # Every tensor comes back equal, and the tied ones as one tensor again ...
    assert found["equal"] == ["embed.weight", "embed_t", "first_row", "head.bias", "head.weight"]
    assert found["shared"] is True
    # ... though the file stores the tie once (views of other shapes are copies of their own).
    assert found["stored"] == ["__metadata__", "embed.weight", "embed_t", "first_row", "head.bias"]
    assert found["unet"] == ["conv.bias", "conv.weight", "fc.weight"]
    # A pending pickled entry converted under its own name is replaced, its staged file gone.
    pickled, converted, pickled_still_staged = found["plain"]
    assert (pickled.endswith(".pth"), converted.endswith(".safetensors")) == (True, True)
    assert pickled_still_staged is False
    registry = json.loads((project / "cell_segmentation" / "weights.json").read_text())
    assert [entry["name"] for entry in registry["weights"]] == ["tied", "unet", "plain"]


def test_get_model_loads_weights_added_as_safetensors(
    project: Path, project_tools: VirtualEnv, torch_files: TorchFiles, tmp_path: Path
) -> None:
    example_net = torch_files / "example_net.pth"
    run(
        [project_tools.python, "-m", "ml_publish", "weights", "-C", project, "add", example_net,
         "--name", "example_st", "--arch", "example_net", "--format", "safetensors",
         "--meta", 'arch_kwargs={"num_classes": 4}'],
        env={"PYTHONPATH": str(SOURCE_TREE)},
    )  # fmt: skip
    (staged,) = (project / ".ml-publish" / "weights").iterdir()
    assert staged.suffix == ".safetensors"

    with serving_staged_weights(project, tmp_path) as url:
        result = run(
            [project_tools.python, "-c", GET_MODEL, example_net],
            env={
                MIRROR_VARIABLE: url,
                "TORCH_HOME": str(tmp_path / "torch-home"),
                "PYTHONPATH": str(project),
            },
        )

    assert result.stdout.split() == ["ExampleNet", "True"]
