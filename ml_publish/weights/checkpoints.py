"""Turning a training checkpoint into a clean state dict (needs torch, imported on use)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ml_publish.errors import UsageError


def extract_state_dict(source: Path, destination: Path, strip_prefix: str | None) -> int:
    """Save the checkpoint's state dict (prefix stripped) to ``destination``; return its size.

    A PyTorch Lightning checkpoint keeps the weights under ``state_dict``, named after the
    LightningModule's attributes (``model.encoder.…``); with ``strip_prefix="model."`` only
    the keys under that prefix are kept, renamed to what the bare network expects.
    """
    try:
        import torch
    except ImportError:
        raise UsageError(
            "extracting a state dict needs torch; pip install torch, or add the file as it is"
        ) from None
    try:
        checkpoint: Any = torch.load(source, map_location="cpu", weights_only=True)
    except Exception:
        # Lightning stores hyper-parameters that the safe loader may refuse; this is the
        # user's own file, which they would load the same way.
        checkpoint = torch.load(source, map_location="cpu", weights_only=False)
    state = checkpoint.get("state_dict", checkpoint) if isinstance(checkpoint, dict) else None
    if not isinstance(state, dict) or not state:
        raise UsageError(f"{source} holds no state dict; add the file without --strip-prefix")
    if strip_prefix:
        state = {k[len(strip_prefix) :]: v for k, v in state.items() if k.startswith(strip_prefix)}
        if not state:
            raise UsageError(f"no key in {source} starts with {strip_prefix!r}")
    torch.save(state, destination)
    return destination.stat().st_size
