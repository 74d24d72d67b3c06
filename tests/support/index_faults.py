"""The local package index as the tests drive it: every upload recorded, failures on purpose.

``RecordingPackageIndex`` is ml_publish's ``PackageIndex`` with a WSGI middleware of the tests'
own in front of it (the index's ``middleware`` hook): it notes when each upload came and what
``on_upload`` said at that moment (the GitHub side's state, say), and answers the uploads a test
asks it to fail with 503, as an index in trouble does, without storing them.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ml_publish.sandbox.package_index import Environ, PackageIndex, StartResponse, WsgiApp


@dataclass(frozen=True)
class ReceivedUpload:
    """One upload request the index accepted or refused, and what ``on_upload`` noted."""

    time: float
    status: int
    note: object


class RecordingPackageIndex(PackageIndex):
    """pypiserver behind a layer that records uploads and fails them when told to."""

    def __init__(self, on_upload: Callable[[], object] | None = None) -> None:
        super().__init__(middleware=self._recording)
        self.uploads: list[ReceivedUpload] = []
        self.on_upload = on_upload
        self._failures_to_come = 0
        self._successes_first = 0
        self._lock = threading.Lock()

    def add_file(self, path: Path) -> None:
        """Put a file on the index directly, as if someone had uploaded it earlier."""
        shutil.copy2(path, self.packages_dir / path.name)

    def fail_uploads(self, times: int = 1, *, after: int = 0) -> None:
        """Answer ``times`` uploads 503 without storing them, once ``after`` more succeeded."""
        with self._lock:
            self._successes_first = after
            self._failures_to_come += times

    def accepted_uploads(self) -> list[ReceivedUpload]:
        return [upload for upload in self.uploads if upload.status < 300]

    def _recording(self, app: WsgiApp) -> WsgiApp:
        def handle(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
            if environ["REQUEST_METHOD"] != "POST":
                return app(environ, start_response)
            note = self.on_upload() if self.on_upload is not None else None
            with self._lock:
                failing = self._failures_to_come > 0 and self._successes_first == 0
                self._failures_to_come -= failing
                self._successes_first = max(self._successes_first - 1, 0)
            if failing:
                _drain(environ)
                self.uploads.append(ReceivedUpload(time.time(), 503, note))
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"the index is unavailable; try again later\n"]
            statuses: list[int] = []

            def recording_start(status: str, headers: Any, *args: Any) -> Any:
                statuses.append(int(status.split()[0]))
                return start_response(status, headers, *args)

            body = list(app(environ, recording_start))
            self.uploads.append(ReceivedUpload(time.time(), statuses[0] if statuses else 0, note))
            return body

        return handle


def _drain(environ: Environ) -> None:
    remaining = int(environ.get("CONTENT_LENGTH") or 0)
    stream = environ["wsgi.input"]
    while remaining > 0:
        chunk = stream.read(min(remaining, 1 << 20))
        if not chunk:
            break
        remaining -= len(chunk)
