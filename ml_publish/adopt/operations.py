"""The typed operations a plan of adopt is made of, and the plan itself: plain data.

Each operation says, in ``describe()``, what it will do; the apply step carries them out in
order, each idempotent. The plan is printed for people before anything changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ml_publish.adopt.after_moves import AddStandIn, RemoveEmptiedDirectories, RewriteCommands
from ml_publish.repository_analysis.analyse import RepositoryAnalysis
from ml_publish.adopt.modernize import Conversion, unified_diff
from ml_publish.adopt.pypi_readme import DeclarePlainReadme

PINNED_REQUIREMENTS_FILE = "requirements-pinned.txt"


@dataclass(frozen=True)
class MoveFile:
    """``git mv`` a file into the package, so its history follows."""

    source: str
    destination: str

    def describe(self) -> str:
        return f"move      {self.source} -> {self.destination}"


@dataclass(frozen=True)
class CreateFile:
    path: str
    content: str
    why: str

    def describe(self) -> str:
        return f"create    {self.path} ({self.why})"


@dataclass(frozen=True)
class RewriteImports:
    """Point a file's bare imports of moved modules at their new package names."""

    path: str
    renames: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        renames = ", ".join(f"{old} -> {new}" for old, new in self.renames)
        return f"imports   {self.path}: {renames}"


@dataclass(frozen=True)
class AddConsoleScript:
    name: str
    target: str
    # Where the author declared it (``[tool.poetry.scripts]``); empty for a script adopt made.
    source: str = ""

    def describe(self) -> str:
        origin = f" (from {self.source})" if self.source else ""
        return f"script    [project.scripts] {self.name} = {self.target!r}{origin}"


@dataclass(frozen=True)
class SetDependencies:
    """``[project.dependencies]``: lower bounds; the exact pins go to a separate file."""

    requirements: tuple[str, ...]
    pinned: tuple[str, ...]
    left_out: tuple[str, ...]
    # The index options the pins need (--extra-index-url for torch==2.0.1+cu118), kept above them.
    pin_options: tuple[str, ...] = ()

    def describe(self) -> str:
        lines = [f"depend    [project.dependencies] = {list(self.requirements)}"]
        if self.pinned:
            lines.append(
                f"pin       {PINNED_REQUIREMENTS_FILE}: {len(self.pinned)} exact pins kept"
            )
        lines += [f"warn      {text} left out: PyPI refuses direct URLs" for text in self.left_out]
        return "\n".join(lines)


@dataclass(frozen=True)
class ModernizeFile:
    """Write a Python 2 file's Python 3 conversion (``adopt --modernize``) before it moves."""

    conversion: Conversion

    @property
    def path(self) -> str:
        return self.conversion.path

    def describe(self) -> str:
        return f"python 3  {self.path} ({', '.join(self.conversion.fixers)})"


@dataclass(frozen=True)
class RetargetLink:
    """Point a moved symbolic link at the file it pointed at before the move."""

    path: str
    target: str

    def describe(self) -> str:
        return f"link      {self.path} -> {self.target} (still the same file)"


@dataclass(frozen=True)
class AddVersion:
    """Give the existing package a ``__version__``, the one place the version is written."""

    path: str
    version: str

    def describe(self) -> str:
        return f"version   {self.path}: __version__ = {self.version!r}"


@dataclass(frozen=True)
class UntrackWeight:
    """``git rm --cached`` a weight or data file, git-ignore it, keep it on disk and register
    it as pending (``kind`` is ``"weights"`` or ``"data"``; see ``tracked_weights``)."""

    path: str
    name: str
    kind: str = "weights"
    # Register its conversion to safetensors instead (a pickled PyTorch checkpoint).
    convert: bool = False

    def describe(self) -> str:
        label, note = ("data     ", "data, ") if self.kind == "data" else ("weights  ", "")
        note += "converted to safetensors, " if self.convert else ""
        return f"{label} untrack {self.path}, register it as {self.name!r} ({note}pending upload)"


@dataclass(frozen=True)
class MoveFlake8Section:
    """Carry a ``[flake8]`` section of setup.cfg or tox.ini into .flake8.

    flake8 reads setup.cfg and tox.ini before .flake8, so a section left there would hide the
    project's .flake8 (and the lint baseline written to it).
    """

    source: str

    def describe(self) -> str:
        return f"flake8    move the [flake8] section of {self.source} into .flake8"


