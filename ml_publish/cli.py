"""The ``ml-publish`` command line: argument parsing only; each command runs a module in commands/.

The top level (``--help``, ``--version``, choosing the command) is parsed by hand from the
``COMMANDS`` table so that it imports nothing, not even argparse: ``ml-publish --help`` and the
pre-commit hooks start about as fast as Python itself. Each command's own options are parsed
with argparse, imported only once that command is chosen; the command's module (named in the
table) is imported only then too, and it both declares the options and runs them, so this
module holds no option of any command.

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

from ml_publish.commands import MLPublishError, ReportedError, __version__

# typing and dataclasses alone would double the start-up time; annotations need neither at run time.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from types import ModuleType

PROG = "ml-publish"
USAGE = f"usage: {PROG} [--version] [--help] [--debug] COMMAND [ARGS ...]"
DEBUG = "--debug"
# Optional extras: the module a missing import names, and the extra that installs it.
EXTRAS = {"pypiserver": "sandbox", "passlib": "sandbox"}
# What a Ctrl-C leaves: these commands record each finished step and carry on from there
# (not as a rehearsal or a dry run, which keep nothing).
RESUMABLE = ("release", "weights")


class Command:
    """A subcommand: its one-line summary, the module in ``ml_publish.commands`` that runs it,
    and its actions (``weights add``, ``weights mirror add``, ...) if it has any.

    The module gives the parser its options (``register_arguments``) and runs the parsed
    namespace (``run``); a command with actions names each leaf action's in its ``ACTIONS``,
    keyed by the action's words (``"mirror add"``).
    """

    def __init__(
        self,
        summary: str,
        module: str = "",
        actions: dict[str, Command] | None = None,
    ) -> None:
        self.summary = summary
        self.module = module
        self.actions = actions or {}

    def parser(self, prog: str) -> argparse.ArgumentParser:
        """The argparse parser for this command, with a sub-parser per action."""
        from ml_publish.commands._parser import CommandParser

        # __import__ rather than importlib.import_module: importlib would cost the hooks' start-up.
        module = __import__(f"ml_publish.commands.{self.module}", fromlist=["run"])
        parser = CommandParser(prog=prog, description=self.summary)
        module.register_arguments(parser)
        if self.actions:
            self.add_actions(parser, module, (), "action")
        else:
            parser.set_defaults(run=module.run)
        return parser

    def add_actions(
        self, parser: argparse.ArgumentParser, module: ModuleType, words: tuple[str, ...], dest: str
    ) -> None:
        """Give ``parser`` a sub-parser per action (nested ones too: ``weights mirror add``)."""
        subparsers = parser.add_subparsers(dest=dest, metavar="ACTION", required=True)
        for name, action in self.actions.items():
            subparser = subparsers.add_parser(name, help=action.summary)
            if action.actions:
                action.add_actions(subparser, module, (*words, name), f"{dest}_{name}")
            else:
                chosen = module.ACTIONS[" ".join((*words, name))]
                chosen.register_arguments(subparser)
                subparser.set_defaults(run=chosen.run)


WEIGHTS_ACTIONS = {
    "init": Command(
        "add the weights registry, pretrained.py and hubconf.py to an existing package"
    ),
    "add": Command("hash, name, stage and register a weight file (never added to git)"),
    "list": Command("list the registered weights"),
    "default": Command('choose the weight get_model(ARCH, weights="DEFAULT") loads'),
    "card": Command("write MODEL_CARD.md from the registry"),
    "table": Command("rewrite the README weights table (and hubconf.py) from the registry"),
    "verify": Command("check the registry and the staged files against their hashes"),
    "upload": Command(
        "upload the pending weights to the GitHub release for the tag (a draft by default)"
    ),
    "mirror": Command(
        "add or remove another URL serving a weight's bytes, tried after the release",
        actions={
            "add": Command(
                "add a mirror, once it serves the registered size (--verify: and SHA-256)"
            ),
            "remove": Command("remove a mirror"),
            "push": Command(
                "put released weights on the Hugging Face Hub at their release tag, check them "
                "there and add the mirror"
            ),
        },
    ),
}

COMMANDS = {
    "new": Command("create a new ML package from the bundled template (offline)", "new"),
    "adopt": Command(
        "restructure an existing repository into the package, in place, losing nothing",
        "adopt",
    ),
    "update": Command(
        "merge the current template's changes into a project made from an older one", "update"
    ),
    "check": Command(
        "audit a repository for what ML packages get wrong (exit 1 when a check fails)", "check"
    ),
    "no-weights-in-git": Command(
        "refuse weight files about to be committed (the pre-commit hook)", "no_weights_in_git"
    ),
    "release": Command(
        "release a version: bump, build, GitHub release with weights, PyPI (resumable)", "release"
    ),
    "bundle": Command(
        "an offline bundle: the wheel, its dependencies and weights, verified offline", "bundle"
    ),
    "demo": Command(
        "see it all offline: a new project with weights, its release rehearsed in a sandbox", "demo"
    ),
    "weights": Command(
        "register, check and upload weight files: init, add, list, default, card, table, "
        "verify, upload, mirror",
        "weights",
        WEIGHTS_ACTIONS,
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
    try:
        exit_code: int = args.run(args)
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
