"""The generated package's loader (``pretrained.py``) against the GitHub emulator and mirrors.

Weights are published with ``weights upload`` to the emulator, whose download host fails on
request (a status, a cut connection, a delay); mirrors are local static servers. The loader is
the one a project rendered from the template ships, imported from its files.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.static_server import serving
from tests.support.loader_processes import cached_files
from tests.support.published_weights import BIG, PART_SIZE, SMALL, Published
from tests.support.terminal import run_command_on_terminal


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[str]:
    """A static server holding a good copy of ``small`` at ``/small.pth``."""
    served = tmp_path / "mirror"
    served.mkdir()
    (served / "small.pth").write_bytes(SMALL)
    with serving(served) as url:
        yield url


def test_a_split_weight_is_downloaded_part_by_part_and_joined(published: Published) -> None:
    path = published.download("big")

    assert path.read_bytes() == BIG
    assert cached_files(published.cache) == [path.name]
    assert published.downloads() == [part.file_name for part in published.weights("big").parts]


def test_a_download_cut_mid_part_resumes_at_that_part(published: Published) -> None:
    first, second, third = (part.file_name for part in published.weights("big").parts)
    published.gh.faults.cut_download(after_bytes=30_000, name=second)

    with pytest.raises(published.pretrained.WeightsError) as failure:
        published.download("big")

    assert f"part {second}: it served 30000 bytes, not 100000; nothing" in str(failure.value)
    (partial,) = cached_files(published.cache)
    assert (published.cache / partial).read_bytes() == BIG[
        :PART_SIZE
    ]  # the first part, verified and kept
    before = len(published.gh.requests)

    assert published.download("big").read_bytes() == BIG
    assert published.downloads(before) == [second, third]


def test_a_corrupted_part_is_named_and_discarded_and_nothing_is_cached(
    published: Published,
) -> None:
    big = published.weights("big")
    second = published.asset(big.parts[1].file_name)
    second.file.write_bytes(bytes(second.size))

    with pytest.raises(published.pretrained.WeightsError) as failure:
        published.download("big")

    assert f"part {second.name} has SHA-256 " in str(failure.value)
    assert f"expected {big.parts[1].sha256}; it was discarded" in str(failure.value)
    assert not (published.cache / big.file_name).exists()
    (partial,) = cached_files(published.cache)
    assert (published.cache / partial).stat().st_size == PART_SIZE


# The loader's timeout in the timeout case: the held release meets it; the local mirror answers
# well within it, which is all the clock decides (the held request is never answered before the
# test is done, so it is never recorded early or late).
SHORT_TIMEOUT = 2


@pytest.mark.parametrize("failure", ["503", "404", "timeout", "wrong bytes"])
def test_the_mirror_serves_when_the_release_fails(
    published: Published,
    mirror: str,
    monkeypatch: pytest.MonkeyPatch,
    failure: str,
) -> None:
    small = published.weights("small")
    if failure in ("503", "404"):
        published.gh.faults.fail_download(int(failure), name=small.file_name)
    elif failure == "timeout":
        download = importlib.import_module(f"{published.pretrained.__package__}._download")
        monkeypatch.setattr(download, "TIMEOUT_SECONDS", SHORT_TIMEOUT)
        published.gh.faults.hold(path=small.file_name)  # let go when the emulator closes
    else:
        published.asset(small.file_name).file.write_bytes(bytes(small.size))
    published.with_mirrors("small", f"{mirror}/small.pth")

    path = published.download("small")

    assert path.read_bytes() == SMALL
    assert cached_files(published.cache) == [small.file_name]
    # The release was asked first (a held request is recorded only once it is answered).
    assert published.downloads() == ([] if failure == "timeout" else [small.file_name])
    assert published.gh.faults.queued == 0


def test_when_every_source_fails_one_error_lists_them_all(
    published: Published, mirror: str
) -> None:
    small = published.weights("small")
    published.gh.faults.fail_download(503, name=small.file_name)
    published.with_mirrors("small", f"{mirror}/gone.pth", "http://127.0.0.1:9/small.pth")

    with pytest.raises(published.pretrained.WeightsError) as failure:
        published.download("small")

    assert str(failure.value).startswith(
        f"could not download small; {small.url}: 503 Service Unavailable; {mirror}/gone.pth: "
        "404 File not found; http://127.0.0.1:9/small.pth: "
    )
    assert str(failure.value).endswith("; nothing was cached")
    assert cached_files(published.cache) == []


def test_the_mirror_variable_replaces_the_release_and_goes_first(
    published: Published, mirror: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = published.weights("small")
    local = tmp_path / "local"
    path = local / small.url.split("/", 3)[3]
    path.parent.mkdir(parents=True)
    path.write_bytes(SMALL)
    published.with_mirrors("small", f"{mirror}/small.pth")

    with serving(local) as url:
        monkeypatch.setenv(published.pretrained.MIRROR_VARIABLE, url)
        assert published.download("small").read_bytes() == SMALL

    assert published.downloads() == []


SHOW_PROGRESS = """
import importlib, importlib.util, sys
from pathlib import Path
package = Path(sys.argv[1]).parent
spec = importlib.util.spec_from_file_location(
    "generated", package / "__init__.py", submodule_search_locations=[str(package)]
)
sys.modules["generated"] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sys.modules["generated"])
pretrained = importlib.import_module("generated.pretrained")
registry = pretrained.Registry.from_text(Path(sys.argv[2]).read_text())
registry.download("big", cache_dir=Path(sys.argv[3]))
"""


def test_on_a_terminal_the_download_draws_one_progress_line(
    published: Published, loader_file: Path, tmp_path: Path
) -> None:
    script = [sys.executable, "-c", SHOW_PROGRESS, str(loader_file)]
    command = [*script, str(published.registry_file), str(published.cache)]

    printed = run_command_on_terminal(command, cwd=tmp_path, env={})

    # Redrawn in place (the terminal shows each newline as \r\n): one line, ended once.
    (line,) = printed.removesuffix("\r\n").split("\n")
    states = line.removeprefix("\r").split("\r")
    assert [state.split("  ")[1] for state in states[:3]] == ["part 1/3", "part 2/3", "part 3/3"]
    assert re.fullmatch(r"big  part 3/3  0\.2 / 0\.2 MB  100%  \d+\.\d MB/s", states[-1].rstrip())
    assert (published.cache / published.weights("big").file_name).read_bytes() == BIG
