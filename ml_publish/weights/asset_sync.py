"""Make one GitHub release hold each weight file under its registered name, verified by digest.

An asset is never deleted before its replacement is uploaded and verified; failed attempts are
cleaned up and retried, and what an interrupted run left behind is reused or removed.
"""

from __future__ import annotations

import dataclasses
import secrets
from pathlib import Path

from ml_publish.digests import sha256_of
from ml_publish.errors import MLPublishError, OperationFailed, UsageError
from ml_publish.github import (
    Asset,
    GitHubClient,
    GitHubError,
    Release,
    TransientFailure,
    ValidationFailed,
)
from ml_publish.terminal import Display
from ml_publish.weights.registry import WeightEntry
from ml_publish.weights.upload_resume_state import UploadState

UPLOAD_ATTEMPTS = 4
# Replacements are uploaded as "<file name>.partial-<random>" and renamed once verified.
TEMPORARY_MARK = ".partial-"


class UploadMismatch(OperationFailed):
    """What GitHub holds is not what the registry promises; nothing was published."""


def temporary_name(file_name: str) -> str:
    return f"{file_name}{TEMPORARY_MARK}{secrets.token_hex(4)}"


class ReleaseUploader:
    """Makes one release hold each weight file under its registered name, verified by digest."""

    def __init__(
        self,
        client: GitHubClient,
        release: Release,
        state: UploadState,
        *,
        allow_published: bool,
        display: Display,
    ) -> None:
        self.client = client
        self.release = release
        self.state = state
        self.allow_published = allow_published
        self.display = display
        self.assets = client.list_assets(release.id)

    def has_verified(self, entry: WeightEntry) -> bool:
        """Whether the release already holds ``entry``'s exact bytes under its file name."""
        current = self._named(entry.file_name)
        return current is not None and self._holds(current, entry, entry.file_name)

    def sync(self, entry: WeightEntry, file: Path, offset: int = 0) -> Asset:
        """The release's asset for ``entry``, uploaded or replaced only if it is not right.

        Its bytes are ``entry.size`` bytes of ``file`` from ``offset`` (a part of a split weight)
        or the whole file.
        """
        current = self._named(entry.file_name)
        if current is not None and self._holds(current, entry, entry.file_name):
            self.state.record(entry.file_name, current.id, entry.sha256)
            return current
        refusal = self._refusal_to_change()
        if refusal is not None:
            raise refusal
        finished = self._finished_replacement(entry)
        if current is None and finished is None and self.release.draft:
            asset = self._upload(entry, file, offset, entry.file_name)
        else:
            # On a published release, too, the registered URL serves only verified bytes.
            new = finished or self._upload(entry, file, offset, temporary_name(entry.file_name))
            if current is not None:
                # Only now that the new copy is verified may the old one go.
                self.client.delete_asset(current.id)
            asset = self.client.rename_asset(new.id, entry.file_name)
        verify(asset, entry, entry.file_name, file, offset)
        self.state.record(entry.file_name, asset.id, entry.sha256)
        return asset

    def _upload(self, entry: WeightEntry, file: Path, offset: int, name: str) -> Asset:
        """Upload ``file`` as ``name``, cleaning up after and retrying failed attempts."""
        problem: GitHubError | None = None
        for attempt in range(UPLOAD_ATTEMPTS):
            try:
                with self.display.transfer(name, entry.size) as report:
                    asset = self.client.upload_asset(
                        self.release.upload_url,
                        file,
                        name,
                        offset=offset,
                        length=entry.size,
                        on_progress=report,
                    )
            except ValidationFailed as error:
                if not error.already_exists:
                    raise self._refusal(error) from None
                problem = error
            except TransientFailure as error:
                problem = error
                self.client.retry.sleep(self.client.retry.backoff(attempt))
            else:
                verify(asset, entry, name, file, offset)
                return asset
            # The failed attempt may have finished after all, or left a starter holding the name.
            self.assets = self.client.list_assets(self.release.id)
            left = self._named(name)
            if left is not None:
                if self._holds(left, entry, name):
                    return left
                self.client.delete_asset(left.id)
        raise GitHubError(
            f"uploading {name} failed {UPLOAD_ATTEMPTS} times (last: {problem}); run the upload "
            "again later, it resumes where it stopped"
        )

    def _finished_replacement(self, entry: WeightEntry) -> Asset | None:
        """A verified replacement an interrupted run left under a temporary name; other
        leftovers are deleted."""
        prefix = entry.file_name + TEMPORARY_MARK
        leftovers = [asset for asset in self.assets if asset.name.startswith(prefix)]
        keep = next((a for a in leftovers if self._holds(a, entry, a.name)), None)
        for asset in leftovers:
            if asset is not keep:
                self.client.delete_asset(asset.id)
        return keep

    def _named(self, name: str) -> Asset | None:
        return next((asset for asset in self.assets if asset.name == name), None)

    def _holds(self, asset: Asset, entry: WeightEntry, name: str) -> bool:
        """Whether ``asset`` is complete and has ``entry``'s exact bytes under ``name``."""
        if (asset.name, asset.state, asset.size) != (name, "uploaded", entry.size):
            return False
        if asset.digest is None:  # older assets have none; trust only our own verification
            return self.state.verified_sha256(asset.id) == entry.sha256
        return asset.digest == f"sha256:{entry.sha256}"

    def _refusal_to_change(self) -> UsageError | None:
        """Why the release's assets must be left alone, if they must."""
        where = f"release {self.release.tag_name} of {self.client.repository}"
        if self.release.immutable:
            return UsageError(
                f"{where} is immutable: GitHub refuses to add or replace its assets; register "
                "the weights for a new tag (bump the version) and upload again"
            )
        if not self.release.draft and not self.allow_published:
            return UsageError(
                f"{where} is already published; allow changes to published releases "
                "(--allow-published) or register the weights for a new tag"
            )
        return None

    def _refusal(self, error: ValidationFailed) -> MLPublishError:
        """The error to stop with when GitHub refused an upload for good."""
        if "immutable" in error.github_message.lower():
            # The release became immutable after it was read.
            self.release = dataclasses.replace(self.release, immutable=True)
            return self._refusal_to_change() or error
        return GitHubError(f"{error}; this is permanent, retrying will not help", 422)


def verify(asset: Asset, entry: WeightEntry, name: str, file: Path, offset: int = 0) -> None:
    """Stop unless GitHub's answer shows ``entry``'s bytes of ``file`` (from ``offset``) stored
    completely under ``name``."""
    problem = None
    if asset.name != name:
        problem = f"GitHub stored {name} as {asset.name!r}"
    elif (asset.state, asset.size) != ("uploaded", entry.size):
        problem = f"GitHub holds {asset.size} bytes of {name} ({asset.state}), not {entry.size}"
    elif asset.digest is not None and asset.digest != f"sha256:{entry.sha256}":
        problem = f"GitHub computed {asset.digest} for {name}, not sha256:{entry.sha256}"
    elif asset.digest is None and sha256_of(file, offset=offset, length=entry.size) != entry.sha256:
        problem = f"{file} no longer has the bytes of SHA-256 {entry.sha256} for {name}"
    if problem is not None:
        raise UploadMismatch(
            f"{problem}; nothing was published: check the staged files with "
            "ml-publish weights verify, then upload again"
        )
