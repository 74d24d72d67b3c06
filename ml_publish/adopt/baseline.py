"""Step 4 of adopt: a lint baseline, so CI is green on day one without weakening new code.

black formats every Python file that parses. flake8 and mypy then run with the project's
strict settings, and each legacy file gets exactly the exceptions it needs today: the flake8
codes it violates (``per-file-ignores``) and, for legacy modules mypy complains about,
``ignore_errors``. Files from the template stay strict. The counts are reported, so people
can ratchet them down.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import tomlkit
from tomlkit.items import AoT, Table

from ml_publish.adopt.merge import tidy_toml
from ml_publish.adopt.moves import module_of
from ml_publish.errors import OperationFailed

FLAKE8_BLOCK_START = "# Legacy files adopted by ml-publish: the codes each violates today."
MYPY_ERROR = re.compile(r"^(?P<path>.+\.pyi?):\d+(?::\d+)*: error:")
# flake8 matches per-file-ignores with fnmatch, so these are escaped as one-character classes.
FNMATCH_SPECIALS = re.compile(r"[\[\]*?]")
# Its per-file-ignores parser splits at these, and has no escape: ``?`` stands in for them.
FLAKE8_SEPARATORS = re.compile(r"[\s,:]")


@dataclass(frozen=True)
class Baseline:
    flake8: dict[str, tuple[str, ...]]
    mypy: dict[str, int]

    def describe(self) -> str:
        lines = []
        if self.flake8:
            total = len(self.flake8)
            lines.append(f"flake8: {total} legacy file(s) with per-file-ignores in .flake8:")
            lines += [
                f"  {path}: {', '.join(codes)}" for path, codes in sorted(self.flake8.items())
            ]
        if self.mypy:
            lines.append(f"mypy: {len(self.mypy)} legacy module(s) with ignore_errors:")
            lines += [
                f"  {module}: {count} error(s)" for module, count in sorted(self.mypy.items())
            ]
        return "\n".join(lines) or "no lint baseline needed: every file passes as it is"


def start_tool(root: Path, module: str, arguments: list[str]) -> subprocess.Popen[str]:
    """Start ``python -m module`` in ``root``; collect it with ``output``."""
    try:
        return subprocess.Popen(
            [sys.executable, "-m", module, *arguments],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    except OSError as error:
        raise OperationFailed(f"could not run {module}: {error}") from error


def output(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    stdout, stderr = process.communicate()
    return process.returncode, stdout, stderr


def format_with_black(root: Path, paths: list[str]) -> None:
    if not paths:
        return
    code, _, stderr = output(start_tool(root, "black", ["--quiet", *paths]))
    if code not in (0, 1):
        last = stderr.strip().splitlines()[-1:] or ["no message"]
        raise OperationFailed(f"black failed: {last[0]}")


def flake8_violations(stdout: str) -> dict[str, tuple[str, ...]]:
    """The flake8 codes each file violates, from flake8's ``path::code`` lines."""
    found: dict[str, set[str]] = {}
    for line in stdout.splitlines():
        path, _, code = line.rpartition("::")
        if path and code:
            found.setdefault(PurePosixPath(path).as_posix().removeprefix("./"), set()).add(code)
    return {path: tuple(sorted(codes)) for path, codes in found.items()}


def write_flake8_baseline(root: Path, violations: dict[str, tuple[str, ...]]) -> None:
    """Put ``per-file-ignores`` for the legacy files in .flake8, replacing an older baseline."""
    config = root / ".flake8"
    text = config.read_text(encoding="utf-8") if config.is_file() else "[flake8]\n"
    text = text.split(f"\n{FLAKE8_BLOCK_START}\n")[0].rstrip("\n") + "\n"
    if violations:
        entries = "".join(
            f"    {flake8_pattern(path)}: {','.join(codes)}\n"
            for path, codes in sorted(violations.items())
        )
        text += f"\n{FLAKE8_BLOCK_START}\nper-file-ignores =\n{entries}"
    config.write_text(text, encoding="utf-8")


