"""``ml-publish weights verify --reproduce`` on one small weight, against ``python -c "import
torch"``.

A project rendered with the template's defaults gets a weight of its ``ExampleNet`` (saved by
torch here) with a fingerprint recorded from ``notebooks/sample_input.json``; it is marked
released and its file served at its release path on 127.0.0.1, as GitHub would serve it. The
package is "installed" into a venv by a ``.pth`` file (which also names this Python's packages,
torch among them), so each timed run is the whole command: ml-publish starting, a fresh
download of the asset into an empty cache, the package's ``get_model`` in a new process with
torch, the comparison. Importing torch alone is the reference: most of a run is that import.
For scale (the issue sets no goal). Needs torch and safetensors in the running Python. Run:
``python benchmarks/reproduce.py``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import venv
from pathlib import Path

from timing import median_seconds, report

from ml_publish.template import new_project
from ml_publish.weights.fingerprint import record_fingerprint
from ml_publish.weights.registration import add_weights

# tests/support is on sys.path in the editable install the README sets up for tests.
from tests.support.static_server import serving

RUNS = 5
REPOSITORY = "your-github-name/cell-segmentation"
RELEASE_PATH = f"{REPOSITORY}/releases/download/v0.1.0"
SAVE = """
import sys, torch
sys.path.insert(0, sys.argv[1])
from cell_segmentation.model import ExampleNet
torch.manual_seed(0)
torch.save(ExampleNet(num_classes=10).state_dict(), sys.argv[2])
"""


def released_project(scratch: Path) -> Path:
    """A project with one fingerprinted weight, marked released."""
    project = new_project([], output_dir=scratch, no_input=True)
    weight = scratch / "tiny.pth"
    saved = subprocess.run([sys.executable, "-c", SAVE, str(project), str(weight)], cwd=scratch)
    if saved.returncode:
        sys.exit("this benchmark needs torch and safetensors in the running Python")
    add_weights(project, weight, name="tiny", arch="example_net", repository=REPOSITORY)
    record_fingerprint(project, "tiny", project / "notebooks" / "sample_input.json")
    registry = project / "cell_segmentation" / "weights.json"
    document = json.loads(registry.read_text(encoding="utf-8"))
    document["weights"][0]["status"] = "uploaded"
    registry.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return project


def installed_python(project: Path, scratch: Path) -> Path:
    """A venv that imports the project's package as if installed, and this Python's packages."""
    root = scratch / "venv"
    venv.EnvBuilder(with_pip=False).create(root)
    paths = sysconfig.get_paths(vars={"base": str(root), "platbase": str(root)})
    # Where this Python finds torch: its site-packages and those its .pth files name.
    ours = [entry for entry in sys.path if entry.endswith("site-packages")]
    Path(paths["purelib"], "cell_segmentation.pth").write_text(
        "".join(f"{entry}\n" for entry in [str(project), *ours]), encoding="utf-8"
    )
    return root / "bin" / "python"


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        project = released_project(scratch)
        python = installed_python(project, scratch)
        served = scratch / "served" / RELEASE_PATH
        shutil.copytree(project / ".ml-publish" / "weights", served)
        with serving(scratch / "served") as mirror:
            command = [
                "env", f"CELL_SEGMENTATION_WEIGHTS_MIRROR={mirror}",
                sys.executable, "-m", "ml_publish", "weights", "-C", str(project),
                "verify", "--reproduce", "--python", str(python),
            ]  # fmt: skip
            said = subprocess.run(command, capture_output=True, text=True).stdout
            if "reproduced from the installed package: tiny" not in said:
                sys.exit(f"verify --reproduce did not reproduce the weight:\n{said}")
            ours = median_seconds(command, RUNS)
            theirs = median_seconds([str(python), "-c", "import torch"], RUNS)
    report("verify --reproduce of one small weight", ours, theirs, 'python -c "import torch"', None)


if __name__ == "__main__":
    main()
