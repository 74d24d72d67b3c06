"""Registry files and the naming rules for weight files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from ml_publish.digests import sha256_of
from ml_publish.errors import UsageError
from ml_publish.weights.naming import TORCH_HASH_REGEX, release_download_url, weight_file_name
from ml_publish.weights.registry import (
    RegistryError,
    WeightEntry,
    load_registry,
    save_registry,
)

SHA = hashlib.sha256(b"weights").hexdigest()


def entry(name: str = "unet", **changes: object) -> dict[str, object]:
    raw: dict[str, object] = {
        "name": name,
        "url": f"https://github.com/o/r/releases/download/v1/{name}-{SHA[:10]}.pth",
        "sha256": SHA,
        "size": 7,
        "file_name": f"{name}-{SHA[:10]}.pth",
        "status": "pending",
        "arch": "unet",
        "meta": {"dataset": "x"},
    }
    raw.update(changes)
    return raw


def part(number: int, count: int, size: int) -> dict[str, object]:
    """Part ``number`` of ``count`` of the default entry's file."""
    file_name = f"unet-{SHA[:10]}.pth.part-{number:03d}-of-{count:03d}"
    return {"file_name": file_name, "size": size, "sha256": SHA}


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "weights.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    path = write(tmp_path, {"format": 1, "weights": [entry()]})
    entries = load_registry(path)

    save_registry(path, entries)

    assert load_registry(path) == entries == [WeightEntry(**entry())]  # type: ignore[arg-type]
    assert path.read_text(encoding="utf-8").endswith("}\n")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"weights": [entry(size=-1)]}, "size must be a whole number"),
        ({"weights": [entry(sha256="abc")]}, "sha256 must be 64 lowercase hex"),
        ({"weights": [entry(status="live")]}, "status must be one of pending, uploaded"),
        ({"weights": [{"name": "x"}]}, "entry 1 lacks url, sha256, size, file_name, status"),
        ({"weights": [entry(), entry()]}, "lists unet more than once"),
        ({"entries": []}, "has no 'weights' list"),
        ([], "has no 'weights' list"),
        ({"weights": [entry(parts={})]}, "parts must be a list"),
        ({"weights": [entry(parts=[part(1, 2, 4), part(2, 2, 4)])]}, "do not add up to its size"),
        ({"weights": [entry(parts=[part(1, 2, 3), part(3, 2, 4)])]}, "must be named unet-"),
        ({"weights": [entry(parts=[part(1, 2, 7), {"size": 7}])]}, "part 2 needs file_name"),
        ({"weights": [entry(mirrors="https://x.org/w")]}, "mirrors must be a list of URLs"),
    ],
)
def test_invalid_registries_name_the_problem(
    tmp_path: Path, document: object, message: str
) -> None:
    with pytest.raises(RegistryError, match=message):
        load_registry(write(tmp_path, document))


def test_parts_and_mirrors_round_trip_and_are_written_only_when_there_are_any(
    tmp_path: Path,
) -> None:
    split = entry(parts=[part(1, 2, 4), part(2, 2, 3)], mirrors=["https://x.org/unet.pth"])
    path = write(tmp_path, {"format": 1, "weights": [split, entry("plain")]})

    save_registry(path, load_registry(path))

    saved = json.loads(path.read_text(encoding="utf-8"))["weights"]
    assert saved == [split, entry("plain")]
    assert load_registry(path)[0].parts[1].file_name.endswith(".pth.part-002-of-002")


def test_broken_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "weights.json"
    path.write_text('{\n  "weights": [\n    {,\n', encoding="utf-8")

    with pytest.raises(RegistryError, match=r"not valid JSON \(line 3"):
        load_registry(path)


@pytest.mark.parametrize(
    "name", ["unet_resnet34", "people_2020-09-23", "effnet-b0", "resnet.v2", "A-B_c"]
)
def test_file_names_carry_the_hash_where_torch_hub_finds_it(name: str) -> None:
    file_name = weight_file_name(name, SHA, ".PTH")

    assert file_name == f"{name}-{SHA[:10]}.pth"
    found = TORCH_HASH_REGEX.search(file_name)
    assert found is not None and found.group(1) == SHA[:10]


@pytest.mark.parametrize(
    ("suffix", "kept"), [(".x", ".x"), (".allx", ".allx"), ("", ".bin"), (".p[1]", ".bin")]
)
def test_a_suffix_a_release_asset_cannot_keep_becomes_bin(suffix: str, kept: str) -> None:
    file_name = weight_file_name("split_fold", SHA, suffix)

    assert file_name == f"split_fold-{SHA[:10]}{kept}"
    found = TORCH_HASH_REGEX.search(file_name)
    assert found is not None and found.group(1) == SHA[:10]


def test_names_torch_would_misread_are_refused_with_a_fix() -> None:
    with pytest.raises(UsageError, match="torch.hub would read '1' as the hash.*'model-1_5'"):
        weight_file_name("model-1.5", SHA, ".pth")


@pytest.mark.parametrize("name", ["my model", "ünet", "a/b", ""])
def test_names_github_would_rename_are_refused(name: str) -> None:
    with pytest.raises(UsageError, match="may only use letters, digits"):
        weight_file_name(name, SHA, ".pth")


def test_release_url_quotes_the_tag() -> None:
    url = release_download_url("https://ghe.example/", "o/r", "v1.0+cpu", "w-123.pth")

    assert url == "https://ghe.example/o/r/releases/download/v1.0%2Bcpu/w-123.pth"


def test_sha256_matches_hashlib_across_block_boundaries(tmp_path: Path) -> None:
    path = tmp_path / "blob"
    content = bytes(range(256)) * 5000
    path.write_bytes(content)

    assert sha256_of(path, chunk_size=4096) == hashlib.sha256(content).hexdigest()
