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
    import argparse
    from collections.abc import Iterable
    from typing import Self


class GuardSettings:
    """The hook's command line, as plain data.

    Not a dataclass, unlike the other commands' settings: dataclasses imports inspect, which
    would add about a third to the start-up of a hook that runs on every commit.
    """

    __slots__ = ("files", "max_kb", "extensions")

    def __init__(
        self, files: tuple[str, ...] = (), max_kb: int = DEFAULT_MAX_KB, extensions: str = ""
    ) -> None:
        self.files = files
        self.max_kb = max_kb
        # Comma-separated, as typed; empty for the default WEIGHT_EXTENSIONS.
        self.extensions = extensions

    @property
    def extension_list(self) -> tuple[str, ...]:
        return tuple(e.strip() for e in self.extensions.split(",") if e.strip())

    @staticmethod
    def register_arguments(parser: argparse.ArgumentParser) -> None:
        """Give ``parser`` the options of ``ml-publish no-weights-in-git``."""
        parser.add_argument(
            "files", nargs="*", help="the files to be committed (pre-commit passes them)"
        )
        parser.add_argument(
            "--max-kb",
            type=int,
            default=DEFAULT_MAX_KB,
            help=f"allow files up to this size in KB (default: {DEFAULT_MAX_KB})",
        )
        parser.add_argument(
            "--extensions",
            default="",
            metavar="EXTS",
            help=f"comma-separated weight extensions (default: {','.join(WEIGHT_EXTENSIONS)})",
        )

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> Self:
        """The settings ``register_arguments``' options were parsed into."""
        return cls(files=tuple(args.files), max_kb=args.max_kb, extensions=args.extensions)


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
