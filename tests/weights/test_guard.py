"""``ml-publish no-weights-in-git``: the staged files it refuses, and what it advises instead."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from tests.support.processes import run


def no_weights(*args: str, cwd: Path) -> tuple[int, str, str]:
    result = run(
        [sys.executable, "-m", "ml_publish", "no-weights-in-git", *args],
        cwd=cwd,
        expect_success=False,
    )
    return result.returncode, result.stdout, result.stderr


def test_refuses_weights_and_prints_the_weights_add_command(tmp_path: Path) -> None:
    (tmp_path / "best model.ckpt").write_bytes(bytes(300_000))
    (tmp_path / "cache.dat").write_bytes(pickle.dumps(bytes(200_000), protocol=4))
    (tmp_path / "train.py").write_text("print('hi')\n" * 20_000)

    code, out, _ = no_weights("best model.ckpt", "cache.dat", "train.py", cwd=tmp_path)

    assert code == 1
    assert "best model.ckpt: a .ckpt file of 0.3 MB" in out
    quoted = "'best model.ckpt'"
    assert (
        f"git restore --staged {quoted} && ml-publish weights add {quoted} --name best-model" in out
    )
    assert "cache.dat: a pickle (torch.save, joblib) of 0.2 MB" in out
    assert "train.py" not in out


def test_passes_small_files_and_other_extensions(tmp_path: Path) -> None:
    (tmp_path / "tiny.pt").write_bytes(bytes(10_000))
    (tmp_path / "data.csv").write_text("a,b\n" * 50_000)

    assert no_weights("tiny.pt", "data.csv", cwd=tmp_path) == (0, "", "")


def test_limit_and_extensions_are_configurable(tmp_path: Path) -> None:
    (tmp_path / "tiny.pt").write_bytes(bytes(10_000))
    (tmp_path / "vectors.faiss").write_bytes(bytes(300_000))

    small_limit = no_weights("--max-kb", "5", "tiny.pt", cwd=tmp_path)
    faiss = no_weights("--extensions", "faiss,.index", "tiny.pt", "vectors.faiss", cwd=tmp_path)

    assert small_limit[0] == 1 and "tiny.pt: a .pt file" in small_limit[1]
    assert faiss[0] == 1 and "vectors.faiss: a .faiss file" in faiss[1]
    assert "tiny.pt" not in faiss[1]


def test_a_negative_limit_is_a_usage_error(tmp_path: Path) -> None:
    code, out, err = no_weights("--max-kb", "-1", cwd=tmp_path)

    assert code == 2 and out == ""
    assert "--max-kb must be zero or more, not -1" in err
