"""REL: a tag-triggered release with Trusted Publishing, and weights ready to publish."""

from __future__ import annotations

import os
import re

from ml_publish.checks.base import Skip, check
from ml_publish.checks.ci import run_commands, steps, triggers
from ml_publish.checks.facts import RepositoryFacts
from ml_publish.checks.packaging import version_literals
from ml_publish.weights.naming import STAGING_DIR

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PYPI_PUBLISH_ACTION = "pypa/gh-action-pypi-publish"
BUILD_COMMAND = re.compile(r"\b(python3?\s+-m\s+build|pipx\s+run\s+build|uv\s+build|hatch\s+build)")
BUILD_ACTIONS = ("hynek/build-and-inspect-python-package",)
TWINE_CHECK = re.compile(r"\btwine\s+check\b")
README_TYPES = {".md", ".rst", ".txt", ""}


def release_workflows(facts: RepositoryFacts) -> dict[str, dict[Any, Any]]:
    """Workflows that run when a tag is pushed or a release is published."""
    found = {}
    for name, workflow in facts.workflows().items():
        events = triggers(workflow)
        push = events.get("push")
        if "release" in events or (isinstance(push, dict) and "tags" in push):
            found[name] = workflow
    return found


def permissions_grant_id_token(workflow: dict[Any, Any]) -> bool:
    scopes = [workflow.get("permissions")] + [
        job.get("permissions")
        for job in (workflow.get("jobs") or {}).values()
        if isinstance(job, dict)
    ]
    return any(isinstance(s, dict) and s.get("id-token") == "write" for s in scopes) or any(
        s == "write-all" for s in scopes
    )


@check("REL101", requires=("CI102",))
def release_workflow_present(facts: RepositoryFacts) -> str | None:
    """A workflow releases when a version tag is pushed."""
    if not release_workflows(facts):
        return (
            "add a release workflow triggered by on: push: tags: ['v*'] "
            "(ml-publish new writes .github/workflows/release.yml)"
        )
    return None


@check("REL102", requires=("REL101",))
def trusted_publishing(facts: RepositoryFacts) -> str | None:
    """The release uploads to PyPI with Trusted Publishing, not a stored token."""
    for workflow in release_workflows(facts).values():
        for step in steps(workflow):
            if not str(step.get("uses", "")).startswith(PYPI_PUBLISH_ACTION):
                continue
            if "password" in (step.get("with") or {}):
                return (
                    "drop the password input of pypa/gh-action-pypi-publish and add this "
                    "repository as a Trusted Publisher on PyPI (no token to leak)"
                )
            if not permissions_grant_id_token(workflow):
                return "give the publishing job permissions: id-token: write (Trusted Publishing)"
            return None
    return "publish with pypa/gh-action-pypi-publish and id-token: write (Trusted Publishing)"


@check("REL103", requires=("REL101",))
def release_builds_and_checks(facts: RepositoryFacts) -> str | None:
    """The release builds the sdist and wheel and runs twine check on them."""
    for workflow in release_workflows(facts).values():
        commands = run_commands(workflow)
        built = any(BUILD_COMMAND.search(c) for c in commands) or any(
            str(step.get("uses", "")).startswith(BUILD_ACTIONS) for step in steps(workflow)
        )
        checked = any(TWINE_CHECK.search(c) for c in commands) or any(
            str(step.get("uses", "")).startswith(BUILD_ACTIONS) for step in steps(workflow)
        )
        if built and checked:
            return None
    return (
        "build with python -m build and run twine check --strict dist/* in the release "
        "workflow, so a README PyPI cannot render fails before the upload"
    )


@check("REL104", requires=("WGT101",))
def pending_weights_staged(facts: RepositoryFacts) -> str | None:
    """Weights waiting for upload are staged on disk with their registered size."""
    pending = [e for e in facts.registry_entries() if e.get("status") == "pending"]
    if not pending:
        raise Skip("no pending weights")
    problems = []
    for entry in pending:
        staged = facts.root / STAGING_DIR / str(entry["file_name"])
        if not staged.is_file():
            problems.append(f"{entry['name']} (no {STAGING_DIR}/{entry['file_name']})")
        elif staged.stat().st_size != entry["size"]:
            problems.append(f"{entry['name']} (size differs from the registry)")
    if problems:
        return (
            f"pending weights cannot be uploaded: {'; '.join(problems)}; run ml-publish "
            "weights add again with the original file"
        )
    return None


def secure_origins() -> tuple[str, ...]:
    """Where published weights may be served from: https, or the GitHub server in use
    (``GITHUB_SERVER_URL``, which a sandbox or test run points at its local emulator)."""
    server = os.environ.get("GITHUB_SERVER_URL", "").rstrip("/")
    return ("https://", server + "/") if server else ("https://",)


@check("REL105", requires=("WGT101",))
def uploaded_urls_public(facts: RepositoryFacts) -> str | None:
    """Uploaded weights point at a published release, not a draft."""
    uploaded = [e for e in facts.registry_entries() if e.get("status") == "uploaded"]
    if not uploaded:
        raise Skip("no uploaded weights")
    bad = [
        str(entry["name"])
        for entry in uploaded
        if "/releases/download/untagged-" in str(entry["url"])
        or "/releases/download/" not in str(entry["url"])
        or not str(entry["url"]).startswith(secure_origins())
        or not str(entry["url"]).endswith("/" + str(entry["file_name"]))
    ]
    if bad:
        return (
            f"{', '.join(bad)}: the URL is not a published release download; publish the "
            "release (ml-publish weights upload --publish)"
        )
    return None


@check("REL106", requires=("PKG101",))
def readme_renders_on_pypi(facts: RepositoryFacts) -> str | None:
    """The readme pyproject.toml names exists, in a format PyPI renders."""
    readme = facts.project_table().get("readme")
    if readme is None:
        raise Skip("no readme in [project]")
    name = (
        readme
        if isinstance(readme, str)
        else readme.get("file") if isinstance(readme, dict) else None
    )
    if name is None:
        return None
    if facts.text(name) is None:
        return f"[project] readme = {name!r}, which does not exist; point it at the README"
    suffix = "." + name.rsplit(".", 1)[1].lower() if "." in name else ""
    if suffix not in README_TYPES:
        return f"PyPI renders Markdown, reStructuredText or plain text, not {suffix}"
    return None


@check("REL107", requires=("PKG101",))
def version_accepted_by_pypi(facts: RepositoryFacts) -> str | None:
    """The version is a PEP 440 public version, which PyPI accepts."""
    from ml_publish.versions import is_public_version, is_version

    literals = version_literals(facts)
    if not literals:
        raise Skip("the version is computed (e.g. from git tags)")
    bad = [
        f"{where}: {version!r}"
        for where, version in literals.items()
        if not is_public_version(version)
    ]
    if bad:
        local = any(is_version(v) for v in literals.values())
        why = "PyPI refuses local versions (+...)" if local else "not PEP 440 versions"
        return f"{'; '.join(bad)} ({why}); use a version like 1.2.0"
    return None
