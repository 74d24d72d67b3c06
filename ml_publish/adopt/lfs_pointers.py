"""Weight files a repository tracks as Git LFS pointers: what adopt says a person must do.

A clone made without git-lfs (or before ``git lfs pull``) holds, in place of each file the
``.gitattributes`` gives to ``filter=lfs``, a pointer of a few lines of text. The weights are
on the LFS server, not on this disk: adopt cannot register them, and leaves each pointer
tracked where it is, named with what to do.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from ml_publish.repository_analysis.analyse import RepositoryAnalysis
from ml_publish.weights.recognition import WEIGHT_EXTENSIONS, is_lfs_pointer


def lfs_pointer_lines(analysis: RepositoryAnalysis) -> list[str]:
    """One "needs a person" line for each tracked weight file that is a Git LFS pointer."""
    return [
        f"{path}: a Git LFS pointer, not the weights; fetch them (git lfs pull, with git-lfs "
        f"installed), then ml-publish weights add {path}"
        for path in analysis.files
        if PurePosixPath(path).suffix.lower() in WEIGHT_EXTENSIONS
        and is_lfs_pointer(analysis.root / path)
    ]
