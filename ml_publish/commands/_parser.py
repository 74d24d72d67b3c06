"""The argument parser of every command: options may come anywhere among the positionals.

Private to the command line (``cli`` may import nothing but ``ml_publish.commands``).

Plain argparse takes a command's positionals in one go up to the first option, so
``ml-publish adopt ../whales --yes license=MIT`` (the path, an option, then an answer) or
``ml-publish weights mirror push hf --repo me/whales unet_r34`` would stop at "unrecognized
arguments". People write options where they think of them; this parser reads such lines as
argparse's own intermixed parsing does (``parse_intermixed_args``). A parser that chooses an
action (``weights add``, ...) cannot be read that way, so it parses as usual and its actions'
parsers, made from this class, intermix their own words.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence


class CommandParser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` whose options and positionals may be intermixed."""

    intermixing = False

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if self.intermixing or self.chooses_an_action():
            return super().parse_known_args(args, namespace)
        # parse_known_intermixed_args parses twice through this method: those calls are plain.
        self.intermixing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self.intermixing = False

    def chooses_an_action(self) -> bool:
        return any(
            action.nargs in (argparse.PARSER, argparse.REMAINDER) for action in self._actions
        )
