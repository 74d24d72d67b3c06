"""``make_bundle``: the offline bundle of a project's current version, made and verified.

The bundle is written beside its directory first (``.<name>.partial``) and moved into place
only once whole, so a failure leaves no half bundle and the previous one, if any, stays until
the new one replaces it. A directory holding anything but a bundle is never touched.

pip is the slow part, so it starts first: with a built wheel given and nothing left out, the
download starts before the rest of the bundle's code is even imported (``contents``).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ml_publish.bundle import MANIFEST_FILE
from ml_publish.bundle.bundle_settings import BundleSettings
from ml_publish.bundle.wheelhouse import PendingWheelhouse, start_wheelhouse
from ml_publish.errors import OperationFailed, UsageError

if TYPE_CHECKING:
    from ml_publish.bundle.manifest import BundleFile
    from ml_publish.bundle.offline_check import OfflineLoad


@dataclass
class BundleReport:
    """What was bundled where, what was left out, and what the offline check loaded."""

    directory: Path
    files: list[BundleFile]
    left_out: list[str]
    upload_commands: list[str] = field(default_factory=list)
    loaded: list[OfflineLoad] = field(default_factory=list)
    verified_with: str = ""

    def summary(self) -> str:
        """Where the bundle is, its sizes, what it left out and loaded, how to upload it."""
        from ml_publish.bundle.manifest import size_lines

        lines = [f"bundle written to {self.directory}:", *size_lines(self.files)]
        if self.left_out:
            lines.append(f"left out as preinstalled on the target: {', '.join(self.left_out)}")
        if self.verified_with:
            venv = f"a fresh venv of {self.verified_with}"
            lines.append(f"installed offline (no index, no network) into {venv}")
        for load in self.loaded:
            lines.append(f"verified offline: {load.name} loaded from the bundle by {load.how}")
        if self.upload_commands:
            lines.append("upload it to Kaggle with the kaggle CLI:")
            lines += [f"  {command}" for command in self.upload_commands]
        return "\n".join(lines)


def make_bundle(settings: BundleSettings) -> BundleReport:
    """Write the bundle ``settings`` describe, then check it installs and loads offline."""
    directory = settings.directory.absolute()
    refuse_foreign_directory(directory)
    partial = directory.with_name(f".{directory.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    # What a failure removes: the partial bundle and the directories made for it.
    made = next((p for p in reversed(partial.parents) if not p.exists()), partial)
    partial.mkdir(parents=True)
    pending: PendingWheelhouse | None = None
    try:
        with tempfile.TemporaryDirectory(prefix="ml-publish-bundle-") as scratch:
            if settings.wheel and not settings.preinstalled:
                pending = start_wheelhouse(
                    settings.wheel, settings.target, frozenset(), partial / "wheels", Path(scratch)
                )
            from ml_publish.bundle.contents import Contents

            contents = Contents(settings)
            contents.fill(partial, Path(scratch), pending)
    except BaseException:
        if pending is not None:
            pending.stop()
        shutil.rmtree(made, ignore_errors=True)
        raise
    shutil.rmtree(directory, ignore_errors=True)
    partial.rename(directory)
    report = BundleReport(directory, contents.files, contents.left_out)
    if settings.kaggle:
        from ml_publish.bundle.kaggle import upload_commands

        report.upload_commands = upload_commands(directory)
    if settings.verify:
        from ml_publish.bundle.offline_check import verify_offline

        try:
            report.loaded = verify_offline(contents.offline_check(directory))
        except OperationFailed as error:
            raise OperationFailed(f"{error}; the bundle in {directory} is not verified") from None
        report.verified_with = settings.verify_python
    return report


def refuse_foreign_directory(directory: Path) -> None:
    if directory.is_file() or (
        directory.is_dir()
        and any(directory.iterdir())
        and not (directory / MANIFEST_FILE).is_file()
    ):
        raise UsageError(
            f"{directory} holds files that are not a bundle; choose an empty or new directory"
        )
