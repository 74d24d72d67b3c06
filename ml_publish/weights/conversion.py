"""Converting a PyTorch checkpoint to safetensors (needs torch and safetensors, imported on use).

A safetensors file holds tensors and a header of strings: loading it runs no code, unlike a
pickled ``.pth``. Tensors that share memory (tied weights, such as a language model's output
layer reusing its embedding) are stored once, and each other name is recorded in the header's
metadata as ``name: stored name``, the convention of ``safetensors.torch.save_model``; the
generated package's loader restores them. Views of a tensor that are not the whole tensor (a
slice kept under its own name) are stored as copies of their own.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from ml_publish.errors import UsageError
from ml_publish.weights.checkpoints import import_torch, read_state_dict

SAFETENSORS_SUFFIX = ".safetensors"
# The metadata ``safetensors.torch.save_model`` writes: "pt" says the tensors are PyTorch's.
FORMAT_METADATA = {"format": "pt"}
# What the conversion imports.
CONVERTERS = ("torch", "safetensors", "numpy")


def import_save_file() -> Any:
    """safetensors' writer, which needs torch, and NumPy to save through."""
    if not all(importlib.util.find_spec(name) for name in CONVERTERS):
        raise UsageError(
            "converting to safetensors needs torch, safetensors and numpy; pip install torch "
            "safetensors numpy, or add the file without --format"
        )
    from safetensors.torch import save_file

    return save_file


def convert_to_safetensors(source: Path, destination: Path, strip_prefix: str | None) -> None:
    """Save the tensors of ``source``'s state dict to ``destination`` in safetensors format."""
    save_file = import_save_file()
    torch = import_torch()
    state = read_state_dict(source, strip_prefix)
    others = sorted(name for name, value in state.items() if not isinstance(value, torch.Tensor))
    if others:
        shown = ", ".join(others[:5]) + (" ..." if len(others) > 5 else "")
        raise UsageError(
            f"{source} holds values that are not tensors ({shown}); safetensors stores tensors "
            "only: pick the model's keys with --strip-prefix, or save model.state_dict()"
        )
    tensors, tied = stored_once(state)
    try:
        save_file(tensors, str(destination), metadata={**FORMAT_METADATA, **tied})
    except (ValueError, RuntimeError) as error:  # sparse tensors, for one
        first_line = str(error).strip().splitlines()[0]
        raise UsageError(f"safetensors cannot store {source}: {first_line}") from None


def stored_once(state: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The tensors to store, and the names that share another's memory: ``name: stored name``.

    Identical views of one memory are tied weights: one is stored. Other tensors that overlap
    a stored one in memory, and non-contiguous ones, are stored as contiguous copies, which
    safetensors requires.
    """
    tensors: dict[str, Any] = {}
    tied: dict[str, str] = {}
    seen: dict[tuple[Any, ...], str] = {}
    storages: set[int] = set()
    for name, tensor in state.items():
        pointer = tensor.untyped_storage().data_ptr()
        view = (
            pointer,
            tensor.storage_offset(),
            tuple(tensor.shape),
            tensor.stride(),
            tensor.dtype,
        )
        if tensor.numel() and view in seen:
            tied[name] = seen[view]
            continue
        seen[view] = name
        shares = bool(tensor.numel()) and pointer in storages
        storages.add(pointer)
        if shares or not tensor.is_contiguous():
            tensor = tensor.clone(memory_format=import_torch().contiguous_format)
        tensors[name] = tensor
    return tensors, tied
