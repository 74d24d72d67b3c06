"""Recognising weight files by name and by content, without reading more than their first bytes.

Shared by the ``no-weights-in-git`` pre-commit hook, ``ml-publish check`` (WGT106) and the
release's check of the wheel.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable

WEIGHT_EXTENSIONS = (
    ".pt", ".pth", ".ckpt", ".bin", ".safetensors", ".onnx", ".h5", ".hdf5", ".pb",
    ".tflite", ".npz", ".pkl", ".joblib",
)  # fmt: skip
# Files smaller than this are tolerated: tiny test fixtures, not trained weights.
DEFAULT_MAX_KB = 100
HEAD_BYTES = 512
ZIP_MAGIC = b"PK\x03\x04"
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
NUMPY_MAGIC = b"\x93NUMPY"
PICKLE_PROTOCOLS = range(2, 6)
# A safetensors header is JSON that never gets near this size.
MAX_SAFETENSORS_HEADER = 100 << 20


def content_kind(head: bytes) -> str | None:
    """What kind of weights the first bytes of a file belong to, if they look like weights."""
    if head.startswith(ZIP_MAGIC) and len(head) >= 30:
        (name_length,) = struct.unpack_from("<H", head, 26)
        first_entry = head[30 : 30 + name_length]
        if first_entry.endswith(b"data.pkl"):
            return "a PyTorch checkpoint"
        if first_entry.endswith(b".npy"):
            return "a NumPy archive"
        return None
    if head.startswith(HDF5_MAGIC):
        return "an HDF5 (Keras) model"
    if head.startswith(NUMPY_MAGIC):
        return "a NumPy array"
    if head[4:8] == b"TFL3":
        return "a TensorFlow Lite model"
    if head.startswith(b"GGUF"):
        return "a GGUF model"
    if len(head) >= 2 and head[0] == 0x80 and head[1] in PICKLE_PROTOCOLS:
        return "a pickle (torch.save, joblib)"
    if len(head) >= 10 and head[8:10] == b'{"':
        (header_length,) = struct.unpack_from("<Q", head, 0)
        if header_length < MAX_SAFETENSORS_HEADER:
            return "a safetensors file"
    return None


def weight_kind(
    path: str,
    *,
    max_bytes: int = DEFAULT_MAX_KB * 1024,
    extensions: tuple[str, ...] = WEIGHT_EXTENSIONS,
) -> str | None:
    """Why a file above ``max_bytes`` looks like weights (its extension or its content).

    Only files above the size limit are opened, so a commit of many small files costs one
    ``stat`` each.
    """

    def head() -> bytes:
        with open(path, "rb") as stream:
            return stream.read(HEAD_BYTES)

    try:
        size = os.stat(path).st_size
        return classify(path, size, head, max_bytes=max_bytes, extensions=extensions)
    except OSError:
        return None


def classify(
    name: str,
    size: int,
    head: Callable[[], bytes],
    *,
    max_bytes: int = DEFAULT_MAX_KB * 1024,
    extensions: tuple[str, ...] = WEIGHT_EXTENSIONS,
) -> str | None:
    """Why a file ``name`` of ``size`` bytes looks like weights, wherever it is stored.

    ``head`` gives its first ``HEAD_BYTES`` and is called only when the size and the name
    leave the question open.
    """
    if size <= max_bytes:
        return None
    if name.lower().endswith(extensions):
        return f"a {os.path.splitext(name)[1].lower()} file"
    return content_kind(head())


# What git-lfs commits in place of a file it tracks (its pointer format, spec v1): a few lines
# of text. A clone without git-lfs (or before ``git lfs pull``) holds the pointer, not the file.
LFS_POINTER_START = b"version https://git-lfs.github.com/spec/"
LFS_POINTER_MAX_BYTES = 1024


def is_lfs_pointer(path: str | os.PathLike[str]) -> bool:
    """Whether the file at ``path`` is a Git LFS pointer rather than the file it stands for."""
    try:
        if os.stat(path).st_size > LFS_POINTER_MAX_BYTES:
            return False
        with open(path, "rb") as stream:
            return stream.read(len(LFS_POINTER_START)) == LFS_POINTER_START
    except OSError:
        return False
