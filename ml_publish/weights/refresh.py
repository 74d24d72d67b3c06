"""Keep the README weights table and ``hubconf.py`` in step with the registry."""

from __future__ import annotations

import re
from pathlib import Path

from ml_publish.project_facts import resolve_repository
from ml_publish.readmes import in_line_endings_of, plain_newlines
from ml_publish.weights.hubconf import HUBCONF_FILE, is_generated_hubconf, render_hubconf
from ml_publish.weights.project import Project, open_project
from ml_publish.weights.registry import WeightEntry, load_registry
from ml_publish.weights.table import with_table

RELEASE_URL = re.compile(r"^https?://[^/]+/([^/]+/[^/]+)/releases/download/")


def refresh_tables(project_root: Path) -> list[str]:
    """Rewrite the README weights table (and hubconf.py, and MODEL_CARD.md's generated parts)
    from the registry; what changed."""
    project = open_project(project_root)
    entries = load_registry(project.registry)
    from ml_publish.weights.model_card import MODEL_CARD_FILE, refresh_model_card

    generated = (project.readme, project.root / HUBCONF_FILE, project.root / MODEL_CARD_FILE)
    before = {path: read_if_exists(path) for path in generated}
    refresh_readme(project, entries)
    if before[project.root / HUBCONF_FILE] is not None:
        repository = registered_repository(entries) or resolve_repository(None, project.root)
        refresh_hubconf(project, repository, entries)
    refresh_model_card(project.root)
    return [
        str(path.relative_to(project.root))
        for path, text in before.items()
        if read_if_exists(path) != text
    ]


def refresh_readme(project: Project, entries: list[WeightEntry]) -> None:
    readme = project.readme
    if readme.is_file():
        with readme.open(encoding="utf-8", newline="") as stream:
            original = stream.read()
        rst = readme.suffix.lower() == ".rst"
        text = with_table(plain_newlines(original), entries, rst=rst)
        readme.write_bytes(in_line_endings_of(original, text).encode("utf-8"))


def refresh_hubconf(project: Project, repository: str, entries: list[WeightEntry]) -> None:
    """Rewrite hubconf.py (PyTorch projects have one) with an entry point per weight file;
    the author's own hubconf.py stays as it is."""
    hubconf = project.root / HUBCONF_FILE
    if hubconf.is_file() and is_generated_hubconf(hubconf.read_text("utf-8", errors="replace")):
        text = render_hubconf(project.import_name, repository, entries, project.source_dir)
        hubconf.write_text(text, encoding="utf-8")


def registered_repository(entries: list[WeightEntry]) -> str | None:
    """The ``owner/name`` the registered download URLs point at, when they agree on one."""
    found = {match[1] for e in entries if (match := RELEASE_URL.match(e.url))}
    return found.pop() if len(found) == 1 else None


def read_if_exists(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None
