"""``ml-publish no-weights-in-git``: the pre-commit hook that keeps weight files out of commits.

pre-commit passes the staged file names. A file is refused when it is larger than the limit
and has a weight file extension, or larger than the limit and starts like a weight file
(a PyTorch checkpoint, a pickle, safetensors, HDF5, ...) whatever its name. Each refused
file comes with the command that publishes it the ml-publish way instead.
"""

from __future__ import annotations

import os
import shlex

from ml_publish.errors import UsageError
from ml_publish.weights.recognition import DEFAULT_MAX_KB, WEIGHT_EXTENSIONS, weight_kind

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable


def weight_files(
    paths: Iterable[str], *, max_kb: int = DEFAULT_MAX_KB, extensions: tuple[str, ...] = ()
) -> list[tuple[str, str]]:
    """The paths that look like weights, each with the reason."""
    if max_kb < 0:
        raise UsageError(f"--max-kb must be zero or more, not {max_kb}")
    suffixes = tuple(e.lower() if e.startswith(".") else f".{e.lower()}" for e in extensions)
    found = []
    for path in paths:
        kind = weight_kind(path, max_bytes=max_kb * 1024, extensions=suffixes or WEIGHT_EXTENSIONS)
        if kind is not None:
            found.append((path, kind))
    return found


def advice(path: str, kind: str) -> str:
    """What to run instead of committing ``path``."""
    name = os.path.basename(path).split(".")[0].replace(" ", "-") or "model"
    quoted = shlex.quote(path)
    size_mb = os.path.getsize(path) / 1e6
    return (
        f"{path}: {kind} of {size_mb:.1f} MB; weights belong in a GitHub release, not in git:\n"
        f"    git restore --staged {quoted} && ml-publish weights add {quoted} --name {name}"
    )
