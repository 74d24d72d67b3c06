"""``weights add --meta/--metrics/--categories``, ``weights default``, ``weights list`` and
``weights card`` on a freshly generated project, through the real command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from huggingface_hub import ModelCard, ModelCardData
from huggingface_hub.repocard_data import model_index_to_eval_results

from tests.support.processes import run
from tests.support.projects import render
from tests.weights.test_metadata import safetensors_bytes

REGISTRY = Path("cell_segmentation") / "weights.json"
# Some of the Hub's license identifiers (hf.co/docs/hub/repositories-licenses).
HUB_LICENSE_IDS = {"mit", "apache-2.0", "cc-by-4.0", "cc-by-nc-4.0", "gpl-3.0", "other"}
METRIC = {"dataset": "DSB 2018", "split": "test", "values": {"mAP": 0.731, "dice": 88}}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = render(tmp_path, {})
    (root / "net.safetensors").write_bytes(safetensors_bytes({"classifier.weight": [3, 16]}))
    (root / "other.safetensors").write_bytes(safetensors_bytes({"classifier.weight": [2, 16]}))
    (root / "classes.txt").write_text("cell\ndebris\nbackground\n", encoding="utf-8")
    return root


def ml_publish(project: Path, *args: str) -> tuple[int, str, str]:
    result = run(
        [sys.executable, "-m", "ml_publish", "weights", "-C", str(project), *args],
        expect_success=False,
        env={"GITHUB_REPOSITORY": "", "GITHUB_SERVER_URL": ""},
    )
    return result.returncode, result.stdout, result.stderr


def add_net(project: Path, *extra: str) -> None:
    code, _, err = ml_publish(
        project,
        "add",
        "net.safetensors",
        "--name",
        "net_v1",
        "--arch",
        "example_net",
        "--metrics",
        json.dumps(METRIC),
        "--categories",
        "classes.txt",
        "--meta",
        "paper=https://doi.org/10.1000/xyz",
        *extra,
    )
    assert (code, err) == (0, "")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--metrics", '{"dataset": "d", "split": "s", "values": {"acc": "high"}}'], "acc must"),
        (["--metrics", "{broken"], "--metrics is not valid JSON"),
        (["--meta", "license=Not A Licence"], "is not an SPDX expression"),
        (["--meta", "num_params=5"], "num_params cannot be given"),
        (["--meta", 'categories=["a", 3]'], "categories must be non-empty names"),
        (["--categories", "missing.txt"], "--categories"),
    ],
)
def test_bad_metadata_is_one_line_exit_2_and_nothing_changes(
    project: Path, options: list[str], message: str
) -> None:
    before = (project / REGISTRY).read_bytes(), (project / "README.md").read_bytes()

    code, out, err = ml_publish(project, "add", "net.safetensors", "--name", "n", *options)

    assert code == 2, (out, err)
    assert len(err.strip().splitlines()) == 1 and message in err
    assert ((project / REGISTRY).read_bytes(), (project / "README.md").read_bytes()) == before
    assert not (project / ".ml-publish" / "weights").exists()


def test_metadata_is_recorded_computed_and_shown(project: Path) -> None:
    add_net(project)

    entry = json.loads((project / REGISTRY).read_text(encoding="utf-8"))["weights"][0]
    assert entry["meta"] == {
        "paper": "https://doi.org/10.1000/xyz",
        "metrics": [METRIC],
        "categories": ["cell", "debris", "background"],
        "file_size": (project / "net.safetensors").stat().st_size,
        "num_params": 48,
        "license": "MIT",  # the project's, as none was given
    }
    code, out, _ = ml_publish(project, "list")
    assert code == 0
    header, row = out.splitlines()[:2]
    assert header.split()[:6] == ["NAME", "SIZE", "SHA256", "STATUS", "LICENSE", "METRICS"]
    assert row.startswith("net_v1 *") and "MIT" in row
    assert "mAP 0.731, dice 88 (DSB 2018, test)" in row
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "| Name " in readme and "| Metrics " in readme and "| License " in readme
    assert "| mAP 0.731, dice 88 (DSB 2018, test) | MIT " in readme


def test_the_table_shows_metric_and_license_columns_only_when_filled(project: Path) -> None:
    code, _, err = ml_publish(
        project, "add", "net.safetensors", "--name", "n", "--meta", "kind=data"
    )

    assert (code, err) == (0, "")
    readme = (project / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- weights-table:start -->")[1].split("<!-- weights-table:end -->")[0]
    assert "| Name " in table and "Metrics" not in table and "License" not in table


def test_the_default_of_an_architecture_is_chosen(project: Path) -> None:
    add_net(project)
    code, _, err = ml_publish(
        project, "add", "other.safetensors", "--name", "net_v2", "--arch", "example_net"
    )
    assert (code, err) == (0, "")
    registry = project / REGISTRY
    assert json.loads(registry.read_text())["defaults"] == {"example_net": "net_v1"}

    code, out, _ = ml_publish(project, "default", "example_net", "net_v2")

    assert code == 0 and "now loads net_v2 (was net_v1)" in out
    assert json.loads(registry.read_text())["defaults"] == {"example_net": "net_v2"}
    before = registry.read_bytes()
    for arch, name, message in [
        ("example_net", "nothing", "no weight named 'nothing'"),
        ("unet", "net_v1", "loads into example_net, not unet"),
    ]:
        code, _, err = ml_publish(project, "default", arch, name)
        assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert registry.read_bytes() == before


def hub_rules_broken(card_text: str) -> list[str]:
    """The Hub's model-card metadata rules the card breaks (README "Model card" lists them)."""
    card = ModelCard(card_text, ignore_metadata_errors=False)  # raises on a malformed card
    assert isinstance(card.data, ModelCardData)
    data: dict[str, Any] = yaml.safe_load(card_text.split("---\n")[1])
    broken = []
    if data.get("license") not in HUB_LICENSE_IDS:
        broken.append("license is not a Hub license identifier")
    if data.get("license") == "other" and not (
        data.get("license_name") and data.get("license_link")
    ):
        broken.append("license other needs license_name and license_link")
    for key in ("tags", "datasets"):
        if not all(isinstance(item, str) for item in data.get(key, [])):
            broken.append(f"{key} must be a list of strings")
    _, results = model_index_to_eval_results(data["model-index"])
    if len(results) != len(card.data.eval_results or []):
        broken.append("huggingface_hub read other results than the model-index lists")
    if not all(isinstance(r.metric_value, (int, float)) for r in results):
        broken.append("metric values must be numbers")
    if not all(r.task_type and r.dataset_type and r.dataset_name for r in results):
        broken.append("results need task.type, dataset.type and dataset.name")
    return broken


