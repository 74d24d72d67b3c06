"""Each command's settings class declares its options once: what its parser reads back from
no options is the class's own defaults, and what it reads back is typed, the namespace untouched."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ml_publish.checks.check_settings import CheckSettings
from ml_publish.release.release_settings import DemoSettings, ReleaseSettings
from ml_publish.template import NewSettings
from ml_publish.update.update_settings import UpdateSettings
from ml_publish.weights.guard import GuardSettings
from ml_publish.weights.weights_settings import (
    InitSettings,
    TableSettings,
    UploadSettings,
    VerifySettings,
    WeightsSettings,
)

DEFAULTS_FROM_NO_OPTIONS: list[Any] = [
    ReleaseSettings,
    DemoSettings,
    NewSettings,
    CheckSettings,
    UpdateSettings,
    WeightsSettings,
    InitSettings,
    TableSettings,
    VerifySettings,
    UploadSettings,
]


WEIGHTS_ACTIONS = (InitSettings, TableSettings, VerifySettings, UploadSettings)


def parsed(register: Callable[[argparse.ArgumentParser], None], *words: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    register(parser)
    return parser.parse_args(list(words))


def weights_action(settings: Any) -> Callable[[argparse.ArgumentParser], None]:
    """A weights action's options under ``weights``' own -C, as the command line nests them."""

    def register(parser: argparse.ArgumentParser) -> None:
        WeightsSettings.register_arguments(parser)
        settings.register_arguments(parser)

    return register


@pytest.mark.parametrize("settings", DEFAULTS_FROM_NO_OPTIONS, ids=lambda c: c.__name__)
def test_no_options_read_back_as_the_class_defaults(settings: Any) -> None:
    nested = settings in WEIGHTS_ACTIONS
    args = parsed(weights_action(settings) if nested else settings.register_arguments)

    assert settings.from_arguments(args) == settings()


def test_the_hooks_settings_read_back_as_their_defaults() -> None:
    read = GuardSettings.from_arguments(parsed(GuardSettings.register_arguments))
    default = GuardSettings()

    assert (read.files, read.max_kb, read.extension_list) == ((), 100, ())
    assert (default.files, default.max_kb, default.extension_list) == ((), 100, ())


def test_the_hooks_extensions_are_split_and_trimmed() -> None:
    args = parsed(GuardSettings.register_arguments, "--extensions", " pt, .bin ,,", "a.pt")

    settings = GuardSettings.from_arguments(args)

    assert (settings.files, settings.extension_list) == (("a.pt",), ("pt", ".bin"))


def test_an_update_answer_in_the_paths_place_moves_to_the_answers() -> None:
    args = parsed(UpdateSettings.register_arguments, "support=Discord", "license=MIT", "--yes")

    settings = UpdateSettings.from_arguments(args)

    assert (settings.path, settings.assignments) == (Path("."), ("support=Discord", "license=MIT"))
    assert (args.path, args.assignments) == ("support=Discord", ["license=MIT"])  # untouched


def test_check_ids_are_split_at_commas_across_repeats() -> None:
    args = parsed(CheckSettings.register_arguments, "--select", "PKG,WGT101", "--select", "DOC,")

    assert CheckSettings.from_arguments(args).select == ("PKG", "WGT101", "DOC")


def test_release_options_are_renamed_into_what_the_pipeline_reads() -> None:
    words = ["-C", "proj", "--no-github", "--quiet", "--repo", "me/it", "--wait", "5"]

    settings = ReleaseSettings.from_arguments(parsed(ReleaseSettings.register_arguments, *words))

    assert (settings.project, settings.github, settings.pypi) == (Path("proj"), False, True)
    assert (settings.progress, settings.repository, settings.wait_seconds) == (False, "me/it", 300)
