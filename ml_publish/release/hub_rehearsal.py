"""The Hub in a rehearsal: ``release --sandbox`` and ``demo`` put the weights on a local stand-in.

When the project names a Hub repository (``huggingface`` in ``[tool.ml-publish.release]``), the
rehearsal starts the Hub stand-in beside the GitHub emulator and points the real
``huggingface_hub`` client at it (``HF_ENDPOINT``, a throw-away ``HF_TOKEN``, LFS rather than
Xet); the release then puts the weights there as it would on huggingface.co. At the end the
GitHub emulator is stopped and the installed package downloads its weights again, into an empty
cache: the only source left is the Hub, through the mirrors the published wheel lists.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ml_publish.errors import OperationFailed, UsageError
from ml_publish.huggingface import library_problem
from ml_publish.weights.hub_sync import configured_hub_repo

if TYPE_CHECKING:
    from ml_publish.sandbox.hub_stand_in import HubStandIn

Loaded = TypeVar("Loaded")
# The Hub client's variables a rehearsal sets (or clears) for itself; the caller's come back.
HUB_VARIABLES = (
    "HF_ENDPOINT",
    "HF_TOKEN",
    "HF_OIDC_RESOURCE",
    "HF_HUB_DISABLE_XET",
    "HF_HUB_DISABLE_TELEMETRY",
    "HF_HUB_DISABLE_PROGRESS_BARS",
)


@contextlib.contextmanager
def hub_stand_in(root: Path, say: Callable[[str], None]) -> Iterator[HubStandIn | None]:
    """The Hub stand-in while the block runs, if the project names a Hub repository."""
    if configured_hub_repo(root) is None:
        yield None
        return
    missing = library_problem()
    if missing:
        raise UsageError(f"{missing} (the sandbox rehearses the project's Hub upload too)")
    from ml_publish.sandbox.hub_stand_in import HubStandIn

    with HubStandIn(token=f"hf_{secrets.token_urlsafe(24)}") as hub:
        say(f"Sandbox: the Hugging Face Hub at {hub.url}")
        yield hub


def hub_environment(hub: HubStandIn | None) -> dict[str, str]:
    """What points the Hub client at the stand-in, its token included; nothing without one."""
    if hub is None:
        return {}
    return {**hub.client_environment(), "HF_TOKEN": hub.token}


def downloads_from_hub(hub: HubStandIn) -> int:
    return sum(1 for r in hub.requests if r.method == "GET" and "/resolve/" in r.path)


def load_from_hub_alone(
    hub: HubStandIn | None, stop_github: Callable[[], None], load: Callable[[], list[Loaded]]
) -> list[Loaded]:
    """Stop GitHub, then ``load`` the weights again: they can only come from the Hub now."""
    if hub is None:
        return []
    stop_github()
    before = downloads_from_hub(hub)
    loaded = load()
    if loaded and downloads_from_hub(hub) == before:
        raise OperationFailed(
            "the installed package loaded its weights with GitHub stopped, but not from the Hub "
            "stand-in; its registry lists no Hub mirror"
        )
    return loaded
