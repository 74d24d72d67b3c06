"""The framework-neutral fingerprint: a package without PyTorch runs its sample through
``predict.predict(batch, weights=NAME)``, and the statistics are computed in plain Python
(the template's ``tests/fingerprints.py``, as ml-publish reads it)."""

from __future__ import annotations

import json
import math
import shutil
import statistics
from pathlib import Path

import pytest

from ml_publish.cli import main
from ml_publish.weights.fingerprint import probe_module

REPOSITORY = "octo-org/leaf-counter"
SCORES = [[0.5, -1.25, 3.0, 2.0, -0.5, 7.25, 1.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]]
PREDICT = """
def predict(batch, weights="leaf"):
    # Each sample's rows doubled, then their sums: pure Python, as a framework-free model.
    return [[[2 * v for v in row] for row in x] + [[sum(row) for row in x]] for x in batch]
"""


class ArrayLike:
    """What NumPy arrays offer the fingerprint: ``tolist()`` and a ``dtype``."""

    dtype = "float32"

    def tolist(self) -> list[list[float]]:
        return SCORES


def test_plain_lists_get_shape_statistics_and_top_classes_rounded_to_8_digits() -> None:
    found = probe_module().fingerprint_of(SCORES)

    values = [v for row in SCORES for v in row]
    assert (found["shape"], found["dtype"]) == ([2, 7], "float64")
    assert found["mean"] == pytest.approx(statistics.fmean(values), rel=1e-7)
    assert found["std"] == pytest.approx(statistics.stdev(values), rel=1e-7)  # n - 1, as torch
    assert (found["min"], found["max"]) == (-1.25, 7.25)
    assert found["norm"] == pytest.approx(math.hypot(*values), rel=1e-7)
    assert found["top_k"] == [5, 2, 3, 6, 0]  # the first row's five highest, highest first


def test_an_array_keeps_its_dtype_and_a_ragged_output_is_refused() -> None:
    probe = probe_module()

    assert probe.fingerprint_of(ArrayLike())["dtype"] == "float32"
    assert probe.drift(probe.fingerprint_of(ArrayLike()), probe.fingerprint_of(SCORES)) == (
        "dtype float64 instead of float32"
    )
    with pytest.raises(ValueError, match="the output is ragged"):
        probe.fingerprint_of([[1.0, 2.0], [3.0]])


def sample_project(plain_project: Path, tmp_path: Path, predict: str | None) -> Path:
    project = shutil.copytree(plain_project, tmp_path / "leaf-counter")
    (project / "leaf.bin").write_bytes(b"leaf weights")
    (project / "sample.json").write_text(json.dumps({"shape": [2, 2], "values": [1, 2, 3, 4]}))
    if predict is not None:
        (project / "leaf_counter" / "predict.py").write_text(predict)
    return project


def add_with_sample(project: Path) -> int:
    words = ["weights", "-C", str(project), "add", "leaf.bin", "--name", "leaf"]
    return main([*words, "--repo", REPOSITORY, "--sample-input", str(project / "sample.json")])


def test_weights_add_records_what_predict_gives_on_the_sample(
    plain_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = sample_project(plain_project, tmp_path, PREDICT)

    assert add_with_sample(project) == 0

    assert "fingerprint on sample.json: output [1, 3, 2] float64" in capsys.readouterr().out
    registry = json.loads((project / "leaf_counter" / "weights.json").read_text())
    fingerprint = registry["weights"][0]["fingerprint"]
    # The batch [[[1, 2], [3, 4]]] gives [[[2, 4], [6, 8], [3, 7]]].
    assert fingerprint["shape"] == [1, 3, 2] and "top_k" not in fingerprint
    assert (fingerprint["min"], fingerprint["max"], fingerprint["mean"]) == (2.0, 8.0, 5.0)


def test_a_package_with_neither_get_model_nor_predict_is_told_what_to_add(
    plain_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = sample_project(plain_project, tmp_path, None)

    assert add_with_sample(project) == 1

    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert (
        "weights leaf: the sample input did not run: LookupError: leaf_counter has neither " in err
    )
    assert "model.get_model (PyTorch) nor a module predict with predict(batch, weights=NAME)" in err
