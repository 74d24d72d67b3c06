"""The ``ml-publish`` command line: argument parsing only; each command runs one core in commands/.

The top level (``--help``, ``--version``, choosing the command) is parsed by hand from the
``COMMANDS`` table so that it imports nothing, not even argparse: ``ml-publish --help`` and the
pre-commit hooks start about as fast as Python itself. Each command's own options are parsed
with argparse, imported only once that command is chosen.
"""

from __future__ import annotations

import sys

from ml_publish import __version__
from ml_publish.errors import MLPublishError, ReportedError

# typing and dataclasses alone would double the start-up time; annotations need neither at run time.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence

PROG = "ml-publish"
USAGE = f"usage: {PROG} [--version] [--help] [--verbose] COMMAND [ARGS ...]"


class Command:
    """A subcommand: its one-line summary, its options, and the function that runs it."""

    def __init__(
        self,
        summary: str,
        add_arguments: Callable[[argparse.ArgumentParser], None],
        run: Callable[[argparse.Namespace], int],
    ) -> None:
        self.summary = summary
        self.add_arguments = add_arguments
        self.run = run


def add_new_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o",
        "--output-dir",
        default=".",
        help="where to create the project directory (default: the current directory)",
    )
    parser.add_argument(
        "--no-input", action="store_true", help="take the defaults instead of asking"
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="render into an existing, non-empty directory"
    )
    parser.add_argument(
        "assignments",
        nargs="*",
        metavar="KEY=VALUE",
        help="answers to template questions, e.g. project_name='Cell Counter' license=MIT",
    )


def run_new(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ml_publish.commands.new import new, next_steps

    project_dir = new(
        args.assignments,
        output_dir=Path(args.output_dir),
        no_input=args.no_input,
        overwrite=args.overwrite,
    )
    print(next_steps(project_dir))
    return 0


def add_weights_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-C",
        "--project",
        default=".",
        help="run as if started in this project directory (default: here)",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add", help="hash, name, stage and register a weight file (never added to git)"
    )
    add.add_argument("file", help="the weight file: a state dict, checkpoint, ONNX model, ...")
    add.add_argument("--name", required=True, help="the name users pass to get_model()")
    add.add_argument("--arch", default="", help="the registered architecture it loads into")
    add.add_argument(
        "--meta",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a fact to record (dataset, metrics, input size, mean, std, categories, ...)",
    )
    add.add_argument("--meta-file", help="a JSON or TOML file of such facts")
    add.add_argument(
        "--strip-prefix",
        help="keep only state-dict keys under this prefix, without it (e.g. 'model.')",
    )
    add.add_argument("--repo", help="OWNER/NAME on GitHub (default: from git or pyproject)")
    add.add_argument("--tag", help="the release tag (default: v<package version>)")
    actions.add_parser("list", help="list the registered weights")
    table = actions.add_parser(
        "table", help="rewrite the README weights table (and hubconf.py) from the registry"
    )
    table.add_argument(
        "--fail-if-changed",
        action="store_true",
        help="exit 1 when a file was rewritten (how the weights-table pre-commit hook runs it)",
    )
    verify = actions.add_parser(
        "verify", help="check the registry and the staged files against their hashes"
    )
    verify.add_argument(
        "--download", action="store_true", help="also download every URL and check its hash"
    )
    upload = actions.add_parser(
        "upload",
        help="upload the pending weights to the GitHub release for the tag (a draft by default)",
    )
    upload.add_argument("--repo", help="OWNER/NAME on GitHub (default: from git or pyproject)")
    upload.add_argument("--tag", help="the release tag (default: v<package version>)")
    upload.add_argument(
        "--api-url", help="the GitHub API (default: $GITHUB_API_URL or https://api.github.com)"
    )
    upload.add_argument(
        "--publish",
        action="store_true",
        help="publish the release once every file is verified, and mark the weights uploaded",
    )
    upload.add_argument(
        "--allow-published",
        action="store_true",
        help="add assets to a release that is already published",
    )
    upload.add_argument("--quiet", action="store_true", help="no progress bar")


