"""Where a project records the template that made it, and what a sound record looks like.

``[tool.ml-publish.template]`` in pyproject.toml: ``version``, the ml-publish version whose
template rendered the project; ``answers``, every template variable's value as text; and, while
an update's conflicts are being resolved, ``pending-version``, the version it updates to.
"""

from __future__ import annotations

from collections.abc import Mapping

from ml_publish.versions import is_version

TABLE = "[tool.ml-publish.template]"
PENDING = "pending-version"


def template_table(document: Mapping[str, object]) -> object:
    """The raw ``[tool.ml-publish.template]`` value of a parsed pyproject.toml, or ``None``."""
    tool = document.get("tool")
    ml_publish = tool.get("ml-publish") if isinstance(tool, Mapping) else None
    return ml_publish.get("template") if isinstance(ml_publish, Mapping) else None


def record_problem(table: object) -> str | None:
    """What is wrong with a ``[tool.ml-publish.template]`` value, or ``None`` if it is sound."""
    if not isinstance(table, Mapping):
        return f"{TABLE} must be a table"
    version = table.get("version")
    if not is_version(version):
        return (
            f'version in {TABLE} must be the ml-publish version that made the project, like "0.1.0"'
        )
    pending = table.get(PENDING)
    if pending is not None and not is_version(pending):
        return f"{PENDING} in {TABLE} must be an ml-publish version"
    answers = table.get("answers")
    if not isinstance(answers, Mapping):
        return f"{TABLE} has no answers table; run ml-publish update --from {version}"
    wrong = [str(k) for k, v in answers.items() if not isinstance(v, (str, bool, int))]
    if wrong:
        return f"answers in {TABLE} must be text, and {', '.join(wrong)} is not"
    return None
