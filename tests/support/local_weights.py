"""Weight files in the directories of the generated loader's ``<PACKAGE>_WEIGHTS_DIR``, and
processes that use them at once, each counting how often it read the file's bytes.

A child counts with an audit hook (PEP 578): every ``open`` of the weight file is an ``open``
event, so hashing it shows up and a stat does not.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from tests.support.loader_processes import download
from tests.support.weights_projects import generated_loader


def opens_of(path: str) -> list[str]:
    """The modes ``path`` is opened with in this process from now on, as they happen."""
    opened: list[str] = []

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open" and args and os.fsdecode(args[0]) == path:
            opened.append(str(args[1]))

    sys.addaudithook(hook)
    return opened


def use_local_in_child(
    loader_file: str,
    registry_text: str,
    name: str,
    cache: str,
    local: str,
    start: Any,
    answers: Any,
) -> None:
    """Use the weight once, lined up with the others; report the path and the reads of ``local``.

    The variable is set by the parent: ``spawn`` children inherit the environment.
    """
    pretrained = generated_loader(Path(loader_file))
    opened = opens_of(local)
    start.wait()
    try:
        path = download(pretrained, registry_text, name, cache)
    except pretrained.WeightsError as error:
        answers.put((str(error), len(opened)))
    else:
        answers.put((str(path), len(opened)))
