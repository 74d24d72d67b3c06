"""The README weights table."""

from __future__ import annotations

import pytest

from ml_publish.errors import UsageError
from ml_publish.weights.registry import WeightEntry
from ml_publish.weights.table import END_MARKER, NO_WEIGHTS, START_MARKER, with_table

ENTRY = WeightEntry(
    name="unet",
    url="https://github.com/o/r/releases/download/v1/unet-0123456789.pth",
    sha256="0123456789" + "a" * 54,
    size=123_456_789,
    file_name="unet-0123456789.pth",
    arch="unet_resnet34",
    meta={"dataset": "Kaggle DSB 2018"},
)
README = f"# P\n\n## Pretrained weights\n\n{START_MARKER}\n\nold\n\n{END_MARKER}\n\n## Next\n"


def test_table_replaces_what_is_between_the_markers_only() -> None:
    updated = with_table(README, [ENTRY])

    assert updated.startswith("# P\n\n## Pretrained weights\n\n")
    assert updated.endswith(f"{END_MARKER}\n\n## Next\n")
    assert "old" not in updated
    assert "| `unet` | unet_resnet34 | Kaggle DSB 2018 | 123.5 MB | `0123456789` |" in updated
    assert f"[unet-0123456789.pth]({ENTRY.url})" in updated


def test_table_is_stable() -> None:
    once = with_table(README, [ENTRY])

    assert with_table(once, [ENTRY]) == once


def test_no_entries_leave_a_sentence() -> None:
    assert f"{START_MARKER}\n\n{NO_WEIGHTS}\n\n{END_MARKER}" in with_table(README, [])


def test_missing_markers_are_a_clear_error() -> None:
    with pytest.raises(UsageError, match="no weights table markers"):
        with_table("# P\n", [ENTRY])
