"""Every command's parser takes its options anywhere among its positionals, as people type them."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from ml_publish.adopt.adopt_settings import AdoptSettings
from ml_publish.cli import COMMANDS


def parsed(command: str, *words: str) -> argparse.Namespace:
    return COMMANDS[command].parser(f"ml-publish {command}").parse_args(list(words))


def test_adopt_takes_answers_after_an_option_that_follows_the_path() -> None:
    args = parsed("adopt", "../whales", "--yes", "license=MIT", "--dry-run", "github_owner=me")

    assert args.path == "../whales"
    assert args.assignments == ["license=MIT", "github_owner=me"]
    assert args.yes and args.dry_run


def test_update_takes_answers_after_an_option_that_follows_the_path() -> None:
    args = parsed("update", "projects/whales", "--dry-run", "hf_repo=me/whales")

    assert args.path == "projects/whales"
    assert args.assignments == ["hf_repo=me/whales"]
    assert args.dry_run


def test_an_action_takes_its_names_after_its_options() -> None:
    args = parsed("weights", "mirror", "push", "hf", "--repo", "me/whales", "unet_r34", "vit_b16")

    assert (args.target, args.hub_repo) == ("hf", "me/whales")
    assert args.names == ["unet_r34", "vit_b16"]


def test_the_usual_order_reads_as_before() -> None:
    settings = AdoptSettings.from_arguments(parsed("adopt", "--dry-run", "license=MIT"))
    assert (settings.path, settings.assignments) == (Path("."), ("license=MIT",))

    args = parsed("weights", "mirror", "push", "--repo", "me/whales", "hf", "unet_r34")
    assert (args.target, args.names) == ("hf", ["unet_r34"])


@pytest.mark.parametrize(
    ("command", "words", "complaint"),
    [
        ("check", [".", "--list", "extra"], "unrecognized arguments: extra"),
        ("adopt", [".", "--colour"], "unrecognized arguments: --colour"),
        ("weights", ["mirror", "push", "github", "--repo", "me/x"], "invalid choice: 'github'"),
        ("weights", ["upload-everything"], "invalid choice: 'upload-everything'"),
    ],
)
def test_words_no_command_takes_are_still_a_usage_error(
    command: str, words: list[str], complaint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as leaving:
        parsed(command, *words)

    assert leaving.value.code == 2
    assert complaint in capsys.readouterr().err
