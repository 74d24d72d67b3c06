"""Step 5 of adopt: the template's other pre-commit hooks, held off the legacy files they fail.

CI's lint job runs ``pre-commit run --all-files``, and the template's hooks check more than
black, flake8 and mypy (whose baseline is ``baseline.py``): whitespace, line endings, YAML and
TOML syntax, debugger calls, spelling, Markdown formatting, Python code blocks in documents,
blanket ``noqa`` and type comments. A real repository fails some of them on day one: a typo
in a comment, a README in another Markdown style, a ``print "x"`` block in the README, a YAML
file with a duplicated key. Each such hook gets an ``exclude:`` naming exactly the legacy files
it fails on today, so new files are held to every hook and the list can be worked down.

Which files fail is found by running each hook's own tool, the package its hook repository
installs, on a scratch copy of the files it would see (pre-commit's ``types`` and ``files``
filters, read with ``identify`` as pre-commit reads them); a file fails when the tool names it
or changes it. The pygrep hooks are patterns, searched line by line as pre-commit's pygrep
language does. zizmor is not run here: the author's own workflow files are excluded from it and
listed for a person. An author's own configuration (brought forward by hook_config.py) gets
the same treatment; its hooks the template does not have (isort) hold every file, the
template's too, and hooks adopt has no tool for are named in the report, unchecked.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from identify.identify import tags_from_path

from ml_publish import git
from ml_publish.adopt.hook_excludes import split_legacy_exclude, with_legacy_exclude
from ml_publish.errors import OperationFailed

CONFIG = ".pre-commit-config.yaml"
# The template's configuration starts with this line; another configuration is the author's.
TEMPLATE_HEADER = "# black, flake8 and mypy here run the versions pinned in the `dev` extra"
# Well under Linux's ARG_MAX (2 MiB with the environment) and Windows' 32,767 characters.
BATCH_CHARACTERS = 30_000
# Characters that may follow a path where a tool names it: the path ends there.
PATH_END = re.compile(r"""[\s:"',)]|$""")


@dataclass(frozen=True)
class ToolHook:
    """A hook whose failures are found by running its tool on a scratch copy of the files."""

    hook_id: str
    module: str  # run as ``python -m module ARGS FILES``
    types: frozenset[str] = frozenset({"text"})  # pre-commit's ``types``: every tag
    types_or: frozenset[str] = frozenset()  # pre-commit's ``types_or``: any tag
    args: tuple[str, ...] = ()  # the hook definition's, which a configured ``args`` replaces
    forced: tuple[str, ...] = ()  # always given: what makes the tool check outside a hook run
    # The template does not configure it: its files are held to it too, not only the legacy.
    authors_only: bool = False
    asks_git: bool = False  # it runs git in the repository, so it is shown the real one
    files: str = ""  # the hook definition's ``files``, which a configured ``files`` replaces


@dataclass(frozen=True)
class PatternHook:
    """A pygrep hook: a file fails when one of its lines matches ``pattern``."""

    hook_id: str
    pattern: str
    types: frozenset[str] = frozenset({"python"})
    types_or: frozenset[str] = frozenset()


