"""NLP repositories adopted: a Poetry project's own commands, a transformers solution's models."""

from __future__ import annotations

import subprocess
import tomllib
from collections.abc import Mapping
from pathlib import Path

from ml_publish.adopt.adoption import adopt
from ml_publish.adopt.apply import merged
from ml_publish.adopt.operations import AddConsoleScript, MergeFile, UntrackWeight
from ml_publish.adopt.tracked_weights import names_within, saved_pretrained
from tests.support.nlp_repos import HF_SOLUTION, MODEL_DIRECTORY, POETRY_PROJECT
from tests.support.tiny_repos import write_repository


def committed(root: Path, files: Mapping[str, str | bytes]) -> Path:
    write_repository(root, files)
    git = ["git", "-C", str(root), "-c", "user.name=a", "-c", "user.email=a@b"]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    return root


def test_poetry_scripts_become_the_project_scripts_the_new_backend_builds(
    tmp_path: Path,
) -> None:
    root = committed(tmp_path / "lyrics-tagger", POETRY_PROJECT)

    plan = adopt(root, dry_run=True, answers={"license": "MIT"}).plan

    scripts = [op for op in plan.operations if isinstance(op, AddConsoleScript)]
    assert [op.describe() for op in scripts] == [
        "script    [project.scripts] lyrics-train = 'lyrics_tagger.cli:app' "
        "(from pyproject.toml [tool.poetry.scripts])",
        "script    [project.scripts] lyrics-predict = 'lyrics_tagger.predict:main' "
        "(from pyproject.toml [tool.poetry.scripts])",
    ]
    assert plan.needs_a_person[-1].startswith(
        "poetry.lock no longer matches pyproject.toml, and poetry install refuses it until you "
        "run poetry lock"
    )
    # What the apply step writes (an adoption built, installed and its object command run is
    # the acceptance test's "poetry-package" shape).
    merge = next(
        op for op in plan.operations if isinstance(op, MergeFile) and op.path == "pyproject.toml"
    )
    written = merged(merge, (root / "pyproject.toml").read_text(encoding="utf-8"))
    pyproject = tomllib.loads(written)
    assert pyproject["build-system"]["build-backend"] != "poetry.core.masonry.api"
    assert pyproject["project"]["scripts"] == {
        "lyrics-train": "lyrics_tagger.cli:app",
        "lyrics-predict": "lyrics_tagger.predict:main",
    }
    # Poetry 2 ignores [tool.poetry.extras] beside the template's [project.optional-dependencies].
    assert pyproject["project"]["optional-dependencies"]["export"] == ["onnx>=1.15"]
    assert pyproject["project"]["optional-dependencies"]["test"] == ["pytest>=8"]


def test_a_poetry_script_naming_a_moved_root_module_follows_it(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[tool.poetry]\nname = "tagger"\nversion = "0.1.0"\n'
        'packages = [{include = "train.py"}]\n\n[tool.poetry.scripts]\n'
        'tagger-train = "train:main"\n',
        "train.py": "def main():\n    print('training')\n",
    }
    root = committed(tmp_path / "tagger", files)

    plan = adopt(root, dry_run=True, answers={"license": "MIT"}).plan

    scripts = {op.name: op.target for op in plan.operations if isinstance(op, AddConsoleScript)}
    assert scripts == {"tagger-train": "tagger.train:main"}


def test_save_pretrained_weights_are_named_by_their_directory_and_said(tmp_path: Path) -> None:
    root = committed(tmp_path / "feedback-deberta", HF_SOLUTION)

    plan = adopt(root, dry_run=True, answers={"license": "MIT"}).plan

    untracked = {op.path: op.name for op in plan.operations if isinstance(op, UntrackWeight)}
    assert untracked == {
        f"{MODEL_DIRECTORY}/model.safetensors": "deberta_v3_small_fold0",
        "models/deberta-v3-large-fold1/model-00001-of-00002.safetensors": (
            "deberta_v3_large_fold1_00001_of_00002"
        ),
        "models/deberta-v3-large-fold1/model-00002-of-00002.safetensors": (
            "deberta_v3_large_fold1_00002_of_00002"
        ),
    }
    said = [item for item in plan.needs_a_person if "save_pretrained" in item]
    assert len(said) == 3
    assert said[2].startswith(
        f"{MODEL_DIRECTORY}/model.safetensors is out of git now (registered as "
        f"'deberta_v3_small_fold0'), but {MODEL_DIRECTORY}/ is a Hugging Face save_pretrained "
    )
    described = "\n".join(op.describe() for op in plan.operations)
    assert (
        "accelerate launch --config_file configs/accelerate.yaml -m feedback_deberta.src.train"
        in (described)
    )
    assert "deepspeed --num_gpus 2 --module feedback_deberta.src.train" in described


def test_only_fixed_names_beside_a_config_are_named_by_their_directory() -> None:
    paths = [
        "lora/adapter_model.bin",
        "out/fold0/pytorch_model.bin",
        "out/fold1/pytorch_model.bin",
        "pytorch_model.bin",
        "weights/model.safetensors",
        "weights/fold0/best.safetensors",
    ]
    files = [*paths, "lora/adapter_config.json", "out/fold0/config.json", "out/fold1/config.json"]
    files += ["weights/fold0/config.json"]

    named = saved_pretrained(paths, files)

    assert sorted(named) == ["lora/adapter_model.bin", *paths[1:3]]
    assert names_within(paths, named) == {
        "lora/adapter_model.bin": "lora",
        "out/fold0/pytorch_model.bin": "fold0",
        "out/fold1/pytorch_model.bin": "fold1",
        "pytorch_model.bin": "pytorch_model",
        "weights/model.safetensors": "model",
        "weights/fold0/best.safetensors": "best",
    }
