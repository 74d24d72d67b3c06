"""Output fingerprints: proof that the published bytes still give the result.

``ml-publish weights add --sample-input FILE`` runs new weights on a sample
input and records what came out (shape, dtype, rounded statistics, the top
classes of a classifier) in the registry entry's ``fingerprint``.
``ml-publish weights verify --reproduce`` and ``tests/test_fingerprints.py``
run it again and compare, with this very file.

A PyTorch package runs the sample through ``model.get_model`` and the
weights' transforms; any other package through the function
``predict(batch, weights=NAME)`` of its module ``predict``, which takes a
batch as nested lists of numbers and returns the outputs as nested lists
(or anything with ``tolist()`` and a ``dtype``, such as a NumPy array). The
statistics are the same either way. torch is imported by name where it is
used, so the comparison, and a package without PyTorch, need no torch.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import math
import sys
from pathlib import Path
from typing import Any

# How far each statistic may move, relative to its size (at least 1).
TOLERANCE = 1e-4
STATISTICS = ("mean", "std", "min", "max", "norm")
TOP_K = 5
DIGITS = 8
# Nested lists of plain Python numbers are double precision.
PLAIN_DTYPE = "float64"


def read_sample(path: Path) -> tuple[list[int], list[float]]:
    """One example, without the batch dimension: ``{"shape", "values"}``."""
    sample = json.loads(path.read_text(encoding="utf-8"))
    return list(sample["shape"]), [float(v) for v in sample["values"]]


def sample_tensor(path: Path) -> Any:
    """The sample as a float32 tensor of its shape."""
    torch = importlib.import_module("torch")
    shape, values = read_sample(path)
    return torch.tensor(values, dtype=torch.float32).reshape(shape)


def is_pytorch(package: str) -> bool:
    """Whether ``package`` has the template's PyTorch ``model.get_model``."""
    if importlib.util.find_spec(f"{package}.model") is None:
        return False
    model_module = importlib.import_module(f"{package}.model")
    return hasattr(model_module, "get_model")


def output_of(package: str, name: str, sample: Path) -> Any:
    """What the weights ``name`` make of ``sample``, as users run them."""
    if not is_pytorch(package):
        return predicted(package, name, sample)
    torch = importlib.import_module("torch")
    model_module = importlib.import_module(f"{package}.model")
    pretrained = importlib.import_module(f"{package}.pretrained")
    transforms = importlib.import_module(f"{package}.transforms")
    meta = pretrained.get_weights(name).meta
    model = model_module.get_model(name, progress=False)
    preprocess = transforms.Preprocess.from_meta(meta)
    batch = preprocess(sample_tensor(sample)).unsqueeze(0)
    with torch.no_grad():
        output = model(batch)
    if not isinstance(output, torch.Tensor):
        kind = type(output).__name__
        raise TypeError(f"the model returned a {kind}, not a tensor")
    return output


def predicted(package: str, name: str, sample: Path) -> Any:
    """What ``<package>.predict.predict`` makes of a batch of the sample."""
    if importlib.util.find_spec(f"{package}.predict") is None:
        raise LookupError(
            f"{package} has neither model.get_model (PyTorch) nor a module "
            "predict with predict(batch, weights=NAME) to run the sample"
        )
    predict = importlib.import_module(f"{package}.predict").predict
    shape, values = read_sample(sample)
    return predict([nested(values, shape)], weights=name)


def nested(values: list[float], shape: list[int]) -> Any:
    """``values`` as nested lists of ``shape``."""
    if len(shape) <= 1:
        return list(values)
    step = len(values) // shape[0]
    rows = [values[i * step : (i + 1) * step] for i in range(shape[0])]
    return [nested(row, shape[1:]) for row in rows]


def rounded(value: float) -> float:
    return float(f"{value:.{DIGITS}g}")


def fingerprint_of(output: Any) -> dict[str, Any]:
    """The output's shape, dtype and statistics; a classifier's top classes."""
    if type(output).__module__.startswith("torch"):
        return tensor_fingerprint(output)
    if hasattr(output, "tolist") and hasattr(output, "dtype"):
        shape, values = flattened(output.tolist())
        dtype = str(output.dtype)
    else:
        shape, values = flattened(output)
        dtype = PLAIN_DTYPE
    if not values:
        raise ValueError("the output holds no numbers")
    count = len(values)
    mean = math.fsum(values) / count
    squares = math.fsum((v - mean) ** 2 for v in values)
    found: dict[str, Any] = {
        "shape": shape,
        "dtype": dtype,
        "mean": rounded(mean),
        "std": rounded(math.sqrt(squares / (count - 1)) if count > 1 else 0.0),
        "min": rounded(min(values)),
        "max": rounded(max(values)),
        "norm": rounded(math.sqrt(math.fsum(v * v for v in values))),
        "tolerance": TOLERANCE,
    }
    if len(shape) == 2 and shape[1] > 1:  # scores (N, classes)
        first = values[: shape[1]]
        order = sorted(range(len(first)), key=lambda i: (-first[i], i))
        found["top_k"] = order[:TOP_K]
    return found


def flattened(output: Any) -> tuple[list[int], list[float]]:
    """The shape of nested lists of numbers, and the numbers in order."""
    if not isinstance(output, (list, tuple)):
        return [], [float(output)]
    parts = [flattened(item) for item in output]
    shapes = {tuple(shape) for shape, _ in parts}
    if len(shapes) > 1:
        raise ValueError(f"the output is ragged: rows of shapes {shapes}")
    inner = list(shapes.pop()) if shapes else []
    return [len(output), *inner], [v for _, values in parts for v in values]


def tensor_fingerprint(output: Any) -> dict[str, Any]:
    """:func:`fingerprint_of` for a torch tensor, computed by torch."""
    values = output.detach().double().flatten()
    spread = values.std().item() if values.numel() > 1 else 0.0
    found: dict[str, Any] = {
        "shape": list(output.shape),
        "dtype": str(output.dtype).removeprefix("torch."),
        "mean": rounded(values.mean().item()),
        "std": rounded(spread),
        "min": rounded(values.min().item()),
        "max": rounded(values.max().item()),
        "norm": rounded(values.norm().item()),
        "tolerance": TOLERANCE,
    }
    if output.dim() == 2 and output.shape[1] > 1:  # logits (N, classes)
        top = output[0].topk(min(TOP_K, output.shape[1])).indices
        found["top_k"] = top.tolist()
    return found


def drift(recorded: dict[str, Any], found: dict[str, Any]) -> str | None:
    """How ``found`` differs from the ``recorded`` fingerprint, or None."""
    for key in ("shape", "dtype", "top_k"):
        if recorded.get(key) != found.get(key):
            return f"{key} {found.get(key)} instead of {recorded.get(key)}"
    tolerance = float(recorded.get("tolerance", TOLERANCE))
    for key in STATISTICS:
        was, now = float(recorded[key]), float(found[key])
        if abs(now - was) > tolerance * max(1.0, abs(was)):
            allowed = f"tolerance {tolerance:g}"
            return f"{key} {now:.6g} instead of {was:.6g} ({allowed})"
    return None


def main(arguments: list[str]) -> int:
    """``python fingerprints.py PACKAGE NAME SAMPLE``: prints JSON."""
    package, name, sample = arguments
    output = output_of(package, name, Path(sample))
    print(json.dumps(fingerprint_of(output)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
