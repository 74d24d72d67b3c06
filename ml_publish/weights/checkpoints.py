"""Turning a training checkpoint into a clean state dict (needs torch, imported on use)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ml_publish.errors import UsageError


def import_torch() -> Any:
    try:
        import torch
    except ImportError:
        raise UsageError(
            "extracting a state dict needs torch; pip install torch, or add the file as it is"
        ) from None
    return torch


def read_state_dict(source: Path, strip_prefix: str | None) -> dict[str, Any]:
    """The checkpoint's state dict, its nested dicts flattened to dotted keys, prefix stripped.

    A PyTorch Lightning checkpoint keeps the weights under ``state_dict``, named after the
    LightningModule's attributes (``model.encoder.…``); with ``strip_prefix="model."`` only
    the keys under that prefix are kept, renamed to what the bare network expects. A
    checkpoint that nests them (``{"model": {...}, "optimizer": ...}``) reads the same way.
    """
    torch = import_torch()
    try:
        checkpoint: Any = torch.load(source, map_location="cpu", weights_only=True)
    except Exception:
        # Lightning stores hyper-parameters that the safe loader may refuse; this is the
        # user's own file, which they would load the same way.
        try:
            checkpoint = torch.load(source, map_location="cpu", weights_only=False)
        except Exception as error:
            raise UsageError(
                f"{source} is not a checkpoint torch can load ({type(error).__name__}); "
                "add it without --strip-prefix"
            ) from None
    state = checkpoint.get("state_dict", checkpoint) if isinstance(checkpoint, dict) else None
    if not isinstance(state, dict) or not state:
        raise UsageError(f"{source} holds no state dict; add the file without --strip-prefix")
    state = flattened(state)
    if strip_prefix:
        state = {k[len(strip_prefix) :]: v for k, v in state.items() if k.startswith(strip_prefix)}
        if not state:
            raise UsageError(f"no key in {source} starts with {strip_prefix!r}")
    return state


def flattened(state: dict[Any, Any], prefix: str = "") -> dict[str, Any]:
    """``{"model": {"conv.weight": t}}`` as ``{"model.conv.weight": t}``; flat dicts unchanged."""
    flat: dict[str, Any] = {}
    for key, value in state.items():
        if isinstance(value, dict) and value:
            flat.update(flattened(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def extract_state_dict(source: Path, destination: Path, strip_prefix: str | None) -> int:
    """Save the checkpoint's state dict (prefix stripped) to ``destination``; return its size."""
    import_torch().save(read_state_dict(source, strip_prefix), destination)
    return destination.stat().st_size
