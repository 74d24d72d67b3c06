"""PC: a pre-commit configuration that still installs, pinned to releases, guarding weights."""

from __future__ import annotations

import re

from ml_publish.checks.base import Skip, check
from ml_publish.checks.facts import NOT_FOUND, PRECOMMIT_CONFIG, RepositoryFacts, UnreadableFile
from ml_publish.checks.packaging import metadata_requirements
from ml_publish.hook_repositories import (
    DEAD_REPOSITORIES,
    FROZEN_COMMENT,
    PRE_COMMIT_HOOKS,
    REMOVED_HOOKS,
    is_release_tag,
    url_key,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

ML_PUBLISH_HOOKS = ("no-weights-in-git",)
LARGE_FILE_HOOKS = ("check-added-large-files",)
# Tools whose hook revision should equal the version pinned for local runs.
PINNED_TOOL_REPOS = {
    "black": ("https://github.com/psf/black-pre-commit-mirror", "https://github.com/psf/black"),
    "flake8": ("https://github.com/PyCQA/flake8", "https://github.com/pycqa/flake8"),
    "mypy": ("https://github.com/pre-commit/mirrors-mypy",),
    "ruff": (
        "https://github.com/astral-sh/ruff-pre-commit",
        "https://github.com/charliermarsh/ruff-pre-commit",
    ),
}
EXACT_PIN = re.compile(r"^\s*([A-Za-z0-9._-]+)\s*(?:\[[^\]]*\])?\s*==\s*([0-9][0-9A-Za-z.]*)\s*$")


def remote_repos(facts: RepositoryFacts) -> list[dict[str, Any]]:
    """The configured repositories other than ``local`` and ``meta``."""
    return [r for r in facts.yaml(PRECOMMIT_CONFIG)["repos"] if r["repo"] not in {"local", "meta"}]


@check("PC101")
def config_present(facts: RepositoryFacts) -> str | None:
    """.pre-commit-config.yaml exists."""
    if facts.text(PRECOMMIT_CONFIG) is None:
        return (
            "add a .pre-commit-config.yaml (ml-publish new writes one) and run pre-commit install"
        )
    return None


@check("PC102", requires=("PC101",))
def config_parses(facts: RepositoryFacts) -> str | None:
    """.pre-commit-config.yaml parses, with a repos list of repo and hooks entries."""
    try:
        config = facts.yaml(PRECOMMIT_CONFIG)
    except UnreadableFile as error:
        return f"{error}; run pre-commit validate-config to see where"
    if (
        config is NOT_FOUND
        or not isinstance(config, dict)
        or not isinstance(config.get("repos"), list)
    ):
        return f"{PRECOMMIT_CONFIG} has no repos list; run pre-commit validate-config"
    broken = [
        str(index + 1)
        for index, repo in enumerate(config["repos"])
        if not isinstance(repo, dict)
        or "repo" not in repo
        or not isinstance(repo.get("hooks"), list)
    ]
    if broken:
        return (
            f"repos entries {', '.join(broken)} lack repo or hooks; run pre-commit validate-config"
        )
    return None


@check("PC103", requires=("PC102",))
def no_dead_repositories(facts: RepositoryFacts) -> str | None:
    """No hook repository is at a location that is gone or archived."""
    dead = {url_key(url): home for url, home in DEAD_REPOSITORIES.items()}
    found = [
        f"{repo['repo']} (use {dead[url_key(repo['repo'])]})"
        for repo in remote_repos(facts)
        if url_key(repo["repo"]) in dead
    ]
    if found:
        return f"these hook repositories are gone or archived: {'; '.join(found)}"
    return None


@check("PC104", requires=("PC102",))
def no_removed_hooks(facts: RepositoryFacts) -> str | None:
    """No hook is one that its repository has removed."""
    found = [
        f"{hook['id']} (use {REMOVED_HOOKS[hook['id']]})"
        for repo in remote_repos(facts)
        if url_key(repo["repo"]) == url_key(PRE_COMMIT_HOOKS)
        for hook in repo["hooks"]
        if isinstance(hook, dict) and hook.get("id") in REMOVED_HOOKS
    ]
    if found:
        return f"pre-commit-hooks no longer has these hooks: {'; '.join(found)}"
    return None


@check("PC105", requires=("PC102",))
def revs_are_tags(facts: RepositoryFacts) -> str | None:
    """Hook revisions are release tags, not branches or bare commit hashes."""
    frozen = set(FROZEN_COMMENT.findall(facts.text(PRECOMMIT_CONFIG) or ""))
    bad = [
        f"{repo['repo']} at {repo.get('rev') or 'no rev'}"
        for repo in remote_repos(facts)
        if not is_release_tag(str(repo.get("rev", "")), frozen)
    ]
    if bad:
        return (
            f"pin hooks to release tags: {'; '.join(bad)}; run pre-commit autoupdate "
            "(or autoupdate --freeze, which keeps the tag in a '# frozen:' comment)"
        )
    return None


@check("PC106", requires=("PC102", "PKG101"))
def hook_versions_match_pins(facts: RepositoryFacts) -> str | None:
    """black, flake8, ruff and mypy hooks run the versions pinned in pyproject.toml."""
    pins = {}
    groups = facts.pyproject().get("dependency-groups", {})
    requirements = metadata_requirements(facts) + [
        r for group in groups.values() for r in group if isinstance(r, str)
    ]
    for requirement in requirements:
        match = EXACT_PIN.match(requirement)
        if match and match[1].lower() in PINNED_TOOL_REPOS:
            pins[match[1].lower()] = match[2]
    if not pins:
        raise Skip("black, flake8, ruff and mypy are not pinned in pyproject.toml")
    revs = {url_key(repo["repo"]): str(repo.get("rev", "")) for repo in remote_repos(facts)}
    disagree = []
    for tool, version in sorted(pins.items()):
        for url in PINNED_TOOL_REPOS[tool]:
            rev = revs.get(url_key(url))
            if rev is not None and rev.removeprefix("v") != version:
                disagree.append(f"{tool} hook at {rev}, pinned {version}")
    if disagree:
        return f"pre-commit and local runs use different versions: {'; '.join(disagree)}"
    return None


@check("PC107", requires=("PC102",))
def weights_guard_hook(facts: RepositoryFacts) -> str | None:
    """A hook keeps weight files out of git (no-weights-in-git or check-added-large-files)."""
    hook_ids = {
        hook.get("id")
        for repo in facts.yaml(PRECOMMIT_CONFIG)["repos"]
        for hook in repo["hooks"]
        if isinstance(hook, dict)
    }
    if not hook_ids & {*ML_PUBLISH_HOOKS, *LARGE_FILE_HOOKS}:
        return (
            "add ml-publish's no-weights-in-git hook (or check-added-large-files) so weights "
            "are never committed"
        )
    return None
