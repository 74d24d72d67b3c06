"""Registry files and the naming rules for weight files."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml_publish.digests import sha256_of
from ml_publish.errors import UsageError
from ml_publish.weights.naming import (
    SAFE_NAME,
    TORCH_HASH_REGEX,
    release_download_url,
    weight_file_name,
)
from ml_publish.weights.project import open_project
from ml_publish.weights.registry import (
    RegistryError,
    WeightEntry,
    load_registry,
    save_registry,
)
from tests.support.fuzzing import (
    fuzzed,
    json_values,
    safe_name,
    sha256,
    tricky_text,
    weight_entries,
)
from tests.support.processes import run
from tests.support.weights_projects import WeightsProject

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
    path = write(tmp_path, {"format": 2, "weights": [entry()]})
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
    path = write(tmp_path, {"format": 2, "weights": [split, entry("plain")]})

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


# A registry as hand edits leave it: a valid entry with some fields replaced by any JSON value,
# some removed, or any JSON document at all.
FIELDS = ("name", "url", "sha256", "size", "file_name", "status", "arch", "meta")
edited_entries = st.builds(
    lambda changes, removed: {
        key: value for key, value in {**entry(), **changes}.items() if key not in removed
    },
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=3),
    st.sets(st.sampled_from(FIELDS), max_size=1),
)
edited_registries = st.one_of(
    json_values,
    st.fixed_dictionaries({"format": json_values, "weights": st.lists(edited_entries, max_size=3)}),
    st.fixed_dictionaries({"format": st.just(1), "weights": st.lists(edited_entries, max_size=3)}),
)


# Not UTF-8; nested deeper than the parser goes; a number longer than Python converts.
UNREADABLE = [b"\xff\xfe{}", b"[" * 100_000, b'{"weights": [{"size": ' + b"9" * 5000 + b"}]}"]


def assert_one_line_usage_error(error: BaseException) -> None:
    assert isinstance(error, UsageError) and error.exit_code == 2
    assert str(error) and "\n" not in str(error)


@fuzzed
@given(document=edited_registries)
def test_a_hand_edited_registry_is_read_or_refused_in_one_line(
    tmp_path: Path, document: Any
) -> None:
    path = write(tmp_path, document)
    try:
        entries = load_registry(path)
    except RegistryError as error:
        assert_one_line_usage_error(error)
        return
    for loaded in entries:
        assert SAFE_NAME.match(loaded.name) and SAFE_NAME.match(loaded.file_name)
        assert loaded.file_name not in (".", "..")
        assert type(loaded.size) is int and 0 <= loaded.size < 2**63
        assert type(loaded.arch) is str and type(loaded.meta) is dict
        assert loaded.url.startswith(("http://", "https://")) and loaded.url.isprintable()


@fuzzed
@given(content=st.binary(max_size=200) | st.sampled_from(UNREADABLE))
def test_bytes_that_are_no_registry_are_refused_in_one_line(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "weights.json"
    path.write_bytes(content)
    with pytest.raises(RegistryError) as raised:
        load_registry(path)
    assert_one_line_usage_error(raised.value)


@fuzzed
@given(entries=st.lists(weight_entries, max_size=4, unique_by=lambda e: e.name))
def test_what_ml_publish_writes_it_reads_back_unchanged(
    tmp_path: Path, entries: list[WeightEntry]
) -> None:
    path = tmp_path / "weights.json"
    save_registry(path, entries)
    assert load_registry(path) == entries


@fuzzed
@given(
    name=tricky_text | safe_name,
    sha=sha256,
    suffix=tricky_text | st.sampled_from([".pth", ".PT", ".safetensors", ".tar.gz", ""]),
)
def test_a_weight_file_name_is_a_safe_asset_name_with_the_hash_torch_hub_reads(
    tmp_path: Path, name: str, sha: str, suffix: str
) -> None:
    try:
        file_name = weight_file_name(name, sha, suffix)
    except UsageError as error:
        assert_one_line_usage_error(error)
        return
    assert SAFE_NAME.match(file_name) and file_name.startswith(f"{name}-{sha[:10]}.")
    found = TORCH_HASH_REGEX.search(file_name)
    assert found is not None and found.group(1) == sha[:10]
    # Even with the mark a replacement upload adds, it is one file name a file system takes.
    replacement = tmp_path / f"{file_name}.partial-0123abcd"
    replacement.touch()
    assert replacement.parent == tmp_path
    replacement.unlink()


def test_a_name_too_long_for_a_file_name_is_refused_by_weights_add_and_nothing_is_written(
    weights_project: WeightsProject, tmp_path: Path
) -> None:
    weights = tmp_path / "long.pth"
    weights.write_bytes(b"0" * 100)
    registry = open_project(weights_project.root).registry
    before = registry.read_bytes(), (weights_project.root / "README.md").read_bytes()

    result = run(
        [sys.executable, "-m", "ml_publish", "weights", "-C", weights_project.root, "add",
         weights, "--name", "n" * 300],
        expect_success=False,
    )  # fmt: skip

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "ml-publish: error: weight name 'nnnnnnnnnnnnnnnnnnnn'... is 300 characters long; its file "
        "name must fit in 255 bytes: use at most 200\n"
    )
    assert (registry.read_bytes(), (weights_project.root / "README.md").read_bytes()) == before


@pytest.mark.parametrize(
    "edit",
    [
        {"size": "7"},
        {"size": 10**30},
        {"file_name": "../../outside.pth"},
        {"name": "modèle"},
        {"meta": "dataset=x"},
        {"url": "javascript:alert(1)"},
    ],
    ids=["size as text", "huge size", "path as file name", "non-ascii name", "meta", "url"],
)
def test_weights_commands_refuse_a_bad_registry_in_one_line_and_write_nothing(
    weights_project: WeightsProject, edit: dict[str, object]
) -> None:
    root = weights_project.root
    registry = open_project(root).registry
    document = json.loads(registry.read_text())
    document["weights"][0].update(edit)
    registry.write_text(json.dumps(document))
    before = {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}

    results = [
        run(
            [sys.executable, "-m", "ml_publish", "weights", "-C", root, action],
            expect_success=False,
        )
        for action in ("table", "list", "verify")
    ]

    for result in results:
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr.startswith(f"ml-publish: error: {registry}, entry 1: ")
        assert result.stderr.count("\n") == 1
    assert {path: path.read_bytes() for path in root.rglob("*") if path.is_file()} == before
