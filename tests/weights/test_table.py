"""The README weights table."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from readme_renderer.rst import render

from ml_publish.errors import UsageError
from ml_publish.weights.parts import Part
from ml_publish.weights.registry import WeightEntry
from ml_publish.weights.table import (
    DATA_HEADING,
    END_MARKER,
    NO_WEIGHTS,
    RST_END_MARKER,
    RST_START_MARKER,
    START_MARKER,
    table_in,
    with_table,
)
from tests.support.fuzzing import fuzzed, weight_entries

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


RST_README = (
    "P\n=\n\nPretrained weights\n------------------\n\n"
    f"{RST_START_MARKER}\n\nold\n\n{RST_END_MARKER}\n\nNext\n----\n"
)


def rendered_html(rst: str) -> str:
    """The README as PyPI renders it (twine check's renderer); fails on broken markup."""
    html = render(rst, stream=io.StringIO())
    assert html is not None, rst
    return html


def test_an_rst_readme_gets_a_list_table_between_rst_comments() -> None:
    underscored = replace(ENTRY, name="unet_r34", meta={"dataset": "*DSB* 2018_"})

    updated = with_table(RST_README, [ENTRY, underscored], rst=True)

    assert updated.startswith("P\n=\n\nPretrained weights\n------------------\n\n")
    assert updated.endswith(f"{RST_END_MARKER}\n\nNext\n----\n")
    assert "old" not in updated and ".. list-table::" in updated
    assert with_table(updated, [ENTRY, underscored], rst=True) == updated
    html = rendered_html(updated)
    assert f'<a href="{ENTRY.url}" rel="nofollow">unet-0123456789.pth</a>' in html
    assert '<span class="docutils literal">unet_r34</span>' in html
    assert "<td><p>*DSB* 2018_</p></td>" in html
    assert "weights-table" not in html  # the markers are comments


def test_an_rst_readme_without_weights_says_so_and_renders() -> None:
    updated = with_table(RST_README, [], rst=True)

    assert f"{RST_START_MARKER}\n\n{NO_WEIGHTS}\n\n{RST_END_MARKER}" in updated
    rendered_html(updated)


def test_table_in_finds_the_table_of_either_markup() -> None:
    assert table_in(README) == "\n\nold\n\n"
    assert table_in(RST_README, rst=True) == "\n\nold\n\n"
    assert table_in(RST_README) is None


def test_missing_rst_markers_name_the_rst_ones() -> None:
    with pytest.raises(UsageError, match=f"add {RST_START_MARKER} and {RST_END_MARKER}"):
        with_table(README, [ENTRY], rst=True)


SPLIT = replace(
    ENTRY, name="split_fold_x", file_name="split_fold_x-0123456789.x", meta={"kind": "data"}
)


def test_data_files_are_listed_under_their_own_heading() -> None:
    updated = with_table(README, [SPLIT, ENTRY])

    table = table_in(updated)
    assert table is not None
    weights, data = table.split(f"### {DATA_HEADING}")
    assert "`unet`" in weights and "split_fold_x" not in weights
    assert "| `split_fold_x` |" in data and "`unet`" not in data
    assert with_table(updated, [SPLIT, ENTRY]) == updated


def test_only_data_files_still_say_no_weights_are_published() -> None:
    updated = with_table(README, [SPLIT])

    assert f"{START_MARKER}\n\n{NO_WEIGHTS}\n\n### {DATA_HEADING}\n\n| Name" in updated


def test_an_rst_readme_lists_data_files_under_a_rubric() -> None:
    updated = with_table(RST_README, [SPLIT, ENTRY], rst=True)

    assert f".. rubric:: {DATA_HEADING}" in updated
    html = rendered_html(updated)
    weights, data = html.split(DATA_HEADING)
    assert "unet-0123456789.pth" in weights and "split_fold_x" in data


# README text around the markers, as people write it (never the markers themselves).
prose = st.text(max_size=60).filter(lambda text: "weights-table" not in text)


def markdown_readme(before: str, after: str) -> str:
    return f"{before}\n{START_MARKER}\nold table\n{END_MARKER}\n{after}"


@fuzzed
@given(entries=st.lists(weight_entries, max_size=4), before=prose, after=prose)
def test_the_markdown_table_keeps_its_shape_and_its_place_whatever_the_registry_says(
    entries: list[WeightEntry], before: str, after: str
) -> None:
    readme = markdown_readme(before, after)

    written = with_table(readme, entries)

    # The text around the markers is left as it was, and a second run changes nothing.
    assert written.startswith(f"{before}\n{START_MARKER}") and written.endswith(
        f"{END_MARKER}\n{after}"
    )
    assert with_table(written, entries) == written
    table = table_in(written)
    assert table is not None
    for part in table.strip().split(f"### {DATA_HEADING}"):
        rows = part.strip().splitlines()
        if rows != [NO_WEIGHTS]:
            # Every row has its six cells: no text from the registry adds or ends one.
            assert {row.count("|") for row in rows} == {7}, rows
    shown = [e for e in entries if e.meta.get("kind") != "data"]
    data = [e for e in entries if e.meta.get("kind") == "data"]
    assert table.count("\n| `") == len(shown) + len(data)


@settings(fuzzed, max_examples=40)  # docutils renders each example: fewer, still varied
@given(entries=st.lists(weight_entries, min_size=1, max_size=3), before=prose)
def test_the_rst_table_renders_without_a_warning_and_stays_in_place(
    entries: list[WeightEntry], before: str
) -> None:
    readme = f"Title\n=====\n\n{RST_START_MARKER}\n\n{RST_END_MARKER}\n\nAfter\n"

    written = with_table(readme, entries, rst=True)

    assert with_table(written, entries, rst=True) == written
    assert written.endswith(f"{RST_END_MARKER}\n\nAfter\n")
    warnings = io.StringIO()
    assert render(written, stream=warnings) is not None, warnings.getvalue()
    assert warnings.getvalue() == ""


BIG = replace(
    ENTRY,
    name="big",
    file_name="big-0123456789.pth",
    url="https://github.com/o/r/releases/download/v1/big-0123456789.pth",
    parts=tuple(
        Part(f"big-0123456789.pth.part-00{n}-of-002", 61_728_394 + n, "b" * 64) for n in (1, 2)
    ),
    mirrors=(
        "https://huggingface.co/o/r/resolve/main/big-0123456789.pth",
        "https://zenodo.org/records/1/files/big-0123456789.pth",
    ),
)
RELEASE = "https://github.com/o/r/releases/download/v1"


def test_split_weights_link_each_part_and_mirrors_follow() -> None:
    updated = with_table(README, [BIG])

    assert (
        f"| big-0123456789.pth in 2 parts: [part 1]({RELEASE}/big-0123456789.pth.part-001-of-002)"
        f", [part 2]({RELEASE}/big-0123456789.pth.part-002-of-002); mirrors: "
        f"[huggingface.co]({BIG.mirrors[0]}), [zenodo.org]({BIG.mirrors[1]}) |"
    ) in updated
    assert with_table(updated, [BIG]) == updated


def test_an_rst_readme_links_parts_and_mirrors_too() -> None:
    html = rendered_html(with_table(RST_README, [BIG, ENTRY], rst=True))

    assert f'<a href="{RELEASE}/big-0123456789.pth.part-002-of-002" rel="nofollow">part 2</a>' in (
        html
    )
    assert f'<a href="{BIG.mirrors[1]}" rel="nofollow">zenodo.org</a>' in html
