"""Weights on the Hugging Face Hub at a release's tag: sent once, checked, then read back.

The one engine behind the release's Hub step and ``weights mirror push hf``. Idempotent: what
the Hub already holds with the registered SHA-256 (the Hub reports each LFS file's sha256) is
not sent again, a name holding other bytes stops everything in one line, and the tag is made
only after the commit that holds every file, so a kill at any moment leaves either no tag (the
next run sends what is missing, then tags) or a complete one. A split weight goes up whole:
the Hub takes files far above GitHub's 2 GiB, and the registry lists it as a whole-file mirror.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ml_publish.digests import FileIdentity, identity_of
from ml_publish.errors import OperationFailed, UsageError
from ml_publish.huggingface import (
    HubFile,
    HubRepository,
    git_blob_id,
    repo_id_problem,
    resolve_url,
)
from ml_publish.toml_file import read_toml, tool_table
from ml_publish.weights.downloads import SourceFailed, served_sha256
from ml_publish.weights.project import Project
from ml_publish.weights.registry import WeightEntry

HUB_README = "README.md"
HUB_KEY = "huggingface"


class HubMismatch(OperationFailed):
    """The Hub holds other bytes than the registry promises under a weight's name."""


@dataclass(frozen=True)
class HubWeight:
    """A weight as the Hub gets it: the whole file, under its registered file name."""

    name: str
    file_name: str
    sha256: str
    size: int
    local: Path | None  # the file on this machine, if it is here
    # The identity ``local`` had when this run hashed it and found ``sha256``, if it did.
    hashed_as: FileIdentity | None = None


def hub_weight(
    entry: WeightEntry, local: Path | None, *, hashed_as: FileIdentity | None = None
) -> HubWeight:
    here = local if local is not None and local.is_file() else None
    return HubWeight(entry.name, entry.file_name, entry.sha256, entry.size, here, hashed_as)


def known_digests(weights: list[HubWeight]) -> dict[str, str]:
    """The SHA-256 of each weight file this run hashed and that has not changed since (checked
    now, right before sending), by file name: the library need not read those twice. The bytes
    sent are still proven: every file is downloaded from the tag and checked after (and the
    stand-in's storage refuses bytes that are not the digest)."""
    known = {}
    for weight in weights:
        if weight.local is None or weight.hashed_as is None:
            continue
        try:
            unchanged = identity_of(weight.local) == weight.hashed_as
        except OSError:
            unchanged = False
        if unchanged:
            known[weight.file_name] = weight.sha256
    return known


def with_hub_mirror(
    entry: WeightEntry, repo_id: str, tag: str, *, server: str | None = None
) -> WeightEntry:
    """``entry`` with the Hub's URL of its whole file at ``tag`` among its mirrors (once)."""
    url = resolve_url(repo_id, tag, entry.file_name, server=server)
    if url in entry.mirrors:
        return entry
    return dataclasses.replace(entry, mirrors=(*entry.mirrors, url))


def read_release_table(root: Path) -> tuple[Path, object]:
    """The project's pyproject.toml and what its ``[tool.ml-publish.release]`` holds (None
    without one), for the release's settings and the Hub repository alike."""
    pyproject = root / "pyproject.toml"
    try:
        document = read_toml(pyproject) if pyproject.is_file() else {}
    except ValueError as error:
        raise UsageError(f"{pyproject} is not valid TOML ({error}); fix it first") from None
    return pyproject, tool_table(document, "ml-publish", "release")


def configured_hub_repo(root: Path) -> str | None:
    """``huggingface`` of ``[tool.ml-publish.release]``: the project's Hub repository, if any."""
    pyproject, table = read_release_table(root)
    value = table.get(HUB_KEY) if isinstance(table, dict) else None
    if value is None or value == "":
        return None
    problem = repo_id_problem(value) if isinstance(value, str) else "it is not a string"
    if problem:
        raise UsageError(
            f'{HUB_KEY} in [tool.ml-publish.release] of {pyproject}: {problem}, like "owner/name"'
        )
    return str(value)


def model_card(project: Project) -> bytes:
    """The Hub repository's README.md: the project's MODEL_CARD.md, or one built from the
    registry when the project has none."""
    from ml_publish.weights.model_card import MODEL_CARD_FILE, rendered_card

    card = project.root / MODEL_CARD_FILE
    if card.is_file():
        return card.read_bytes()
    return rendered_card(project, None).encode("utf-8")


