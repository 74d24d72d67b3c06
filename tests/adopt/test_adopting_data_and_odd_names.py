"""``adopt`` end to end on a repository of fold data, weights and awkward file names.

Its data files share a stem, its weights share a name, its files have brackets, spaces, ``#``
and ``!`` in their names: adopt still completes, keeps every one of them out of git for good,
calls data data, and leaves black, flake8 and mypy passing.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
from pathlib import Path

import pytest

from ml_publish.adopt.adoption import adopt, report
from ml_publish.errors import OperationFailed
from tests.support.abandoned_repos import snapshot
from tests.support.processes import run
from tests.support.tiny_repos import write_repository
from tests.support.venvs import VirtualEnv

ORIGIN = "https://github.com/some-organisation-name/segmentation-of-very-long-named-cells.git"
LEGACY = "import os, sys\n\ndef dense(x):\n    return x\n"
# Each path, and the name and kind adopt must register it under.
REGISTERED = {
    "gcn/data/split.fold.x": ("split_fold_x", "data"),
    "gcn/data/split.fold.tx": ("split_fold_tx", "data"),
    "gcn/data/split.fold.allx": ("split_fold_allx", "data"),
    "feat_[svd_and_bow]_[v2].pkl": ("feat_svd_and_bow_v2", "data"),
    "#fold!1.pkl": ("fold_1", "data"),
    "best.pth": ("best", "weights"),
    "models/fold1/best.pth": ("fold1_best", "weights"),
    "models/fold2/best.pth": ("fold2_best", "weights"),
    "my model.pth": ("my_model", "weights"),
}


def weight_like(path: str) -> bytes:
    """A big pickle for data, the start of a torch checkpoint for weights."""
    if REGISTERED[path][1] == "data":
        return pickle.dumps(os.urandom(150_000), protocol=4)
    return b"PK\x03\x04" + os.urandom(150_000)


def git(root: Path, *args: str) -> str:
    return run(["git", "-c", "user.name=t", "-c", "user.email=t@x", *args], cwd=root).stdout


def write_fold_repository(root: Path) -> Path:
    """A paper's repository: a package with its folds, weights beside, odd names throughout."""
    files: dict[str, str | bytes] = {path: weight_like(path) for path in REGISTERED}
    files |= {
        "gcn/__init__.py": '__version__ = "0.1.0"\n',
        "gcn/layers.py": LEGACY,
        "gcn/data/fold_ids.csv": "fold,id\n0,1\n1,2\n",
        "feat_[svd_and_bow]_[v2].py": LEGACY,
        "run experiment.py": "import gcn.layers\n\nprint( gcn.layers.dense(1) )\n",
        "requirements.txt": "torch\n",
        "pyproject.toml": "[tool.black]\nline-length = 100\n",
    }
    write_repository(root, files)
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(root)], check=True)
    git(root, "remote", "add", "origin", ORIGIN)
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "camera-ready")
    return root


@pytest.fixture
def folds(tmp_path: Path) -> Path:
    return write_fold_repository(tmp_path / "gcn")


def test_folds_weights_and_odd_names_are_adopted_for_good(
    folds: Path, project_tools: VirtualEnv
) -> None:
    adoption = adopt(folds)

    entries = json.loads((folds / "gcn" / "weights.json").read_text())["weights"]
    registered = {e["name"]: e.get("meta", {}).get("kind", "weights") for e in entries}
    assert registered == dict(REGISTERED.values())
    plan, done = adoption.plan.describe(), report(adoption)
    assert "data      untrack gcn/data/split.fold.x, register it as 'split_fold_x' (data," in plan
    assert "5 data file(s) untracked and registered" in done
    assert "4 weight file(s) untracked and registered" in done
    gitignore = (folds / ".gitignore").read_text().splitlines()
    for line in ["/gcn/data/split.fold.x", "/feat_\\[svd_and_bow]_\\[v2].pkl", "/\\#fold\\!1.pkl"]:
        assert line in gitignore
    assert all(path in git(folds, "check-ignore", "--no-index", path) for path in REGISTERED)
    hubconf = (folds / "hubconf.py").read_text()
    assert "def fold1_best(" in hubconf and "split_fold" not in hubconf
    readme = (folds / "README.md").read_text()
    assert readme.index("`best`") < readme.index("### Data files") < readme.index("split_fold_x")

    git(folds, "add", "--all")
    tracked = git(folds, "ls-files").splitlines()
    assert not set(REGISTERED) & set(tracked)
    assert "gcn/data/fold_ids.csv" in tracked  # small: it stays in git
    for tool in (["black", "--check", "."], ["flake8"], ["mypy", "gcn"]):
        run([project_tools.bin(tool[0]), *tool[1:]], cwd=folds)
    git(folds, "commit", "--quiet", "-m", "adopted")
    adopt(folds)
    assert git(folds, "status", "--porcelain") == ""


def test_a_failing_lint_baseline_names_its_step_and_how_to_restore(folds: Path) -> None:
    (folds / "notes.py").write_bytes(b'def f():\n    return "caf\xe9"\n')
    git(folds, "add", "notes.py")
    git(folds, "commit", "--quiet", "-m", "latin-1")
    before = snapshot(folds)

    with pytest.raises(OperationFailed) as failure:
        adopt(folds)

    message = str(failure.value)
    assert message.startswith("adopt stopped at 'lint baseline': black failed: ")
    assert message.endswith("'git reset --hard && git clean -fd' restores it")
    git(folds, "reset", "--hard", "--quiet")
    git(folds, "clean", "-fdq")
    after = snapshot(folds)
    # What was staged stays, ignored by .ml-publish/.gitignore: a new adopt may start at once.
    assert {k: v for k, v in after.items() if not k.startswith(".ml-publish/")} == before
    assert git(folds, "status", "--porcelain", "--untracked-files=all") == ""
