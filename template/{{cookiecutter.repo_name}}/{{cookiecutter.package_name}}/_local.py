"""Weight files put on disk by hand: the directories of the weights variable.

``WEIGHTS_DIR_VARIABLE`` names one or more directories (``os.pathsep``
between them): an offline bundle, a Kaggle dataset, a cluster's shared copy.
They are searched before the cache and any network source, for the weight's
registered file name at the top of each directory or in a subdirectory named
after the weight (``<name>/<file>``, an offline bundle's layout); the first
file found is the one used, in place: it is copied into the cache only when
asked. It must be the registered file. Its size is checked at each use and
its SHA-256 once per state of the file (device, inode, size, modification
and change times): the result is kept in the cache's ``.verified``
directory, under a lock, so the processes of a training job hash it once
between them. A file whose bytes are not the registered ones is refused,
never passed over for another source.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock

from ._cache import (
    LOCKS_DIR,
    NO_ROOM,
    WeightsError,
    no_room,
    sha256_of,
    temporary_file,
    unwritable,
)

if TYPE_CHECKING:
    from .pretrained import Weights

WEIGHTS_DIR_VARIABLE = "{{ cookiecutter.package_name | upper }}_WEIGHTS_DIR"
VERIFIED_DIR = ".verified"
COPY_CHUNK_SIZE = 1 << 20
# The states of files this process has hashed, and their SHA-256.
_hashed: dict[tuple[int, ...], str] = {}


def weights_dirs() -> list[Path]:
    """The directories the variable names, in order; each must exist."""
    value = os.environ.get(WEIGHTS_DIR_VARIABLE, "")
    directories = [Path(entry) for entry in value.split(os.pathsep) if entry]
    for directory in directories:
        if not directory.is_dir():
            raise WeightsError(
                f"{WEIGHTS_DIR_VARIABLE} names {directory}, which is not a "
                f"directory; fix {WEIGHTS_DIR_VARIABLE} or unset it"
            )
    return directories


def find_local(weights: Weights) -> Path | None:
    """The first file of ``weights`` in the directories, if any holds it."""
    for directory in weights_dirs():
        for path in (
            directory / weights.file_name,
            directory / weights.name / weights.file_name,
        ):
            if path.is_file():
                return path
    return None


def check_local(
    weights: Weights,
    path: Path,
    cache: Path,
    *,
    verify: bool,
) -> None:
    """Refuse ``path`` in one line unless it is the registered file.

    Its size is read each time; its SHA-256 is computed once per state of
    the file, unless ``verify`` asks for it again.
    """
    try:
        state = file_state(path)
        if state[2] != weights.size:
            refuse(weights, path, f"it has {state[2]} bytes")
        known = sha256_once(path, state, stamp_file(cache, path), verify)
    except OSError as error:
        reason = error.strerror or str(error)
        raise WeightsError(
            f"cannot read {path} (in {WEIGHTS_DIR_VARIABLE}): {reason}"
        ) from None
    if known != weights.sha256:
        refuse(weights, path, f"its SHA-256 is {known}")


def sha256_once(
    path: Path,
    state: tuple[int, ...],
    stamp: Path,
    verify: bool,
) -> str:
    """The file's SHA-256: remembered for its state, else computed."""
    known = None if verify else _hashed.get(state) or read_stamp(stamp, state)
    if known is None:
        with verification_lock(stamp.parent.parent, stamp.stem):
            # Another process may have hashed it while this one waited.
            known = None if verify else read_stamp(stamp, state)
            if known is None:
                known = sha256_of(path)
                if file_state(path) == state:
                    write_stamp(stamp, state, known)
    _hashed[state] = known
    return known


def refuse(weights: Weights, path: Path, problem: str) -> None:
    raise WeightsError(
        f"{path} (in {WEIGHTS_DIR_VARIABLE}) is not the registered file of "
        f"{weights.name}: {problem}, expected {weights.size} bytes with "
        f"SHA-256 {weights.sha256}; replace it with the released file or "
        "remove it"
    )


def file_state(path: Path) -> tuple[int, ...]:
    """What changes whenever the file's bytes may have changed."""
    stat = path.stat()
    return (
        stat.st_dev,
        stat.st_ino,
        stat.st_size,
        stat.st_mtime_ns,
        stat.st_ctime_ns,
    )


def stamp_file(cache: Path, path: Path) -> Path:
    """Where the SHA-256 of the file at ``path`` is remembered."""
    key = hashlib.sha256(os.fsencode(path.resolve())).hexdigest()[:32]
    return cache / VERIFIED_DIR / f"{key}.json"


def read_stamp(stamp: Path, state: tuple[int, ...]) -> str | None:
    """The SHA-256 recorded for the file in ``state``, if one was."""
    try:
        record = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("state") != list(state):
        return None
    sha256 = record.get("sha256")
    return sha256 if isinstance(sha256, str) else None


def write_stamp(stamp: Path, state: tuple[int, ...], sha256: str) -> None:
    """Record the hash; a cache that cannot be written only costs time."""
    record = {"state": list(state), "sha256": sha256}
    partial = stamp.with_name(f"{stamp.name}.{os.getpid()}.partial")
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps(record), encoding="utf-8")
        os.replace(partial, stamp)
    except OSError:
        partial.unlink(missing_ok=True)


@contextmanager
def verification_lock(cache: Path, key: str) -> Iterator[None]:
    """Hash under a lock, so processes starting together hash once.

    A cache that cannot be written has no locks: each process hashes.
    """
    try:
        locks = cache / LOCKS_DIR
        locks.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(locks / f"verify-{key}.lock"))
        lock.acquire()
    except OSError:
        yield
        return
    try:
        yield
    finally:
        lock.release()


def copy_verified(weights: Weights, source: Path, target: Path) -> None:
    """Copy ``source`` to ``target``, renamed into place once it verifies."""
    partial = temporary_file(target)
    digest = hashlib.sha256()
    try:
        with source.open("rb") as file, partial.open("wb") as out:
            while chunk := file.read(COPY_CHUNK_SIZE):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != weights.sha256:
            refuse(weights, source, f"its SHA-256 is {digest.hexdigest()}")
        os.replace(partial, target)
    except OSError as error:
        directory = target.parent
        if error.errno in NO_ROOM:
            raise no_room(weights.name, directory, weights.size) from None
        raise WeightsError(unwritable(directory, error)) from None
    finally:
        partial.unlink(missing_ok=True)
