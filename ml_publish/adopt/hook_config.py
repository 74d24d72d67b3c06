"""An author's own pre-commit configuration, brought forward so it installs and passes today.

A repository that already has a ``.pre-commit-config.yaml`` keeps it, every hook and argument
the author chose, with what no longer works brought forward:

- pre-commit's own ``migrate-config`` runs on it first (``sha:`` becomes ``rev:``, a bare list
  becomes ``repos:``, old stage names get their ``pre-`` prefix);
- a hook repository that moved (``ambv/black``, ``gitlab.com/pycqa/flake8``) is named at its new
  home, from the table the PC checks read (``ml_publish.hook_repositories``);
- a repository the template also uses gets the revision the template pins (and so does one
  tagged like it: ``psf/black`` takes the tag of the template's black mirror); one it does not use
  keeps a release tag the author chose, and gets a known-good tag only where its old one cannot
  work (it moved, or the revision is a branch or a bare hash);
- a hook pre-commit-hooks renamed gets its new id; a ``language_version`` older than the
  project's Python (``python3.7``, which today's hooks no longer install on) becomes
  ``python3``; flake8's ``--max-line-length`` argument follows black's line length;
- the template's ml-publish hooks (the audit, the weights guard, the README weights table) are
  added when the configuration has none of them.

The text is edited where the composed YAML says each value is, never dumped, as pre-commit's
``migrate-config`` and ``autoupdate`` edit it: comments, order, quoting and layout stay.
What cannot be brought forward offline is said, for a person.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ml_publish import REPOSITORY_URL
from ml_publish.errors import OperationFailed
from ml_publish.hook_repositories import (
    DEAD_REPOSITORIES,
    FROZEN_COMMENT,
    PRE_COMMIT_HOOKS,
    RENAMED_HOOKS,
    REMOVED_HOOKS,
    cannot_install,
    is_release_tag,
    known_good_rev,
    new_home,
    same_tags_as,
    url_key,
)

CONFIG = ".pre-commit-config.yaml"
LOCAL_REPOS = {"local", "meta"}
OLD_PYTHON = re.compile(r"^python(\d+)\.(\d+)$")
MAX_LINE_LENGTH = re.compile(r"^(--max-line-length[= ])(\d+)$")
# An edit of the text: replace [start, end) by the new text.
Edit = tuple[int, int, str]


@dataclass(frozen=True)
class ForwardedConfig:
    """The configuration brought forward, what changed, and what only a person can fix."""

    text: str
    changes: tuple[str, ...]
    unresolved: tuple[str, ...]


def migrated(text: str, root: Path) -> str:
    """``text`` as pre-commit's own ``migrate-config`` leaves it: run for real on a copy, from
    the repository ``root`` (pre-commit runs inside a git repository only)."""
    with tempfile.TemporaryDirectory(prefix="ml-publish-migrate-") as scratch:
        copy = Path(scratch) / CONFIG
        copy.write_text(text, encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", "pre_commit", "migrate-config", "--config", str(copy)],
            cwd=root,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            lines = (result.stdout + result.stderr).splitlines()
            said = " ".join(" ".join(line.split()) for line in lines if "Check the log" not in line)
            said = re.sub(r"\S*ml-publish-migrate-[^/\s]+/", "", said)  # the scratch copy's place
            reason = said.removeprefix("An error has occurred: ").strip()[:300] or "no message"
            raise OperationFailed(f"pre-commit migrate-config failed on {CONFIG}: {reason}")
        return copy.read_text(encoding="utf-8")


def bring_forward(
    root: Path, template_text: str, *, line_length: int, python_min: str
) -> ForwardedConfig:
    """The author's configuration in ``root`` migrated, then brought forward (see the module)."""
    text = (root / CONFIG).read_text(encoding="utf-8")
    current = migrated(text, root)
    forwarded = brought_forward(
        current, template_text, line_length=line_length, python_min=python_min
    )
    if current != text:
        changes = ("pre-commit migrate-config rewrote the old format", *forwarded.changes)
        return ForwardedConfig(forwarded.text, changes, forwarded.unresolved)
    return forwarded


