import json
import re
from importlib import resources
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }} import pretrained
from {{ cookiecutter.package_name }}.pretrained import WeightsError
from tests.weights_server import (
    RELEASE_PATH,
    cached_files,
    publish,
    registry_of,
)

# torch.hub's rule for the hash in a file name: the hex run after the last "-".
TORCH_HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")


def test_download_is_verified_cached_and_then_offline(
    mirror: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    content = b"weights" * 1000
    registry = registry_of(publish(mirror, content))
    cache = tmp_path / "cache"

    path = registry.download("tiny", cache_dir=cache, progress=False)

    assert path.read_bytes() == content
    assert path.parent == cache
    monkeypatch.setenv(pretrained.MIRROR_VARIABLE, "http://127.0.0.1:9")
    assert registry.download("tiny", cache_dir=cache) == path


def test_corrupt_download_is_refused_and_nothing_is_cached(
    mirror: Path,
    tmp_path: Path,
) -> None:
    entry = publish(mirror, b"the real weights")
    (mirror / str(entry["file_name"])).write_bytes(b"the real weightz")
    cache = tmp_path / "cache"

    with pytest.raises(WeightsError, match="expected " + str(entry["sha256"])):
        registry_of(entry).download("tiny", cache_dir=cache, progress=False)

    assert cached_files(cache) == []


def test_cached_file_of_the_wrong_size_is_downloaded_again(
    mirror: Path,
    tmp_path: Path,
) -> None:
    entry = publish(mirror, b"complete weights")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / str(entry["file_name"])).write_bytes(b"compl")

    path = registry_of(entry).download("tiny", cache_dir=cache, progress=False)

    assert path.read_bytes() == b"complete weights"


def test_missing_file_is_a_clear_error(mirror: Path, tmp_path: Path) -> None:
    entry = publish(mirror, b"weights")
    (mirror / str(entry["file_name"])).unlink()

    with pytest.raises(WeightsError, match="could not download tiny"):
        registry_of(entry).download("tiny", cache_dir=tmp_path)


def test_split_weights_are_joined_verified_and_cached(
    mirror: Path,
    tmp_path: Path,
) -> None:
    content = bytes(range(256)) * 40
    entry = publish(mirror, content, part_size=4000)
    cache = tmp_path / "cache"

    path = registry_of(entry).download("tiny", cache_dir=cache, progress=False)

    assert len(entry["parts"]) == 3
    assert path.read_bytes() == content
    assert cached_files(cache) == [entry["file_name"]]


def test_a_bad_part_is_named_and_the_parts_before_it_are_kept(
    mirror: Path,
    tmp_path: Path,
) -> None:
    content = bytes(range(256)) * 40
    entry = publish(mirror, content, part_size=4000)
    first, second, _ = (mirror / part["file_name"] for part in entry["parts"])
    good = second.read_bytes()
    second.write_bytes(bytes(len(good)))
    cache = tmp_path / "cache"

    with pytest.raises(WeightsError, match=f"part {second.name} has SHA-256"):
        registry_of(entry).download("tiny", cache_dir=cache, progress=False)

    assert not (cache / str(entry["file_name"])).exists()
    # The next try starts at the bad part: the first is not asked for again.
    second.write_bytes(good)
    first.unlink()
    path = registry_of(entry).download("tiny", cache_dir=cache, progress=False)
    assert path.read_bytes() == content


def test_a_mirror_serves_what_the_release_cannot(
    served: tuple[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, directory = served
    monkeypatch.setenv(pretrained.MIRROR_VARIABLE, url)
    entry = publish(directory, b"weights" * 100)
    (directory / "copy.pth").write_bytes(b"weights" * 100)
    (directory / str(entry["file_name"])).unlink()
    mirrors = [f"{url}/gone.pth", f"{url}/{RELEASE_PATH}/copy.pth"]
    registry = registry_of({**entry, "mirrors": mirrors})

    path = registry.download("tiny", cache_dir=tmp_path, progress=False)

    assert path.read_bytes() == b"weights" * 100


def test_when_every_source_fails_the_error_names_each(
    served: tuple[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, directory = served
    monkeypatch.setenv(pretrained.MIRROR_VARIABLE, url)
    entry = publish(directory, b"weights")
    (directory / str(entry["file_name"])).write_bytes(b"weightz")
    registry = registry_of({**entry, "mirrors": [f"{url}/gone.pth"]})
    cache = tmp_path / "cache"

    with pytest.raises(WeightsError) as failure:
        registry.download("tiny", cache_dir=cache, progress=False)

    message = str(failure.value)
    assert f"{url}/{RELEASE_PATH}/{entry['file_name']}: SHA-256 " in message
    assert f"{url}/gone.pth: 404 " in message
    assert cached_files(cache) == []


def test_unknown_name_lists_the_known_ones() -> None:
    registry = registry_of(
        {"name": "a", "url": "", "sha256": "", "size": 0, "file_name": ""},
    )

    with pytest.raises(WeightsError, match="no weights named 'b'; known: a"):
        registry.get("b")


def test_default_cache_dir_follows_the_environment(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable in ("HOME", "TORCH_HOME", "XDG_CACHE_HOME", "LOCALAPPDATA"):
        monkeypatch.setenv(variable, str(tmp_path / variable.lower()))

    assert tmp_path in pretrained.default_cache_dir().parents


def test_the_shipped_registry_lists_each_of_its_entries_once() -> None:
    package = resources.files("{{ cookiecutter.package_name }}")
    shipped = package.joinpath(pretrained.REGISTRY_FILE)
    entries = json.loads(shipped.read_text(encoding="utf-8"))["weights"]

    # Empty until the first `ml-publish weights add`.
    assert pretrained.list_models() == sorted(e["name"] for e in entries)


def test_an_unknown_name_is_refused_with_the_known_ones() -> None:
    known = ", ".join(pretrained.list_models()) or "none yet"
    message = f"no weights named 'no such weights'; known: {known}"

    with pytest.raises(WeightsError, match=re.escape(message)):
        pretrained.get_weights("no such weights")


# On day one the registry is empty and pytest reports this test as skipped.
@pytest.mark.parametrize("name", pretrained.list_models())
def test_each_registered_weight_is_well_formed(name: str) -> None:
    weights = pretrained.get_weights(name)

    assert re.fullmatch(r"[0-9a-f]{64}", weights.sha256)
    assert weights.url.endswith("/" + weights.file_name)
    found = TORCH_HASH_REGEX.search(weights.file_name)
    assert found and weights.sha256.startswith(found.group(1))
