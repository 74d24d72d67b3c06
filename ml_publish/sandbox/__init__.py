"""Local stand-ins for the outside world, run for ``release --sandbox``, ``demo`` and the tests:
a GitHub Releases API emulator and a real pypiserver, on free ports of 127.0.0.1."""
