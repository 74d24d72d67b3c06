"""The one change adopt may make to a line of the author's scripts, Makefiles, Dockerfiles,
docs and notebooks: a moved script's path, in a command, turned into its module's form.

    python -u training/train.py --fold 0      python -u -m pkg.training.train --fold 0
    torchrun --nproc_per_node 2 train.py      torchrun --nproc_per_node 2 -m pkg.train
    deepspeed train.py                        deepspeed --module pkg.train
    CMD ["python", "train.py"]                CMD ["python", "-m", "pkg.train"]

A command that ran a moved script as a module from the root may take the module's new name
(``python -m src.train`` becomes ``python -m pkg.src.train``). A line that changed in exactly
that way is given back its original text, so the rest of the comparison holds the file to every
other byte; any other change still shows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import PurePosixPath

MODULE_FORM = re.compile(
    r'"-m", "(?P<exec>[\w.]+)"|(?:-m|--module) (?P<quote>["\']?)(?P<module>[\w.]+)(?P=quote)'
)


def moved_modules(moved: Mapping[str, str]) -> dict[str, list[str]]:
    """Each moved script's module, with the old paths that name it."""
    modules: dict[str, list[str]] = {}
    for source, destination in moved.items():
        if source.endswith(".py") and destination.endswith(".py"):
            parts = PurePosixPath(destination).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules.setdefault(name, []).append(source)
    return modules


def old_module(path: str) -> str:
    """The module ``python -m`` ran a script at ``path`` as, from the root."""
    parts = PurePosixPath(path).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__main__" else parts)


# A directory separator as written: ``/``, ``\\``, or ``\\\\`` in a notebook's JSON.
SEPARATOR = r"(?:/|\\{1,2})"


def path_pattern(path: str) -> str:
    """``path`` as a pattern, its separators written either way."""
    return SEPARATOR.join(re.escape(part) for part in path.split("/"))


def original_pattern(line: str, modules: dict[str, list[str]]) -> re.Pattern[str] | None:
    """What ``line`` was, as a pattern: each module form of a moved script stands for that
    script's path (``./`` allowed, quotes kept, ``/`` or Windows' ``\\`` separators); ``None``
    when it has no such form."""
    parts, position, found = [], 0, False
    for form in MODULE_FORM.finditer(line):
        name = form.group("exec") or form.group("module")
        if name not in modules:
            continue
        paths = "|".join(path_pattern(path) for path in modules[name])
        quote = '"' if form.group("exec") else re.escape(form.group("quote") or "")
        # The same form with the script's old module name: python -m src.train.
        old_names = "|".join(
            re.escape(form.group().replace(name, old_module(path))) for path in modules[name]
        )
        parts += [
            re.escape(line[position : form.start()]),
            f"(?:{quote}(?:\\.{SEPARATOR})?(?:{paths}){quote}|{old_names})",
        ]
        position, found = form.end(), True
    parts.append(re.escape(line[position:]))
    return re.compile("".join(parts)) if found else None


def restore_rewritten_commands(
    path: str, original: bytes, current: bytes, moved: Mapping[str, str]
) -> bytes:
    """``current`` with each line that differs from the same line of ``original`` only by
    module forms of moved scripts given back the original line (never in Python files)."""
    if path.endswith(".py") or original == current or b"-m" not in current:
        return current
    try:
        old_lines = original.decode("utf-8").splitlines(keepends=True)
        new_lines = current.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return current
    modules = moved_modules(moved)
    for index, (old, new) in enumerate(zip(old_lines, new_lines)):
        if old == new:
            continue
        pattern = original_pattern(new, modules)
        if pattern is not None and pattern.fullmatch(old):
            new_lines[index] = old
    return "".join(new_lines).encode("utf-8")
