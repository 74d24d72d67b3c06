"""``ml-publish demo``: the demo project made, committed and its first release rehearsed."""

from __future__ import annotations

import csv
import json
import struct
from pathlib import Path

import pytest

from ml_publish.cli import main
from tests.support.releases import git


def test_demo_shows_the_whole_product_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("GH_TOKEN", "GITHUB_TOKEN", "GITHUB_SERVER_URL", "TWINE_PASSWORD", "HF_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    assert main(["demo", "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Sandbox release of iris-classifier v0.2.0 rehearsed" in out
    assert "weights iris-linear: downloaded from http://127.0.0.1:" in out and "verified" in out
    # The last word: the installed package, GitHub stopped, downloads from the Hub stand-in.
    assert "GitHub stopped, weights iris-linear: downloaded from the Hugging Face Hub" in out
    project = tmp_path / "iris-classifier"
    assert "verified offline: iris-linear loaded from the bundle by download_weights" in out
    bundled = project / ".ml-publish" / "bundle" / "weights"
    assert [path.name for path in bundled.iterdir()] == [
        path.name for path in staged_weights(project)
    ]
    assert git(project, "status", "--porcelain") == ""
    staged = staged_weights(project)
    assert len(staged) == 1
    assert main(["check", str(project)]) == 0
    assert_the_weight_carries_its_accuracy(project, staged[0].read_bytes())


def staged_weights(project: Path) -> list[Path]:
    return list((project / ".ml-publish" / "weights").iterdir())


def assert_the_weight_carries_its_accuracy(project: Path, safetensors: bytes) -> None:
    """The registered metric is the staged file's accuracy on the shipped iris CSV, counted here."""
    registry = json.loads((project / "iris_classifier" / "weights.json").read_text("utf-8"))
    meta = registry["weights"][0]["meta"]
    accuracy = round(iris_hits(safetensors) / 150, 4)
    expected = {"dataset": "iris", "split": "train (all 150)", "values": {"accuracy": accuracy}}
    assert meta["metrics"] == [expected]
    assert meta["license"] == "CC-BY-4.0"
    assert meta["categories"] == ["setosa", "versicolor", "virginica"]
    shown = f"accuracy {accuracy:g} (iris, train (all 150))"
    assert shown in (project / "README.md").read_text("utf-8")
    assert "accuracy" in (project / "MODEL_CARD.md").read_text("utf-8")


def iris_hits(safetensors: bytes) -> int:
    """How many of the 150 iris samples the file's linear layer scores highest at their label."""
    (size,) = struct.unpack("<Q", safetensors[:8])
    header = json.loads(safetensors[8 : 8 + size])
    values = struct.unpack(f"<{(len(safetensors) - 8 - size) // 4}f", safetensors[8 + size :])
    assert header["weight"]["data_offsets"] == [0, 48] and header["bias"]["shape"] == [3]
    weight, bias = [values[row * 4 : row * 4 + 4] for row in range(3)], values[12:15]
    iris = Path(__file__).parents[2] / "ml_publish" / "release" / "demo_data" / "iris.csv"
    with iris.open(newline="") as stream:
        header_row, *rows = list(csv.reader(stream))
    assert header_row == ["150", "4", "setosa", "versicolor", "virginica"] and len(rows) == 150
    hits = 0
    for row in rows:
        x = [float(value) for value in row[:4]]
        scores = [sum(w * v for w, v in zip(weight[k], x)) + bias[k] for k in range(3)]
        hits += max(range(3), key=scores.__getitem__) == int(row[4])
    return hits
