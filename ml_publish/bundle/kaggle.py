"""What a bundle needs on Kaggle: the ``dataset-metadata.json`` the ``kaggle`` CLI reads, the
command that uploads it, and ``notebook.py``, the cell a competitor pastes into a notebook.

ml-publish never talks to Kaggle: the person runs the printed ``kaggle datasets create`` (or
``version``) with their own credentials. The metadata follows the kaggle CLI's documented fields
(github.com/Kaggle/kaggle-api, docs/datasets_metadata.md): ``title`` (6 to 50 characters),
``id`` (``owner/slug``), ``licenses`` (Kaggle's names), ``description``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ml_publish.project_facts import readme_path
from ml_publish.weights.metadata import project_license
from ml_publish.weights.registry import WeightEntry

METADATA_FILE = "dataset-metadata.json"
NOTEBOOK_FILE = "notebook.py"
KAGGLE_INPUT = "/kaggle/input"
# SPDX identifiers Kaggle's dataset licenses name the same way; others are "other", with the
# project's license written in the description.
KAGGLE_LICENSES = {
    "CC0-1.0": "CC0-1.0",
    "CC-BY-4.0": "CC-BY-4.0",
    "CC-BY-SA-4.0": "CC-BY-SA-4.0",
    "CC-BY-NC-4.0": "CC-BY-NC-4.0",
    "CC-BY-NC-SA-4.0": "CC-BY-NC-SA-4.0",
    "GPL-2.0": "GPL-2.0",
    "GPL-3.0": "GPL-3.0",
    "LGPL-3.0": "LGPL-3.0",
    "AGPL-3.0": "AGPL-3.0",
    "Apache-2.0": "apache-2.0",
    "ODbL-1.0": "ODbL-1.0",
}
BADGE_OR_MARKUP = re.compile(r"^\s*(#|\[!\[|!\[|<|\||```|-{3,}|={3,})")


def first_paragraph(text: str) -> str:
    """The README's first paragraph of prose: headings, badges, HTML and tables skipped."""
    paragraph: list[str] = []
    for line in text.splitlines():
        if not line.strip() or BADGE_OR_MARKUP.match(line):
            if paragraph:
                break
            continue
        paragraph.append(line.strip())
    return " ".join(paragraph)


def dataset_metadata(
    project_root: Path, dataset_id: str, name: str, version: str, entries: list[WeightEntry]
) -> dict[str, object]:
    license_id = project_license(project_root) or ""
    readme = readme_path(project_root)
    about = first_paragraph(readme.read_text(encoding="utf-8")) if readme.is_file() else ""
    lines = [about, "", f"{name} {version} with its dependencies and weights, to install offline "]
    lines[-1] += "(made by ml-publish bundle; see notebook.py)."
    lines.append(f"Code license: {license_id or 'not declared'}.")
    lines += [
        f"Weights {e.name}: license {e.meta.get('license', 'not declared')}." for e in entries
    ]
    return {
        "title": f"{name} {version} offline"[:50].ljust(6, "_"),
        "id": dataset_id,
        "licenses": [{"name": KAGGLE_LICENSES.get(license_id, "other")}],
        "description": "\n".join(lines).strip(),
    }


def write_metadata(directory: Path, metadata: dict[str, object]) -> Path:
    path = directory / METADATA_FILE
    path.write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    return path


def upload_commands(directory: Path) -> list[str]:
    return [
        f"kaggle datasets create -p {directory}        (the first time)",
        f'kaggle datasets version -p {directory} -m "..."  (a new version of it)',
    ]


def weights_variable(package: str) -> str:
    """The variable the generated loader searches for local weight files first."""
    return f"{package.replace('.', '_').upper()}_WEIGHTS_DIR"