def run_weights(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ml_publish.commands import weights

    project = Path(args.project)
    if args.action == "add":
        meta_file = project / args.meta_file if args.meta_file else None
        entry = weights.add_weights(
            project,
            project / args.file,
            name=args.name,
            arch=args.arch,
            meta=weights.parse_meta(args.meta, meta_file),
            strip_prefix=args.strip_prefix,
            repository=args.repo,
            tag=args.tag,
        )
        print(f"registered {entry.name} as {entry.file_name} ({entry.status}): {entry.url}")
        return 0
    if args.action == "list":
        print(weights.format_listing(weights.list_weights(project)))
        return 0
    if args.action == "table":
        changed = weights.refresh_tables(project)
        for name in changed:
            print(f"rewrote {name} from the weights registry")
        return 1 if changed and args.fail_if_changed else 0
    if args.action == "upload":
        from ml_publish.commands.weights_upload import upload_weights

        names = upload_weights(
            project,
            repository=args.repo,
            tag=args.tag,
            api_url=args.api_url,
            publish=args.publish,
            allow_published=args.allow_published,
            progress=not args.quiet,
        )
        state = "published" if args.publish else "uploaded to the draft release"
        print(f"{state}: {', '.join(names)}" if names else "no pending weights to upload")
        return 0
    return weights.print_problems(weights.verify_weights(project, download=args.download))


def add_adopt_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="the repository (default: here)")
    parser.add_argument(
        "--package", help="import name of the package (default: from the directory)"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the plan and change nothing")
    parser.add_argument(
        "--allow-dirty",
        action="store_true",
        help="run on a tree with uncommitted changes (git cannot undo adopt then)",
    )
    parser.add_argument("--no-format", action="store_true", help="do not run black")
    parser.add_argument("--yes", action="store_true", help="apply the plan without asking")
    parser.add_argument(
        "assignments",
        nargs="*",
        metavar="KEY=VALUE",
        help="template answers, e.g. license=MIT github_owner=me (others are read from the repo)",
    )


def run_adopt(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ml_publish.commands.adopt import (
        ask_license,
        carry_out,
        confirm,
        plan_adoption,
        report,
    )
    from ml_publish.commands.new import parse_assignments

    # `ml-publish adopt license=MIT`: the first KEY=VALUE lands in PATH's place.
    if "=" in args.path and not Path(args.path).exists():
        args.assignments.insert(0, args.path)
        args.path = "."
    root = Path(args.path)
    answers = parse_assignments(args.assignments)
    plan = plan_adoption(root, package=args.package, answers=answers, allow_dirty=args.allow_dirty)
    license_answer = None if args.yes or args.dry_run else ask_license(plan)
    if license_answer:
        answers["license"] = license_answer
        plan = plan_adoption(
            root, package=args.package, answers=answers, allow_dirty=args.allow_dirty
        )
    print(plan.describe())
    if args.dry_run:
        print("\n--dry-run: nothing was changed")
        return 0
    if not args.yes and not confirm("\nApply this plan?"):
        return 2
    adoption = carry_out(
        root, plan, tree_was_clean=not args.allow_dirty, format_code=not args.no_format
    )
    print(report(adoption))
    return 0


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="the repository (default: here)")
    parser.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="text (a table), json (stable, for CI) or markdown (for a pull request comment)",
    )
    parser.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="IDS",
        help="run only these checks or families, comma-separated (e.g. PKG,WGT101)",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="IDS",
        help="skip these checks or families, comma-separated",
    )
    parser.add_argument("--list", action="store_true", help="list the checks and exit")


def comma_separated(values: list[str]) -> list[str]:
    return [word for value in values for word in value.split(",") if word.strip()]


