"""``ml-publish weights verify --reproduce`` on the demo weight, against ``python -c "import
torch"`` (issue 25's yardstick; ``python -c pass`` where torch is not installed).

The demo project is made as ``ml-publish demo`` makes it (its iris weight, its pure-Python
``predict`` and the fingerprint on ``notebooks/sample_input.json``), without the rehearsal; the
weight is marked released and its file served at its release path on 127.0.0.1, as GitHub would
serve it. The package is "installed" into a venv by a ``.pth`` file, so each timed run is the
whole command: ml-publish starting, a fresh download of the asset into an empty cache, the
package's ``predict`` in a new process, the comparison. For scale (the issue sets no goal).
Run: ``python benchmarks/reproduce_demo.py``.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import venv
from pathlib import Path

from timing import median_seconds, report

from ml_publish.release.demo_predict import fingerprint_demo_weight
from ml_publish.release.demo_project import (
    DEMO_ANSWERS,
    DEMO_META,
    DEMO_OWNER,
    WEIGHTS_NAME,
    safetensors_bytes,
)
from ml_publish.template import new_project
from ml_publish.weights.registration import add_weights

# tests/support is on sys.path in the editable install the README sets up for tests.
from tests.support.static_server import serving

RUNS = 5
PACKAGE = "iris_classifier"


def released_demo_project(scratch: Path) -> tuple[Path, str]:
    """The demo project with its fingerprinted weight, marked released; and its release path."""
    project = new_project(DEMO_ANSWERS, output_dir=scratch, no_input=True)
    weight = scratch / f"{WEIGHTS_NAME}.safetensors"
    weight.write_bytes(safetensors_bytes())
    repository = f"{DEMO_OWNER}/{project.name}"
    entry = add_weights(project, weight, name=WEIGHTS_NAME, repository=repository, meta=DEMO_META)
    fingerprint_demo_weight(project, WEIGHTS_NAME)
    registry = project / PACKAGE / "weights.json"
    document = json.loads(registry.read_text(encoding="utf-8"))
    document["weights"][0]["status"] = "uploaded"
    registry.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return project, entry.url.removeprefix("https://github.com/").rpartition("/")[0]


def installed_python(project: Path, scratch: Path) -> Path:
    """A venv that imports the project's package as if installed, and this Python's packages."""
    root = scratch / "venv"
    venv.EnvBuilder(with_pip=False).create(root)
    paths = sysconfig.get_paths(vars={"base": str(root), "platbase": str(root)})
    ours = [entry for entry in sys.path if entry.endswith("site-packages")]
    Path(paths["purelib"], f"{PACKAGE}.pth").write_text(
        "".join(f"{entry}\n" for entry in [str(project), *ours]), encoding="utf-8"
    )
    return root / "bin" / "python"


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        project, release_path = released_demo_project(scratch)
        python = installed_python(project, scratch)
        shutil.copytree(project / ".ml-publish" / "weights", scratch / "served" / release_path)
        with serving(scratch / "served") as mirror:
            command = [
                "env", f"{PACKAGE.upper()}_WEIGHTS_MIRROR={mirror}",
                sys.executable, "-m", "ml_publish", "weights", "-C", str(project),
                "verify", "--reproduce", "--python", str(python),
            ]  # fmt: skip
            said = subprocess.run(command, capture_output=True, text=True).stdout
            if f"reproduced from the installed package: {WEIGHTS_NAME}" not in said:
                sys.exit(f"verify --reproduce did not reproduce the demo weight:\n{said}")
            ours = median_seconds(command, RUNS)
            torch = importlib.util.find_spec("torch") is not None
            code = "import torch" if torch else "pass"
            theirs = median_seconds([str(python), "-c", code], RUNS)
    figure = f"verify --reproduce of the demo weight ({WEIGHTS_NAME}, no torch needed)"
    report(figure, ours, theirs, f'python -c "{code}"', None)


if __name__ == "__main__":
    main()
