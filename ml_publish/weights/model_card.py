"""``MODEL_CARD.md``: a Hugging Face model card written from the weights registry.

The YAML front matter (``license``, ``library_name``, ``tags``, ``datasets``, ``model-index``
with a result per metric) and the weights section are written from the registry every time;
keys a person adds to the front matter stay. The prose sections (model details, intended use,
training data, evaluation, limitations) are written once, as TODOs a person fills, and never
rewritten: only the text between the card's markers is ml-publish's.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ml_publish.weights.naming import is_data
from ml_publish.weights.project import Project, open_project
from ml_publish.weights.registry import WeightEntry, load_defaults, load_registry
from ml_publish.weights.table import human_size, license_text, metrics_text

MODEL_CARD_FILE = "MODEL_CARD.md"
START_MARKER = "<!-- model-card:weights:start -->"
END_MARKER = "<!-- model-card:weights:end -->"
FRONT_MATTER = re.compile(r"\A---\n(?P<yaml>.*?\n)---\n", re.DOTALL)
# The Hub's license identifiers (hf.co/docs/hub/repositories-licenses); any other license is
# written as ``other`` with ``license_name`` and ``license_link``.
HUB_LICENSES = frozenset(
    "apache-2.0 mit openrail bigscience-openrail-m creativeml-openrail-m bigcode-openrail-m "
    "afl-3.0 artistic-2.0 bsl-1.0 bsd bsd-2-clause bsd-3-clause bsd-3-clause-clear c-uda cc "
    "cc0-1.0 cc-by-2.0 cc-by-2.5 cc-by-3.0 cc-by-4.0 cc-by-sa-3.0 cc-by-sa-4.0 cc-by-nc-2.0 "
    "cc-by-nc-3.0 cc-by-nc-4.0 cc-by-nd-4.0 cc-by-nc-nd-3.0 cc-by-nc-nd-4.0 cc-by-nc-sa-2.0 "
    "cc-by-nc-sa-3.0 cc-by-nc-sa-4.0 cdla-sharing-1.0 cdla-permissive-1.0 cdla-permissive-2.0 "
    "wtfpl ecl-2.0 epl-1.0 epl-2.0 etalab-2.0 eupl-1.1 eupl-1.2 agpl-3.0 gfdl gpl gpl-2.0 "
    "gpl-3.0 lgpl lgpl-2.1 lgpl-3.0 isc lppl-1.3c ms-pl mpl-2.0 odc-by odbl osl-3.0 postgresql "
    "ofl-1.1 ncsa unlicense zlib pddl unknown other".split()
)
GNU_SUFFIX = re.compile(r"-(only|or-later)$")
# What a person fills; written when the card is created, then theirs.
PROSE_SECTIONS = (
    ("Model details", "What the model is, who made it, and what it was trained to do."),
    ("Intended use", "Who should use it and for what; uses it is not meant for."),
    ("Training data", "The data it was trained on, its license, and how it was prepared."),
    ("Evaluation", "How the metrics above were measured: data, protocol, and caveats."),
    ("Limitations", "Known failure modes, biases and risks, and how to mitigate them."),
)


def hub_license(spdx: str) -> tuple[str, str | None]:
    """The Hub's identifier for an SPDX expression, and the ``license_name`` when it is
    ``other``."""
    candidate = GNU_SUFFIX.sub("", spdx.lower())
    if candidate in HUB_LICENSES:
        return candidate, None
    return "other", re.sub(r"[^a-z0-9.-]+", "-", spdx.lower()).strip("-") or "unknown"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def task_of(entry: WeightEntry) -> str:
    task = entry.meta.get("task")
    if isinstance(task, str) and task:
        return task
    return "image-classification" if entry.meta.get("categories") else "other"


def model_index(entries: list[WeightEntry]) -> list[dict[str, Any]]:
    """One model per weight with metrics, one result per dataset split."""
    index = []
    for entry in entries:
        results = [
            {
                "task": {"type": task_of(entry)},
                "dataset": {
                    "name": metric["dataset"],
                    "type": slug(metric["dataset"]),
                    "split": metric["split"],
                },
                "metrics": [
                    {"type": name, "value": value, "name": name}
                    for name, value in metric["values"].items()
                ],
            }
            for metric in entry.meta.get("metrics", [])
        ]
        if results:
            index.append({"name": entry.name, "results": results})
    return index


def front_matter(project: Project, entries: list[WeightEntry]) -> dict[str, Any]:
    """The card's metadata as the registry gives it."""
    licenses = sorted({license_text(entry.meta) for entry in entries} - {""})
    data: dict[str, Any] = {}
    if licenses:
        hub_id, name = hub_license(licenses[0])
        data["license"] = hub_id
        if name is not None:
            data["license_name"] = name
            data["license_link"] = "LICENSE"
    if (project.root / "hubconf.py").is_file():
        data["library_name"] = "pytorch"
    tasks = sorted({task_of(entry) for entry in entries} - {"other"})
    data["tags"] = ["ml-publish", *tasks, *sorted({e.arch for e in entries if e.arch})]
    datasets = sorted({slug(m["dataset"]) for e in entries for m in e.meta.get("metrics", [])})
    if datasets:
        data["datasets"] = datasets
    if index := model_index(entries):
        data["model-index"] = index
    return data