def test_the_model_card_follows_the_hub_rules_and_stays_in_sync(project: Path) -> None:
    add_net(project, "--meta", "license=CC-BY-NC-4.0")
    code, out, _ = ml_publish(project, "card")
    assert (code, out.strip()) == (0, "wrote MODEL_CARD.md")
    card_path = project / "MODEL_CARD.md"
    text = card_path.read_text(encoding="utf-8")

    assert hub_rules_broken(text) == []
    metadata: dict[str, Any] = yaml.safe_load(text.split("---\n")[1])
    assert metadata["license"] == "cc-by-nc-4.0"
    assert metadata["library_name"] == "pytorch"
    assert metadata["datasets"] == ["dsb-2018"]
    (result,) = metadata["model-index"][0]["results"]
    assert result["task"] == {"type": "image-classification"}
    assert [m["value"] for m in result["metrics"]] == [0.731, 88]
    for heading in ("Model details", "Intended use", "Training data", "Evaluation", "Limitations"):
        assert f"## {heading}\n\nTODO: " in text
    assert "https://doi.org/10.1000/xyz" in text.split("## Citation")[1]

    # A person fills a section and adds a key; the next registration keeps both.
    edited = text.replace("TODO: Known failure modes", "Fails on blurry images.").replace(
        "library_name: pytorch\n", "library_name: pytorch\npipeline_tag: image-classification\n"
    )
    card_path.write_text(edited, encoding="utf-8")
    code, _, err = ml_publish(
        project,
        "add",
        "other.safetensors",
        "--name",
        "net_v2",
        "--arch",
        "example_net",
        "--meta",
        "license=Apache-2.0",
    )
    assert (code, err) == (0, "")
    code, out, _ = ml_publish(project, "table", "--fail-if-changed")
    assert code == 1 and "MODEL_CARD.md" in out
    synced = card_path.read_text(encoding="utf-8")
    assert "### net_v2" in synced and "Fails on blurry images." in synced
    assert "pipeline_tag: image-classification" in synced
    assert hub_rules_broken(synced) == []
    assert ml_publish(project, "table", "--fail-if-changed")[0] == 0


def test_a_license_the_hub_does_not_list_is_other_with_a_name_and_link(project: Path) -> None:
    add_net(project, "--meta", "license=LicenseRef-Proprietary")
    ml_publish(project, "card")

    metadata = yaml.safe_load((project / "MODEL_CARD.md").read_text().split("---\n")[1])

    assert (metadata["license"], metadata["license_name"]) == ("other", "licenseref-proprietary")
    assert metadata["license_link"] == "LICENSE"
