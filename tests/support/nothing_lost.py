"""What adopt may do to a repository's own files, and the assertion that it did no more.

Every file of the snapshot taken before adopt must be where the plan put it, byte for byte,
except for what adopt legitimately changes:

- a Python file or notebook: the same program but for its imports, which may point at the
  moved modules' new names (``tests/support/same_code.py``, a check that shares no code with
  adopt's rewrite), formatted anew by black; an existing package's ``__init__.py`` may gain the
  ``__version__`` line the plan names; notebooks keep every cell, output and magic;
- files adopt completes (``.gitignore``, the README) still start with all of the original, and
  ``pyproject.toml`` still holds every table, key and list item it had (but ``[build-system]``
  when it had no ``[project]``: the template's backend builds the template's ``[project]``);
- ``setup.py``, ``setup.cfg`` or ``tox.ini`` removed only when what they said is carried over,
  and a ``setup.cfg`` or ``tox.ini`` that stays changed only by its ``[flake8]`` section, carried
  into ``.flake8``;
- with ``--modernize``, a file that was not Python 3 may be converted: it must parse now and
  keep every function, class and string literal it had;
- an author's own ``.pre-commit-config.yaml`` and ``.flake8`` keep every hook, argument,
  comment and setting (tooling_kept.py says what adopt may change in them);
- a symbolic link stays a link: an absolute one to the same target, a relative one that
  resolved still resolves after the move;
- in the author's scripts, Makefiles, Dockerfiles, docs and notebooks, a command naming a
  moved script by its path may name its module instead (see rewritten_commands.py).
"""

from __future__ import annotations

import ast
import configparser
import json
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from ml_publish.adopt.operations import AddVersion, MoveFile, Plan
from tests.support.abandoned_repos import LINK
from tests.support.import_check import is_python_3
from tests.support.rewritten_commands import restore_rewritten_commands
from tests.support.same_code import ModuleMoves, differences
from tests.support.tooling_kept import TOOLING_FILES, assert_tooling_kept

# Files adopt completes in marked blocks: the original must still be their beginning.
APPENDED = {".gitignore", "README.md", "README.rst"}
# setup() arguments whose literal values must reach pyproject.toml or __init__.py when adopt
# removes setup.py for having carried everything over.
CARRIED_SETUP_ARGUMENTS = {
    "name",
    "version",
    "description",
    "author",
    "author_email",
    "install_requires",
    "license",
    "python_requires",
}


def assert_same_program(
    path: str, now: str, original: str, current: str, moves: ModuleMoves
) -> None:
    """A Python file: the same program, but for imports pointed at moved modules."""
    if not is_python_3(original.encode()):
        assert current == original, f"{path} -> {now} is not Python 3, yet it changed"
        return
    problems = list(differences(original, current, moves, (path, now)))
    assert problems == [], f"{path} -> {now} changed beyond its imports and formatting: {problems}"


def cell_source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


# Cell magics whose body the kernel runs as Python; any other (%%bash, %%writefile) holds text.
PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug"}


def split_magics(source: str) -> tuple[str, list[str]]:
    """A cell's Python (each IPython magic or shell line held by a ``pass``) and its magics;
    a cell whose cell magic does not run Python is all magic, to be kept as it was."""
    first = source.lstrip().partition("\n")[0]
    if first.startswith("%%") and first[2:].split(" ")[0] not in PYTHON_CELL_MAGICS:
        return "\n", source.splitlines()
    magics = [line for line in source.splitlines() if line.lstrip().startswith(("%", "!"))]
    python = [
        "pass" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    ]
    return "\n".join(python) + "\n", magics


def assert_same_notebook(
    path: str, now: str, original: str, current: str, moves: ModuleMoves
) -> None:
    """A notebook: every cell, output and the metadata kept; code cells the same program but
    for imports pointed at moved modules, and the same magics."""
    before, after = json.loads(original), json.loads(current)
    assert {k: v for k, v in before.items() if k != "cells"} == {
        k: v for k, v in after.items() if k != "cells"
    }, f"{path}: the notebook's metadata changed"
    assert len(before["cells"]) == len(after["cells"]), f"{path}: cells were lost or added"
    for number, (old, new) in enumerate(zip(before["cells"], after["cells"]), start=1):
        where = f"{path}, cell {number}"
        without_source = [{k: v for k, v in c.items() if k != "source"} for c in (old, new)]
        assert without_source[0] == without_source[1], f"{where}: outputs or metadata changed"
        if old["cell_type"] != "code":
            assert cell_source(old) == cell_source(new), f"{where} changed"
            continue
        (old_python, old_magics), (new_python, new_magics) = map(
            split_magics, (cell_source(old), cell_source(new))
        )
        assert old_magics == new_magics, f"{where}: its magics changed"
        if is_python_3(old_python.encode()):
            problems = list(differences(old_python, new_python, moves, (path, now)))
            assert problems == [], f"{where} changed beyond its imports: {problems}"


def contains(current: object, original: object) -> bool:
    """Whether ``current`` (parsed TOML) still holds everything ``original`` had."""
    if isinstance(original, dict):
        return isinstance(current, dict) and all(
            key in current and contains(current[key], value) for key, value in original.items()
        )
    if isinstance(original, list):
        return isinstance(current, list) and all(
            any(contains(c, item) for c in current) for item in original
        )
    return current == original


