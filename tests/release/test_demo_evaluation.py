"""The demo weight's accuracy: the shipped iris CSV read, the file's tensors read, hits counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml_publish.release.demo_evaluation import (
    LabelledSamples,
    accuracy,
    linear_layer,
    read_iris,
)
from ml_publish.release.demo_project import BIAS, WEIGHT, safetensors_bytes


def test_the_shipped_iris_data_is_fishers_150_samples() -> None:
    iris = read_iris()

    assert iris.classes == ("setosa", "versicolor", "virginica")
    assert [iris.labels.count(label) for label in range(3)] == [50, 50, 50]
    assert iris.features[0] == (5.1, 3.5, 1.4, 0.2) and iris.labels[0] == 0
    assert all(len(features) == 4 for features in iris.features)


def test_a_csv_shorter_than_its_header_says_is_refused(tmp_path: Path) -> None:
    short = tmp_path / "iris.csv"
    short.write_text("3,4,a,b\n1.0,2.0,3.0,4.0,0\n", encoding="utf-8")

    with pytest.raises(ValueError, match="does not hold 3 rows of 4 features"):
        read_iris(short)


def test_the_layer_read_back_is_the_one_the_demo_writes() -> None:
    weight, bias = linear_layer(safetensors_bytes())

    assert weight == [pytest.approx(row, rel=1e-6) for row in WEIGHT]
    assert bias == pytest.approx(BIAS, rel=1e-6)


def test_accuracy_is_the_share_of_highest_scores_at_the_label() -> None:
    # Each class scores its own feature, so a sample goes to its largest feature.
    samples = LabelledSamples(
        classes=("a", "b"), features=[(1.0, 0.0), (0.0, 2.0), (3.0, 1.0)], labels=[0, 1, 1]
    )

    assert accuracy([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0], samples) == pytest.approx(2 / 3)
    assert accuracy([[1.0, 0.0], [0.0, 1.0]], [0.0, 5.0], samples) == pytest.approx(2 / 3)
    assert accuracy([[1.0, 0.0], [0.0, 1.0]], [5.0, 0.0], samples) == pytest.approx(1 / 3)
