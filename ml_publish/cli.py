"""The ``ml-publish`` command line: argument parsing only; each command runs a module in commands/.

The top level (``--help``, ``--version``, choosing the command) is parsed by hand from the
``COMMANDS`` table so that it imports nothing, not even argparse: ``ml-publish --help`` and the
pre-commit hooks start about as fast as Python itself. Each command's own options are parsed
with argparse, imported only once that command is chosen, and the command's module (named in
the table as ``module:function``) is imported only then too.

Whatever a command raises ends here in one line on stderr, never a traceback (``--debug``,
anywhere on the line, shows it): ml-publish's own errors with their exit code, a missing
optional extra with the install command (2), Ctrl-C (130; steps already finished stay
recorded, so the same command carries on), anything else with a pointer to ``--debug`` (1). A
reader that closes the pipe early (``| head``) ends the run quietly. Every line printed is
flushed at once, whatever stdout is, so a person watching a pipe sees each step as it starts.
"""

from __future__ import annotations

import os
import sys

from ml_publish import __version__
from ml_publish.errors import MLPublishError, ReportedError

# typing and dataclasses alone would double the start-up time; annotations need neither at run time.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence

PROG = "ml-publish"
USAGE = f"usage: {PROG} [--version] [--help] [--debug] COMMAND [ARGS ...]"
DEBUG = "--debug"
# Optional extras: the module a missing import names, and the extra that installs it.
EXTRAS = {"pypiserver": "sandbox", "passlib": "sandbox"}
# What a Ctrl-C leaves: these commands record each finished step and carry on from there
# (not as a rehearsal or a dry run, which keep nothing).
RESUMABLE = ("release", "weights")


class Command:
    """A subcommand: its one-line summary, its options, and what runs it.

    ``run`` names the function in ``ml_publish.commands`` as ``module:function``; a command
    with ``actions`` (``weights add``, ``weights list``, ...) runs the chosen action's instead.
    """

    def __init__(
        self,
        summary: str,
        add_arguments: Callable[[argparse.ArgumentParser], None],
        run: str = "",
        actions: dict[str, Command] | None = None,
    ) -> None:
        self.summary = summary
        self.add_arguments = add_arguments
        self.run = run
        self.actions = actions or {}

    def parser(self, prog: str) -> argparse.ArgumentParser:
        """The argparse parser for this command, with a sub-parser per action."""
        import argparse

        parser = argparse.ArgumentParser(prog=prog, description=self.summary)
        self.add_to(parser, "action")
        return parser

    def add_to(self, parser: argparse.ArgumentParser, dest: str) -> None:
        """Give ``parser`` this command's options, and a sub-parser per action (nested ones
        too: ``weights mirror add``)."""
        self.add_arguments(parser)
        parser.set_defaults(run=self.run)
        if self.actions:
            subparsers = parser.add_subparsers(dest=dest, metavar="ACTION", required=True)
            for name, action in self.actions.items():
                subparser = subparsers.add_parser(name, help=action.summary)
                action.add_to(subparser, f"{dest}_{name}")


def no_arguments(parser: argparse.ArgumentParser) -> None:
    """For a command or action that takes no options of its own."""


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


def add_project_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-C",
        "--project",
        default=".",
        help="run as if started in this project directory (default: here)",
    )


def add_repository_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", help="OWNER/NAME on GitHub (default: from git or pyproject)")
    parser.add_argument("--tag", help="the release tag (default: v<package version>)")


def add_weights_init_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--package", help="the package to hold the registry, when the wheel ships several"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would be written; write nothing"
    )


def add_weights_add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the weight file: a state dict, checkpoint, ONNX model, ...")
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
    add_python_argument(parser)
    add_repository_arguments(parser)


def add_weights_table_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fail-if-changed",
        action="store_true",
        help="exit 1 when a file was rewritten (how the weights-table pre-commit hook runs it)",
    )


def add_weights_verify_arguments(parser: argparse.ArgumentParser) -> None:
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
    add_python_argument(parser)


def add_python_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the Python with torch and the project that runs the weights (default: this one)",
    )


def add_mirror_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="the registered weight's name")
    parser.add_argument("url", help="an HTTPS URL serving the whole file")


def add_mirror_add_arguments(parser: argparse.ArgumentParser) -> None:
    add_mirror_arguments(parser)
    parser.add_argument(
        "--verify",
        action="store_true",
        help="download the whole file and check its SHA-256, not only its size",
    )


def add_weights_upload_arguments(parser: argparse.ArgumentParser) -> None:
    add_repository_arguments(parser)
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


