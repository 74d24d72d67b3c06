"""The typed metadata contract: values refused in one line, parameters counted from headers,
format 1 registries read and upgraded."""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path

import pytest

from ml_publish.errors import UsageError
from ml_publish.weights.metadata import meta_problem, read_categories, read_metrics
from ml_publish.weights.parameter_count import parameter_count, stored_tensors
from ml_publish.weights.registry import (
    RegistryError,
    load_defaults,
    load_registry,
    save_registry,
)
from ml_publish.weights.registry_upgrade import upgraded_registry_text
from tests.support.tiny_repos import weight_entry
from tests.support.torch_files import TorchFiles

METRIC = {"dataset": "ImageNet-1k", "split": "val", "values": {"acc@1": 80.674, "acc@5": 95}}


def safetensors_bytes(shapes: dict[str, list[int]]) -> bytes:
    """A safetensors file of float32 zeros with these shapes, written by hand."""
    header: dict[str, object] = {}
    offset = 0
    for name, shape in shapes.items():
        size = 4 * math.prod(shape)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    encoded = json.dumps({**header, "__metadata__": {"format": "pt"}}).encode()
    return struct.pack("<Q", len(encoded)) + encoded + bytes(offset)


@pytest.mark.parametrize(
    ("meta", "problem"),
    [
        ({"license": "MIT"}, None),
        ({"license": "CC-BY-NC-4.0 OR Apache-2.0"}, None),
        ({"license": "my own licence"}, "is not an SPDX expression"),
        ({"metrics": [METRIC]}, None),
        ({"metrics": [{**METRIC, "values": {"acc@1": "80.7"}}]}, "acc@1 must be a number"),
        ({"metrics": [{**METRIC, "values": {"acc@1": float("nan")}}]}, "must be a number"),
        ({"metrics": [{**METRIC, "values": {"acc@1": True}}]}, "must be a number"),
        ({"metrics": [{"dataset": "x", "values": {"a": 1}}]}, "exactly dataset, split and values"),
        ({"metrics": METRIC}, "metrics must be a list"),
        ({"categories": ["cat", "dog"]}, None),
        ({"categories": ["cat", ""]}, "non-empty names"),
        ({"categories": "../outside.txt"}, "inside the package"),
        ({"recipe": 3}, "recipe must be text"),
        ({"num_params": -1}, "whole number"),
        ({"mean": [0.5], "anything": {"free": "form"}}, None),
    ],
)
def test_typed_keys_are_checked_and_others_left_free(
    meta: dict[str, object], problem: str | None
) -> None:
    found = meta_problem(meta)

    assert (found is None) if problem is None else (found is not None and problem in found)


def test_metrics_come_as_json_text_or_a_file(tmp_path: Path) -> None:
    (tmp_path / "metrics.json").write_text(json.dumps([METRIC]), encoding="utf-8")

    assert read_metrics(json.dumps(METRIC), tmp_path) == [METRIC]
    assert read_metrics("metrics.json", tmp_path) == [METRIC]
    with pytest.raises(UsageError, match="neither JSON nor a file"):
        read_metrics("missing.json", tmp_path)
    with pytest.raises(UsageError, match="is not valid JSON"):
        read_metrics("{oops", tmp_path)