# The definitions (entry, types) of the hook repositories at the revisions the template pins.
TOOL_HOOKS = (
    ToolHook("trailing-whitespace", "pre_commit_hooks.trailing_whitespace_fixer"),
    ToolHook("end-of-file-fixer", "pre_commit_hooks.end_of_file_fixer"),
    ToolHook("mixed-line-ending", "pre_commit_hooks.mixed_line_ending"),
    ToolHook("check-yaml", "pre_commit_hooks.check_yaml", frozenset({"yaml"})),
    ToolHook("check-toml", "pre_commit_hooks.check_toml", frozenset({"toml"})),
    ToolHook("debug-statements", "pre_commit_hooks.debug_statement_hook", frozenset({"python"})),
    ToolHook(
        "check-merge-conflict",
        "pre_commit_hooks.check_merge_conflict",
        forced=("--assume-in-merge",),  # it checks only during a merge otherwise
        asks_git=True,
    ),
    ToolHook("codespell", "codespell_lib"),
    ToolHook("mdformat", "mdformat", frozenset({"markdown"})),
    ToolHook(
        "blacken-docs",
        "blacken_docs",
        frozenset(),
        frozenset({"rst", "markdown", "tex", "python", "pyi"}),
    ),
    # Hooks of authors' own configurations (hook_config.py brings them forward).
    *(
        ToolHook(hook_id, f"pre_commit_hooks.{module}", frozenset({tag}), authors_only=True)
        for hook_id, module, tag in (
            ("check-ast", "check_ast", "python"),
            ("check-json", "check_json", "json"),
            ("double-quote-string-fixer", "string_fixer", "python"),  # OpenMMLab's configs
            ("detect-private-key", "detect_private_key", "text"),
            ("fix-byte-order-marker", "fix_byte_order_marker", "text"),
        )
    ),
    ToolHook(
        "requirements-txt-fixer",
        "pre_commit_hooks.requirements_txt_fixer",
        authors_only=True,
        files=r"(requirements|constraints).*\.txt$",
    ),
    ToolHook(
        "isort",
        "isort",
        frozenset({"python"}),
        args=("--filter-files",),
        authors_only=True,
    ),
)
PATTERN_HOOKS = (
    PatternHook("python-check-blanket-noqa", r"(?i)# noqa(?!: )"),
    PatternHook("python-check-blanket-type-ignore", r"# type:? *ignore(?!\[|\w)"),
    PatternHook("python-use-type-annotations", r"# type(?!: *ignore([^a-zA-Z0-9]|$))"),
)
# The settings the tools read from the repository's root (isort's, codespell's, ...), copied
# beside the files so each tool runs as the hook will.
SETTINGS_FILES = (
    "setup.cfg",
    "tox.ini",
    "pyproject.toml",
    ".isort.cfg",
    ".editorconfig",
    ".codespellrc",
    ".mdformat.toml",
)
# Hooks whose failures the baseline covers: by a tool above, by baseline.py (black, flake8,
# mypy), or because adopt makes them pass (weights untracked, ml-publish's own checks).
KNOWN_HOOKS = frozenset(
    {
        *(hook.hook_id for hook in TOOL_HOOKS),
        *(hook.hook_id for hook in PATTERN_HOOKS),
        *("black", "flake8", "mypy", "zizmor", "check-added-large-files", "check-case-conflict"),
        *("ml-publish-check", "no-weights-in-git", "weights-table"),
    }
)
WORKFLOW_HOOK = "zizmor"
WORKFLOW_FILES = re.compile(r"(\.github/workflows/.*)|(action\.ya?ml)$")
TEMPLATE_WORKFLOWS = frozenset({".github/workflows/ci.yml", ".github/workflows/release.yml"})


@dataclass(frozen=True)
class HookBaseline:
    """The legacy files each hook is kept off, by hook id."""

    excluded: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Hooks of the author's configuration adopt cannot run offline: their failures are not held
    # off, and the report names them.
    unchecked: tuple[str, ...] = ()

    def describe(self) -> str:
        unchecked = (
            [f"pre-commit: not checked by adopt (run them yourself): {', '.join(self.unchecked)}"]
            if self.unchecked
            else []
        )
        if not self.excluded:
            return "\n".join(unchecked)
        files: dict[str, list[str]] = {}
        for hook_id, paths in self.excluded.items():
            for path in paths:
                files.setdefault(path, []).append(hook_id)
        lines = [f"pre-commit: {len(files)} legacy file(s) excluded from hooks they fail today:"]
        lines += [f"  {path}: {', '.join(sorted(ids))}" for path, ids in sorted(files.items())]
        return "\n".join(lines + unchecked)


@dataclass(frozen=True)
class HookSettings:
    """What the configuration says of one hook: its ``files`` and its own ``exclude``."""

    files: str
    exclude: str
    listed: tuple[str, ...] = ()  # the legacy paths an earlier run listed, escaped
    args: tuple[str, ...] | None = None  # the configured ``args``, if any


