"""What a release was asked to do (``release`` and ``demo``'s settings), and the version it
releases.

Each settings class declares its command's options once, in the pattern of twine's
``Settings``: ``register_arguments`` gives a parser the options, ``from_arguments`` reads the
parsed namespace back into the typed value the engine takes.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.version import InvalidVersion, Version

from ml_publish.errors import UsageError

if TYPE_CHECKING:
    from typing import Self

BUMPS = ("patch", "minor", "major")
# Where the release is published: all here, or by the project's release workflow on the tag.
PUBLISH_MODES = ("local", "workflow")
# How long a local run waits, by default, for the Release workflow to publish.
WAIT_MINUTES = 30.0
# A day: beyond that a wait is surely a mistake (and GitHub cancels runs after 72 hours).
LONGEST_WAIT_MINUTES = 24 * 60.0


@dataclass(frozen=True)
class ReleaseSettings:
    """The command line of ``ml-publish release``, as plain data."""

    project: Path = Path(".")

    bump: str | None = None
    version: str | None = None
    dry_run: bool = False
    github: bool = True
    pypi: bool = True
    # Put the weights on the Hugging Face Hub too, when the project names a repository there.
    huggingface: bool = True
    repository_url: str | None = None
    index_url: str | None = None
    api_url: str | None = None
    repository: str | None = None
    allow_branch: bool = False
    dist_dir: str | None = None
    publish: str | None = None
    progress: bool = True
    # How long to wait for the Release workflow (publish = "workflow"): None for WAIT_MINUTES.
    wait_minutes: float | None = None
    # Push the tag and stop; the next run finishes once the workflow has published.
    no_wait: bool = False
    doi: str | None = None  # --doi: the DOI CITATION.cff and the README badge name from now on
    # Instead of releasing: undo a release under way, or rehearse one offline.
    abandon: bool = False
    sandbox: bool = False

    def __post_init__(self) -> None:
        if self.bump is not None and self.version is not None:
            raise UsageError("give --bump or --version, not both")
        if self.bump is not None and self.bump not in BUMPS:
            raise UsageError(f"--bump takes {', '.join(BUMPS)}, not {self.bump!r}")
        if self.publish is not None:
            check_publish_mode(self.publish)
        minutes = self.wait_minutes
        if minutes is not None and self.no_wait:
            raise UsageError("give --wait or --no-wait, not both")
        if minutes is not None and not 0 <= minutes <= LONGEST_WAIT_MINUTES:
            raise UsageError(
                f"--wait takes minutes from 0 to {LONGEST_WAIT_MINUTES:.0f}, not {minutes:g}; "
                "--no-wait pushes the tag and stops"
            )

    @property
    def asks_for_version(self) -> bool:
        return self.bump is not None or self.version is not None

    @property
    def chose_waiting(self) -> bool:
        """Whether --wait or --no-wait was given."""
        return self.no_wait or self.wait_minutes is not None

    @property
    def wait_seconds(self) -> float | None:
        """How long to wait for the Release workflow; None: not at all (``--no-wait``)."""
        if self.no_wait:
            return None
        return 60 * (WAIT_MINUTES if self.wait_minutes is None else self.wait_minutes)

    @staticmethod
    def register_arguments(parser: argparse.ArgumentParser) -> None:
        """Give ``parser`` the options of ``ml-publish release``."""
        parser.add_argument(
            "-C", "--project", default=".", help="the project to release (default: here)"
        )
        parser.add_argument("--bump", choices=BUMPS, help="raise this part of the version")
        parser.add_argument("--version", help="release this exact version (PEP 440)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="print every step and what it would do; write nothing",
        )
        parser.add_argument("--no-github", action="store_true", help="make no GitHub release")
        parser.add_argument("--no-pypi", action="store_true", help="upload nothing to the index")
        parser.add_argument(
            "--no-hf",
            action="store_true",
            help="put nothing on the Hugging Face Hub, even if [tool.ml-publish.release] names "
            "a repository there",
        )
        parser.add_argument(
            "--repository-url", help="the index to upload to (twine's; default: PyPI)"
        )
        parser.add_argument(
            "--index-url", help="the index's simple API (default: derived from --repository-url)"
        )
        parser.add_argument(
            "--api-url", help="the GitHub API (default: GITHUB_API_URL or GitHub's)"
        )
        parser.add_argument("--repo", help="the GitHub repository, OWNER/NAME (default: origin's)")
        parser.add_argument(
            "--allow-branch",
            action="store_true",
            help="release from a branch other than the default",
        )
        parser.add_argument(
            "--dist-dir",
            help="release these built dists instead of building (the Release workflow)",
        )
        parser.add_argument(
            "--abandon",
            action="store_true",
            help="undo a release under way that was not pushed yet (draft, tag, commit, state)",
        )
        parser.add_argument(
            "--sandbox",
            action="store_true",
            help="rehearse the whole release offline: a local GitHub and pypiserver, then "
            "install it",
        )
        waiting = parser.add_mutually_exclusive_group()
        waiting.add_argument(
            "--wait",
            type=float,
            metavar="MINUTES",
            help='how long to wait for the Release workflow (publish = "workflow"; default: 30)',
        )
        waiting.add_argument(
            "--no-wait",
            action="store_true",
            help="push the tag and stop; the next ml-publish release finishes once it is published",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bars or step times")
        parser.add_argument(
            "--doi", help="the DOI to cite from now on (Zenodo's): into CITATION.cff and the README"
        )

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> Self:
        """The settings ``register_arguments``' options were parsed into."""
        return cls(
            project=Path(args.project),
            bump=args.bump,
            version=args.version,
            dry_run=args.dry_run,
            github=not args.no_github,
            pypi=not args.no_pypi,
            huggingface=not args.no_hf,
            repository_url=args.repository_url,
            index_url=args.index_url,
            api_url=args.api_url,
            repository=args.repo,
            allow_branch=args.allow_branch,
            dist_dir=args.dist_dir,
            progress=not args.quiet,
            wait_minutes=args.wait,
            no_wait=args.no_wait,
            doi=args.doi,
            abandon=args.abandon,
            sandbox=args.sandbox,
        )


