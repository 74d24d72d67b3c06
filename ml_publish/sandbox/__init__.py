"""Local stand-ins for the outside world that ``release --sandbox`` and ``demo`` run: a GitHub
Releases API emulator and a real pypiserver, on free ports of 127.0.0.1. The tests use them too;
the knobs that break them on purpose (faults, upload failures, workflow runs) live in
tests/support and reach them through the hooks documented in ``github_fault_hook`` and
``package_index``."""
