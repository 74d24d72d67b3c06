"""Update a project to a later template: prepare (read the record, find both templates), plan
(render base and theirs, decide per file), apply (write, pyproject.toml last).

The core is callable from Python: ``update_project`` takes the new questions' defaults unless
answered; the command asks them on a terminal first.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from ml_publish import __version__, git, template
from ml_publish.checks.docs import CITATION_FILE
from ml_publish.conflict_markers import conflict_lines, text_of
from ml_publish.errors import UsageError
from ml_publish.release.citation import as_released
from ml_publish.template import TemplateVariable, template_variables
from ml_publish.template_record import TABLE
from ml_publish.update.files import RECORD, REGENERATE, REPLACE, FileChange, file_change
from ml_publish.update.generated import Registry, is_generated, project_registry, regenerated
from ml_publish.update.update_plan import PYPROJECT, UpdatePlan
from ml_publish.update.pyproject_merge import merge_pyproject
from ml_publish.update.record import TemplateRecord, read_record, with_record
from ml_publish.update.sources import TemplateSource, parse_version, same_version, template_of

README = "README.md"


@dataclass(frozen=True)
class Preparation:
    """The project, its record (``None`` when the answers were read from its files instead),
    the base and target templates, and the target's questions the answers do not cover."""

    root: Path
    record: TemplateRecord | None
    answers: dict[str, str]
    base: TemplateSource
    target: TemplateSource
    new_variables: tuple[TemplateVariable, ...]

    @property
    def finishing(self) -> bool:
        pending = self.record.pending if self.record else None
        return pending is not None and same_version(pending, self.target.version)


def prepare_update(
    root: Path,
    *,
    to: str | None = None,
    from_version: str | None = None,
    base_wheel: Path | None = None,
) -> Preparation:
    """Check the project can be updated and find both templates; changes nothing."""
    record = read_project_record(root)
    base_version = from_version or (record.version if record else None)
    if base_version is None:
        raise UsageError(
            f"pyproject.toml has no {TABLE}; pass --from VERSION, the ml-publish version "
            "whose template made the project"
        )
    target_version = to or __version__
    if parse_version(target_version, "--to") < parse_version(base_version, "--from"):
        raise UsageError(
            f"the project's template is ml-publish {base_version}'s, newer than "
            f"{target_version}; upgrade ml-publish or pass --to {base_version}"
        )
    pending = record.pending if record else None
    finishing = pending is not None and same_version(pending, target_version)
    if not finishing:
        refuse_dirty_tree(root)
    target = template_of(target_version, role="target")
    # Finishing an update only records the version: the base's template is not needed then.
    base = (
        TemplateSource(base_version, target.root)
        if finishing
        else template_of(base_version, wheel=base_wheel, role="base")
    )
    if record is None:
        # Only projects without a record read their answers back, with adopt's analysis.
        from ml_publish.update.project_answers import answers_from_project

        answers = answers_from_project(root, base.root)
    else:
        answers = record.answers
    variables = template_variables(target.root)
    new = tuple(variable for name, variable in variables.items() if name not in answers)
    return Preparation(root, record, answers, base, target, new)


def read_project_record(root: Path) -> TemplateRecord | None:
    if not root.is_dir():
        raise UsageError(f"{root} is not a directory")
    if git.tracked_files(root) is None:
        raise UsageError(
            f"{root} is not a git repository; update merges into a committed tree, so that "
            "git diff shows what it did and git can undo it"
        )
    pyproject = root / PYPROJECT
    if not pyproject.is_file():
        raise UsageError(f"{root} has no {PYPROJECT}; is it a project made by ml-publish?")
    return read_record(pyproject.read_text(encoding="utf-8"))


def refuse_dirty_tree(root: Path) -> None:
    changed = git.changed_paths(root)
    if changed:
        shown = ", ".join(changed[:5]) + (" ..." if len(changed) > 5 else "")
        raise UsageError(
            f"the tree has uncommitted changes ({shown}); commit or stash them first, so the "
            "update's changes are the only ones git diff shows"
        )


def plan_update(prepared: Preparation, given: dict[str, str]) -> UpdatePlan:
    """The update's plan for the answers ``given`` (new questions' defaults where not given)."""
    root, base, target = prepared.root, prepared.base, prepared.target
    if prepared.finishing:
        return finishing_plan(prepared)
    answers = template.resolve_answers(
        {**prepared.answers, **given}, no_input=True, template=target.root
    )
    new_answers = {v.name: answers[v.name] for v in prepared.new_variables}
    if prepared.record and same_version(base.version, target.version):
        if answers == prepared.answers:
            return UpdatePlan(root, base.version, target.version)
    base_files = rendered_files(base, prepared.answers)
    theirs_files = rendered_files(target, answers)
    registry = project_registry(root, answers)
    labels = ("yours", f"ml-publish {base.version}", f"ml-publish {target.version}")
    changes = [
        change
        for path in sorted((set(base_files) | set(theirs_files)) - {PYPROJECT})
        if (
            change := path_change(
                root, path, base_files.get(path), theirs_files.get(path), registry, labels
            )
        )
    ]
    conflicted = any(change.conflicts for change in changes)
    record = TemplateRecord(base.version, answers, target.version)
    if not conflicted:
        record = TemplateRecord(target.version, answers)
    pyproject, kept = pyproject_change(root, base_files, theirs_files, record)
    if pyproject is not None:
        changes.append(pyproject)
    return UpdatePlan(root, base.version, target.version, tuple(changes), new_answers, kept)


