"""Where a project records the template that made it, and what a sound record looks like.

``[tool.ml-publish.template]`` in pyproject.toml: ``version``, the ml-publish version whose
template rendered the project; ``answers``, every template variable's value as text; and, while
an update's conflicts are being resolved, ``pending-version``, the version it updates to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

TABLE = "[tool.ml-publish.template]"
PENDING = "pending-version"

# PEP 440's grammar, as packaging parses it; compared here without importing packaging, which
# would cost ``ml-publish check`` (a pre-commit hook) a fifth of its start-up.
VERSION = re.compile(
    r"""^\s*v?(?:(?P<epoch>[0-9]+)!)?(?P<release>[0-9]+(?:\.[0-9]+)*)
    (?:[-_.]?(?P<pre>a|b|c|rc|alpha|beta|pre|preview)[-_.]?(?P<pre_n>[0-9]+)?)?
    (?P<post>-(?P<post_implicit>[0-9]+)|[-_.]?(?:post|rev|r)[-_.]?(?P<post_n>[0-9]+)?)?
    (?:[-_.]?(?P<dev>dev)[-_.]?(?P<dev_n>[0-9]+)?)?
    (?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
PRE_RANKS = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}
INFINITY = float("inf")
# epoch, release (trailing zeros dropped), pre-release, post-release, development release.
VersionKey = tuple[int, tuple[int, ...], tuple[float, float], float, float]


def version_key(text: object) -> VersionKey | None:
    """A key that orders PEP 440 versions as PEP 440 does (a local part is not compared);
    ``None`` for anything else."""
    match = VERSION.match(text) if isinstance(text, str) else None
    if match is None:
        return None
    release = [int(part) for part in match["release"].split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    has_post = match["post"] is not None
    dev: float = int(match["dev_n"] or 0) if match["dev"] else INFINITY
    if match["pre"]:
        pre: tuple[float, float] = (PRE_RANKS[match["pre"].lower()], int(match["pre_n"] or 0))
    elif dev != INFINITY and not has_post:
        pre = (-INFINITY, 0)  # 1.0.dev1 comes before 1.0a1
    else:
        pre = (INFINITY, 0)
    post: float = int(match["post_implicit"] or match["post_n"] or 0) if has_post else -INFINITY
    return (int(match["epoch"] or 0), tuple(release), pre, post, dev)


def is_version(text: object) -> bool:
    """Whether ``text`` is a PEP 440 version, as ml-publish's own versions are."""
    return version_key(text) is not None


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