def add_adopt_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="the repository (default: here)")
    parser.add_argument(
        "--package",
        help="import name of the package (default: the package the repository already is, "
        "else one named after the directory)",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the plan and change nothing")
    parser.add_argument(
        "--allow-dirty",
        action="store_true",
        help="run on a tree with uncommitted changes (git cannot undo adopt then)",
    )
    parser.add_argument("--no-format", action="store_true", help="do not run black")
    parser.add_argument(
        "--modernize",
        action="store_true",
        help="convert Python 2 files to Python 3 first (fissix's fixers, tabs, async=)",
    )
    parser.add_argument("--yes", action="store_true", help="apply the plan without asking")
    parser.add_argument(
        "assignments",
        nargs="*",
        metavar="KEY=VALUE",
        help="template answers, e.g. license=MIT github_owner=me (others are read from the repo)",
    )


def add_update_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="the project (default: here)")
    parser.add_argument(
        "--to",
        metavar="VERSION",
        help="the ml-publish version's template to update to " "(default: this one's)",
    )
    parser.add_argument(
        "--from",
        dest="from_version",
        metavar="VERSION",
        help="the ml-publish version whose template made the project (default: the one "
        "pyproject.toml records; needed when it records none)",
    )
    parser.add_argument(
        "--base-wheel",
        metavar="FILE",
        help="that version's ml-publish wheel, when it cannot be downloaded (offline)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the plan and the diffs; change nothing"
    )
    parser.add_argument(
        "--yes", action="store_true", help="apply without asking; new questions take defaults"
    )
    parser.add_argument(
        "assignments",
        nargs="*",
        metavar="KEY=VALUE",
        help="answers to the template's new questions, e.g. support_channel=Discord",
    )


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


def add_no_weights_arguments(parser: argparse.ArgumentParser) -> None:
    from ml_publish.weights.recognition import DEFAULT_MAX_KB, WEIGHT_EXTENSIONS

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


def add_demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o",
        "--output-dir",
        default=".",
        help="where to create the demo project (default: the current directory)",
    )


WEIGHTS_ACTIONS = {
    "init": Command(
        "add the weights registry, pretrained.py and hubconf.py to an existing package",
        add_weights_init_arguments,
        "weights:init",
    ),
    "add": Command(
        "hash, name, stage and register a weight file (never added to git)",
        add_weights_add_arguments,
        "weights:add",
    ),
    "list": Command("list the registered weights", no_arguments, "weights:list_"),
    "table": Command(
        "rewrite the README weights table (and hubconf.py) from the registry",
        add_weights_table_arguments,
        "weights:table",
    ),
    "verify": Command(
        "check the registry and the staged files against their hashes",
        add_weights_verify_arguments,
        "weights:verify",
    ),
    "upload": Command(
        "upload the pending weights to the GitHub release for the tag (a draft by default)",
        add_weights_upload_arguments,
        "weights:upload",
    ),
    "mirror": Command(
        "add or remove another URL serving a weight's bytes, tried after the release",
        no_arguments,
        actions={
            "add": Command(
                "add a mirror, once it serves the registered size (--verify: and SHA-256)",
                add_mirror_add_arguments,
                "weights:mirror_add",
            ),
            "remove": Command("remove a mirror", add_mirror_arguments, "weights:mirror_remove"),
        },
    ),
}