def rendered_files(source: TemplateSource, answers: dict[str, str]) -> dict[str, bytes]:
    """Every file the template renders for ``answers``, by path relative to the project."""
    with tempfile.TemporaryDirectory(prefix="ml-publish-update-") as scratch:
        project = template.render(answers, Path(scratch), overwrite=False, template=source.root)
        return {
            path.relative_to(project).as_posix(): path.read_bytes()
            for path in sorted(project.rglob("*"))
            if path.is_file()
        }


def read_file(root: Path, path: str) -> bytes | None:
    file = root / path
    return file.read_bytes() if file.is_file() and not file.is_symlink() else None


def path_change(
    root: Path,
    path: str,
    base: bytes | None,
    theirs: bytes | None,
    registry: Registry | None,
    labels: tuple[str, str, str],
) -> FileChange | None:
    """One template path's change; the files made from the weights registry written from it."""
    ours = read_file(root, path)
    if path == CITATION_FILE:  # a release's version and date are the project's, not merged
        base, theirs = as_released(base, ours), as_released(theirs, ours)
    if registry is None or ours is None:
        return file_change(path, base, theirs, ours, labels)
    if is_generated(path, registry) and theirs is not None:
        after = regenerated(path, registry, theirs, ours)
        return FileChange(path, REGENERATE, ours, after) if after != ours else None
    if path != README:
        return file_change(path, base, theirs, ours, labels)
    # The weights table, written from the registry in all three, cannot conflict.
    table = registry.readme_with_table
    change = file_change(path, table(base), table(theirs), table(ours), labels)
    if change is None:
        return FileChange(path, REGENERATE, ours, table(ours)) if table(ours) != ours else None
    return replace(change, before=ours)


def pyproject_change(
    root: Path, base: dict[str, bytes], theirs: dict[str, bytes], record: TemplateRecord
) -> tuple[FileChange | None, tuple[str, ...]]:
    """pyproject.toml merged key by key, with the template record ``record`` in it."""
    ours = read_file(root, PYPROJECT) or b""
    base_text = base.get(PYPROJECT, b"").decode("utf-8")
    merged = merge_pyproject(base_text, theirs.get(PYPROJECT, b"").decode("utf-8"), ours.decode())
    after = with_record(merged.text, record).encode("utf-8")
    if after == ours:
        return None, merged.kept
    action = REPLACE if ours == base.get(PYPROJECT) else "merge"
    return FileChange(PYPROJECT, action, ours, after), merged.kept


def finishing_plan(prepared: Preparation) -> UpdatePlan:
    """After a run with conflicts: record the version once no conflict markers are left."""
    assert prepared.record is not None
    root, base, target = prepared.root, prepared.base.version, prepared.target.version
    remaining = tuple(files_with_conflicts(root))
    if remaining:
        return UpdatePlan(root, base, target, finishing=True, remaining=remaining)
    ours = read_file(root, PYPROJECT) or b""
    record = TemplateRecord(target, prepared.answers)
    after = with_record(ours.decode("utf-8"), record).encode("utf-8")
    change = FileChange(PYPROJECT, RECORD, ours, after, f"template version {target}")
    return UpdatePlan(root, base, target, (change,), finishing=True)


def files_with_conflicts(root: Path) -> list[str]:
    """``path:line`` of each conflict left in the files git lists (tracked or not ignored)."""
    found = []
    for name in git.listed_files(root) or []:
        data = read_file(root, name)
        text = text_of(data) if data is not None else None
        if text is not None:
            found += [f"{name}:{line}" for line in conflict_lines(text)]
    return found


def apply_update(plan: UpdatePlan) -> None:
    """Write the plan's files; pyproject.toml, which records the version, last."""
    for change in sorted(plan.writes, key=lambda c: c.path == PYPROJECT):
        path = plan.root / change.path
        if change.after is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(change.after)


def update_project(
    root: Path,
    assignments: list[str] | None = None,
    *,
    to: str | None = None,
    from_version: str | None = None,
    base_wheel: Path | None = None,
    dry_run: bool = False,
) -> UpdatePlan:
    """Update the project at ``root`` (new questions take their defaults unless assigned)."""
    prepared = prepare_update(root, to=to, from_version=from_version, base_wheel=base_wheel)
    given = template.parse_assignments(assignments or [], prepared.target.root)
    plan = plan_update(prepared, given)
    if not dry_run:
        apply_update(plan)
    return plan


def new_defaults(prepared: Preparation, given: dict[str, str]) -> dict[str, str]:
    """The default answer of each new question, rendered against the answers so far."""
    answers = template.resolve_answers(
        {**prepared.answers, **given}, no_input=True, template=prepared.target.root
    )
    return {variable.name: answers[variable.name] for variable in prepared.new_variables}
