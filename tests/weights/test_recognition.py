"""Recognising weight files by extension and by their first bytes."""

from __future__ import annotations

import json
import pickle
import struct
import zipfile
from pathlib import Path

import pytest

from ml_publish.weights.recognition import content_kind, weight_kind
from tests.support.processes import run
from tests.support.venvs import VirtualEnv

BIG = 200_000


def safetensors_bytes(payload: bytes) -> bytes:
    header = json.dumps(
        {"w": {"dtype": "U8", "shape": [len(payload)], "data_offsets": [0, len(payload)]}}
    )
    encoded = header.encode()
    return struct.pack("<Q", len(encoded)) + encoded + payload


def zip_with(path: Path, first_entry: str) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(first_entry, bytes(BIG))


def test_a_real_torch_checkpoint_is_recognised_whatever_its_name(
    tmp_path: Path, project_tools: VirtualEnv
) -> None:
    saved = tmp_path / "best_model_final"
    save = f"import torch; torch.save({{'w': torch.zeros(60_000)}}, {str(saved)!r})"
    run([project_tools.python, "-c", save])

    assert weight_kind(str(saved)) == "a PyTorch checkpoint"


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("encoder.dat", safetensors_bytes(bytes(BIG)), "a safetensors file"),
        ("model", pickle.dumps(bytes(BIG), protocol=4), "a pickle (torch.save, joblib)"),
        ("keras_model", b"\x89HDF\r\n\x1a\n" + bytes(BIG), "an HDF5 (Keras) model"),
        ("features", b"\x93NUMPY\x01\x00" + bytes(BIG), "a NumPy array"),
        ("model.GGUF.part", b"GGUF" + bytes(BIG), "a GGUF model"),
        ("mobile", b"\x1c\x00\x00\x00TFL3" + bytes(BIG), "a TensorFlow Lite model"),
    ],
)
def test_content_is_recognised_without_a_weight_extension(
    tmp_path: Path, name: str, content: bytes, kind: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    assert weight_kind(str(path)) == kind


def test_zip_archives_are_weights_only_when_they_hold_tensors(tmp_path: Path) -> None:
    zip_with(tmp_path / "embeddings", "arr_0.npy")
    zip_with(tmp_path / "report.docx", "word/document.xml")

    assert weight_kind(str(tmp_path / "embeddings")) == "a NumPy archive"
    assert weight_kind(str(tmp_path / "report.docx")) is None


def test_extension_counts_above_the_limit_only(tmp_path: Path) -> None:
    (tmp_path / "big.PTH").write_bytes(bytes(BIG))
    (tmp_path / "tiny.pt").write_bytes(pickle.dumps(bytes(1000), protocol=4))
    (tmp_path / "notes.txt").write_text("x" * BIG)

    assert weight_kind(str(tmp_path / "big.PTH")) == "a .pth file"
    assert weight_kind(str(tmp_path / "tiny.pt")) is None
    assert weight_kind(str(tmp_path / "notes.txt")) is None
    assert weight_kind(str(tmp_path / "big.PTH"), max_bytes=BIG) is None
    assert weight_kind(str(tmp_path / "big.PTH"), extensions=(".onnx",)) is None


def test_short_or_unusual_heads_are_not_weights() -> None:
    assert content_kind(b"") is None
    assert content_kind(b"PK\x03\x04") is None
    assert content_kind(b"#!/usr/bin/env python\n") is None
    assert content_kind(b"\x80\x09not a pickle protocol") is None
