"""WGT110-WGT114, each on a tiny passing repository and a tiny failing one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.tiny_repos import GOOD_PACKAGE, REGISTRY, Files, audit, weight_entry
from tests.support.torch_files import TorchFiles
from tests.weights.test_metadata import safetensors_bytes

CONTENT = safetensors_bytes({"classifier.weight": [3, 16], "classifier.bias": [3]})
# Counted by hand: a 3x16 matrix and 3 biases.
PARAMS = 3 * 16 + 3
META = {"license": "MIT", "file_size": len(CONTENT), "num_params": PARAMS}
MODEL = """from .model import register_model


@register_model("unet", head="classifier")
def unet() -> None: ...
"""


def registry(*entries: dict[str, Any], defaults: dict[str, str] | None = None) -> Files:
    """GOOD_PACKAGE with a format 2 registry of ``entries``, the first one staged."""
    chosen = {"unet": entries[0]["name"]} if defaults is None else defaults
    document = {"format": 2, "defaults": chosen, "weights": list(entries)}
    staged = f".ml-publish/weights/{entries[0]['file_name']}"
    return {**GOOD_PACKAGE, REGISTRY: json.dumps(document), staged: CONTENT}


def entry(**meta: Any) -> dict[str, Any]:
    return weight_entry("unet_v1", CONTENT, meta=meta)


def test_wgt110_required_metadata(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", registry(entry(**META)), "WGT110").result == "pass"
    lacking = {k: v for k, v in META.items() if k != "license"}
    bad = audit(tmp_path / "bad", registry(entry(**lacking)), "WGT110")
    assert bad.result == "fail" and "unet_v1 (license)" in bad.message
    uncounted = {k: v for k, v in META.items() if k != "num_params"}
    missing = audit(tmp_path / "count", registry(entry(**uncounted)), "WGT110")
    assert missing.result == "fail" and "unet_v1 (num_params)" in missing.message


def test_wgt111_computed_metadata_matches_the_staged_file(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", registry(entry(**META)), "WGT111").result == "pass"
    wrong = audit(tmp_path / "bad", registry(entry(**{**META, "num_params": 50})), "WGT111")
    assert wrong.result == "fail"
    assert f"unet_v1 num_params 50 (the file: {PARAMS})" in wrong.message


def test_wgt112_metadata_well_typed(tmp_path: Path) -> None:
    metric = {"dataset": "DSB", "split": "test", "values": {"dice": 0.8}}
    good = registry(entry(**META, metrics=[metric]))
    assert audit(tmp_path / "good", good, "WGT112").result == "pass"
    text = {**metric, "values": {"dice": "80%"}}
    bad = audit(tmp_path / "bad", registry(entry(**META, metrics=[text])), "WGT112")
    assert bad.result == "fail" and "unet_v1: metrics entry 1: dice must be a number" in bad.message


def test_wgt113_categories_fit_the_head_the_architecture_names(tmp_path: Path) -> None:
    three = registry(entry(**META, categories=["a", "b", "c"]))
    good = audit(tmp_path / "good", {**three, "cell_counter/heads.py": MODEL}, "WGT113")
    assert good.result == "pass"
    two = {**registry(entry(**META, categories=["a", "b"])), "cell_counter/heads.py": MODEL}
    bad = audit(tmp_path / "bad", two, "WGT113")
    assert bad.result == "fail"
    assert "unet_v1 lists 2 categories, classifier has 3 outputs" in bad.message


def test_wgt113_reads_the_head_of_a_file_torch_wrote(
    tmp_path: Path, torch_files: TorchFiles
) -> None:
    content = (torch_files / "example_net.pth").read_bytes()
    net = weight_entry("net", content, arch="example_net", meta={"categories": ["a", "b", "c"]})
    files: Files = {
        **GOOD_PACKAGE,
        REGISTRY: json.dumps({"format": 2, "defaults": {}, "weights": [net]}),
        f".ml-publish/weights/{net['file_name']}": content,
        "cell_counter/heads.py": MODEL.replace('"unet"', '"example_net"'),
    }

    result = audit(tmp_path, files, "WGT113")

    # ExampleNet(num_classes=4) in tests/support/torch_files.py.
    assert result.result == "fail" and "lists 3 categories, classifier has 4" in result.message


def test_wgt114_one_default_per_architecture(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", registry(entry(**META)), "WGT114").result == "pass"
    none = audit(tmp_path / "none", registry(entry(**META), defaults={}), "WGT114")
    assert none.result == "fail" and "unet has none" in none.message
    elsewhere = registry(entry(**META), defaults={"unet": "unet_v1", "resnet": "unet_v1"})
    wrong = audit(tmp_path / "wrong", elsewhere, "WGT114")
    assert wrong.result == "fail"
    assert "resnet's default unet_v1 is not a registered weight of resnet" in wrong.message
