"""``ml-publish weights add / list / verify`` on a freshly generated project."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from ml_publish.weights.naming import MAX_WEIGHT_BYTES
from ml_publish.weights.parts import DEFAULT_PART_SIZE
from ml_publish.weights.refresh import refresh_tables
from ml_publish.weights.registration import add_weights
from ml_publish.weights.verification import verify_weights
from tests.support.processes import run
from tests.support.projects import render
from tests.support.venvs import VirtualEnv

CONTENT = os.urandom(50_000)
SHA = hashlib.sha256(CONTENT).hexdigest()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = render(tmp_path, {})
    (root / "best.pth").write_bytes(CONTENT)
    return root


def registry_of(project: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (project / "cell_segmentation" / "weights.json").read_text(encoding="utf-8")
    )
    return loaded


def weights_cli(project: Path, *args: str | Path) -> tuple[int, str, str]:
    result = run(
        [sys.executable, "-m", "ml_publish", "weights", "-C", project, *args],
        expect_success=False,
        env={"GITHUB_REPOSITORY": "", "GITHUB_SERVER_URL": ""},
    )
    return result.returncode, result.stdout, result.stderr


def test_add_names_stages_and_registers_without_touching_git(project: Path) -> None:
    meta = ["--meta", "dataset=DSB", "--meta", "mean=[0.5, 0.5, 0.5]"]
    code, out, err = weights_cli(
        project, "add", "best.pth", "--name", "unet_r34", "--arch", "unet", *meta
    )

    assert (code, err) == (0, "")
    file_name = f"unet_r34-{SHA[:10]}.pth"
    release = "https://github.com/your-github-name/cell-segmentation/releases/download/v0.1.0"
    url = f"{release}/{file_name}"
    assert url in out
    (entry,) = registry_of(project)["weights"]
    assert entry == {
        "name": "unet_r34",
        "url": url,
        "sha256": SHA,
        "size": len(CONTENT),
        "file_name": file_name,
        "status": "pending",
        "arch": "unet",
        # The size computed, the project's license (random bytes have no parameter count).
        "meta": {"dataset": "DSB", "mean": [0.5, 0.5, 0.5], "file_size": 50_000, "license": "MIT"},
    }
    assert (project / ".ml-publish" / "weights" / file_name).read_bytes() == CONTENT
    assert file_name in (project / "README.md").read_text(encoding="utf-8")
    ignored = run(["git", "check-ignore", f".ml-publish/weights/{file_name}"], cwd=project)
    assert ignored.stdout.strip()
    assert run(["git", "ls-files", ".ml-publish"], cwd=project).stdout == ""


def test_tag_repo_and_server_can_be_chosen(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_SERVER_URL", "http://127.0.0.1:8080")

    entry = add_weights(project, project / "best.pth", name="w", repository="lab/seg", tag="v2.0")

    assert entry.url == f"http://127.0.0.1:8080/lab/seg/releases/download/v2.0/w-{SHA[:10]}.pth"


def test_adding_the_same_file_again_changes_nothing(project: Path) -> None:
    first = add_weights(project, project / "best.pth", name="w", repository="o/r")
    before = registry_of(project)

    again = add_weights(project, project / "best.pth", name="w", repository="o/r")

    assert again == first
    assert registry_of(project) == before


def test_metadata_file_in_toml(project: Path) -> None:
    (project / "meta.toml").write_text('dataset = "DSB"\ninput_size = 256\n', encoding="utf-8")

    code, _, err = weights_cli(
        project, "add", "best.pth", "--name", "w", "--meta-file", "meta.toml"
    )

    assert code == 0, err
    (entry,) = registry_of(project)["weights"]
    assert entry["meta"] == {
        "dataset": "DSB",
        "input_size": 256,
        "file_size": 50_000,
        "license": "MIT",
    }


def test_list_and_verify(project: Path) -> None:
    add_weights(project, project / "best.pth", name="w", repository="o/r")

    code, out, _ = weights_cli(project, "list")
    assert code == 0
    assert out.splitlines()[1].split()[:4] == ["w", "50.0", "KB", SHA[:12]]

    assert verify_weights(project) == []
    staged = project / ".ml-publish" / "weights" / f"w-{SHA[:10]}.pth"
    staged.write_bytes(b"tampered")
    code, _, err = weights_cli(project, "verify")
    assert code == 1
    assert "no longer has SHA-256" in err


def test_table_rewrites_a_stale_readme_and_hubconf_only_when_needed(project: Path) -> None:
    add_weights(project, project / "best.pth", name="unet", repository="o/r")
    readme, hubconf = project / "README.md", project / "hubconf.py"
    fresh = {path: path.read_text(encoding="utf-8") for path in (readme, hubconf)}
    readme.write_text(fresh[readme].replace("`unet`", "`old-name`"), encoding="utf-8")
    hubconf.write_text(fresh[hubconf].replace("def unet(", "def old_name("), encoding="utf-8")

    first = weights_cli(project, "table", "--fail-if-changed")
    second = weights_cli(project, "table", "--fail-if-changed")

    assert first[0] == 1
    assert first[1].splitlines() == [
        "rewrote README.md from the weights registry",
        "rewrote hubconf.py from the weights registry",
    ]
    assert {path: path.read_text(encoding="utf-8") for path in fresh} == fresh
    assert second == (0, "", "")


def test_table_without_the_flag_reports_success_after_rewriting(project: Path) -> None:
    readme = project / "README.md"
    fresh = readme.read_text(encoding="utf-8")
    readme.write_text(fresh.replace("No weights have been published yet.", "stale"), "utf-8")

    code, out, _ = weights_cli(project, "table")

    assert (code, out) == (0, "rewrote README.md from the weights registry\n")
    assert readme.read_text(encoding="utf-8") == fresh


def unchanged_state(project: Path) -> dict[str, bytes]:
    watched = [project / "cell_segmentation" / "weights.json", project / "README.md"]
    staged = (
        sorted((project / ".ml-publish").rglob("*")) if (project / ".ml-publish").exists() else []
    )
    return {str(p): p.read_bytes() for p in [*watched, *staged] if p.is_file()}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "missing.pth", "--name", "w"], "missing.pth does not exist"),
        (["add", "cell_segmentation", "--name", "w"], "is a directory, with no weight file in it"),
        (["add", "best.pth", "--name", "my model"], "may only use letters, digits"),
        (["add", "best.pth", "--name", "w", "--repo", "not-a-repo"], "write it as OWNER/NAME"),
        (
            ["add", "best.pth", "--name", "w", "--repo", "o/r", "--tag", "v1 beta"],
            "not a usable tag",
        ),
        (["add", "best.pth", "--name", "w", "--meta", "novalue"], "is not KEY=VALUE"),
        (["add", "best.pth", "--name", "w", "--meta-file", "nope.json"], "does not exist"),
        (["add", "best.pth", "--name", "w", "--part-size", "2GiB"], "must be under 2 GiB"),
        (["add", "best.pth", "--name", "w", "--part-size", "0"], "must be more than 0 bytes"),
        (["add", "best.pth", "--name", "w", "--part-size", "big"], "is not a size"),
        (["add", "best.pth", "--name", "w", "--part-size", "50B"], "at most 999 fit in a"),
        (["add", "best.pth", "--name", "w", "--format", "safetensors"], "pip install torch"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    project: Path, args: list[str], message: str
) -> None:
    before = unchanged_state(project)

    code, out, err = weights_cli(project, *args)

    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert message in err
    assert unchanged_state(project) == before


def test_a_save_pretrained_directory_is_refused_naming_its_weight_files(project: Path) -> None:
    folder = project / "models" / "deberta-v3-fold0"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text('{"model_type": "deberta-v2"}', encoding="utf-8")
    (folder / "tokenizer.json").write_text('{"version": "1.0"}' * 100, encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"\x02\x00\x00\x00\x00\x00\x00\x00{}")
    before = unchanged_state(project)

    code, out, err = weights_cli(project, "add", "models/deberta-v3-fold0", "--name", "fold0")

    assert code == 2
    assert err == (
        "ml-publish: error: models/deberta-v3-fold0 is a directory; add its weight files one at "
        "a time (ml-publish weights add FILE): models/deberta-v3-fold0/model.safetensors\n"
    )
    assert unchanged_state(project) == before


def test_a_file_larger_than_the_part_size_is_split_into_parts(project: Path) -> None:
    content = os.urandom(5 * 1024**2 // 2)
    (project / "big.bin").write_bytes(content)

    code, out, err = weights_cli(project, "add", "big.bin", "--name", "big", "--part-size", "1MiB")

    assert (code, err) == (0, "")
    (entry,) = registry_of(project)["weights"]
    assert entry["size"] == len(content)
    assert [part["size"] for part in entry["parts"]] == [1024**2, 1024**2, 1024**2 // 2]
    assert entry["parts"][2] == {
        "file_name": f"{entry['file_name']}.part-003-of-003",
        "size": 1024**2 // 2,
        "sha256": hashlib.sha256(content[2 * 1024**2 :]).hexdigest(),
    }
    assert f"in 3 parts: {entry['file_name']}.part-001-of-003" in out
    # Without --part-size, parts are as large as GitHub allows, with a mebibyte to spare.
    assert DEFAULT_PART_SIZE == MAX_WEIGHT_BYTES - 1024**2 == 2 * 1024**3 - 1024**2


def test_a_name_registered_with_other_content_is_refused(project: Path) -> None:
    add_weights(project, project / "best.pth", name="w", repository="o/r")
    (project / "other.pth").write_bytes(b"other weights")
    before = unchanged_state(project)

    code, _, err = weights_cli(project, "add", "other.pth", "--name", "w", "--repo", "o/r")

    assert code == 2
    assert "'w' is already registered with other content" in err
    assert unchanged_state(project) == before


@pytest.mark.parametrize(
    ("registry_text", "message"),
    [
        ('{"format": 1, "weights": [', "is not valid JSON (line 1"),
        ('{"format": 1, "weights": [{"name": "w"}]}', "entry 1 lacks url, sha256"),
    ],
)
def test_a_hand_broken_registry_is_reported_not_overwritten(
    project: Path, registry_text: str, message: str
) -> None:
    (project / "cell_segmentation" / "weights.json").write_text(registry_text, encoding="utf-8")
    before = unchanged_state(project)

    code, _, err = weights_cli(project, "add", "best.pth", "--name", "w", "--repo", "o/r")

    assert code == 2
    assert message in err
    assert unchanged_state(project) == before


def test_the_readme_table_passes_the_projects_markdown_hook(
    project: Path, project_tools: VirtualEnv
) -> None:
    add_weights(project, project / "best.pth", name="unet_r34", repository="o/r")
    (project / "second.onnx").write_bytes(b"onnx")
    add_weights(project, project / "second.onnx", name="fast", arch="mobilenet", repository="o/r")
    (project / "big.bin").write_bytes(os.urandom(3000))
    add_weights(project, project / "big.bin", name="big", repository="o/r", part_size=1000)
    registry = project / "cell_segmentation" / "weights.json"
    mirror = "https://huggingface.co/o/r/resolve/main/big.bin"
    registry.write_text(
        registry.read_text().replace('"parts": [', f'"mirrors": ["{mirror}"], "parts": [')
    )
    assert refresh_tables(project) == ["README.md"]

    run([project_tools.bin("mdformat"), "--check", "README.md"], cwd=project)


LIGHTNING_CHECKPOINT = """
import sys, torch
torch.save(
    {
        "state_dict": {"model.conv.weight": torch.ones(2, 3), "loss.pos_weight": torch.ones(1)},
        "optimizer_states": [{"state": {}}],
        "pytorch-lightning_version": "2.5.0",
        "hyper_parameters": {"lr": 0.001},
    },
    sys.argv[1],
)
"""
READ_STATE_DICT = """
import sys, torch
state = torch.load(sys.argv[1], weights_only=True)
print(sorted(state), state["conv.weight"].shape)
"""


def test_lightning_checkpoint_becomes_a_clean_state_dict(
    project: Path, project_tools: VirtualEnv
) -> None:
    checkpoint = project / "epoch=9-step=100.ckpt"
    run([project_tools.python, "-c", LIGHTNING_CHECKPOINT, checkpoint])
    source_tree = Path(__file__).resolve().parents[2]

    result = run(
        [project_tools.python, "-m", "ml_publish", "weights", "-C", project, "add", checkpoint.name,
         "--name", "unet", "--strip-prefix", "model.", "--repo", "o/r"],
        env={"PYTHONPATH": str(source_tree)},
    )  # fmt: skip

    (entry,) = registry_of(project)["weights"]
    assert entry["file_name"].endswith(".pth") and entry["file_name"] in result.stdout
    staged = project / ".ml-publish" / "weights" / entry["file_name"]
    read = run([project_tools.python, "-c", READ_STATE_DICT, staged])
    assert read.stdout.strip() == "['conv.weight'] torch.Size([2, 3])"
    assert hashlib.sha256(staged.read_bytes()).hexdigest() == entry["sha256"]
