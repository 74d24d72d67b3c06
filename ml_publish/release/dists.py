"""The distributions: built reproducibly, checked as PyPI will check them, and uploaded.

Two promises are checked on the wheel itself: it carries the weights registry (the package
cannot find its weights without it) and it carries no weight file (those go to the GitHub
release; a wheel of gigabytes is refused by PyPI).
"""

from __future__ import annotations

import functools
import zipfile
from pathlib import Path

from ml_publish import git, index
from ml_publish.errors import OperationFailed, UsageError
from ml_publish.release.context import ReleaseContext
from ml_publish.release.preflight import distribution_name
from ml_publish.weights.naming import REGISTRY_FILE
from ml_publish.weights.recognition import HEAD_BYTES, classify


class IndexHoldsOtherFiles(OperationFailed):
    """The index has this version with other bytes: it can never take ours."""


def make(ctx: ReleaseContext) -> list[Path]:
    """Build the sdist and wheel, or take them from ``--dist-dir``."""
    if ctx.options.dist_dir:
        return given_dists(ctx)
    epoch = git.commit_time(ctx.root, ctx.state.tag)
    paths = index.build(ctx.root, ctx.dist_dir, source_date_epoch=epoch)
    check_version(paths, ctx.state.version)
    return paths


def check_version(paths: list[Path], version: str) -> None:
    """The build made this version (git tags make it for setuptools-scm and hatch-vcs, and a
    changed tree makes it a development version instead)."""
    from packaging.utils import canonicalize_version, parse_sdist_filename, parse_wheel_filename

    for path in paths:
        parse = parse_wheel_filename if path.suffix == ".whl" else parse_sdist_filename
        built = str(parse(path.name)[1])
        if canonicalize_version(built) != canonicalize_version(version):
            raise OperationFailed(
                f"the build made {path.name}, not version {version}; when git tags make the "
                "version, commit every change (and ignore build output) so the tag is exact"
            )


def check_and_record(ctx: ReleaseContext, paths: list[Path]) -> None:
    """Check the dists as PyPI will, check the wheel's contents, and record their hashes."""
    if not ctx.options.dist_dir:
        ctx.note(f"built {', '.join(path.name for path in paths)}")
    index.check(paths)
    ctx.note("twine check --strict passed")
    check_wheel(ctx, next(path for path in paths if path.suffix == ".whl"))
    built = index.describe(paths)
    ctx.state.dists = {dist.name: dist.sha256 for dist in built}
    if ctx.state.pypi:
        compare_with_index(ctx)


def given_dists(ctx: ReleaseContext) -> list[Path]:
    """The sdist and wheel of this version in ``--dist-dir``; nothing else may be there."""
    directory = ctx.dist_dir
    if not directory.is_dir():
        raise UsageError(f"--dist-dir {directory} is not a directory")
    paths = sorted(directory.glob("*.tar.gz")) + sorted(directory.glob("*.whl"))
    version = ctx.state.version
    wrong = [path.name for path in paths if f"-{version}" not in path.name]
    if wrong or len(paths) != 2:
        raise UsageError(
            f"--dist-dir {directory} must hold one sdist and one wheel of {version}, "
            f"not {', '.join(p.name for p in paths) or 'nothing'}"
        )
    return paths


def check_wheel(ctx: ReleaseContext, wheel: Path) -> None:
    registry = f"{ctx.project.import_name.replace('.', '/')}/{REGISTRY_FILE}"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        if registry not in names:
            raise OperationFailed(
                f"{wheel.name} lacks {registry}; include it in the wheel (for hatchling: "
                "[tool.hatch.build.targets.wheel] packages), or the package cannot find its weights"
            )

        def head(member: zipfile.ZipInfo) -> bytes:
            with archive.open(member) as stream:
                return stream.read(HEAD_BYTES)

        weights = [
            info.filename
            for info in archive.infolist()
            if classify(info.filename, info.file_size, functools.partial(head, info))
        ]
    if weights:
        raise OperationFailed(
            f"{wheel.name} contains weight files ({', '.join(weights)}); exclude them from the "
            "build: weights belong on the GitHub release"
        )
    ctx.note(f"{wheel.name} holds {registry} and no weight files")


def compare_with_index(ctx: ReleaseContext) -> dict[str, str | None]:
    """The files of this version on the index; stop if any differs from what was built."""
    name = distribution_name(ctx)
    found = index.files_on_index(ctx.simple_url, name, ctx.state.version)
    for file_name, sha256 in found.items():
        built = ctx.state.dists.get(file_name)
        if built is None or (sha256 is not None and sha256 != built):
            raise IndexHoldsOtherFiles(
                f"{name} {ctx.state.version}'s files already exist on the index with other "
                f"contents ({file_name}); an index never takes a file name twice: bump the version "
                "(a release under way: ml-publish release --abandon first, if its tag is unpushed)"
            )
    return found


def upload(ctx: ReleaseContext) -> None:
    """Upload the files the index does not have yet; skip those it has with the same hash."""
    found = compare_with_index(ctx)
    missing = [ctx.dist_dir / name for name in ctx.state.dists if name not in found]
    for name in sorted(found):
        ctx.note(f"{name} is already on the index with the same SHA-256; skipped")
    if missing:
        for path in missing:
            if index.describe([path])[0].sha256 != ctx.state.dists[path.name]:
                raise OperationFailed(f"{path} changed since it was built; run the release again")
        index.upload(missing, ctx.upload_url)
        arrived = compare_with_index(ctx)
        absent = [path.name for path in missing if path.name not in arrived]
        if absent:
            raise OperationFailed(
                f"twine reported success but the index does not list {', '.join(absent)}"
            )
        ctx.note(f"uploaded {', '.join(path.name for path in missing)} to {ctx.simple_url}")


def plan_build(ctx: ReleaseContext) -> list[str]:
    if ctx.options.dist_dir:
        source = f"take the dists from {ctx.dist_dir}"
    else:
        source = f"python -m build into {ctx.dist_dir.relative_to(ctx.root)}"
    return [
        source,
        "twine check --strict; the wheel must hold the weights registry and no weight file",
    ]


def plan_upload(ctx: ReleaseContext) -> list[str]:
    return [
        f"look the files up on {ctx.simple_url}: the same hash is skipped, another stops",
        f"twine upload --non-interactive to {ctx.upload_url or index.PYPI_UPLOAD_URL}",
    ]
