"""PyTorch files written by real torch (CPU), and what ``torch.load(weights_only=True)`` says.

One run of torch writes them all for the session: state dicts (one with tied weights), a
Lightning-style checkpoint, a whole pickled module, a plain pickle and a legacy-format file,
and the template's ``ExampleNet`` weights; then it tries each with the safe loader.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tests.support.processes import run
from tests.support.venvs import VirtualEnv

WRITE_TORCH_FILES = """
import argparse, json, pickle, sys, torch
from pathlib import Path
from cell_segmentation.model import ExampleNet
out = Path(sys.argv[1])
torch.manual_seed(0)
embedding = torch.randn(10, 4)
# The head reuses the embedding (tied weights); a transposed view and a row share it too.
tied = {"embed.weight": embedding, "head.weight": embedding, "head.bias": torch.zeros(10),
        "embed_t": embedding.t(), "first_row": embedding[0]}
torch.save(tied, out / "tied.pth")
# Above the 100 KB from which adopt and the hooks take a file for weights.
state = {"conv.weight": torch.randn(64, 32, 3, 3), "conv.bias": torch.randn(64),
         "fc.weight": torch.randn(100, 100)}
torch.save(state, out / "state_dict.pth")
lightning = {
    "state_dict": {**{"model." + k: v for k, v in state.items()}, "loss.pos_weight": torch.ones(1)},
    "hyper_parameters": argparse.Namespace(lr=0.001),
    "optimizer_states": [{"state": {}}],
    "pytorch-lightning_version": "2.5.0",
}
torch.save(lightning, out / "lightning.ckpt")
torch.save(torch.nn.Linear(4, 2), out / "whole_model.pth")
with open(out / "pickled.pth", "wb") as stream:
    pickle.dump(state, stream, protocol=4)
torch.save(state, out / "legacy.pth", _use_new_zipfile_serialization=False)
torch.save(ExampleNet(num_classes=4).state_dict(), out / "example_net.pth")
verdicts = {}
for path in sorted(out.iterdir()):
    try:
        torch.load(path, weights_only=True)
        verdicts[path.name] = "loads"
    except Exception:
        verdicts[path.name] = "refused"
(out / "verdicts.json").write_text(json.dumps(verdicts))
"""


@dataclass(frozen=True)
class TorchFiles:
    """The directory of files, and each file's verdict: ``"loads"`` or ``"refused"``."""

    directory: Path
    verdicts: dict[str, str]

    def __truediv__(self, name: str) -> Path:
        return self.directory / name


def write_torch_files(tools: VirtualEnv, project: Path, directory: Path) -> TorchFiles:
    """Write the files with ``tools``' torch and the code of ``project`` (cell_segmentation)."""
    run([tools.python, "-c", WRITE_TORCH_FILES, directory], env={"PYTHONPATH": str(project)})
    verdicts = json.loads((directory / "verdicts.json").read_text(encoding="utf-8"))
    (directory / "verdicts.json").unlink()
    return TorchFiles(directory, verdicts)
