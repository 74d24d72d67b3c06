"""What the plan decides and says about a repository's layout beyond the moves themselves.

Several packages that could each be the one (``--yes`` takes a new package named after the
repository), and notebook cells that are not Python even with IPython's syntax set aside.
"""

from __future__ import annotations

from ml_publish.repository_analysis.analyse import RepositoryAnalysis


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