def brought_forward(
    text: str, template_text: str, *, line_length: int, python_min: str
) -> ForwardedConfig:
    """Pure: ``text`` (already migrated) with repositories, revisions, hooks and guards
    brought forward to ``template_text``, the template's rendered configuration."""
    root = composed(text)
    repos = value_of(root, "repos") if isinstance(root, MappingNode) else None
    if not isinstance(repos, SequenceNode):
        return ForwardedConfig(text, (), (f"{CONFIG} has no repos list to bring forward",))
    pinned = template_revs(template_text)
    frozen = set(FROZEN_COMMENT.findall(text))
    oldest = tuple(int(part) for part in python_min.split("."))
    edits: list[Edit] = []
    changes: list[str] = []
    unresolved: list[str] = []
    for item in repos.value:
        if isinstance(item, MappingNode):
            repo_edits(item, pinned, frozen, edits, changes, unresolved)
            for hook in sequence_items(value_of(item, "hooks")):
                hook_edits(item, hook, line_length, oldest, edits, changes)
    default = value_of(root, "default_language_version")
    if isinstance(default, MappingNode):
        python = value_of(default, "python")
        if isinstance(python, ScalarNode) and too_old(python.value, oldest):
            edits.append(replacement(python, "python3"))
            changes.append(f"default_language_version: {python.value} -> python3 ({why(oldest)})")
    if not any(url_key(scalar(r, "repo")) == url_key(REPOSITORY_URL) for r in repos.value):
        block = guard_block(text, repos, template_text)
        if block:
            edits.append(block)
            changes.append("added the template's ml-publish hooks: " + guard_ids(template_text))
    unresolved += removed_hooks(text) + rival_formatters(text)
    result = applied(text, edits)
    try:
        yaml.safe_load(result)
    except yaml.YAMLError:  # a layout the edits do not fit: nothing is changed
        return ForwardedConfig(text, (), (f"{CONFIG}: bring it forward by hand", *unresolved))
    return ForwardedConfig(result, tuple(changes), tuple(unresolved))


def repo_edits(
    item: MappingNode,
    pinned: dict[str, str],
    frozen: set[str],
    edits: list[Edit],
    changes: list[str],
    unresolved: list[str],
) -> None:
    """The repository's new home and revision, or why it needs a person."""
    url = scalar(item, "repo")
    if url in LOCAL_REPOS or not url:
        return
    home = new_home(url)
    if home is not None:
        edits.append(replacement(value_of(item, "repo"), home))
        changes.append(f"{url} moved: now {home}")
    elif url_key(url) in {url_key(dead) for dead in DEAD_REPOSITORIES}:
        gone = {url_key(dead): what for dead, what in DEAD_REPOSITORIES.items()}[url_key(url)]
        unresolved.append(f"{CONFIG}: the hook repository {url} is gone; use {gone}")
        return
    where = home or url
    rev_node = value_of(item, "rev")
    rev = rev_node.value if isinstance(rev_node, ScalarNode) else ""
    shared = same_tags_as(where)
    wanted = pinned.get(url_key(where)) or (shared and pinned.get(url_key(shared)))
    why_new = "the version the template pins"
    broken = cannot_install(where, rev)
    if wanted is None and (home is not None or not is_release_tag(rev, frozen) or broken):
        wanted = known_good_rev(where)
        why_new = "a release known to work" + (f"; {rev} no longer installs" if broken else "")
        if wanted is None:
            unresolved.append(
                f"{CONFIG}: {where} at {rev or 'no rev'} is not a release tag adopt knows; "
                f"run pre-commit autoupdate --repo {where}"
            )
            return
    if wanted is not None and wanted != rev and isinstance(rev_node, ScalarNode):
        edits.append(replacement(rev_node, wanted))
        changes.append(f"{where}: rev {rev} -> {wanted} ({why_new})")


def hook_edits(
    repo: MappingNode,
    hook: Node,
    line_length: int,
    oldest: tuple[int, ...],
    edits: list[Edit],
    changes: list[str],
) -> None:
    """A renamed hook's new id, a Python the hook cannot run on, flake8's line length."""
    if not isinstance(hook, MappingNode):
        return
    hook_id = scalar(hook, "id")
    in_pre_commit_hooks = url_key(scalar(repo, "repo")) == url_key(PRE_COMMIT_HOOKS)
    if in_pre_commit_hooks and hook_id in RENAMED_HOOKS:
        edits.append(replacement(value_of(hook, "id"), RENAMED_HOOKS[hook_id]))
        changes.append(f"{hook_id} is {RENAMED_HOOKS[hook_id]} in pre-commit-hooks now")
    language = value_of(hook, "language_version")
    if isinstance(language, ScalarNode) and too_old(language.value, oldest):
        edits.append(replacement(language, "python3"))
        changes.append(f"{hook_id}: language_version {language.value} -> python3 ({why(oldest)})")
    for argument in sequence_items(value_of(hook, "args")) if hook_id == "flake8" else []:
        match = MAX_LINE_LENGTH.match(argument.value) if isinstance(argument, ScalarNode) else None
        if match and int(match[2]) != line_length:
            edits.append(replacement(argument, f"{match[1]}{line_length}"))
            changes.append(
                f"flake8: {argument.value} -> {match[1]}{line_length} (black's line length)"
            )


# Formatters whose style is not black's, seen in authors' configurations (OpenMMLab's yapf).
RIVAL_FORMATTERS = ("yapf", "autopep8")


