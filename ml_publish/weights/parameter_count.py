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
        self.shape = tuple(size)
        self.numel = math.prod(size)


class StateDict(dict[str, object]):
    """An ``OrderedDict`` of the pickle, which ``torch.save`` gives its ``_metadata`` as state."""

    def __setstate__(self, state: object) -> None:
        self.state = state


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
            return StateDict
        return StandIn

    def persistent_load(self, pid: Any) -> object:
        key = pid[2] if isinstance(pid, tuple) and len(pid) > 2 else pid
        return StorageKey(str(key))


def parameter_count(path: Path) -> int | None:
    """The number of elements the file's tensors hold, or ``None`` when it is not a file of
    tensors ml-publish can read without loading it (ONNX, a legacy pickle, random bytes).
    Tensors sharing a storage count once, by the largest."""
    tensors = stored_tensors(path)
    if not tensors:
        return None
    largest: dict[object, int] = {}
    for tensor in tensors.values():
        largest[tensor.storage_key] = max(largest.get(tensor.storage_key, 0), tensor.numel)
    return sum(largest.values())


def stored_tensors(path: Path) -> dict[str, StoredTensor] | None:
    """Each tensor of the file by its (dotted) name, read from the header alone; ``None`` when
    the file is not a safetensors file or a zip ``torch.save`` wrote."""
    with path.open("rb") as stream:
        head = stream.read(HEAD_BYTES)
    if content_kind(head) == "a safetensors file":
        return safetensors_tensors(path)
    pickled = torch_archive_pickle(path)
    if pickled is None:
        return None
    try:
        loaded = StandInUnpickler(io.BytesIO(pickled)).load()
    except Exception:  # any unreadable pickle only means "not counted"
        return None
    return dict(tensors_in(loaded, "", depth=0))


def tensors_in(value: object, prefix: str, depth: int) -> Iterator[tuple[str, StoredTensor]]:
    """The tensors inside ``value``'s dicts, lists and tuples, with their dotted names."""
    if depth > 20:
        return
    if isinstance(value, StoredTensor):
        yield prefix, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from tensors_in(item, f"{prefix}.{key}" if prefix else str(key), depth + 1)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from tensors_in(item, f"{prefix}.{index}" if prefix else str(index), depth + 1)


def safetensors_tensors(path: Path) -> dict[str, StoredTensor] | None:
    """Every tensor a safetensors header lists (tied names are stored once, so listed once)."""
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
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        shape = entry.get("shape") if isinstance(entry, dict) else None
        if not isinstance(shape, list) or not all(isinstance(n, int) for n in shape):
            return None
        tensors[name] = StoredTensor(StorageKey(name), 0, tuple(shape))
    return tensors