def flake8_pattern(path: str) -> str:
    """A ``per-file-ignores`` pattern that matches ``path`` whatever characters it holds.

    fnmatch's ``[``, ``]``, ``*`` and ``?`` become one-character classes (``[[]``), the
    separators of flake8's parser (whitespace, ``,``, ``:``) become ``?``, and a leading ``#``
    or ``;``, which would make the line a comment of the config file, becomes ``[#]``.
    """
    pattern = FNMATCH_SPECIALS.sub(lambda match: f"[{match[0]}]", path)
    pattern = FLAKE8_SEPARATORS.sub("?", pattern)
    return f"[{pattern[0]}]{pattern[1:]}" if pattern[:1] in ("#", ";") else pattern


def mypy_errors(stdout: str, legacy_files: set[str]) -> dict[str, int]:
    """mypy errors per legacy module, from mypy's ``path:line: error:`` lines.

    Any legacy file mypy reaches counts, inside the package or not (``import utils`` from the
    package reaches a ``utils.py`` left at the root); its module is named from the root.
    """
    counts: dict[str, int] = {}
    for line in stdout.splitlines():
        match = MYPY_ERROR.match(line)
        path = PurePosixPath(match["path"]).as_posix() if match else ""
        if path in legacy_files:
            module = module_of(path)
            counts[module] = counts.get(module, 0) + 1
    return counts


def write_mypy_baseline(root: Path, modules: list[str]) -> None:
    """One ``[[tool.mypy.overrides]]`` with ``ignore_errors`` for the legacy modules."""
    pyproject = root / "pyproject.toml"
    document = tomlkit.parse(pyproject.read_text(encoding="utf-8"))
    mypy = document.setdefault("tool", tomlkit.table()).setdefault("mypy", tomlkit.table())
    assert isinstance(mypy, Table)
    overrides = mypy.get("overrides")
    if not isinstance(overrides, AoT):
        overrides = tomlkit.aot()
        mypy["overrides"] = overrides
    kept = [table for table in overrides if not table.get("ignore_errors")]
    fresh = tomlkit.aot()
    for table in kept:
        fresh.append(table)
    if modules:
        legacy = tomlkit.table()
        legacy.add(tomlkit.comment("Legacy modules adopted by ml-publish: remove them one by one."))
        legacy["module"] = sorted(modules)
        legacy["ignore_errors"] = True
        fresh.append(legacy)
    mypy["overrides"] = fresh
    pyproject.write_text(tidy_toml(tomlkit.dumps(document)), encoding="utf-8")


def write_black_exclusions(root: Path, unparseable: list[str]) -> None:
    """Keep black (also when pre-commit names the files) off files it cannot parse."""
    if not unparseable:
        return
    pyproject = root / "pyproject.toml"
    document = tomlkit.parse(pyproject.read_text(encoding="utf-8"))
    black = document.setdefault("tool", tomlkit.table()).setdefault("black", tomlkit.table())
    pattern = "^/(" + "|".join(re.escape(path) for path in sorted(unparseable)) + ")$"
    black["force-exclude"] = pattern
    black["force-exclude"].comment("not Python 3 yet (ml-publish adopt); fix, then remove")
    pyproject.write_text(tidy_toml(tomlkit.dumps(document)), encoding="utf-8")


def write_baseline(
    root: Path,
    package: str,
    legacy_files: list[str],
    unparseable: list[str],
    *,
    format_code: bool,
) -> Baseline:
    """Format, measure and write the baseline for the legacy files."""
    write_black_exclusions(root, unparseable)
    if format_code:
        format_with_black(root, legacy_files)
    write_flake8_baseline(root, {})
    write_mypy_baseline(root, [])
    # They read different settings and write nothing we read back: run them side by side.
    checked = legacy_files + unparseable
    flake8 = (
        start_tool(root, "flake8", ["--format=%(path)s::%(code)s", *checked]) if checked else None
    )
    mypy = start_tool(root, "mypy", ["--no-error-summary", "--show-error-codes", package])
    violations = flake8_violations(output(flake8)[1]) if flake8 else {}
    errors = mypy_errors(output(mypy)[1], set(legacy_files))
    write_flake8_baseline(root, violations)
    write_mypy_baseline(root, sorted(errors))
    return Baseline(violations, errors)
