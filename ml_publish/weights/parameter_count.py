"""How many numbers a weight file holds, read from its header without torch and without its data.

A safetensors file lists each tensor's shape in its JSON header (tied tensors stored once). A
file ``torch.save`` wrote keeps its object in ``data.pkl``: it is read with an unpickler that
builds nothing but stand-ins (no module is imported, no code from the file runs), whose tensors
record their storage and shape; tensors sharing a storage (tied weights, views) count once, by
the largest. The count covers every tensor the state dict holds, buffers included (BatchNorm's
running statistics): telling parameters from buffers needs the model, which is not built.
"""

from __future__ import annotations

import io
import json
import math
import pickle
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ml_publish.weights.recognition import HEAD_BYTES, MAX_SAFETENSORS_HEADER, content_kind
from ml_publish.weights.safe_load import torch_archive_pickle

SAFETENSORS_LENGTH = struct.Struct("<Q")


class StandIn:
    """Whatever the pickle builds that is not a tensor: accepts any arguments and state."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.args = args

    def __setstate__(self, state: object) -> None:
        self.state = state


class StoredTensor:
    """A tensor of the pickle: which storage it views and how many elements it spans."""

    def __init__(self, storage: object, offset: int, size: tuple[int, ...], *rest: object) -> None:
        self.storage_key = getattr(storage, "key", id(storage))
        self.numel = math.prod(size)


class StorageKey:
    def __init__(self, key: str) -> None:
        self.key = key


def rebuild_parameter(data: object, *rest: object) -> object:
    return data


class StandInUnpickler(pickle.Unpickler):
    """Builds tensors as ``StoredTensor`` and everything else as a ``StandIn``."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return StoredTensor
        if module == "torch._utils" and name == "_rebuild_parameter":
            return rebuild_parameter
        if module == "collections" and name == "OrderedDict":
            return dict
        return StandIn

    def persistent_load(self, pid: Any) -> object:
        key = pid[2] if isinstance(pid, tuple) and len(pid) > 2 else pid
        return StorageKey(str(key))


def parameter_count(path: Path) -> int | None:
    """The number of elements the file's tensors hold, or ``None`` when it is not a file of
    tensors ml-publish can read without loading it (ONNX, a legacy pickle, random bytes)."""
    with path.open("rb") as stream:
        head = stream.read(HEAD_BYTES)
    if content_kind(head) == "a safetensors file":
        return safetensors_count(path)
    pickled = torch_archive_pickle(path)
    if pickled is None:
        return None
    try:
        loaded = StandInUnpickler(io.BytesIO(pickled)).load()
    except Exception:  # any unreadable pickle only means "not counted"
        return None
    largest: dict[object, int] = {}
    for tensor in tensors_in(loaded, depth=0):
        largest[tensor.storage_key] = max(largest.get(tensor.storage_key, 0), tensor.numel)
    return sum(largest.values()) if largest else None


def tensors_in(value: object, depth: int) -> Iterator[StoredTensor]:
    """The tensors inside ``value``'s dicts, lists and tuples."""
    if depth > 20:
        return
    if isinstance(value, StoredTensor):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from tensors_in(item, depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from tensors_in(item, depth + 1)


def safetensors_count(path: Path) -> int | None:
    """The elements of every tensor a safetensors header lists."""
    with path.open("rb") as stream:
        (length,) = SAFETENSORS_LENGTH.unpack(stream.read(SAFETENSORS_LENGTH.size))
        if length > MAX_SAFETENSORS_HEADER:
            return None
        try:
            header = json.loads(stream.read(length))
        except ValueError:
            return None
    if not isinstance(header, dict):
        return None
    shapes = [
        entry.get("shape")
        for name, entry in header.items()
        if name != "__metadata__" and isinstance(entry, dict)
    ]
    if not all(isinstance(s, list) and all(isinstance(n, int) for n in s) for s in shapes):
        return None
    return sum(math.prod(shape) for shape in shapes)
