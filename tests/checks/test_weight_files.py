"""WGT checks, each on a tiny passing repository and a tiny failing one."""

from __future__ import annotations

import io
import pickle
import zipfile
from pathlib import Path
from typing import Any

from ml_publish.weights.hubconf import render_hubconf
from ml_publish.weights.naming import MAX_WEIGHT_BYTES
from ml_publish.weights.registry import WeightEntry
from tests.support.tiny_repos import (
    GOOD_PACKAGE,
    GOOD_PYPROJECT,
    REGISTRY,
    Files,
    audit,
    weight_entry,
    with_weights,
)
from tests.support.torch_files import TorchFiles

UNET = weight_entry("unet", b"unet weights")
GOOD = with_weights(UNET)
PACKAGE: Files = {**GOOD_PACKAGE}
EXTENSIONS_IGNORED = "*.pt\n*.pth\n*.ckpt\n*.safetensors\n"
GITIGNORE = EXTENSIONS_IGNORED + "checkpoints/\nlightning_logs/\nwandb/\n.ml-publish/\n"


def torch_zip(size: int) -> bytes:
    """A file that starts as torch.save's zip archive does: its first entry is data.pkl."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("archive/data.pkl", bytes(size))
    return stream.getvalue()


def hubconf(*entries: dict[str, Any]) -> str:
    """hubconf.py as ml-publish writes it for these registry entries."""
    weights = [WeightEntry(**entry) for entry in entries]
    return render_hubconf("cell_counter", "someone/cell-counter", weights)


def test_wgt101_registry_readable(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "WGT101").result == "pass"
    broken = audit(tmp_path / "broken", {**GOOD, REGISTRY: '{"weights": ['}, "WGT101")
    assert broken.result == "fail"
    assert "cell_counter/weights.json is not JSON" in broken.message
    partial = {k: v for k, v in UNET.items() if k != "sha256"}
    incomplete = audit(tmp_path / "incomplete", with_weights(partial), "WGT101")
    assert incomplete.result == "fail"
    assert "entry 1 lacks sha256" in incomplete.message
    wheel = '\n[tool.hatch.build.targets.wheel]\npackages = ["cell_counter", "other"]\n'
    two = {
        **GOOD,
        "pyproject.toml": GOOD_PYPROJECT + wheel,
        "other/__init__.py": "",
        "other/weights.json": GOOD[REGISTRY],
    }
    several = audit(tmp_path / "several", two, "WGT101")
    assert several.result == "fail"
    assert "several weights.json registries" in several.message


def test_wgt102_full_hashes(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "WGT102").result == "pass"
    short = weight_entry("small", b"small", sha256=UNET["sha256"][:10])
    upper = weight_entry("big", b"big", sha256=UNET["sha256"].upper())
    failed = audit(tmp_path / "bad", with_weights(UNET, short, upper), "WGT102")
    assert failed.result == "fail"
    assert failed.message.startswith("small, big: sha256 must be the 64 lowercase hex digits")


def test_wgt102_skips_without_registry(tmp_path: Path) -> None:
    skipped = audit(tmp_path, PACKAGE, "WGT102")
    assert skipped.result == "skip"
    assert "WGT101" in skipped.message


def test_wgt103_file_names_carry_hash(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "WGT103").result == "pass"
    prefix = UNET["sha256"][:10]
    misread = weight_entry("people", b"people", file_name="people_2020-09-23.pth")
    dotted = weight_entry("unet-b0.v2", b"b0", file_name=f"unet-b0.v2-{prefix}.pth")
    hashless = weight_entry("resnet", b"resnet", file_name="resnet50.pth")
    bad = with_weights(UNET, misread, dotted, hashless)
    failed = audit(tmp_path / "bad", bad, "WGT103")
    assert failed.result == "fail"
    assert f"people_2020-09-23.pth, unet-b0.v2-{prefix}.pth, resnet50.pth" in failed.message
    assert "<name>-<sha256[:10]>" in failed.message


def test_wgt104_names_unique(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "WGT104").result == "pass"
    again = weight_entry("unet", b"retrained unet")
    same_file = weight_entry("small", b"small", file_name=UNET["file_name"])
    failed = audit(tmp_path / "bad", with_weights(UNET, again, same_file), "WGT104")
    assert failed.result == "fail"
    assert f"registered more than once: unet, {UNET['file_name']}" in failed.message


def test_wgt105_sizes_below_release_limit(tmp_path: Path) -> None:
    largest = weight_entry("largest", b"largest", size=MAX_WEIGHT_BYTES - 1)
    assert audit(tmp_path / "good", with_weights(UNET, largest), "WGT105").result == "pass"
    huge = weight_entry("huge", b"huge", size=MAX_WEIGHT_BYTES)
    failed = audit(tmp_path / "bad", with_weights(UNET, huge), "WGT105")
    assert failed.result == "fail"
    assert "2 GiB or more: huge;" in failed.message


def test_wgt106_no_weights_tracked(tmp_path: Path) -> None:
    fixture: Files = {**GOOD_PACKAGE, "tests/data/tiny.pt": bytes(1024)}
    assert audit(tmp_path / "good", fixture, "WGT106", git=True).result == "pass"
    tracked: Files = {
        **fixture,
        "model.pt": bytes(200_000),
        "notes.dat": pickle.dumps(bytes(200_000), protocol=4),
        "outputs/run.part": torch_zip(200_000),
    }
    failed = audit(tmp_path / "bad", tracked, "WGT106", git=True)
    assert failed.result == "fail"
    assert "model.pt (a .pt file)" in failed.message
    assert "notes.dat (a pickle" in failed.message
    assert "outputs/run.part (a PyTorch checkpoint)" in failed.message
    assert "tiny.pt" not in failed.message
    assert "git rm --cached" in failed.message


def test_wgt107_hubconf_matches_registry(tmp_path: Path) -> None:
    small = weight_entry("small-r18.v2", b"small")
    both = with_weights(UNET, small)
    good = {**both, "hubconf.py": hubconf(UNET, small)}
    assert audit(tmp_path / "good", good, "WGT107").result == "pass"
    missing = audit(tmp_path / "missing", {**both, "hubconf.py": hubconf(UNET)}, "WGT107")
    assert missing.result == "fail"
    assert "missing small_r18_v2" in missing.message
    old = hubconf(UNET) + "\n\ndef old_unet(**kwargs):\n    return None\n"
    extra = audit(tmp_path / "extra", {**GOOD, "hubconf.py": old}, "WGT107")
    assert extra.result == "fail"
    assert "unregistered old_unet" in extra.message


def test_wgt107_data_files_need_no_entry_point(tmp_path: Path) -> None:
    split = weight_entry("split_fold_x", b"fold", meta={"kind": "data"})
    files = {**with_weights(UNET, split), "hubconf.py": hubconf(UNET, split)}

    assert "split_fold_x" not in files["hubconf.py"]
    assert audit(tmp_path, files, "WGT107").result == "pass"


def test_wgt108_gitignore_covers_checkpoints(tmp_path: Path) -> None:
    good: Files = {**GOOD_PACKAGE, ".gitignore": GITIGNORE}
    assert audit(tmp_path / "good", good, "WGT108", git=True).result == "pass"
    none = audit(tmp_path / "none", PACKAGE, "WGT108", git=True)
    assert none.result == "fail"
    assert "does not ignore model.pt, model.pth" in none.message
    assert "add patterns such as *.pt" in none.message
    extensions: Files = {**GOOD_PACKAGE, ".gitignore": EXTENSIONS_IGNORED}
    directories = audit(tmp_path / "extensions", extensions, "WGT108", git=True)
    assert directories.result == "fail"
    for directory in ("checkpoints/", "lightning_logs/", "wandb/", ".ml-publish/"):
        assert directory in directories.message
    assert "model.pt" not in directories.message


def test_wgt109_staged_weights_load_with_weights_only(
    tmp_path: Path, torch_files: TorchFiles
) -> None:
    seen = {}
    for name in torch_files.verdicts:
        content = (torch_files / name).read_bytes()
        entry = weight_entry("w", content)
        staged = {f".ml-publish/weights/{entry['file_name']}": content}
        result = audit(tmp_path / name, {**with_weights(entry), **staged}, "WGT109")
        seen[name] = "loads" if result.result == "pass" else "refused"
        if name == "lightning.ckpt":
            assert result.message.startswith(
                "torch.load(weights_only=True), the default since torch 2.6, refuses "
                f".ml-publish/weights/{entry['file_name']} (it needs argparse.Namespace, which "
                "the safe loader refuses); convert to safetensors, which loads without pickle: "
                f"ml-publish weights add .ml-publish/weights/{entry['file_name']} --name w "
                "--format safetensors"
            )

    # What torch itself did with each file, in the same run that wrote them.
    assert seen == torch_files.verdicts
    assert sorted(name for name, verdict in seen.items() if verdict == "refused") == [
        "lightning.ckpt",
        "pickled.pth",
        "whole_model.pth",
    ]


def test_wgt109_leaves_data_and_published_weights_alone(tmp_path: Path) -> None:
    pickled = pickle.dumps({"fold": list(range(50_000))}, protocol=4)
    data = weight_entry("split", pickled, meta={"kind": "data"})
    uploaded = weight_entry("old", pickled + b"old", status="uploaded")
    staged = {f".ml-publish/weights/{e['file_name']}": pickled for e in (data, uploaded)}

    assert audit(tmp_path, {**with_weights(data, uploaded), **staged}, "WGT109").result == "pass"
