"""Where tests break the Hub stand-in on purpose: the same hook the GitHub emulator consults
(``github_fault_hook``: ``FaultInjection``, ``NO_FAULTS``), and what each kind does on the Hub.

``release --sandbox`` and ``demo`` run the stand-in with ``NO_FAULTS``. Tests pass in their own
(tests/support/hub_faults.py). The stand-in asks for faults of these kinds and acts as the Hub
and its storage would:

- ``hold``, ``delay``: any request, on either host, as in the GitHub emulator;
- ``throttle``: a Hub request refused with 429 and ``Retry-After: amount``; ``rate_limit``: 429
  with the IETF ``RateLimit: "api";r=0;t=...`` headers, the quota back at ``amount`` (epoch s);
- ``server_error``: a Hub request, or a storage PUT, answered with ``status`` (5xx);
  ``hang_up``: the same requests closed unanswered;
- ``cut``: a storage PUT (single or one part) dropped after ``amount`` bytes; ``bad_gateway``:
  a storage PUT read whole, then answered 502 and not kept;
- ``download_error``, ``download_cut``, ``download_pause``: a blob download from storage.

On the storage host a fault's ``asset_name`` is the LFS object's SHA-256; elsewhere it is None
and faults are narrowed by method and URL path.
"""

from __future__ import annotations

from ml_publish.sandbox.github_fault_hook import (
    NO_FAULTS,
    FaultInjection,
    FaultKind,
    InjectedFault,
)

__all__ = ["NO_FAULTS", "FaultInjection", "FaultKind", "InjectedFault"]