def run_check(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ml_publish.check_report import print_report
    from ml_publish.commands.check import exit_code, list_checks, run_checks

    if args.list:
        print(list_checks())
        return 0
    results = run_checks(
        Path(args.path), select=comma_separated(args.select), ignore=comma_separated(args.ignore)
    )
    print_report(results, args.format, args.path)
    return exit_code(results)


def add_no_weights_arguments(parser: argparse.ArgumentParser) -> None:
    from ml_publish.weight_files import DEFAULT_MAX_KB, WEIGHT_EXTENSIONS

    parser.add_argument(
        "files", nargs="*", help="the files to be committed (pre-commit passes them)"
    )
    parser.add_argument(
        "--max-kb",
        type=int,
        default=DEFAULT_MAX_KB,
        help=f"allow files up to this size in KB (default: {DEFAULT_MAX_KB})",
    )
    parser.add_argument(
        "--extensions",
        default="",
        metavar="EXTS",
        help=f"comma-separated weight extensions (default: {','.join(WEIGHT_EXTENSIONS)})",
    )


def run_no_weights(args: argparse.Namespace) -> int:
    from ml_publish.commands.no_weights_in_git import advice, weight_files

    extensions = tuple(e.strip() for e in args.extensions.split(",") if e.strip())
    found = weight_files(args.files, max_kb=args.max_kb, extensions=extensions)
    for path, kind in found:
        print(advice(path, kind))
    return 1 if found else 0


def add_release_arguments(parser: argparse.ArgumentParser) -> None:
    from ml_publish.release.options import BUMPS

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
    parser.add_argument("--repository-url", help="the index to upload to (twine's; default: PyPI)")
    parser.add_argument(
        "--index-url", help="the index's simple API (default: derived from --repository-url)"
    )
    parser.add_argument("--api-url", help="the GitHub API (default: GITHUB_API_URL or GitHub's)")
    parser.add_argument("--repo", help="the GitHub repository, OWNER/NAME (default: origin's)")
    parser.add_argument(
        "--allow-branch", action="store_true", help="release from a branch other than the default"
    )
    parser.add_argument(
        "--dist-dir", help="release these built dists instead of building (the Release workflow)"
    )
    parser.add_argument(
        "--abandon",
        action="store_true",
        help="undo a release under way that was not pushed yet (draft, tag, commit, state)",
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="rehearse the whole release offline: a local GitHub and pypiserver, then install it",
    )


def run_release(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ml_publish.release.options import ReleaseOptions

    options = ReleaseOptions(
        bump=args.bump,
        version=args.version,
        dry_run=args.dry_run,
        github=not args.no_github,
        pypi=not args.no_pypi,
        repository_url=args.repository_url,
        index_url=args.index_url,
        api_url=args.api_url,
        repository=args.repo,
        allow_branch=args.allow_branch,
        dist_dir=args.dist_dir,
    )
    if args.abandon:
        from ml_publish.commands.release import abandon

        abandon(Path(args.project), options)
        return 0
    if args.sandbox:
        from ml_publish.release.sandbox import rehearse

        rehearse(Path(args.project), options)
        return 0
    from ml_publish.commands.release import release

    release(Path(args.project), options)
    return 0


def add_demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o",
        "--output-dir",
        default=".",
        help="where to create the demo project (default: the current directory)",
    )


def run_demo(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ml_publish.commands.demo import demo, next_steps

    project, _ = demo(Path(args.output_dir))
    print(next_steps(project))
    return 0


COMMANDS = {
    "new": Command(
        "create a new ML package from the bundled template (offline)", add_new_arguments, run_new
    ),
    "adopt": Command(
        "restructure an existing repository into the package, in place, losing nothing",
        add_adopt_arguments,
        run_adopt,
    ),
    "check": Command(
        "audit a repository for what ML packages get wrong (exit 1 when a check fails)",
        add_check_arguments,
        run_check,
    ),
    "no-weights-in-git": Command(
        "refuse weight files about to be committed (the pre-commit hook)",
        add_no_weights_arguments,
        run_no_weights,
    ),
    "release": Command(
        "release a version: bump, build, GitHub release with weights, PyPI (resumable)",
        add_release_arguments,
        run_release,
    ),
    "demo": Command(
        "see it all offline: a new project with weights, its release rehearsed in a sandbox",
        add_demo_arguments,
        run_demo,
    ),
    "weights": Command(
        "register, check and upload weight files: add, list, table, verify, upload",
        add_weights_arguments,
        run_weights,
    ),
}


def top_level_help() -> str:
    width = max(map(len, COMMANDS))
    commands = "\n".join(f"  {name:<{width}}  {c.summary}" for name, c in COMMANDS.items())
    return (
        f"{USAGE}\n\n"
        "Turn a finished ML project into a package people can install, trust and build on.\n\n"
        f"commands:\n{commands}\n\n"
        "options:\n"
        "  -h, --help  show this help and exit\n"
        "  --version   show the version and exit\n"
        "  --verbose   show tracebacks when something goes wrong\n\n"
        f"Run '{PROG} COMMAND --help' for a command's options."
    )


def usage_error(message: str) -> int:
    print(f"{USAGE}\n{PROG}: error: {message}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    verbose = False
    while words and words[0].startswith("-"):
        option = words.pop(0)
        if option in ("-h", "--help"):
            print(top_level_help())
            return 0
        if option == "--version":
            print(f"{PROG} {__version__}")
            return 0
        if option == "--verbose":
            verbose = True
            continue
        return usage_error(f"unrecognized option {option!r}")
    if not words:
        return usage_error(f"a command is required: {', '.join(COMMANDS)}")
    name, *rest = words
    if name not in COMMANDS:
        return usage_error(f"unknown command {name!r}; choose from {', '.join(COMMANDS)}")
    return run_command(name, rest, verbose=verbose)


def run_command(name: str, words: list[str], *, verbose: bool) -> int:
    import argparse

    command = COMMANDS[name]
    parser = argparse.ArgumentParser(prog=f"{PROG} {name}", description=command.summary)
    command.add_arguments(parser)
    args = parser.parse_args(words)
    try:
        return command.run(args)
    except ReportedError:
        if verbose:
            raise
        return 2
    except MLPublishError as error:
        if verbose:
            raise
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return error.exit_code
    except EOFError:
        print(
            f"{PROG}: error: the input ended before every question was answered; "
            "pass --no-input to take the defaults",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