def check_same(hub: HubRepository, weight: HubWeight, found: HubFile, revision: str) -> None:
    """Stop, in one line, unless the Hub's file is the registered one."""
    if found.sha256 == weight.sha256 and found.size == weight.size:
        return
    held = f"SHA-256 {found.sha256}" if found.sha256 else f"{found.size} bytes, not LFS"
    raise HubMismatch(
        f"{weight.file_name} in {hub.repo_id} on the Hub at {revision} holds other bytes "
        f"({held}) than {weight.name} (SHA-256 {weight.sha256}); delete it there or release "
        "under another name; nothing more was sent"
    )


def at_tag(hub: HubRepository, weights: list[HubWeight], tag: str) -> list[HubWeight] | None:
    """The weights tag ``tag`` lacks (each one it holds checked), or ``None`` without the tag."""
    if hub.tag_commit(tag) is None:
        return None
    found = hub.files([weight.file_name for weight in weights], tag)
    for weight in weights:
        if weight.file_name in found:
            check_same(hub, weight, found[weight.file_name], tag)
    return [weight for weight in weights if weight.file_name not in found]


def to_send(
    hub: HubRepository, weights: list[HubWeight], card: bytes | None
) -> list[tuple[str, Path | bytes]]:
    """The files ``main`` lacks: weights (each one it holds checked) and a changed card."""
    paths = [weight.file_name for weight in weights] + ([HUB_README] if card else [])
    found = hub.files(paths, "main")
    files: list[tuple[str, Path | bytes]] = []
    for weight in weights:
        if weight.file_name in found:
            check_same(hub, weight, found[weight.file_name], "main")
        elif weight.local is None:
            raise UsageError(
                f"{weight.name} ({weight.file_name}) is not on the Hub and not on this machine; "
                "put the file back in the staging directory (ml-publish weights verify checks "
                "it), then run the same command again"
            )
        else:
            files.append((weight.file_name, weight.local))
    readme = found.get(HUB_README)
    if card is not None and (readme is None or readme.blob_id != git_blob_id(card)):
        files.append((HUB_README, card))
    return files


def publish_at_tag(
    hub: HubRepository,
    weights: list[HubWeight],
    tag: str,
    *,
    card: bytes | None,
    note: Callable[[str], None],
    move_tag: bool = False,
) -> list[str]:
    """Make tag ``tag`` of the Hub repository hold every weight; the file names sent.

    A tag that lacks some is an error, unless ``move_tag``: then it moves to the commit that
    adds them (a kill between deleting and making it leaves no tag, which the next run makes).
    """
    hub.ensure_exists()
    lacking = at_tag(hub, weights, tag)
    if lacking == []:
        note(f"tag {tag} of {hub.repo_id} on the Hub holds all {len(weights)} weight file(s)")
        return []
    if lacking and not move_tag:
        names = ", ".join(weight.file_name for weight in lacking)
        raise HubMismatch(
            f"tag {tag} of {hub.repo_id} on the Hub lacks {names}; delete the tag there "
            "(hf repo tag delete) and run the same command again"
        )
    files = to_send(hub, weights, card)
    sent = [path for path, _ in files]
    message = f"Release {tag}"
    commit = hub.commit(files, message, known_sha256=known_digests(weights)) if files else "main"
    if lacking:
        hub.delete_tag(tag)
    hub.tag(tag, commit, f"Release {tag}")
    kept = len(weights) - len([path for path in sent if path != HUB_README])
    note(
        f"{hub.repo_id} on the Hub: sent {len(sent)} file(s) ({', '.join(sent) or 'none'}), "
        f"{kept} already there; tagged {tag}"
    )
    return sent


def verify_at_tag(
    hub: HubRepository,
    weights: list[HubWeight],
    tag: str,
    *,
    download: Callable[[str, int], str] = served_sha256,
) -> list[str]:
    """Download every weight from its Hub URL at ``tag`` and check it; the URLs checked."""
    urls = []
    for weight in weights:
        url = resolve_url(hub.repo_id, tag, weight.file_name, server=hub.server)
        try:
            found = download(url, weight.size)
        except SourceFailed as failure:
            if failure.permanent:  # a 4xx: most likely a private repository
                raise UsageError(
                    f"{url} does not serve {weight.name} ({failure}); the package downloads "
                    f"without a token, so make {hub.repo_id} public on the Hub, then run the "
                    "same command again"
                ) from None
            raise OperationFailed(
                f"{url} does not serve {weight.name}: {failure}; run the same command again"
            ) from None
        if found != weight.sha256:
            raise HubMismatch(
                f"{url} serves other bytes than {weight.name} (SHA-256 {found}, registered "
                f"{weight.sha256})"
            )
        urls.append(url)
    return urls
