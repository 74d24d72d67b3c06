"""The commands a repository documents, found by a plain scan of its files, and run.

Independent of adopt's own code on purpose: shell scripts, Makefiles, Dockerfiles, Windows
batch files, docs and notebooks are read line by line; a line that runs Python (``python``,
``py``, ``torchrun``, ``accelerate launch``, ``deepspeed``, ``%run``; a launcher module) names
either a script, by a path from the repository's root, the file's own directory (``%~dp0`` in a
batch file) or a ``cd`` target, written with ``/`` or ``\\`` separators, or a module
(``-m``/``--module``). After adopt, a script that existed before must still be there (moved
scripts leave a stand-in) or the command must name a module that exists; and ``--help`` run
from the root succeeds for each one that parses arguments with argparse.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

RUNS_PYTHON = re.compile(
    r"(?:^|(?<=[\s`\"'!;&(@]))(?:[\w./~-]*/)?(?P<tool>python[\d.]*(?:\.exe)?|py|\$\(PYTHON\)"
    r"|torchrun"
    r"|accelerate launch|deepspeed|%run)(?=[\s\"'])(?P<rest>[^`\n;&|]*)"
)
CD = re.compile(r"(?:^|[\s;&(!%@])(?:cd|pushd)(?:\s+/d)?\s+(\S+)", re.IGNORECASE)
# A batch file's variables: its own directory (%~dp0), %NAME%, a for loop's %%f.
BATCH_VARIABLE = re.compile(r"%~[a-z]*0|%%?\w+%?", re.IGNORECASE)
BATCH = (".bat", ".cmd")
LAUNCHERS = {"torch.distributed.launch", "torch.distributed.run"}
FLAGS_WITH_VALUES = {"-W", "-X", "-N", "-b"}


@dataclass(frozen=True)
class Documented:
    """A documented command and what it runs: script candidates (repository paths), or a
    module."""

    file: str
    line: int
    text: str
    scripts: tuple[str, ...] = ()
    module: str | None = None


def command_files(root: Path) -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return [name for name in listed if holds_commands(root, name)]


def holds_commands(root: Path, name: str) -> bool:
    base = os.path.basename(name)
    if base in {"Makefile", "Dockerfile"} or name.lower().endswith(
        (".sh", ".md", ".rst", ".ipynb", *BATCH)
    ):
        return True
    if "." in base or not (root / name).is_file():
        return False
    return (root / name).read_bytes()[:40].startswith(b"#!") and b"sh" in (
        (root / name).read_bytes()[:40]
    )


def text_lines(root: Path, name: str) -> list[str]:
    """The lines a person reads: a notebook's cell sources, else the file's lines."""
    text = (root / name).read_text(encoding="utf-8", errors="replace")
    if name.lower().endswith(BATCH):
        return re.sub(r"\^\r?\n", " ", text).splitlines()
    if not name.endswith(".ipynb"):
        return text.replace("\\\n", " ").splitlines()
    cells = json.loads(text)["cells"]
    return [
        line
        for cell in cells
        for line in "".join(cell["source"]).splitlines()
        if cell["cell_type"] == "code"
    ]


def target_of(rest: str, tool: str) -> tuple[str | None, str | None]:
    """(script word, module) of the arguments after ``tool``."""
    rest = re.sub(r"\$\([^()]*\)", "$X", rest)
    words = [w.strip("\"',[]").replace("\\", "/") for w in re.findall(r'"[^"]*"|\S+', rest)]
    words = [w for w in words if w]
    launcher = not tool.startswith(("py", "$("))
    index = 0
    while index < len(words):
        word = words[index]
        if word in {"-m", "--module"} and index + 1 < len(words):
            module = words[index + 1]
            if module not in LAUNCHERS:
                return None, module
            launcher = True
            index += 2
            continue
        if word.endswith(".py") and not word.startswith("-"):
            return word, None
        if word in FLAGS_WITH_VALUES:
            index += 1
        elif not word.startswith("-") and not launcher:
            return None, None
        index += 1
    return None, None


def candidates(word: str, directories: list[str]) -> tuple[str, ...]:
    word = re.split(r"\$\{?\w+\}?/?", word)[-1]
    word = BATCH_VARIABLE.split(word)[-1].lstrip("/")
    return tuple(dict.fromkeys(os.path.normpath(os.path.join(d, word)) for d in directories))


def documented_commands(root: Path) -> list[Documented]:
    """Every command in the repository's command files that runs a script or a module."""
    found = []
    for name in command_files(root):
        own = os.path.dirname(name)
        directories = [own or ".", "."]
        for number, line in enumerate(text_lines(root, name), start=1):
            for cd in CD.finditer(line):
                target = cd.group(1).strip("\"'").replace("\\", "/")
                if target.lower().startswith("%~dp0"):
                    directories = [own or "."]
                    target = target[5:].lstrip("/") or "."
                directories = [os.path.normpath(os.path.join(d, target)) for d in directories]
                directories += [own or ".", "."]
            for match in RUNS_PYTHON.finditer(line):
                script, module = target_of(match.group("rest"), match.group("tool"))
                if script is not None:
                    paths = candidates(script, directories)
                    found.append(Documented(name, number, line.strip(), scripts=paths))
                elif module is not None:
                    found.append(Documented(name, number, line.strip(), module=module))
    return found


def module_file(root: Path, module: str) -> Path | None:
    base = root.joinpath(*module.split("."))
    for file in (base.with_suffix(".py"), base / "__init__.py"):
        if file.is_file():
            return file
    return None


def broken_commands(
    root: Path, before: Mapping[str, bytes], local_tops: set[str], python: Path
) -> list[str]:
    """The documented commands that name a script that existed and is gone, or a local
    module (of ``local_tops``, or of the repository before: ``python -m src.train``) that does
    not exist, or whose ``--help`` (argparse) fails from the root."""
    broken, helped = [], set()
    tops = local_tops | {
        path.split("/")[0].removesuffix(".py") for path in before if path.endswith(".py")
    }
    for command in documented_commands(root):
        where = f"{command.file}:{command.line}: {command.text}"
        if command.module is not None:
            if command.module.split(".")[0] not in tops:
                continue
            file = module_file(root, command.module)
            if file is None:
                broken.append(f"{where}: no module {command.module}")
                continue
            help_call = ["-m", command.module]
            parses = b"argparse" in file.read_bytes()
        else:
            existed = [path for path in command.scripts if path in before]
            if not existed:
                continue
            present = [path for path in existed if (root / path).is_file()]
            if not present:
                broken.append(f"{where}: {existed[0]} is gone")
                continue
            help_call = [present[0]]
            parses = b"argparse" in before[present[0]]
        if parses and tuple(help_call) not in helped:
            helped.add(tuple(help_call))
            result = subprocess.run(
                [str(python), *help_call, "--help"],
                cwd=root,
                capture_output=True,
                text=True,
                env=installed_environment(root, help_call),
            )
            if result.returncode != 0 or "usage:" not in result.stdout:
                broken.append(f"{where}: --help failed: {result.stderr.strip()[-300:]}")
    return broken


def installed_environment(root: Path, help_call: list[str]) -> dict[str, str] | None:
    """For a script in a subdirectory, the root on ``PYTHONPATH``: it imports the package as
    installed (adopt's next step is ``pip install -e .``), which Python finds from the root
    only for scripts at the root. Everything else runs in the environment as it is."""
    script = help_call[0]
    if script == "-m" or "/" not in script:
        return None
    return {**os.environ, "PYTHONPATH": str(root)}
