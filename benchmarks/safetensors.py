"""Loading a 500 MB state dict: safetensors against ``torch.load(weights_only=True)``.

The same tensors (50 of 10 MB, float32) saved both ways; the safetensors file is read by the
generated package's own reader (``model.load_state_dict``: ``safetensors.torch.load_file``,
then the tied names from the header), the ``.pth`` by ``torch.load(weights_only=True)``. Each
load runs in a fresh process with both files in the page cache, timed inside it; the two take
turns. Two figures, for scale (the issue sets no goal): the load alone, and the load followed
by reading every tensor once, as copying them into a model does (safetensors maps the file, so
its load alone defers that reading). Needs torch, safetensors and numpy. Run:
``python benchmarks/safetensors.py``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import report

from ml_publish.template import new_project

RUNS = 5
WRITE = """
import sys, torch
from pathlib import Path
from safetensors.torch import save_file
out = Path(sys.argv[1])
torch.manual_seed(0)
state = {f"layer{i}.weight": torch.randn(2_500_000) for i in range(50)}
torch.save(state, out / "state.pth")
save_file(state, str(out / "state.safetensors"))
"""
LOAD = """
import sys, time, torch
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from cell_segmentation.model import load_state_dict
path = Path(sys.argv[2])
start = time.perf_counter()
if path.suffix == ".safetensors":
    state = load_state_dict(path)
else:
    state = torch.load(path, map_location="cpu", weights_only=True)
loaded = time.perf_counter()
total = sum(float(tensor.sum()) for tensor in state.values())
read = time.perf_counter()
assert len(state) == 50
print(loaded - start, read - start)
"""


def load_times(project: Path, path: Path) -> tuple[float, float]:
    """Seconds to load ``path`` in a fresh process, and to load it and read every tensor."""
    command = [sys.executable, "-c", LOAD, str(project), str(path)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=path.parent)
    output = done.stdout
    load, read = map(float, output.split())
    return load, read


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        project = new_project([], output_dir=scratch, no_input=True)
        # Not from benchmarks/, where this file would hide the safetensors package.
        write = subprocess.run([sys.executable, "-c", WRITE, str(scratch)], cwd=scratch)
        if write.returncode:
            sys.exit("this benchmark needs torch, safetensors and numpy in the running Python")
        files = {"safetensors": scratch / "state.safetensors", "torch": scratch / "state.pth"}
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in files}
        for run in range(RUNS + 1):  # run 0 fills the page cache and is not counted
            order = list(files) if run % 2 else list(files)[::-1]
            for name in order:
                measured = load_times(project, files[name])
                if run:
                    times[name].append(measured)
    for index, what in enumerate(("load", "load + read every tensor")):
        ours = statistics.median(sample[index] for sample in times["safetensors"])
        theirs = statistics.median(sample[index] for sample in times["torch"])
        report(
            f"500 MB state dict, {what}: safetensors",
            ours,
            theirs,
            "torch.load(weights_only=True)",
            None,
        )


if __name__ == "__main__":
    main()
