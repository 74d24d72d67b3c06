"""The bundled template's facts: where it lives, and its Python versions in order."""

from __future__ import annotations

from ml_publish.template_files import python_order, supported_pythons


def test_supported_pythons_are_oldest_first() -> None:
    supported = supported_pythons()

    assert supported.index("3.9") < supported.index("3.10") < supported.index("3.11")
    assert supported == sorted(supported, key=lambda v: tuple(map(int, v.split("."))))


def test_what_is_not_a_version_sorts_first() -> None:
    assert sorted(["3.10", "next", "3.9"], key=python_order) == ["next", "3.9", "3.10"]
