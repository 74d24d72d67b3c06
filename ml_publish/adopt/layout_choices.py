"""What the plan decides and says about a repository's layout beyond the moves themselves.

Several packages that could each be the one (``--yes`` takes a new package named after the
repository), scripts of one name in several directories (each gets its directory in its
command), and notebook cells that are not Python even with IPython's syntax set aside.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from ml_publish.adopt.analyse import RepositoryAnalysis


def default_package_note(
    analysis: RepositoryAnalysis, requested: str | None, name: str
) -> list[str]:
    """What adopt chose for the user when several packages could have been the one."""
    candidates = analysis.existing_packages
    if requested is not None or len(candidates) < 2:
        return []
    what = (
        f"{name!r}, named like the repository, holds the others"
        if name in candidates
        else f"they became subpackages of a new package {name!r} named after the repository"
    )
    return [
        f"the repository has several packages ({', '.join(candidates)}): {what} (the "
        "default; pass --package to publish one of them instead)"
    ]


def distinct_console_names(
    paths: Iterable[str], console_name: Callable[[str], str]
) -> dict[str, str]:
    """Each script's command; scripts of the same name in different directories (three
    authors' ``run_train.py``) are told apart by their directory (``alice-run-train``):
    ``console_name`` of the path with its slashes as dashes."""
    listed = list(paths)
    names = {path: console_name(path) for path in listed}
    taken = Counter(names.values())
    return {
        path: name if taken[name] == 1 else console_name(path.replace("/", "-"))
        for path, name in names.items()
    }


def unreadable_cell_items(analysis: RepositoryAnalysis) -> list[str]:
    """Notebook cells that are not Python even with IPython's syntax set aside: adopt leaves
    them as they are, so their imports of moved modules are for a person to check."""
    items = []
    for notebook in analysis.notebooks:
        if notebook.unreadable_cells:
            numbers = ", ".join(str(number) for number, _ in notebook.unreadable_cells)
            first, why = notebook.unreadable_cells[0]
            items.append(
                f"{notebook.path}: cell(s) {numbers} are not Python adopt can read, IPython's "
                f"magics aside (cell {first}: {why}); left as they were, their imports unchecked"
            )
    return items
