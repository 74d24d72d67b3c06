"""What adopt may change in an author's own tooling files, and the assertion that it did no more.

adopt brings an author's ``.pre-commit-config.yaml`` forward (ml_publish/adopt/hook_config.py)
and sets their ``.flake8`` to black's line length; the hook and lint baselines add excludes and
per-file-ignores to both. Every hook must still be there with the settings the author gave it,
and every comment; every flake8 setting too. Only the values those steps own may differ.
"""

from __future__ import annotations

import configparser
import re
from typing import Any

import yaml

from ml_publish.hook_repositories import RENAMED_HOOKS, new_home, url_key

TOOLING_FILES = {".pre-commit-config.yaml", ".flake8"}
# Hook keys adopt may change: an interpreter that no longer exists, the legacy excludes.
CHANGEABLE_HOOK_KEYS = {"language_version", "exclude"}
# flake8 settings the line length and the lint baseline own.
CHANGEABLE_FLAKE8_KEYS = {"max-line-length", "per-file-ignores"}
LINE_LENGTH_ARGUMENT = re.compile(r"^--max-line-length[= ]\d+$")


def hooks_by_repository(text: str) -> dict[str, list[dict[str, Any]]]:
    """The hooks of each repository (old homes named by their new ones), of any format."""
    document = yaml.safe_load(text)
    repos = document.get("repos", []) if isinstance(document, dict) else document
    found: dict[str, list[dict[str, Any]]] = {}
    for repo in repos:
        url = str(repo["repo"])
        found.setdefault(url_key(new_home(url) or url), []).extend(repo.get("hooks", []))
    return found


def same_hook(original: dict[str, Any], current: dict[str, Any]) -> bool:
    if RENAMED_HOOKS.get(original["id"], original["id"]) != current["id"]:
        return False
    for key, value in original.items():
        if key == "id" or key in CHANGEABLE_HOOK_KEYS:
            continue
        if key == "args":
            value = ["N" if LINE_LENGTH_ARGUMENT.match(str(a)) else a for a in value]
            now = ["N" if LINE_LENGTH_ARGUMENT.match(str(a)) else a for a in current.get(key, [])]
            if value != now:
                return False
        elif current.get(key) != value:
            return False
    return True


def assert_pre_commit_config_kept(original: str, current: str) -> None:
    now = hooks_by_repository(current)
    for url, hooks in hooks_by_repository(original).items():
        for hook in hooks:
            assert any(
                same_hook(hook, other) for other in now.get(url, [])
            ), f".pre-commit-config.yaml lost or changed the hook {hook} of {url}"
    comments = [line.strip() for line in original.splitlines() if line.strip().startswith("#")]
    lost = [comment for comment in comments if comment not in current]
    assert lost == [], f".pre-commit-config.yaml lost the comments {lost}"


def flake8_settings(text: str) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    return dict(parser.items("flake8")) if parser.has_section("flake8") else {}


def assert_flake8_kept(original: str, current: str) -> None:
    now = flake8_settings(current)
    for key, value in flake8_settings(original).items():
        assert key in now, f".flake8 lost {key}"
        if key not in CHANGEABLE_FLAKE8_KEYS:
            assert now[key] == value, f".flake8 changed {key}: {value!r} -> {now[key]!r}"


def assert_tooling_kept(path: str, original: str, current: str) -> None:
    """An author's tooling file changed only as adopt's steps may change it."""
    if path == ".flake8":
        assert_flake8_kept(original, current)
    else:
        assert_pre_commit_config_kept(original, current)
