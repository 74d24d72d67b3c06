"""The wheelhouse: the project's wheel and its runtime dependencies' wheels for the target.

pip chooses them, through its own configuration (``pip.conf``, ``PIP_INDEX_URL``,
``PIP_FIND_LINKS``): ``pip download --only-binary=:all:`` for the target, never a resolver of
our own; the download runs while the caller gathers the weights. With preinstalled
distributions to leave out, pip first resolves the whole set (``--dry-run --report``: metadata
only), the distributions reachable from the project without passing through a preinstalled one
are kept, and pip downloads exactly those.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ml_publish.bundle.targets import Target
from ml_publish.errors import UsageError
from ml_publish.wheel_downloads import (
    NoMatchingWheel,
    ResolvedDistribution,
    WheelDownload,
    resolve_wheels,
    start_download,
)


@dataclass(frozen=True)
class Wheelhouse:
    """The wheels written, and the distributions left out as the target's own."""

    wheels: list[Path]
    left_out: list[str] = field(default_factory=list)


@dataclass
class PendingWheelhouse:
    """A wheelhouse whose download runs in the background until ``finish``."""

    download: WheelDownload
    target: Target
    left_out: list[str] = field(default_factory=list)

    def finish(self) -> Wheelhouse:
        """Wait for pip; the wheels, or the dependency without a wheel in one line."""
        try:
            return Wheelhouse(self.download.wait(), self.left_out)
        except NoMatchingWheel as error:
            raise UsageError(no_wheel_message(error.requirement, self.target)) from None

    def stop(self) -> None:
        """End the download early (the bundle failed meanwhile)."""
        self.download.stop()


def start_wheelhouse(
    project_wheel: Path,
    target: Target,
    preinstalled: frozenset[str],
    destination: Path,
    workspace: Path,
) -> PendingWheelhouse:
    """Start downloading the wheels of ``project_wheel`` and its dependencies for ``target``
    into ``destination``, leaving out ``preinstalled`` and what only they require."""
    options = target.pip_options()
    if not preinstalled:
        download = start_download([str(project_wheel)], options, destination, deps=True)
        return PendingWheelhouse(download, target)
    try:
        resolved = resolve_wheels([str(project_wheel)], options, workspace)
    except NoMatchingWheel as error:
        raise UsageError(no_wheel_message(error.requirement, target, preinstalled)) from None
    kept = reachable(resolved, preinstalled)
    dependencies = [d for d in resolved if d.name in kept and not d.requested]
    requested = [str(project_wheel)] + [f"{d.name}=={d.version}" for d in dependencies]
    download = start_download(requested, options, destination, deps=False)
    return PendingWheelhouse(
        download, target, sorted(d.name for d in resolved if d.name not in kept)
    )


def reachable(resolved: Iterable[ResolvedDistribution], preinstalled: frozenset[str]) -> set[str]:
    """The names reachable from the requested distributions through requirements, never
    entering a preinstalled one (a name any requirement line mentions counts as an edge)."""
    by_name = {d.name: d for d in resolved}
    todo = [d.name for d in by_name.values() if d.requested]
    kept: set[str] = set()
    while todo:
        name = todo.pop()
        if name in kept or name in preinstalled or name not in by_name:
            continue
        kept.add(name)
        todo.extend(by_name[name].requires)
    return kept


def no_wheel_message(
    requirement: str, target: Target, preinstalled: frozenset[str] = frozenset()
) -> str:
    """One line: the dependency without a wheel, and what gets one. Leaving it out as
    preinstalled is no way round: pip resolves the whole set from wheels before anything is
    left out, so that is said when it was tried, and never suggested."""
    from packaging.utils import canonicalize_name

    name = canonicalize_name(re.split(r"[\s<>=!~;\[(]", requirement.strip(), maxsplit=1)[0])
    tried = (
        " (left out as preinstalled, it is still resolved, from wheels, before it is left out)"
        if name in preinstalled
        else ""
    )
    return (
        f"{requirement} has no wheel for {target.describe()} on the indexes pip uses{tried}; a "
        f"bundle installs from wheels only: build one (pip wheel --no-deps -w wheels "
        f"'{requirement}'; a pure-Python wheel serves every target) and point PIP_FIND_LINKS at "
        "that directory, or choose another --python/--platform"
    )