@dataclass(frozen=True)
class DemoSettings:
    """The command line of ``ml-publish demo``: where the demo project goes."""

    output_dir: Path = Path(".")

    @staticmethod
    def register_arguments(parser: argparse.ArgumentParser) -> None:
        """Give ``parser`` the options of ``ml-publish demo``."""
        parser.add_argument(
            "-o",
            "--output-dir",
            default=".",
            help="where to create the demo project (default: the current directory)",
        )

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> Self:
        """The settings ``register_arguments``' options were parsed into."""
        return cls(output_dir=Path(args.output_dir))


def check_publish_mode(publish: str) -> str:
    if publish not in PUBLISH_MODES:
        raise UsageError(f"publish must be {' or '.join(PUBLISH_MODES)}, not {publish!r}")
    return publish


def parse_version(text: str, what: str = "version") -> Version:
    try:
        version = Version(text)
    except InvalidVersion:
        raise UsageError(
            f"{text!r} is not a valid {what} (PEP 440); write it like 1.2.0 or 1.2.0rc1"
        ) from None
    if version.local is not None:
        raise UsageError(
            f"{text!r} has a local part (+{version.local}), which PyPI refuses; drop it"
        )
    return version


def next_version(current: str, *, bump: str | None, version: str | None) -> str:
    """The version to release: ``version`` as given, or ``current`` bumped; always higher."""
    now = parse_version(current, "current version")
    if version is not None:
        wanted = parse_version(version.removeprefix("v"))
        if wanted <= now:
            raise UsageError(
                f"version {wanted} is not greater than the current {now}; choose a higher one"
            )
        return str(wanted)
    if bump == "patch" and now.is_prerelease and Version(now.base_version) > now:
        return now.base_version  # 1.2.0rc1 -> 1.2.0, the release it was a candidate for
    major, minor, patch = (list(now.release) + [0, 0])[:3]
    if bump == "major":
        parts = (major + 1, 0, 0)
    elif bump == "minor":
        parts = (major, minor + 1, 0)
    else:
        parts = (major, minor, patch + 1)
    # The epoch stays: without it 1!2.0 would "rise" to 2.0.1, which sorts below it.
    epoch = f"{now.epoch}!" if now.epoch else ""
    return epoch + ".".join(map(str, parts))
