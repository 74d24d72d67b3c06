"""The names moved scripts take as console commands, on a PATH shared with everything else.

A command named after the script alone (``train``, ``main``, ``predict``) would collide with
any other package's, so a generic name takes the project's: ``main.py`` becomes the command
``<project>``, ``train.py`` becomes ``<project>-train``. A distinctive name stays as it is
(``train_unet.py`` is ``train-unet``), and two scripts that would share a name (``team_a/train.py``,
``team_b/train.py``) are told apart by their directories.
"""

from __future__ import annotations

from collections import Counter
from pathlib import PurePosixPath

# Names of the project itself: main.py is the project's own command.
OWN = frozenset({"main", "__main__"})
GENERIC = frozenset(
    {
        "app",
        "blend",
        "cli",
        "demo",
        "download",
        "ensemble",
        "eval",
        "evaluate",
        "evaluation",
        "export",
        "finetune",
        "generate",
        "infer",
        "inference",
        "postprocess",
        "predict",
        "run",
        "prepare",
        "preprocess",
        "preprocessing",
        "sample",
        "serve",
        "server",
        "submit",
        "test",
        "tools",
        "train",
        "utils",
        "val",
        "validate",
        "visualize",
    }
)


def console_names(paths: list[str], package: str) -> dict[str, str]:
    """The console command for each script path (before adopt), unique among them."""
    project = package.replace("_", "-")
    names = {path: command_name(path, project) for path in paths}
    taken = Counter(names.values())
    for path, name in names.items():
        if taken[name] > 1:
            parts = PurePosixPath(path).with_suffix("").parts
            names[path] = "-".join([project, *parts]).replace("_", "-")
    return names


def command_name(path: str, project: str) -> str:
    """``<project>`` for main.py and the like, ``<project>-<name>`` for a generic name."""
    stem = PurePosixPath(path).stem
    name = stem.strip("_").replace("_", "-")
    if stem in OWN or name == project:
        return project
    if stem.lower() in GENERIC:
        return f"{project}-{name}"
    return name
