"""adopt's options, declared once: registered on a parser and read back as AdoptSettings."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from ml_publish.adopt.adopt_settings import AdoptSettings


def settings_for(words: list[str]) -> AdoptSettings:
    parser = argparse.ArgumentParser(prog="ml-publish adopt")
    AdoptSettings.register_arguments(parser)
    return AdoptSettings.from_arguments(parser.parse_args(words))


def test_no_options_are_the_defaults() -> None:
    assert settings_for([]) == AdoptSettings(
        path=Path("."),
        package=None,
        dry_run=False,
        allow_dirty=False,
        format_code=True,
        modernize=False,
        yes=False,
        assignments=(),
    )


def test_every_option_is_read_back(tmp_path: Path) -> None:
    words = [str(tmp_path), "license=MIT", "--package", "leafnet", "--dry-run", "--allow-dirty"]
    words += ["--no-format", "--modernize", "--yes"]

    assert settings_for(words) == AdoptSettings(
        path=tmp_path,
        package="leafnet",
        dry_run=True,
        allow_dirty=True,
        format_code=False,
        modernize=True,
        yes=True,
        assignments=("license=MIT",),
    )


def test_a_first_key_value_in_the_place_of_the_path_is_an_answer() -> None:
    settings = settings_for(["license=MIT", "github_owner=me"])

    assert (settings.path, settings.assignments) == (Path("."), ("license=MIT", "github_owner=me"))


def test_a_directory_whose_name_has_an_equals_sign_is_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a=b").mkdir()
    monkeypatch.chdir(tmp_path)

    settings = settings_for(["a=b", "license=MIT"])

    assert (settings.path, settings.assignments) == (Path("a=b"), ("license=MIT",))


def test_the_settings_cannot_be_changed_once_read() -> None:
    settings = settings_for([])

    with pytest.raises(AttributeError):
        settings.modernize = True  # type: ignore[misc]
