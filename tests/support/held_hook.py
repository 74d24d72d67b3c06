"""A git hook that holds git, and the command that ran it, until the test lets it go.

A test that must act while a command is at a known step (read its output, press Ctrl-C)
cannot wait on a clock: a loaded machine finishes or delays any step. A command that commits
or pushes runs git's hooks, so a hook that connects back to the test and waits for it stops the
command there, provably, for as long as the test needs. ``core.hooksPath`` comes from the
environment (``GIT_CONFIG_COUNT``), so even clones the command makes for itself run the hook.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

# Long enough for any machine; a hook not reached by then means the command went wrong.
REACH_SECONDS = 300
HOOK = """#!{python}
import socket

try:
    with socket.create_connection(("127.0.0.1", {port})) as held:
        held.recv(1)  # until the test lets go: it closes the connection
except OSError:  # the test is over: nothing holds git any more
    pass
"""


@dataclass
class HeldHook:
    """The listening end of the hook: ``environment`` makes git run it."""

    hooks: Path
    listener: socket.socket
    held: list[socket.socket] = field(default_factory=list)

    @property
    def environment(self) -> dict[str, str]:
        return {
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": "core.hooksPath",
            "GIT_CONFIG_VALUE_0": str(self.hooks),
        }

    def wait_reached(self, timeout: float = REACH_SECONDS) -> None:
        """Return once git runs the hook and waits in it; fail if it never does."""
        self.listener.settimeout(timeout)
        try:
            connection, _ = self.listener.accept()
        except TimeoutError:
            raise AssertionError(f"the held git hook was not reached in {timeout} s") from None
        self.held.append(connection)

    def release(self) -> None:
        """Let every held hook end (successfully), and git carry on."""
        for connection in self.held:
            connection.close()
        self.held.clear()


@contextmanager
def held_git_hook(directory: Path, name: str) -> Iterator[HeldHook]:
    """Git hook ``name`` (``pre-commit``, ``pre-push``, ...) held until ``release()``."""
    hooks = directory / "hooks"
    hooks.mkdir(parents=True)
    with socket.create_server(("127.0.0.1", 0)) as listener:
        hook = hooks / name
        hook.write_text(HOOK.format(python=sys.executable, port=listener.getsockname()[1]))
        hook.chmod(0o755)
        held = HeldHook(hooks, listener)
        try:
            yield held
        finally:
            held.release()
