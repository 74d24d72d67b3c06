"""The command lines of ``ml-publish weights`` and its actions, declared once, read back as
plain data (twine's ``Settings`` pattern: ``register_arguments`` then ``from_arguments``).

``-C/--project`` belongs to ``weights`` itself (``ml-publish weights -C DIR add ...``):
``WeightsSettings`` registers it, and every action's settings read it back.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ml_publish.errors import UsageError

if TYPE_CHECKING:
    from typing import Self


@dataclass(frozen=True)
class WeightsSettings:
    """The project whose weights an action works on (``weights list`` needs nothing else)."""

    project: Path = Path(".")

    @staticmethod
    def register_arguments(parser: argparse.ArgumentParser) -> None:
        """Give the ``weights`` parser the option its actions share."""
        parser.add_argument(
            "-C",
            "--project",
            default=".",
            help="run as if started in this project directory (default: here)",
        )

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> Self:
        """The settings ``register_arguments``' options were parsed into."""
        return cls(project=Path(args.project))


def register_python_argument(parser: argparse.ArgumentParser) -> None:
    """The Python that runs a weight (``add --sample-input``, ``verify --reproduce``)."""
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the Python with torch and the project that runs the weights (default: this one)",
    )


def register_release_arguments(parser: argparse.ArgumentParser) -> None:
    """The release a weight goes to: ``weights add`` and ``weights upload`` both take them."""
    parser.add_argument("--repo", help="OWNER/NAME on GitHub (default: from git or pyproject)")
    parser.add_argument("--tag", help="the release tag (default: v<package version>)")


@dataclass(frozen=True)
class InitSettings(WeightsSettings):
    """``weights init``: the package to hold the registry, and whether to write anything."""

    package: str | None = None
    dry_run: bool = False

    @staticmethod
    def register_arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--package", help="the package to hold the registry, when the wheel ships several"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be written; write nothing"
        )

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> Self:
        return cls(project=Path(args.project), package=args.package, dry_run=args.dry_run)


@dataclass(frozen=True)
class AddSettings(WeightsSettings):
    """``weights add``: the file, its name and facts, and the release it goes to.

    Paths given on the command line are taken relative to the project (``-C``).
    """

    file: Path = Path()
    name: str = ""
    arch: str = ""
    meta: tuple[str, ...] = ()
    meta_file: Path | None = None
    # As typed: the results (JSON or a JSON file) and the class names' file.
    metrics: str | None = None
    categories: str | None = None
    strip_prefix: str | None = None
    file_format: str | None = None
    # As typed (e.g. 1900MiB); None for the default, just under GitHub's limit.
    part_size: str | None = None
    repository: str | None = None
    tag: str | None = None
    # An input to run the weights on, and the Python (with torch and the project) that runs it.
    sample_input: Path | None = None
    python: str = sys.executable

    @staticmethod
    def register_arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "file", help="the weight file: a state dict, checkpoint, ONNX model, ..."
        )
        parser.add_argument("--name", required=True, help="the name users pass to get_model()")
        parser.add_argument("--arch", default="", help="the registered architecture it loads into")
        parser.add_argument(
            "--meta",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="a fact to record (dataset, metrics, input size, mean, std, categories, ...)",
        )
        parser.add_argument("--meta-file", help="a JSON or TOML file of such facts")
        parser.add_argument(
            "--metrics",
            metavar="JSON_OR_FILE",
            help="results: a JSON object of dataset, split and values ({metric: number}), a list "
            "of them, or a JSON file",
        )
        parser.add_argument(
            "--categories",
            metavar="FILE",
            help="the class names, one a line (long lists: a file inside the package)",
        )
        parser.add_argument(
            "--strip-prefix",
            help="keep only state-dict keys under this prefix, without it (e.g. 'model.')",
        )
        parser.add_argument(
            "--format",
            choices=("safetensors",),
            help="convert a PyTorch checkpoint first (safetensors: loads without pickle; needs "
            "torch and safetensors)",
        )
        parser.add_argument(
            "--part-size",
            metavar="SIZE",
            help="split files larger than this into release assets of this size (default: just "
            "under GitHub's 2 GiB limit); e.g. 1900MiB",
        )
        parser.add_argument(
            "--sample-input",
            metavar="FILE",
            help="run the weights on this input (like notebooks/sample_input.json) and record the "
            "output's fingerprint",
        )
        register_python_argument(parser)
        register_release_arguments(parser)

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> Self:
        project = Path(args.project)
        return cls(
            project=project,
            file=project / args.file,
            name=args.name,
            arch=args.arch,
            meta=tuple(args.meta),
            meta_file=project / args.meta_file if args.meta_file else None,
            metrics=args.metrics,
            categories=args.categories,
            strip_prefix=args.strip_prefix,
            file_format=args.format,
            part_size=args.part_size,
            repository=args.repo,
            tag=args.tag,
            sample_input=project / args.sample_input if args.sample_input else None,
            python=args.python,
        )


@dataclass(frozen=True)
class DefaultSettings(WeightsSettings):
    """``weights default``: the architecture, and the weight its ``weights="DEFAULT"`` loads."""

    arch: str = ""
    name: str = ""

    @staticmethod
    def register_arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("arch", help="the architecture")
        parser.add_argument("name", help='the weight get_model(ARCH, weights="DEFAULT") loads')

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> Self:
        return cls(project=Path(args.project), arch=args.arch, name=args.name)