def test_long_category_lists_stay_in_a_file_of_the_package(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    names = "\n".join(f"class_{n}" for n in range(1000)) + "\n"
    (package / "imagenet.txt").write_text(names, encoding="utf-8")
    (tmp_path / "outside.txt").write_text(names, encoding="utf-8")
    (tmp_path / "short.txt").write_text("cat\n\ndog\n", encoding="utf-8")

    assert read_categories(tmp_path / "short.txt", package) == ["cat", "dog"]
    assert read_categories(package / "imagenet.txt", package) == "imagenet.txt"
    with pytest.raises(UsageError, match="put the file inside pkg/"):
        read_categories(tmp_path / "outside.txt", package)


def test_parameters_are_counted_from_a_safetensors_header(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    path.write_bytes(safetensors_bytes({"conv.weight": [8, 3, 3, 3], "conv.bias": [8]}))

    assert parameter_count(path) == 8 * 3 * 3 * 3 + 8
    assert stored_tensors(path)["conv.weight"].shape == (8, 3, 3, 3)  # type: ignore[index]


def test_parameters_are_counted_from_files_torch_wrote(torch_files: TorchFiles) -> None:
    # The shapes written in tests/support/torch_files.py, multiplied out by hand.
    assert parameter_count(torch_files / "state_dict.pth") == 64 * 32 * 3 * 3 + 64 + 100 * 100
    # The embedding, its transpose, its first row and the head share one storage: counted once.
    assert parameter_count(torch_files / "tied.pth") == 10 * 4 + 10
    # ExampleNet(num_classes=4): conv 16x3x3x3 + 16, batch norm 4 x 16 + its step counter,
    # classifier 4x16 + 4.
    assert parameter_count(torch_files / "example_net.pth") == 432 + 16 + 64 + 1 + 64 + 4
    assert parameter_count(torch_files / "legacy.pth") is None


def test_random_bytes_have_no_parameter_count(tmp_path: Path) -> None:
    path = tmp_path / "noise.pth"
    path.write_bytes(bytes(range(256)) * 10)

    assert parameter_count(path) is None


def format_1(tmp_path: Path, *entries: dict[str, object]) -> Path:
    path = tmp_path / "weights.json"
    path.write_text(json.dumps({"format": 1, "weights": list(entries)}), encoding="utf-8")
    return path


def test_a_format_1_registry_is_read_with_its_misfit_values_kept_aside(tmp_path: Path) -> None:
    legacy = weight_entry("unet", b"w", meta={"metrics": "80.7% top-1", "dataset": "DSB"})
    path = format_1(tmp_path, legacy)

    (entry,) = load_registry(path)

    assert entry.meta == {"metrics_v1": "80.7% top-1", "dataset": "DSB", "file_size": 1}
    assert load_defaults(path) == {}
    save_registry(path, [entry])
    written = json.loads(path.read_text(encoding="utf-8"))
    assert (written["format"], written["defaults"]) == (2, {"unet": "unet"})


def test_a_format_2_registry_with_bad_metadata_is_refused(tmp_path: Path) -> None:
    bad = weight_entry("unet", b"w", meta={"license": "MIT", "metrics": [{"acc": 1}]})
    path = tmp_path / "weights.json"
    path.write_text(json.dumps({"format": 2, "weights": [bad]}), encoding="utf-8")

    with pytest.raises(RegistryError, match="entry 1: metrics entry 1 must have exactly"):
        load_registry(path)
    path.write_text(json.dumps({"format": 3, "weights": []}), encoding="utf-8")
    with pytest.raises(RegistryError, match="newer than this ml-publish reads"):
        load_registry(path)


def test_update_upgrades_with_the_project_license_and_the_staged_files_count(
    tmp_path: Path,
) -> None:
    content = safetensors_bytes({"fc.weight": [10, 4]})
    entry = weight_entry("net", content, meta={"dataset": "toy"})
    staged = tmp_path / ".ml-publish" / "weights" / str(entry["file_name"])
    staged.parent.mkdir(parents=True)
    staged.write_bytes(content)
    text = format_1(tmp_path, entry).read_bytes()

    upgraded = json.loads(upgraded_registry_text(text, tmp_path, "Apache-2.0"))

    assert upgraded["format"] == 2
    assert upgraded["defaults"] == {"unet": "net"}
    assert upgraded["weights"][0]["meta"] == {
        "dataset": "toy",
        "license": "Apache-2.0",
        "file_size": len(content),
        "num_params": 40,
    }
    again = json.dumps(upgraded, indent=2).encode() + b"\n"
    assert upgraded_registry_text(again, tmp_path, "MIT") == again