def write_hook_baseline(
    root: Path, legacy_files: Iterable[str], *, first_run: bool
) -> HookBaseline:
    """Find the hooks each legacy file fails, and exclude it from exactly those.

    ``first_run``: adopt created the configuration just now. Only then is a workflow at one of
    the template's own paths the author's (adopt kept it); on a later run it is the template's,
    perhaps rendered with other answers, unless an earlier run listed it.
    """
    config = root / CONFIG
    text = config.read_text(encoding="utf-8") if config.is_file() else ""
    try:
        settings = hook_settings(text) if text else {}
    except (yaml.YAMLError, AttributeError, KeyError, TypeError):
        return HookBaseline()  # a configuration pre-commit cannot read either: "needs a person"
    if not settings:
        return HookBaseline()
    tags = file_tags(root, legacy_files)
    authors_only = any(h.authors_only and h.hook_id in settings for h in TOOL_HOOKS)
    every = file_tags(root, git.listed_files(root) or []) if authors_only else tags
    excluded: dict[str, tuple[str, ...]] = {}
    found = failures(root, settings, tags, every)
    if WORKFLOW_HOOK in found and not first_run:
        listed = settings[WORKFLOW_HOOK].listed
        found[WORKFLOW_HOOK] = {
            path
            for path in found[WORKFLOW_HOOK]
            if path not in TEMPLATE_WORKFLOWS or re.escape(path) in listed
        }
    for hook_id, failing in found.items():
        if failing:
            excluded[hook_id] = tuple(sorted(failing))
    for hook_id in settings:
        text = with_legacy_exclude(text, hook_id, excluded.get(hook_id, ()))
    config.write_text(text, encoding="utf-8")
    return HookBaseline(excluded, tuple(sorted(set(settings) - KNOWN_HOOKS)))


def file_tags(root: Path, paths: Iterable[str]) -> dict[str, set[str]]:
    """identify's tags of each file (links left out), as pre-commit filters by them."""
    files = sorted(p for p in paths if (root / p).is_file() and not (root / p).is_symlink())
    return {path: tags_from_path(str(root / path)) for path in files}


def hook_settings(text: str) -> dict[str, HookSettings]:
    """Each hook of the configuration, its own exclude without an earlier legacy list."""
    document = yaml.safe_load(text) or {}
    found: dict[str, HookSettings] = {}
    for repo in document.get("repos", []):
        for hook in repo.get("hooks", []):
            original, listed = split_legacy_exclude(str(hook.get("exclude", "")))
            args = tuple(map(str, hook["args"])) if isinstance(hook.get("args"), list) else None
            # A hook listed twice (isort for python, then for pyi): the first is the one the
            # legacy list goes to (hook_excludes.py edits the first).
            found.setdefault(
                str(hook["id"]), HookSettings(str(hook.get("files", "")), original, listed, args)
            )
    return found


def applies(
    settings: HookSettings, path: str, tags: set[str], hook: ToolHook | PatternHook
) -> bool:
    """Whether pre-commit would hand ``path`` to this hook."""
    files = settings.files or (hook.files if isinstance(hook, ToolHook) else "")
    if files and not re.search(files, path):
        return False
    if settings.exclude and re.search(settings.exclude, path):
        return False
    if not hook.types <= tags:
        return False
    return not hook.types_or or bool(hook.types_or & tags)