COMMANDS = {
    "new": Command(
        "create a new ML package from the bundled template (offline)", add_new_arguments, "new:run"
    ),
    "adopt": Command(
        "restructure an existing repository into the package, in place, losing nothing",
        add_adopt_arguments,
        "adopt:run",
    ),
    "update": Command(
        "merge the current template's changes into a project made from an older one",
        add_update_arguments,
        "update:run",
    ),
    "check": Command(
        "audit a repository for what ML packages get wrong (exit 1 when a check fails)",
        add_check_arguments,
        "check:run",
    ),
    "no-weights-in-git": Command(
        "refuse weight files about to be committed (the pre-commit hook)",
        add_no_weights_arguments,
        "no_weights_in_git:run",
    ),
    "release": Command(
        "release a version: bump, build, GitHub release with weights, PyPI (resumable)",
        add_release_arguments,
        "release:run",
    ),
    "demo": Command(
        "see it all offline: a new project with weights, its release rehearsed in a sandbox",
        add_demo_arguments,
        "demo:run",
    ),
    "weights": Command(
        "register, check and upload weight files: init, add, list, table, verify, upload, mirror",
        add_project_argument,
        actions=WEIGHTS_ACTIONS,
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
        "  --debug     show the traceback when something goes wrong (also: --verbose)\n\n"
        f"Run '{PROG} COMMAND --help' for a command's options."
    )


def usage_error(message: str) -> int:
    print(f"{USAGE}\n{PROG}: error: {message}", file=sys.stderr)
    return 2


def flush_each_line() -> None:
    """Line-buffer stdout and stderr: into a pipe (``| cat``, a CI log) Python buffers whole
    blocks, so a step, a note or the waiting release's status would show only at the end."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(line_buffering=True)


def main(argv: Sequence[str] | None = None) -> int:
    flush_each_line()
    debug, words = debug_asked(list(sys.argv[1:] if argv is None else argv))
    try:
        code = dispatch(words)
        sys.stdout.flush()  # a reader that is gone shows here, not in the interpreter's exit
        return code
    except BrokenPipeError:
        return output_closed()
    except KeyboardInterrupt:
        if debug:
            raise
        kept = "; what was finished is kept: the same command carries on"
        return say_error(f"interrupted{kept if resumable(words) else ''}", 130)
    except Exception as error:
        if debug:
            raise
        if isinstance(error, ReportedError):  # a child process has shown the message
            return error.exit_code
        if isinstance(error, MLPublishError):
            return say_error(str(error), error.exit_code)
        return unexpected(error)


def resumable(words: list[str]) -> bool:
    """Whether an interrupted run of ``words`` kept work that the same command carries on."""
    name = next((word for word in words if not word.startswith("-")), "")
    return name in RESUMABLE and not {"--sandbox", "--dry-run"} & set(words)


def debug_asked(words: list[str]) -> tuple[bool, list[str]]:
    """Whether tracebacks are wanted, and the words without the option that asks.

    ``--debug`` counts anywhere before ``--``, so it can go at the end of the line that failed;
    ``--verbose``, its name before, only before the command.
    """
    end = words.index("--") if "--" in words else len(words)
    command = next((i for i, word in enumerate(words) if not word.startswith("-")), len(words))
    debug = DEBUG in words[:end] or "--verbose" in words[:command]
    kept = [word for i, word in enumerate(words) if word not in (DEBUG, "--verbose") or i >= end]
    return debug, [word for i, word in enumerate(kept) if word != "--verbose" or i >= command]


def dispatch(words: list[str]) -> int:
    """Parse the top level by hand, then run the command named."""
    while words and words[0].startswith("-"):
        option = words.pop(0)
        if option in ("-h", "--help"):
            print(top_level_help())
            return 0
        if option == "--version":
            print(f"{PROG} {__version__}")
            return 0
        return usage_error(f"unrecognized option {option!r}")
    if not words:
        return usage_error(f"a command is required: {', '.join(COMMANDS)}")
    name, *rest = words
    if name not in COMMANDS:
        return usage_error(f"unknown command {name!r}; choose from {', '.join(COMMANDS)}")
    return run_command(name, rest)


def run_command(name: str, words: list[str]) -> int:
    try:
        args = COMMANDS[name].parser(f"{PROG} {name}").parse_args(words)
    except SystemExit as leaving:  # after --help, or a usage error argparse has shown
        return leaving.code if isinstance(leaving.code, int) else 0
    module_name, _, function_name = args.run.partition(":")
    # __import__ rather than importlib.import_module: importlib would cost the hooks' start-up.
    module = __import__(f"ml_publish.commands.{module_name}", fromlist=[function_name])
    run = getattr(module, function_name)
    try:
        exit_code: int = run(args)
        return exit_code
    except EOFError:
        return say_error(
            "the input ended before every question was answered; pass --no-input to take the "
            "defaults",
            2,
        )


def say_error(message: str, code: int) -> int:
    """Print ``message`` as ml-publish's error line on stderr; ``code`` to exit with."""
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return code


def output_closed() -> int:
    """Stop quietly when the reader of the output has gone (``| head``).

    As the CPython docs advise (the signal module's note on SIGPIPE): the rest of the output
    goes to devnull, so the interpreter's own flush at exit cannot fail again, and the exit
    code is 1.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 1


def unexpected(error: Exception) -> int:
    """One line for an exception nobody planned for: what it is, and how to see more."""
    extra = missing_extra(error)
    if extra is not None:
        return say_error(extra, 2)
    text = " ".join(str(error).split()) or "no message"
    if len(text) > 300:
        text = text[:297] + "..."
    what = text if isinstance(error, OSError) else f"unexpected {type(error).__name__}: {text}"
    return say_error(f"{what}; run with {DEBUG} for the traceback", 1)


def missing_extra(error: Exception) -> str | None:
    """The install command for an optional extra whose missing module ``error`` names."""
    if not isinstance(error, ModuleNotFoundError):
        return None
    module = (error.name or "").partition(".")[0]
    if module not in EXTRAS:
        return None
    return f'{module} is not installed; it comes with: pip install "ml-publish[{EXTRAS[module]}]"'
