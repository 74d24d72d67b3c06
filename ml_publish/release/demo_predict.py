"""The demo project's model, in pure Python, and the sample its weight is fingerprinted on.

The demo project has no framework (``framework=none``), so it gets the framework-neutral entry
the fingerprint probe (the template's ``tests/fingerprints.py``) calls:
``<package>/predict.py`` with ``predict(batch, weights=NAME)``, the linear layer's scores read
from the weight's safetensors file through the package's own verified loader. ``weights add
--sample-input`` records its output on one iris flower, and ``weights verify --reproduce`` (the
sandbox rehearsal runs it in the fresh install) checks the installed package and the downloaded
release asset still give it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ml_publish.weights.fingerprint import record_fingerprint
from ml_publish.weights.project import open_project

SAMPLE_FILE = "notebooks/sample_input.json"
# The first flower of the iris data (a setosa): sepal length and width, petal length and width.
SAMPLE = {"shape": [4], "values": [5.1, 3.5, 1.4, 0.2]}
PREDICT_MODULE = '''"""The iris classifier in pure Python: scores per species from its weights.

The weights are a linear layer (``weight`` of shape (3, 4), ``bias`` of shape
(3,)) in a safetensors file, read without a framework. ``predict`` is what
``ml-publish weights add --sample-input`` and ``weights verify --reproduce``
run to fingerprint the weights.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

from {package}.pretrained import download_weights, get_weights

DEFAULT_WEIGHTS = "{weights}"


def read_linear_layer(path: Path) -> tuple[list[list[float]], list[float]]:
    """The float32 ``weight`` rows and ``bias`` of a safetensors file."""
    data = path.read_bytes()
    (size,) = struct.unpack_from("<Q", data)
    header = json.loads(data[8 : 8 + size])

    def tensor(name: str) -> list[float]:
        start, end = header[name]["data_offsets"]
        raw = data[8 + size + start : 8 + size + end]
        return list(struct.unpack(f"<{{len(raw) // 4}}f", raw))

    rows, columns = header["weight"]["shape"]
    weight = tensor("weight")
    matrix = [weight[r * columns : (r + 1) * columns] for r in range(rows)]
    return matrix, tensor("bias")


def predict(batch: list[list[float]], weights: str = DEFAULT_WEIGHTS) -> list[list[float]]:
    """Each flower's score per species (``weight @ x + bias``).

    A flower is its sepal length and width and petal length and width, in cm.
    """
    path = download_weights(weights, progress=False)
    matrix, bias = read_linear_layer(path)
    return [
        [sum(w * x for w, x in zip(row, flower)) + b for row, b in zip(matrix, bias)]
        for flower in batch
    ]


def species(batch: list[list[float]], weights: str = DEFAULT_WEIGHTS) -> list[str]:
    """The species each flower's highest score names."""
    names = get_weights(weights).meta.categories
    return [names[s.index(max(s))] for s in predict(batch, weights)]
'''


def fingerprint_demo_weight(project: Path, weights: str) -> dict[str, Any]:
    """Give the demo package its ``predict`` and record the weight's fingerprint on the sample,
    as ``weights add --sample-input`` does; the fingerprint is returned."""
    package = open_project(project).import_name
    sample = write_predict_module(project, package, weights)
    return record_fingerprint(project, weights, sample)


def write_predict_module(project: Path, package: str, weights: str) -> Path:
    """``<package>/predict.py`` and the sample input in ``project``; the sample's path."""
    source = PREDICT_MODULE.format(package=package, weights=weights)
    (project / package / "predict.py").write_text(source, encoding="utf-8")
    sample = project / SAMPLE_FILE
    sample.parent.mkdir(parents=True, exist_ok=True)
    sample.write_text(json.dumps(SAMPLE) + "\n", encoding="utf-8")
    return sample