@dataclass(frozen=True)
class TableSettings(WeightsSettings):
    """``weights table``: whether a rewritten file fails the run (as the hook runs it)."""

    fail_if_changed: bool = False

    @staticmethod
    def register_arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--fail-if-changed",
            action="store_true",
            help="exit 1 when a file was rewritten (how the weights-table pre-commit hook runs it)",
        )

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> Self:
        return cls(project=Path(args.project), fail_if_changed=args.fail_if_changed)


@dataclass(frozen=True)
class VerifySettings(WeightsSettings):
    """``weights verify``: what to download, or the loader's cache to hash instead."""

    download: bool = False
    progress: bool = True
    all_sources: bool = False
    # None: check the registry and downloads; "": the loader's own cache; else that directory.
    cache: str | None = None
    # Instead: run each released weight with a fingerprint, with this Python.
    reproduce: bool = False
    python: str = sys.executable

    def __post_init__(self) -> None:
        if self.cache is not None and (self.download or self.all_sources):
            raise UsageError("--cache checks the local cache alone; drop --download/--all-sources")

    @property
    def cache_dir(self) -> Path | None:
        """The cache directory asked for; None for the loader's own (or no cache asked)."""
        return Path(self.cache) if self.cache else None

    @staticmethod
    def register_arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--download", action="store_true", help="also download every URL and check its hash"
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bars")
        parser.add_argument(
            "--all-sources",
            action="store_true",
            help="download every weight from the release and from each of its mirrors too",
        )
        parser.add_argument(
            "--cache",
            nargs="?",
            const="",
            metavar="DIR",
            help="instead, hash the copies the package's loader cached (in DIR, default: the "
            "loader's cache) against the registry",
        )
        parser.add_argument(
            "--reproduce",
            action="store_true",
            help="instead, run each released weight with a fingerprint from the installed package "
            "and its downloaded release asset, and compare the output",
        )
        register_python_argument(parser)

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> Self:
        return cls(
            project=Path(args.project),
            download=args.download,
            progress=not args.quiet,
            all_sources=args.all_sources,
            cache=args.cache,
            reproduce=args.reproduce,
            python=args.python,
        )


@dataclass(frozen=True)
class UploadSettings(WeightsSettings):
    """``weights upload``: the release to upload the pending weights to, and what then."""

    repository: str | None = None
    tag: str | None = None
    api_url: str | None = None
    publish: bool = False
    allow_published: bool = False
    progress: bool = True

    @staticmethod
    def register_arguments(parser: argparse.ArgumentParser) -> None:
        register_release_arguments(parser)
        parser.add_argument(
            "--api-url", help="the GitHub API (default: $GITHUB_API_URL or https://api.github.com)"
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish the release once every file is verified, and mark the weights uploaded",
        )
        parser.add_argument(
            "--allow-published",
            action="store_true",
            help="add assets to a release that is already published",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bars")

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> Self:
        return cls(
            project=Path(args.project),
            repository=args.repo,
            tag=args.tag,
            api_url=args.api_url,
            publish=args.publish,
            allow_published=args.allow_published,
            progress=not args.quiet,
        )


@dataclass(frozen=True)
class MirrorSettings(WeightsSettings):
    """``weights mirror add|remove``: the weight, the URL, and (add) how hard to check it."""

    name: str = ""
    url: str = ""
    verify: bool = False

    @staticmethod
    def register_arguments(parser: argparse.ArgumentParser) -> None:
        """The options of ``weights mirror remove``; ``mirror add`` takes --verify too."""
        parser.add_argument("name", help="the registered weight's name")
        parser.add_argument("url", help="an HTTPS URL serving the whole file")

    @staticmethod
    def register_add_arguments(parser: argparse.ArgumentParser) -> None:
        """The options of ``weights mirror add``."""
        MirrorSettings.register_arguments(parser)
        parser.add_argument(
            "--verify",
            action="store_true",
            help="download the whole file and check its SHA-256, not only its size",
        )

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> Self:
        return cls(
            project=Path(args.project),
            name=args.name,
            url=args.url,
            verify=getattr(args, "verify", False),
        )


@dataclass(frozen=True)
class MirrorPushSettings(WeightsSettings):
    """``weights mirror push hf``: which released weights, and which Hub repository."""

    target: str = "hf"
    names: tuple[str, ...] = ()
    repo_id: str | None = None

    @staticmethod
    def register_arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "target", choices=["hf"], help="where to put them: hf, the Hugging Face Hub"
        )
        parser.add_argument(
            "names",
            nargs="*",
            metavar="NAME",
            help="the weights to push (default: every released one)",
        )
        parser.add_argument(
            "--repo",
            dest="hub_repo",
            metavar="OWNER/NAME",
            help="the Hub repository (default: huggingface in [tool.ml-publish.release])",
        )

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> Self:
        return cls(
            project=Path(args.project),
            target=args.target,
            names=tuple(args.names),
            repo_id=args.hub_repo,
        )
