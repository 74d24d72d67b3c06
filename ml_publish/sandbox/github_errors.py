"""The failures GitHub answers instead of a resource, in its JSON error shape.

Part of the emulator that ``release --sandbox`` and ``demo`` run: the state raises these when a
request breaks one of GitHub's rules, and the request handler turns them into the answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

JsonObject = dict[str, Any]


class ApiError(Exception):
    """A failure GitHub answers instead of the resource: status, message, validation errors."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: Sequence[JsonObject] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.errors = list(errors)
        self.headers = dict(headers or {})


def not_found() -> ApiError:
    """GitHub's answer for anything missing or not visible to the caller."""
    return ApiError(404, "Not Found")


def validation_failed(
    resource: str, code: str, field_name: str, message: str | None = None
) -> ApiError:
    """A 422 in GitHub's validation-error shape, naming the resource and field at fault."""
    error: JsonObject = {"resource": resource, "code": code, "field": field_name}
    if message is not None:
        error["message"] = message
    return ApiError(422, "Validation Failed", [error])
