"""``weights mirror push hf``: weights released on GitHub already, put on the Hub and mirrored.

For a project that adds the Hub after releasing: each named (or every released) weight goes to
the Hub repository at its release's tag (``v1.2.0``), from the staged file when it is still
here, else from the release itself (downloaded and checked first); the Hub's copy is read back
and checked, and only then is its ``resolve`` URL added as the weight's mirror. Run it again
and nothing is sent twice. A Hub tag that exists without the file is moved to the commit that
adds it: a commit only adds files, so what the tag held before it still holds.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from ml_publish.digests import sha256_of
from ml_publish.errors import OperationFailed, UsageError
from ml_publish.huggingface import HubRepository
from ml_publish.transport import network
from ml_publish.weights.downloads import BLOCK, TIMEOUT_SECONDS, describe
from ml_publish.weights.hub_sync import (
    HubWeight,
    configured_hub_repo,
    hub_weight,
    model_card,
    publish_at_tag,
    verify_at_tag,
    with_hub_mirror,
)
from ml_publish.weights.mirrors import save
from ml_publish.weights.parts import release_assets
from ml_publish.weights.project import open_project
from ml_publish.weights.registry import WeightEntry, load_registry

RELEASE_TAG = re.compile(r"/releases/download/(?P<tag>[^/]+)/[^/]+\Z")


def release_tag(entry: WeightEntry) -> str:
    """The tag of the GitHub release that serves ``entry``."""
    found = RELEASE_TAG.search(entry.url) if entry.status == "uploaded" else None
    if found is None:
        raise UsageError(
            f"{entry.name} is not released on GitHub yet ({entry.status}); ml-publish release "
            "puts it on the Hub as well when [tool.ml-publish.release] names huggingface"
        )
    return found.group("tag")


def chosen_entries(entries: list[WeightEntry], names: list[str]) -> list[WeightEntry]:
    if not names:
        released = [entry for entry in entries if entry.status == "uploaded"]
        if not released:
            raise UsageError("no released weights to put on the Hub; name them, or release first")
        return released
    by_name = {entry.name: entry for entry in entries}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        known = ", ".join(by_name) or "none yet"
        raise UsageError(f"no weight named {', '.join(unknown)} is registered (known: {known})")
    return [by_name[name] for name in dict.fromkeys(names)]


def fetch_release_copy(entry: WeightEntry, into: Path) -> Path:
    """Download ``entry`` from its GitHub release (part by part if split), checked whole."""
    path = into / entry.file_name
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for asset, _ in release_assets(entry):
            try:
                with network.open_url(asset.url, timeout=TIMEOUT_SECONDS) as response:
                    while chunk := response.read(BLOCK):
                        digest.update(chunk)
                        out.write(chunk)
            except OSError as error:
                raise OperationFailed(
                    f"{entry.name} is not staged here and {asset.url} did not serve it "
                    f"({describe(error, asset.url)}); run the same command again"
                ) from None
    if digest.hexdigest() != entry.sha256:
        raise OperationFailed(
            f"{entry.url} serves other bytes than {entry.name} (SHA-256 {digest.hexdigest()}, "
            f"registered {entry.sha256}); nothing was sent to the Hub"
        )
    return path


def local_copy(entry: WeightEntry, staging: Path, scratch: Path) -> Path:
    """The staged file when it still holds the registered bytes, else the release's copy."""
    staged = staging / entry.file_name
    if staged.is_file() and staged.stat().st_size == entry.size:
        if sha256_of(staged) == entry.sha256:
            return staged
    return fetch_release_copy(entry, scratch)


def push_to_hub(
    project_root: Path,
    names: list[str],
    *,
    repo_id: str | None = None,
    note: Callable[[str], None] = print,
) -> list[WeightEntry]:
    """Put the weights on the Hub at their release tags, check them, register the mirrors."""
    project = open_project(project_root)
    repo = repo_id or configured_hub_repo(project.root)
    if repo is None:
        raise UsageError(
            'name the Hub repository: --repo owner/name, or huggingface = "owner/name" in '
            "[tool.ml-publish.release] of pyproject.toml"
        )
    hub = HubRepository(repo)
    entries = load_registry(project.registry)
    chosen = chosen_entries(entries, names)
    by_tag: dict[str, list[WeightEntry]] = {}
    for entry in chosen:
        by_tag.setdefault(release_tag(entry), []).append(entry)
    card = model_card(project)
    with tempfile.TemporaryDirectory(prefix="ml-publish-hub-") as scratch:
        for tag, group in by_tag.items():
            weights = absent_fetched(hub, group, tag, project.staging_dir, Path(scratch))
            publish_at_tag(hub, weights, tag, card=card, note=note, move_tag=True)
            for url in verify_at_tag(hub, weights, tag):
                note(f"checked {url}")
    for entry in chosen:
        entries = load_registry(project.registry)
        save(project, entries, with_hub_mirror(entry, repo, release_tag(entry), server=hub.server))
    return [e for e in load_registry(project.registry) if e.name in {c.name for c in chosen}]


def absent_fetched(
    hub: HubRepository, group: list[WeightEntry], tag: str, staging: Path, scratch: Path
) -> list[HubWeight]:
    """The weights of one tag, with a local copy of each that the Hub does not hold yet."""
    hub.ensure_exists()
    held = hub.files([entry.file_name for entry in group], tag if hub.tag_commit(tag) else "main")
    held.update(hub.files([entry.file_name for entry in group], "main"))
    return [
        hub_weight(entry, None if entry.file_name in held else local_copy(entry, staging, scratch))
        for entry in group
    ]
