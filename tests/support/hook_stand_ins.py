"""Local stand-ins for the hook repositories a generated project's pre-commit configuration names.

The tests run a generated project's own ``.pre-commit-config.yaml`` as its users will, but there
is no network here except the package index, so pre-commit cannot clone the hook repositories.
Each stand-in is a local git repository tagged exactly as the configuration's ``rev``. It carries
that repository's real hook definitions, kept in
``tests/data/hook_repositories/<owner>__<repo>/.pre-commit-hooks.yaml`` with where they came from,
and, as the ``*-pre-commit-mirror`` repositories do, a ``pyproject.toml`` whose one dependency is
the hooks' tool at that version from the index. ml-publish's own hooks stand in as a snapshot of
this checkout. Only the ``repo:`` URLs of the configuration change, to ``file://`` URLs.

A repository this module does not know, a revision its definitions were not taken for, or a hook
they lack stops the build with the fix to make: a hook the tests cannot run fails them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ml_publish import REPOSITORY_URL, __version__
from tests.support.hook_repository import CHECKOUT, snapshot_checkout
from tests.support.processes import run

DEFINITIONS = Path(__file__).resolve().parents[1] / "data" / "hook_repositories"
HOOKS_FILE = ".pre-commit-hooks.yaml"
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
REPO_LINE = re.compile(r"^(\s*-?\s*repo:\s*)(\S+)", re.MULTILINE)
# pre-commit's own pseudo-repositories: nothing to clone, nothing to stand in for.
LOCAL = {"local", "meta"}
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "ml-publish tests",
    "GIT_AUTHOR_EMAIL": "tests@ml-publish.invalid",
    "GIT_COMMITTER_NAME": "ml-publish tests",
    "GIT_COMMITTER_EMAIL": "tests@ml-publish.invalid",
}


class UnknownHookRepository(LookupError):
    """A hook repository, revision or hook the stand-ins have no real definitions for."""


@dataclass(frozen=True)
class HookRepository:
    """A hook repository the tests can stand in for."""

    url: str
    rev: str  # the revision whose hook definitions tests/data/hook_repositories holds
    package: str | None  # the PyPI project its hooks run, at the rev's version; None for pygrep

    @property
    def definitions(self) -> Path:
        owner, name = self.url.removeprefix("https://github.com/").split("/")
        return DEFINITIONS / f"{owner}__{name}" / HOOKS_FILE

    def requirement(self, rev: str) -> str | None:
        """The hooks' tool pinned at the version the repository's ``rev`` installs."""
        return self.package and f"{self.package}=={rev.removeprefix('v')}"


HOOK_REPOSITORIES = {
    repository.url: repository
    for repository in (
        HookRepository(
            "https://github.com/pre-commit/pre-commit-hooks", "v6.0.0", "pre-commit-hooks"
        ),
        HookRepository("https://github.com/psf/black-pre-commit-mirror", "26.10.1", "black"),
        HookRepository("https://github.com/psf/black", "26.10.1", "black"),
        HookRepository("https://github.com/adamchainz/blacken-docs", "1.20.0", "blacken-docs"),
        HookRepository("https://github.com/PyCQA/flake8", "7.5.0", "flake8"),
        HookRepository("https://github.com/pre-commit/mirrors-mypy", "v2.4.1", "mypy"),
        HookRepository("https://github.com/pre-commit/pygrep-hooks", "v1.10.0", None),
        HookRepository("https://github.com/codespell-project/codespell", "v2.4.3", "codespell"),
        HookRepository("https://github.com/hukkin/mdformat", "1.0.0", "mdformat"),
        HookRepository("https://github.com/zizmorcore/zizmor-pre-commit", "v1.32.0", "zizmor"),
        HookRepository("https://github.com/PyCQA/isort", "6.0.1", "isort"),
    )
}


def known_hook_repository(url: str) -> HookRepository:
    """The hook repository at ``url``, or an error saying how to teach the tests about it."""
    # GitHub's URLs ignore case: isort's own README names https://github.com/pycqa/isort.
    by_key = {known.casefold(): repository for known, repository in HOOK_REPOSITORIES.items()}
    try:
        return by_key[url.rstrip("/").removesuffix(".git").casefold()]
    except KeyError:
        raise UnknownHookRepository(
            f"no stand-in for the hook repository {url}: add it to HOOK_REPOSITORIES in "
            f"{Path(__file__).name}, with its real {HOOKS_FILE} under {DEFINITIONS}/"
        ) from None


class HookStandIns:
    """The stand-in repositories of one test session, each built under ``root`` on first use."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._built: dict[tuple[str, str], Path] = {}

    def config_for(self, project: Path, destination: Path) -> Path:
        """Copy ``project``'s pre-commit configuration to ``destination``, hooks from stand-ins."""
        text = (project / ".pre-commit-config.yaml").read_text(encoding="utf-8")
        config: dict[str, Any] = yaml.safe_load(text)
        local = {
            repo["repo"]: repo["repo"] if repo["repo"] in LOCAL else self.repository(repo).as_uri()
            for repo in config["repos"]
        }
        rewritten = REPO_LINE.sub(lambda line: line[1] + local[line[2]], text)
        for repo in config["repos"]:
            repo["repo"] = local[repo["repo"]]
        assert yaml.safe_load(rewritten) == config, "only the repo: URLs may change"
        destination.write_text(rewritten, encoding="utf-8")
        return destination

    def repository(self, repo: dict[str, Any]) -> Path:
        """The stand-in for one ``repos:`` entry, checked to define every hook it uses."""
        url, rev = repo["repo"], repo["rev"]
        if (url, rev) not in self._built:
            owner, name = url.rstrip("/").split("/")[-2:]
            destination = self.root / f"{owner}__{name}-{rev}"
            self._built[url, rev] = build_stand_in(url, rev, destination)
        path = self._built[url, rev]
        definitions = yaml.safe_load((path / HOOKS_FILE).read_text(encoding="utf-8"))
        missing = {hook["id"] for hook in repo["hooks"]} - {hook["id"] for hook in definitions}
        if missing:
            source = (
                CHECKOUT / HOOKS_FILE
                if url == REPOSITORY_URL
                else known_hook_repository(url).definitions
            )
            raise UnknownHookRepository(
                f"{url} at {rev} has no hook {', '.join(sorted(missing))} in the stand-in's "
                f"definitions: copy the real one into {source}"
            )
        return path