def weights_section(entries: list[WeightEntry], defaults: dict[str, str]) -> str:
    """The generated part of the body: each weight's facts."""
    lines = []
    for entry in sorted(entries, key=lambda e: e.name):
        chosen = " (default)" if defaults.get(entry.arch) == entry.name else ""
        facts = [
            f"- architecture: `{entry.arch}`{chosen}" if entry.arch else "",
            f"- license: {license_text(entry.meta)}" if license_text(entry.meta) else "",
            f"- metrics: {metrics_text(entry.meta)}" if entry.meta.get("metrics") else "",
            f"- parameters: {entry.meta['num_params']:,}" if "num_params" in entry.meta else "",
            f"- file: [{entry.file_name}]({entry.url}) ({human_size(entry.size)}, "
            f"SHA-256 `{entry.sha256}`)",
            f"- recipe: {entry.meta['recipe']}" if "recipe" in entry.meta else "",
            f"- paper: {entry.meta['paper']}" if "paper" in entry.meta else "",
        ]
        lines += [f"### {entry.name}", "", *[fact for fact in facts if fact], ""]
    return "\n".join(lines).rstrip() or "No weights have been published yet."


def citation_section(project: Project, entries: list[WeightEntry]) -> str:
    papers = sorted({str(e.meta["paper"]) for e in entries if e.meta.get("paper")})
    lines = ["## Citation", ""]
    if (project.root / "CITATION.cff").is_file():
        lines.append("Cite this work as [CITATION.cff](CITATION.cff) describes it.")
    lines += [f"- {paper}" for paper in papers]
    return "\n".join(lines) if len(lines) > 2 else "## Citation\n\nTODO: how to cite this work."


def new_card(project: Project, generated: str) -> str:
    """A card's body when there is none yet: the title, the generated part, the TODOs."""
    title = project.import_name.replace("_", " ").title()
    prose = [f"## {heading}\n\nTODO: {hint}" for heading, hint in PROSE_SECTIONS]
    return "\n\n".join([f"# {title}", generated, *prose]) + "\n"


def rendered_card(project: Project, existing: str | None) -> str:
    """The card with its generated parts written from the registry, the rest kept."""
    entries = [e for e in load_registry(project.registry) if not is_data(e.meta)]
    defaults = load_defaults(project.registry)
    generated = "\n\n".join(
        [
            START_MARKER,
            "## Weights",
            weights_section(entries, defaults),
            citation_section(project, entries),
            END_MARKER,
        ]
    )
    body, metadata = existing or "", {}
    if found := FRONT_MATTER.match(body):
        loaded = yaml.safe_load(found["yaml"])
        metadata = loaded if isinstance(loaded, dict) else {}
        body = body[found.end() :].lstrip("\n")
    start, end = body.find(START_MARKER), body.find(END_MARKER)
    if 0 <= start < end:
        body = body[:start] + generated + body[end + len(END_MARKER) :]
    else:
        body = new_card(project, generated)
    for key in ("license", "license_name", "license_link", "datasets", "model-index"):
        metadata.pop(key, None)
    metadata.update(front_matter(project, entries))
    dumped = yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True)
    return f"---\n{dumped}---\n\n{body}"


def write_model_card(project_root: Path) -> tuple[Path, bool]:
    """Write (or bring up to date) the project's ``MODEL_CARD.md``; whether it changed."""
    project = open_project(project_root)
    path = project.root / MODEL_CARD_FILE
    existing = path.read_text(encoding="utf-8") if path.is_file() else None
    card = rendered_card(project, existing)
    if card == existing:
        return path, False
    path.write_text(card, encoding="utf-8")
    return path, True


def refresh_model_card(project_root: Path) -> bool:
    """Bring an existing card's generated parts up to date (the weights-table hook)."""
    if not (project_root / MODEL_CARD_FILE).is_file():
        return False
    return write_model_card(project_root)[1]