def rival_formatters(text: str) -> list[str]:
    """Hooks that reformat what black wrote (adopt formats the code with black): for a person,
    since the first ``pre-commit run`` would rewrite every file."""
    document = yaml.safe_load(text) or {}
    return [
        f"{CONFIG}: the {hook['id']} hook formats otherwise than black, which adopt formatted "
        f"the code with: keep one formatter (remove {hook['id']}, or run it over the code and "
        "drop [tool.black])"
        for repo in document.get("repos", [])
        for hook in repo.get("hooks", [])
        if hook.get("id") in RIVAL_FORMATTERS
    ]


def removed_hooks(text: str) -> list[str]:
    """Hooks of pre-commit-hooks it no longer has and that have no new id: for a person."""
    document = yaml.safe_load(text) or {}
    return [
        f"{CONFIG}: pre-commit-hooks no longer has {hook['id']}; use {REMOVED_HOOKS[hook['id']]}"
        for repo in document.get("repos", [])
        if url_key(str(repo.get("repo", ""))) == url_key(PRE_COMMIT_HOOKS)
        for hook in repo.get("hooks", [])
        if hook.get("id") in REMOVED_HOOKS and hook.get("id") not in RENAMED_HOOKS
    ]


def too_old(language_version: str, oldest: tuple[int, ...]) -> bool:
    match = OLD_PYTHON.match(language_version)
    return match is not None and (int(match[1]), int(match[2])) < oldest


def why(oldest: tuple[int, ...]) -> str:
    return f"older than the project's Python {'.'.join(map(str, oldest))}, no longer installable"


def template_revs(template_text: str) -> dict[str, str]:
    """The revision the template pins for each of its hook repositories, by ``url_key``, as
    written (composed, not loaded: a plain ``26.10`` is a tag here, not a number)."""
    repos = value_of(composed(template_text), "repos")
    return {
        url_key(scalar(item, "repo")): scalar(item, "rev")
        for item in sequence_items(repos)
        if scalar(item, "rev")
    }


def guard_ids(template_text: str) -> str:
    document = yaml.safe_load(template_text) or {}
    ours = [r for r in document.get("repos", []) if url_key(r["repo"]) == url_key(REPOSITORY_URL)]
    return ", ".join(hook["id"] for repo in ours for hook in repo["hooks"])


def guard_block(text: str, repos: SequenceNode, template_text: str) -> Edit | None:
    """The template's ml-publish repository (and its comment), in the author's indentation,
    inserted after the last repository."""
    lines = template_text.splitlines()
    start = next((i for i, line in enumerate(lines) if REPOSITORY_URL in line), None)
    if start is None or not repos.value or repos.flow_style:
        return None  # a flow-style list ([...]) takes no block: the check says what to add
    while start > 0 and lines[start - 1].strip().startswith("#"):
        start -= 1
    end = start + 1
    while end < len(lines) and lines[end].strip():
        end += 1
    template_dash = min(len(line) - len(line.lstrip()) for line in lines[start:end])
    first_line = text.splitlines()[repos.value[0].start_mark.line]
    shift = " " * max(first_line.find("-"), 0)
    block = "".join(
        f"{shift}{line[template_dash:]}\n" if line.strip() else "\n" for line in lines[start:end]
    )
    insert_at = line_end(text, last_leaf_end(repos))
    return insert_at, insert_at, "\n" + block


def last_leaf_end(node: Node) -> int:
    """Where the last value written inside ``node`` ends (block collections end later, at the
    next token, past any comments)."""
    if isinstance(node, MappingNode) and node.value and not node.flow_style:
        return last_leaf_end(node.value[-1][1])
    if isinstance(node, SequenceNode) and node.value and not node.flow_style:
        return last_leaf_end(node.value[-1])
    return int(node.end_mark.index)


def line_end(text: str, index: int) -> int:
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def composed(text: str) -> Node | None:
    """The node tree of ``text``, composed by the safe loader (nothing is constructed)."""
    loader = yaml.SafeLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def value_of(node: Node | None, key: str) -> Node | None:
    if not isinstance(node, MappingNode):
        return None
    return next((v for k, v in node.value if isinstance(k, ScalarNode) and k.value == key), None)


def scalar(node: Node | None, key: str) -> str:
    value = value_of(node, key)
    return str(value.value) if isinstance(value, ScalarNode) else ""


def sequence_items(node: Node | None) -> list[Node]:
    return list(node.value) if isinstance(node, SequenceNode) else []


def replacement(node: Node | None, new: str) -> Edit:
    """Replace a scalar's text, keeping its quotes (and quoting a plain one YAML would read as
    something other than a string)."""
    assert isinstance(node, ScalarNode)
    style = node.style or ""
    if not style and not isinstance(yaml.safe_load(new), str):
        style = "'"
    return int(node.start_mark.index), int(node.end_mark.index), f"{style}{new}{style}"


def applied(text: str, edits: list[Edit]) -> str:
    """``text`` with the edits made, last first so the earlier positions hold."""
    for start, end, new in sorted(edits, key=lambda edit: edit[0], reverse=True):
        text = text[:start] + new + text[end:]
    return text
