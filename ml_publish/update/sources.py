"""Each ml-publish version's template: the installed one's bundled, others' from their wheels.

Another version's template comes from that version's ml-publish wheel: given with
``--base-wheel``, else fetched by pip from the configured index. Its template (and the
``ml_publish/__init__.py`` the template reads its version from) is unpacked into the user cache
directory, once per version, so later updates work offline.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from ml_publish import __version__
from ml_publish.errors import OperationFailed, UsageError
from ml_publish.template_files import template_dir

DISTRIBUTION = "ml-publish"
# Where the wheel keeps the template, and the module the template reads its version from.
TEMPLATE_IN_WHEEL = PurePosixPath("ml_publish/_template")
VERSION_MODULE = PurePosixPath("ml_publish/__init__.py")


@dataclass(frozen=True)
class TemplateSource:
    """One ml-publish version's template: the directory holding its ``cookiecutter.json``."""

    version: str
    root: Path


def parse_version(text: str, option: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion:
        raise UsageError(f"{option} {text!r} is not a version; write it like 0.1.0") from None


def same_version(one: str, other: str) -> bool:
    try:
        return Version(one) == Version(other)
    except InvalidVersion:
        return one == other


def installed_template() -> TemplateSource:
    return TemplateSource(__version__, template_dir())


def user_cache_dir() -> Path:
    """ml-publish's directory in the platform's user cache directory."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / DISTRIBUTION / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / DISTRIBUTION
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / DISTRIBUTION


def cached_template(version: str) -> Path:
    """Where the template of ml-publish ``version`` is kept once unpacked."""
    return user_cache_dir() / "templates" / str(Version(version))


def template_root(unpacked: Path) -> Path:
    return unpacked / TEMPLATE_IN_WHEEL / "template"


def template_of(version: str, *, wheel: Path | None = None, role: str = "base") -> TemplateSource:
    """The template of ml-publish ``version``: installed, cached, from ``wheel``, or fetched.

    ``role`` ("base" or "target") says which one it is, for the message when it cannot be had.
    """
    if wheel is None and same_version(version, __version__):
        return installed_template()
    unpacked = cached_template(version)
    if wheel is not None:
        check_wheel(wheel, version)
        unpack(wheel, unpacked)
    elif not (template_root(unpacked) / "cookiecutter.json").is_file():
        from ml_publish import index  # urllib and http: only when there is a download

        with tempfile.TemporaryDirectory(prefix="ml-publish-download-") as scratch:
            try:
                fetched = index.download_wheel(f"{DISTRIBUTION}=={version}", Path(scratch))
            except index.PackageIndexError as error:
                raise OperationFailed(cannot_fetch(version, role, str(error))) from None
            unpack(fetched, unpacked)
    return TemplateSource(version, template_root(unpacked))


def cannot_fetch(version: str, role: str, reason: str) -> str:
    """One line: why ml-publish ``version``'s template is not here, and what to pass instead."""
    reason = " ".join(reason.split())
    if role == "base":
        return (
            f"the template of ml-publish {version}, the base of this update, is not cached and "
            f"could not be downloaded ({reason}); pass --base-wheel FILE with that version's "
            "wheel (pip download --no-deps ml-publish=={version} where there is a network)"
        )
    return (
        f"the template of ml-publish {version} is not cached and could not be downloaded "
        f"({reason}); install ml-publish=={version} and run its update without --to"
    )


def check_wheel(wheel: Path, version: str) -> None:
    """Refuse a ``--base-wheel`` that is missing, not ml-publish's, or another version's."""
    if not wheel.is_file():
        raise UsageError(f"--base-wheel {wheel} does not exist")
    try:
        name, wheel_version, _, _ = parse_wheel_filename(wheel.name)
    except InvalidWheelFilename:
        raise UsageError(f"--base-wheel {wheel} is not a wheel (a .whl file)") from None
    if name != canonicalize_name(DISTRIBUTION):
        raise UsageError(f"--base-wheel {wheel} is a wheel of {name}, not of {DISTRIBUTION}")
    if wheel_version != Version(version):
        raise UsageError(
            f"--base-wheel {wheel} is ml-publish {wheel_version}, but the base is {version}; "
            f"pass the wheel of ml-publish {version}"
        )


def unpack(wheel: Path, destination: Path) -> None:
    """Unpack the template of ``wheel`` into ``destination``, replacing what was there.

    Into a scratch directory next to it first, then renamed: an interrupted run leaves no
    half-unpacked template for the next one to trust.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=destination.parent))
    try:
        with zipfile.ZipFile(wheel) as archive:
            members = [
                m for m in archive.namelist() if not m.endswith("/") and wanted(PurePosixPath(m))
            ]
            if str(TEMPLATE_IN_WHEEL / "template" / "cookiecutter.json") not in members:
                raise UsageError(f"{wheel.name} is not an ml-publish wheel with its template")
            for member in members:
                target = scratch.joinpath(*PurePosixPath(member).parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(member))
        shutil.rmtree(destination, ignore_errors=True)
        os.replace(scratch, destination)
    except zipfile.BadZipFile:
        raise UsageError(f"{wheel} is not a readable wheel") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def wanted(member: PurePosixPath) -> bool:
    """The template's files and the module it reads its version from; nothing that climbs out."""
    if member.is_absolute() or ".." in member.parts or not member.parts:
        return False
    return member == VERSION_MODULE or member.parts[:2] == TEMPLATE_IN_WHEEL.parts