def failures(
    root: Path,
    settings: dict[str, HookSettings],
    tags: dict[str, set[str]],
    every: dict[str, set[str]],
) -> dict[str, set[str]]:
    """The legacy files each configured hook fails (every file, for a hook only the author
    configured: ``every``), its tool run on a scratch copy."""
    found: dict[str, set[str]] = {}
    for pattern in PATTERN_HOOKS:
        if pattern.hook_id in settings:
            own = settings[pattern.hook_id]
            seen = [p for p, t in tags.items() if applies(own, p, t, pattern)]
            found[pattern.hook_id] = {p for p in seen if pattern_matches(root / p, pattern)}
    if WORKFLOW_HOOK in settings:
        found[WORKFLOW_HOOK] = {path for path in tags if WORKFLOW_FILES.search(path)}
    with tempfile.TemporaryDirectory(prefix="ml-publish-hooks-") as scratch:
        runs = []
        for hook in TOOL_HOOKS:
            if hook.hook_id in settings:
                own = settings[hook.hook_id]
                files = every if hook.authors_only else tags
                seen = [p for p, t in files.items() if applies(own, p, t, hook)]
                if seen:
                    copy = Path(scratch).resolve() / hook.hook_id
                    runs.append((hook, start_on_copy(root, hook, own, seen, copy)))
        for tool, collect in runs:
            found[tool.hook_id] = collect()
    return found


def start_on_copy(
    root: Path, hook: ToolHook, settings: HookSettings, paths: list[str], copy: Path
) -> Callable[[], set[str]]:
    """Start ``hook``'s tool on copies of ``paths``; the returned call waits for the failures.

    The files go to the tool in batches that fit a command line, as pre-commit hands them
    over: a repository with tens of thousands of label files must not overflow ``ARG_MAX``.
    """
    for path in [*paths, *(name for name in SETTINGS_FILES if (root / name).is_file())]:
        (copy / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / path, copy / path)
    arguments = [*(hook.args if settings.args is None else settings.args), *hook.forced]
    batches = command_batches(paths, len(str(copy)) + 1)
    first = start_tool(hook, [*arguments, *(str(copy / path) for path in batches[0])], copy, root)

    def collect() -> set[str]:
        failing: set[str] = set()
        for index, given in enumerate(batches):
            files = [str(copy / path) for path in given]
            process = first if index == 0 else start_tool(hook, [*arguments, *files], copy, root)
            said, _ = process.communicate()
            found = {
                path
                for path in given
                if named(said, str(copy / path))
                or (copy / path).read_bytes() != (root / path).read_bytes()
            }
            # A tool that fails without naming a file (it crashed on one) would fail the hook
            # on day one all the same: every file it was given is held off it.
            failing |= found if found or process.returncode == 0 else set(given)
        return failing

    return collect


def command_batches(paths: list[str], prefix: int) -> list[list[str]]:
    """``paths`` in order, in batches whose arguments (each ``prefix`` characters longer, the
    scratch directory) stay under ``BATCH_CHARACTERS`` together."""
    batches: list[list[str]] = [[]]
    size = 0
    for path in paths:
        length = prefix + len(path) + 1
        if batches[-1] and size + length > BATCH_CHARACTERS:
            batches.append([])
            size = 0
        batches[-1].append(path)
        size += length
    return batches


def start_tool(hook: ToolHook, files: list[str], cwd: Path, root: Path) -> subprocess.Popen[str]:
    """Start the hook's tool on ``files`` in the scratch copy ``cwd``; a tool that asks git
    about the repository (is it merging?) is pointed at ``root``'s."""
    # The absolute directory: a relative root ("." when adopt runs in the repository) means
    # nothing from the scratch copy, and the tool would fail on every file.
    env = {**os.environ, "GIT_DIR": str(git.git_directory(root))} if hook.asks_git else None
    try:
        return subprocess.Popen(
            [sys.executable, "-m", hook.module, *files],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
    except OSError as error:
        raise OperationFailed(f"could not run {hook.module} for {hook.hook_id}: {error}") from error


def named(output: str, path: str) -> bool:
    """Whether a tool's ``output`` names ``path`` (not merely a longer path starting so)."""
    start = output.find(path)
    while start != -1:
        if PATH_END.match(output, start + len(path)):
            return True
        start = output.find(path, start + 1)
    return False


def pattern_matches(path: Path, hook: PatternHook) -> bool:
    pattern = re.compile(hook.pattern.encode())
    return any(pattern.search(line) for line in path.read_bytes().splitlines())
