"""The author's own tooling in the plan: their pre-commit configuration, flake8 length and
isort settings.

A repository that brings its own ``.pre-commit-config.yaml`` keeps it, brought forward (see
hook_config.py), and its own ``.flake8`` keeps its settings, but allows black's line length
(see line_lengths.py); an isort 5 hook with black's profile keeps black's split imports (see
isort_settings.py). What cannot be brought forward offline needs a person.
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

from ml_publish.adopt.hook_config import CONFIG, ForwardedConfig, bring_forward
from ml_publish.adopt.isort_settings import splitting_file
from ml_publish.adopt.line_lengths import flake8_settled
from ml_publish.adopt.operations import ForwardHookConfig, Plan, SettleFlake8, SplitIsortImports
from ml_publish.errors import OperationFailed

FLAKE8_CONFIG = ".flake8"


def with_own_tooling(
    plan: Plan, root: Path, template_files: dict[str, str], answers: dict[str, str]
) -> Plan:
    """``plan`` bringing the author's pre-commit configuration forward and settling .flake8's
    line length; the plan as it is for a repository without them."""
    length = int(answers["line_length"])
    operations = list(plan.operations)
    needs_a_person = list(plan.needs_a_person)
    left = plan.left_in_place
    template_config = template_files.get(CONFIG)
    if CONFIG in plan.existing_files and template_config is not None:
        try:
            forwarded = bring_forward(
                root, template_config, line_length=length, python_min=answers["python_min"]
            )
        except OperationFailed as error:
            # A configuration pre-commit cannot read stops no adoption: it is left as it is.
            forwarded = ForwardedConfig(
                (root / CONFIG).read_text(encoding="utf-8"), (), (f"{error}; fix it by hand",)
            )
        if forwarded.text != (root / CONFIG).read_text(encoding="utf-8"):
            operations.append(ForwardHookConfig(CONFIG, forwarded.text, forwarded.changes))
            left = tuple(item for item in left if item[0] != CONFIG)
        needs_a_person += forwarded.unresolved
        split_in = splitting_file(root, forwarded.text)
        if split_in is not None:
            operations.append(SplitIsortImports(split_in))
    if "pyproject.toml" in plan.existing_files:
        needs_a_person += pyink_settings(root)
    if FLAKE8_CONFIG in plan.existing_files:
        text = (root / FLAKE8_CONFIG).read_text(encoding="utf-8", errors="replace")
        changes = flake8_settled(text, length)[1]
        if changes:
            operations.append(SettleFlake8(length, tuple(changes)))
    return replace(
        plan,
        operations=tuple(operations),
        needs_a_person=tuple(needs_a_person),
        left_in_place=left,
    )


def pyink_settings(root: Path) -> list[str]:
    """pyink (Google's fork of black, two-space indents) configured in pyproject.toml: its
    style is not the black style adopt formats the code with, so a person keeps one."""
    try:
        settings = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    if "pyink" not in settings.get("tool", {}):
        return []
    return [
        "pyproject.toml: [tool.pyink] formats otherwise than black, which adopt formatted the "
        "code with: keep one formatter (drop [tool.pyink], or run pyink over the code and drop "
        "[tool.black])"
    ]
