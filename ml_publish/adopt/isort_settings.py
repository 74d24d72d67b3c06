"""isort made to keep black's split imports in an adopted project that runs an isort 5 hook.

black keeps an import list that ends in a comma split one name per line (its magic trailing
comma). isort's ``black`` profile does the same only from isort 6, which turned its
``split_on_trailing_comma`` on; isort 5 (5.11.5 and later: earlier tags no longer install, see
hook_repositories.py) joins such a list onto one line where the line length allows it. An
author's isort 5 hook with that profile therefore rewrites the template's split imports
(``pretrained.py``, ``_local.py``) and the project's own pre-commit fails on day one, while
adopt's hook baseline, run with the isort installed beside ml-publish, may not see it.

adopt sets ``split_on_trailing_comma = true`` where isort reads the author's settings
(``.isort.cfg``, ``pyproject.toml``, ``setup.cfg``, ``tox.ini``, in isort's order), or in
pyproject.toml when the profile comes from the hook's arguments and no file has settings. An
author who set it either way keeps their choice.
"""

from __future__ import annotations

import configparser
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ml_publish.versions import version_key

# Where isort looks for its settings, in its order, and the sections it reads in each.
SETTINGS_SOURCES = (
    (".isort.cfg", ("settings", "isort")),
    ("pyproject.toml", ("tool.isort",)),
    ("setup.cfg", ("isort", "tool:isort")),
    ("tox.ini", ("isort", "tool:isort")),
)
SETTING = "split_on_trailing_comma"
COMMENT = "# keep black's split imports, as isort 6's black profile does (ml-publish adopt)"
FIRST_SPLITTING = version_key("6")


@dataclass(frozen=True)
class IsortHook:
    """The author's isort hook: its revision and configured arguments."""

    rev: str
    args: tuple[str, ...]


def isort_hooks(config_text: str) -> list[IsortHook]:
    """The isort hooks of a pre-commit configuration's text."""
    try:
        config = yaml.safe_load(config_text)
    except yaml.YAMLError:
        return []
    repos = config.get("repos") if isinstance(config, dict) else None
    hooks = []
    for repo in repos if isinstance(repos, list) else []:
        if not isinstance(repo, dict) or not isinstance(repo.get("hooks"), list):
            continue
        for hook in repo["hooks"]:
            if isinstance(hook, dict) and hook.get("id") == "isort":
                args = hook.get("args")
                listed = tuple(map(str, args)) if isinstance(args, list) else ()
                hooks.append(IsortHook(str(repo.get("rev", "")), listed))
    return hooks


def settings_file(root: Path) -> tuple[str, dict[str, str]] | None:
    """The file isort takes its settings from in ``root``, and those settings (names as isort
    reads them, values as text); None when no file has any."""
    for name, sections in SETTINGS_SOURCES:
        path = root / name
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
            settings = (
                toml_settings(text) if name.endswith(".toml") else ini_settings(text, sections)
            )
        except (UnicodeDecodeError, tomllib.TOMLDecodeError, configparser.Error):
            continue
        if settings:
            return name, settings
    return None


def toml_settings(text: str) -> dict[str, str]:
    table: Any = tomllib.loads(text).get("tool", {}).get("isort", {})
    return (
        {normal(key): str(value) for key, value in table.items()} if isinstance(table, dict) else {}
    )


def ini_settings(text: str, sections: tuple[str, ...]) -> dict[str, str]:
    parser = configparser.RawConfigParser(strict=False)
    parser.read_string(text)
    settings: dict[str, str] = {}
    for section in sections:
        if parser.has_section(section):
            settings.update(
                {normal(key): value.strip("\"' ") for key, value in parser.items(section)}
            )
    return settings


def normal(key: str) -> str:
    return key.strip().lstrip("-").replace("-", "_").lower()


def splitting_file(root: Path, config_text: str) -> str | None:
    """The file to set ``split_on_trailing_comma`` in, when an isort hook older than 6 runs the
    black profile without it; else None."""
    hooks = [hook for hook in isort_hooks(config_text) if before_splitting(hook.rev)]
    found = settings_file(root)
    name, settings = found if found else ("pyproject.toml", {})
    for hook in hooks:
        profile, split = argument_settings(hook.args)
        if SETTING in settings or split:
            continue
        if (profile or settings.get("profile", "")).lower() == "black":
            return name
    return None


def before_splitting(rev: str) -> bool:
    """Whether an isort tag predates isort 6; a revision that is no version counts as one."""
    version = version_key(rev.removeprefix("v"))
    return version is None or FIRST_SPLITTING is None or version < FIRST_SPLITTING


def argument_settings(args: tuple[str, ...]) -> tuple[str, bool]:
    """The profile a hook's arguments choose (or ""), and whether they split on a trailing
    comma themselves."""
    profile = ""
    for index, argument in enumerate(args):
        if argument.startswith("--profile="):
            profile = argument.partition("=")[2]
        elif argument in ("--profile", "-p") and index + 1 < len(args):
            profile = args[index + 1]
    return profile.strip("\"'"), "--split-on-trailing-comma" in args


def with_split_setting(text: str, name: str) -> str:
    """``text`` of the settings file ``name`` with ``split_on_trailing_comma = true`` first in
    isort's section (the section added to pyproject.toml when it has none)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    sections = dict(SETTINGS_SOURCES)[name]
    headers = "|".join(re.escape(section).replace(r"\.", r"\s*\.\s*") for section in sections)
    header = re.search(
        rf"^[ \t]*\[\s*(?:{headers})\s*\][ \t]*(?:#[^\r\n]*)?(?=\r?$)", text, re.MULTILINE
    )
    lines = f"{COMMENT}{newline}{SETTING} = true{newline}"
    if header is not None:
        end = header.end() + len(newline) if text[header.end() :].startswith(newline) else len(text)
        prefix = text[: header.end()] + (newline if end == len(text) else text[header.end() : end])
        return prefix + lines + text[end:]
    if name != "pyproject.toml":
        return text
    separator = "" if not text or text.endswith(newline * 2) else newline
    separator = newline + separator if text and not text.endswith(newline) else separator
    return f"{text}{separator}[tool.isort]{newline}{lines}"