def setup_literals(source: bytes) -> list[str]:
    """The literal strings given to ``setup()`` for the arguments pyproject.toml carries."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or ast.unparse(node.func).split(".")[-1] != "setup":
            continue
        for keyword in node.keywords:
            if keyword.arg not in CARRIED_SETUP_ARGUMENTS:
                continue
            value = keyword.value
            values = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
            found += [
                v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)
            ]
    return found


def assert_carried_over(root: Path, path: str, data: bytes, package: str) -> None:
    """A removed setup.py, setup.cfg or tox.ini: what it said is now elsewhere."""
    if path == "setup.py":
        carried = (root / "pyproject.toml").read_text(encoding="utf-8")
        carried += (root / package / "__init__.py").read_text(encoding="utf-8")
        missing = [value for value in setup_literals(data) if value not in carried]
        assert missing == [], f"setup.py was removed, but {missing} went nowhere"
        return
    carried = (root / ".flake8").read_text(encoding="utf-8")
    keys = [line.split("=")[0].strip() for line in data.decode().splitlines()[1:] if line.strip()]
    assert all(
        key in carried for key in keys
    ), f"{path} was removed, but not all of it is in .flake8"


def assert_only_flake8_carried(root: Path, path: str, data: bytes, current: bytes) -> None:
    """A setup.cfg or tox.ini that stays: only its [flake8] section went, into .flake8."""
    before, after = configparser.ConfigParser(), configparser.ConfigParser()
    before.read_string(data.decode())
    after.read_string(current.decode())
    kept = {name: dict(before[name]) for name in before.sections() if name != "flake8"}
    assert {name: dict(after[name]) for name in after.sections()} == kept, f"{path} lost text"
    carried = (root / ".flake8").read_text(encoding="utf-8")
    missing = [key for key in before["flake8"] if key not in carried]
    assert missing == [], f"{path}: [flake8] {missing} went nowhere"


def assert_link_kept(
    root: Path, path: str, now: str, data: bytes, before: Mapping[str, bytes]
) -> None:
    link = root / now
    assert link.is_symlink(), f"{path}: the symbolic link is gone, or was replaced by a copy"
    target = data.removeprefix(LINK).decode()
    if os.path.isabs(target):
        assert os.readlink(link) == target, f"{path}: the absolute link was retargeted"
        return
    resolved = os.path.normpath(PurePosixPath(path).parent / target)
    if resolved in before:
        assert (
            link.exists()
        ), f"{path} -> {target} resolved before adopt and no longer does at {now}"


def assert_converted_keeps_meaning(path: str, original: str, converted: str) -> None:
    """A file --modernize converted: Python 3 now, with every def, class and string it had."""
    assert is_python_3(converted.encode()), f"{path} was converted but still does not parse"
    tree = ast.parse(converted)
    defined = {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }
    strings = {
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }
    lost = [n for n in re.findall(r"^\s*(?:def|class)\s+(\w+)", original, re.M) if n not in defined]
    literals = re.findall(r'"([^"\\\n]*)"|\'([^\'\\\n]*)\'', original)
    lost += [text for pair in literals for text in pair if text and text not in strings]
    assert lost == [], f"{path}: converted without {lost}"


def without_version_line(path: str, text: str, version: str) -> str:
    """An existing package's ``__init__.py`` given a ``__version__``: its other lines."""
    line = f'__version__ = "{version}"'
    assert line in text.splitlines(), f"{path}: the plan gives it {line}, which is not there"
    return "\n".join(other for other in text.splitlines() if other != line) + "\n"


def assert_nothing_lost(
    root: Path, before: Mapping[str, bytes], plan: Plan, *, modernized: bool = False
) -> None:
    """Every original file is where adopt put it, changed only as the module docstring allows."""
    moved = {op.source: op.destination for op in plan.operations if isinstance(op, MoveFile)}
    moves = ModuleMoves.of(moved)
    versions = {
        moved.get(op.path, op.path): op.version
        for op in plan.operations
        if isinstance(op, AddVersion)
    }
    for path, data in before.items():
        now = moved.get(path, path)
        if path.startswith("git "):
            continue
        if data.startswith(LINK):
            assert_link_kept(root, path, now, data, before)
            continue
        if path in {"setup.py", "setup.cfg", "tox.ini"} and not (root / path).exists():
            assert_carried_over(root, path, data, plan.package)
            continue
        assert (root / now).is_file(), f"{path} is gone (the plan put it at {now})"
        current = restore_rewritten_commands(path, data, (root / now).read_bytes(), moved)
        if current == data:
            continue
        if path in APPENDED:
            assert current.decode().startswith(data.decode().rstrip()), f"{path} lost text"
        elif path == "pyproject.toml":
            assert_pyproject_kept(data, current)
        elif path in TOOLING_FILES:
            assert_tooling_kept(path, data.decode(), current.decode())
        elif modernized and path.endswith(".py") and not is_python_3(data):
            assert_converted_keeps_meaning(path, data.decode(), current.decode())
        elif path.endswith(".py"):
            # A UTF-8 byte order mark is the file's encoding, not its program.
            text = current.decode("utf-8-sig")
            if now in versions:
                text = without_version_line(now, text, versions[now])
            assert_same_program(path, now, data.decode("utf-8-sig"), text, moves)
        elif path.endswith(".ipynb"):
            assert_same_notebook(path, now, data.decode(), current.decode(), moves)
        elif path in {"setup.cfg", "tox.ini"}:
            assert_only_flake8_carried(root, path, data, current)
        else:
            raise AssertionError(f"{path} -> {now} changed, and adopt does not change such files")


def assert_pyproject_kept(data: bytes, current: bytes) -> None:
    """pyproject.toml holds every table, key and list item it had."""
    original = tomllib.loads(data.decode())
    if "project" not in original:
        # The metadata moved into the template's [project], built by its backend.
        original.pop("build-system", None)
    assert contains(tomllib.loads(current.decode()), original), "pyproject.toml lost something"
