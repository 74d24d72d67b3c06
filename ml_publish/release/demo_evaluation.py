"""The demo weight's accuracy, measured when the demo runs on the iris data ml-publish ships.

The data (``demo_data/iris.csv``) is Fisher's iris data set: R. A. Fisher, "The use of multiple
measurements in taxonomic problems", Annals of Eugenics 7 (1936), 179-188, as published by the
UCI Machine Learning Repository (https://doi.org/10.24432/C56C76) under CC BY 4.0. The copy is
scikit-learn's (``sklearn/datasets/data/iris.csv``), which follows Fisher's paper where UCI's
copy has two wrong values. Its first row holds the counts of samples and features, then the
class names; every other row the four measurements in cm (sepal length, sepal width, petal
length, petal width) and the index of the species.

Pure Python on purpose: the demo runs where only ml-publish's dependencies are installed.
"""

from __future__ import annotations

import csv
import json
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

IRIS_CSV = Path(__file__).resolve().parent / "demo_data" / "iris.csv"


@dataclass(frozen=True)
class LabelledSamples:
    """Measurements with the index of their class, and the class names."""

    classes: tuple[str, ...]
    features: list[tuple[float, ...]]
    labels: list[int]


def read_iris(path: Path = IRIS_CSV) -> LabelledSamples:
    """The iris samples from scikit-learn's CSV layout (a header row of counts and names)."""
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    samples, width, *classes = rows[0]
    body = rows[1:]
    if len(body) != int(samples) or any(len(row) != int(width) + 1 for row in body):
        raise ValueError(f"{path} does not hold {samples} rows of {width} features and a label")
    return LabelledSamples(
        classes=tuple(classes),
        features=[tuple(float(value) for value in row[:-1]) for row in body],
        labels=[int(row[-1]) for row in body],
    )


def linear_layer(safetensors: bytes) -> tuple[list[list[float]], list[float]]:
    """The ``weight`` rows and ``bias`` of a float32 safetensors file, as the file holds them."""
    (header_size,) = struct.unpack_from("<Q", safetensors)
    header = json.loads(safetensors[8 : 8 + header_size])

    def tensor(name: str) -> list[float]:
        start, end = header[name]["data_offsets"]
        data = safetensors[8 + header_size + start : 8 + header_size + end]
        return list(struct.unpack(f"<{len(data) // 4}f", data))

    rows, columns = header["weight"]["shape"]
    weight = tensor("weight")
    return [weight[row * columns : (row + 1) * columns] for row in range(rows)], tensor("bias")


def accuracy(weight: list[list[float]], bias: list[float], samples: LabelledSamples) -> float:
    """The share of samples whose highest score ``weight @ x + bias`` is at their label."""
    correct = 0
    for features, label in zip(samples.features, samples.labels):
        scores = [sum(w * x for w, x in zip(row, features)) + b for row, b in zip(weight, bias)]
        correct += scores.index(max(scores)) == label
    return correct / len(samples.labels)


def iris_metric(safetensors: bytes) -> dict[str, Any]:
    """The metric ``weights add`` records for the demo weight: its accuracy on the iris data.

    The weights were fit on these same 150 samples, so this is the training set's accuracy, and
    the split says so: it tells that the numbers in the file reproduce, not how they generalise.
    """
    samples = read_iris()
    weight, bias = linear_layer(safetensors)
    return {
        "dataset": "iris",
        "split": f"train (all {len(samples.labels)})",
        "values": {"accuracy": round(accuracy(weight, bias, samples), 4)},
    }