@dataclass(frozen=True)
class RemoveCarriedFile:
    """``git rm`` a file only because everything in it now lives elsewhere (git keeps it)."""

    path: str
    carried_to: str

    def describe(self) -> str:
        return f"remove    {self.path} (everything in it is now in {self.carried_to})"


@dataclass(frozen=True)
class MergeFile:
    """Complete a file the repository has with what the template's version adds."""

    path: str
    template_text: str
    dependencies: tuple[str, ...] = ()
    scripts: tuple[tuple[str, str], ...] = ()
    # The project's extras its old metadata declared ([tool.poetry.extras]): name, requirements.
    extras: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def describe(self) -> str:
        return f"merge     {self.path} (yours kept; the template's missing parts added)"


@dataclass(frozen=True)
class ForwardHookConfig:
    """Bring the author's own pre-commit configuration forward (see hook_config.py)."""

    path: str
    text: str
    changes: tuple[str, ...]

    def describe(self) -> str:
        lines = [f"hooks     {self.path}: brought forward, every hook and argument kept"]
        return "\n".join([*lines, *(f"            {change}" for change in self.changes)])


@dataclass(frozen=True)
class SettleFlake8:
    """Make the author's .flake8 agree with black: its line length (LNT103), the codes its
    style triggers ignored (LNT104); every other setting stays."""

    length: int
    changes: tuple[str, ...]

    def describe(self) -> str:
        return f"flake8    .flake8: {'; '.join(self.changes)}"


@dataclass(frozen=True)
class SplitIsortImports:
    """Have the author's isort 5 keep black's split imports (see isort_settings.py)."""

    path: str

    def describe(self) -> str:
        return (
            f"isort     {self.path}: split_on_trailing_comma = true (the isort 5 hook joins the "
            "imports black keeps split)"
        )


Operation = (
    MoveFile
    | CreateFile
    | MergeFile
    | RewriteImports
    | AddConsoleScript
    | SetDependencies
    | UntrackWeight
    | MoveFlake8Section
    | RemoveCarriedFile
    | AddVersion
    | RetargetLink
    | ModernizeFile
    | DeclarePlainReadme
    | ForwardHookConfig
    | SettleFlake8
    | SplitIsortImports
    | RewriteCommands
    | AddStandIn
    | RemoveEmptiedDirectories
)
# Files adopt merges into; any other template file the repository has already is left alone.


@dataclass(frozen=True)
class Plan:
    package: str
    operations: tuple[Operation, ...]
    left_in_place: tuple[tuple[str, str], ...] = field(default=())
    needs_a_person: tuple[str, ...] = field(default=())
    existing_files: frozenset[str] = field(default=frozenset())
    template_paths: frozenset[str] = field(default=frozenset())
    unparseable: frozenset[str] = field(default=frozenset())
    notes: tuple[str, ...] = field(default=())
    existing_package: bool = False
    # No license the adopted project may declare: adopt never picks one (the line saying so is
    # among needs_a_person, naming the answer to pass).
    missing_license: bool = False
    # What the plan was made from, for adopt's check of its own result (not shown, not compared).
    analysis: RepositoryAnalysis | None = field(default=None, compare=False, repr=False)

    def conversion_diff(self) -> str:
        """The ``--modernize`` conversions as one unified diff, for ``--dry-run``."""
        return "".join(
            unified_diff(op.conversion) for op in self.operations if isinstance(op, ModernizeFile)
        )

    def describe(self) -> str:
        """The plan as people read it before anything changes."""
        lines = [f"Plan for package {self.package!r}:"]
        lines += [f"  {line}" for op in self.operations for line in op.describe().splitlines()]
        lines += headed("Left where they are:", [f"{p}: {why}" for p, why in self.left_in_place])
        lines += headed("Notes:", self.notes)
        lines += headed("Needs a person:", self.needs_a_person)
        return "\n".join(lines)


def headed(heading: str, items: Sequence[str]) -> list[str]:
    """``heading`` and the items indented under it; nothing when there are no items."""
    return [heading, *(f"  {item}" for item in items)] if items else []