def build_stand_in(url: str, rev: str, destination: Path) -> Path:
    """A git repository standing in for the hook repository ``url``, tagged ``rev``."""
    destination.mkdir(parents=True)
    if url == REPOSITORY_URL:
        if rev != f"v{__version__}":
            raise UnknownHookRepository(
                f"{url} is pinned at {rev}; this checkout is v{__version__}"
            )
        snapshot_checkout(destination)
    else:
        hooks = known_hook_repository(url)
        if rev != hooks.rev:
            raise UnknownHookRepository(
                f"the stand-in's hook definitions for {url} are for {hooks.rev}, the configuration "
                f"pins {rev}: replace {hooks.definitions} with the real {HOOKS_FILE} at {rev} and "
                f"update its rev in HOOK_REPOSITORIES"
            )
        (destination / HOOKS_FILE).write_bytes(hooks.definitions.read_bytes())
        (destination / "pyproject.toml").write_text(mirror_pyproject(hooks), encoding="utf-8")
        git(destination, "init", "--quiet")
        git(destination, "add", "--all")
        git(destination, "commit", "--quiet", "-m", f"stand-in for {url}")
    git(destination, "tag", rev)
    return destination


def mirror_pyproject(hooks: HookRepository) -> str:
    """A package with no code whose only dependency is the hooks' tool, like pre-commit mirrors."""
    requirement = hooks.requirement(hooks.rev)
    dependencies = f'"{requirement}"' if requirement else ""
    return (
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "pre-commit-stand-in"\nversion = "0.0.0"\n'
        f"dependencies = [{dependencies}]\n\n[tool.setuptools]\npy-modules = []\n"
    )


def git(repository: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", *arguments], cwd=repository, env={**os.environ, **GIT_IDENTITY}, check=True
    )


@dataclass(frozen=True)
class PreCommitSession:
    """The real pre-commit with stand-in hook repositories and one cache for a test session."""

    stand_ins: HookStandIns
    home: Path  # PRE_COMMIT_HOME: each hook environment is installed once per session
    pip_constraint: Path  # what pre-commit's pip may install, e.g. the CPU build of torch

    def run_all_files(
        self, project: Path, config: Path, *, mypy_cache: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        """``pre-commit run --all-files`` in ``project`` with ``config``; fails if any hook does.

        ``mypy_cache``, shared between projects, spares the mypy hook analysing torch again.
        """
        cache = {"MYPY_CACHE_DIR": str(mypy_cache)} if mypy_cache else {}
        return run(
            [PRE_COMMIT, "run", "--all-files", "--show-diff-on-failure", "--config", config],
            cwd=project,
            env={
                "PRE_COMMIT_HOME": str(self.home),
                "PIP_CONSTRAINT": str(self.pip_constraint),
                "PRE_COMMIT_COLOR": "never",
                **cache,
            },
            timeout=1800,
        )
