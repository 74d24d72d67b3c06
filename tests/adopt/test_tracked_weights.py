"""The tracked files adopt takes out of git: weights or data, and names chosen before it starts."""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

import pytest

from ml_publish.repository_analysis.analyse import analyse_repository
from ml_publish.adopt.operations import UntrackWeight
from ml_publish.adopt.plan import make_plan
from ml_publish.adopt.tracked_weights import (
    files_to_untrack,
    kind_of,
    names_within,
    unique_names,
)
from ml_publish.errors import UsageError
from ml_publish.weights.registry import WeightEntry, save_registry
from tests.support.tiny_repos import write_repository

PICKLE_HEAD = pickle.dumps(b"", protocol=4)[:16]
TORCH_ZIP_HEAD = b"PK\x03\x04" + bytes(22) + b"\x10\x00" + b"\x00\x00" + b"archive/data.pkl"


def big_pickle() -> bytes:
    return pickle.dumps(os.urandom(150_000), protocol=4)


def registered(name: str, content: bytes) -> WeightEntry:
    sha256 = hashlib.sha256(content).hexdigest()
    return WeightEntry(
        name=name,
        url=f"https://github.com/o/r/releases/download/v0.1.0/{name}-{sha256[:10]}.x",
        sha256=sha256,
        size=len(content),
        file_name=f"{name}-{sha256[:10]}.x",
    )


def test_the_fold_files_of_one_split_get_one_name_each() -> None:
    paths = ["gcn/data/split.fold.x", "gcn/data/split.fold.tx", "gcn/data/split.fold.allx"]

    assert names_within(paths) == {
        "gcn/data/split.fold.x": "split_fold_x",
        "gcn/data/split.fold.tx": "split_fold_tx",
        "gcn/data/split.fold.allx": "split_fold_allx",
    }


def test_names_leave_out_format_suffixes_and_odd_characters() -> None:
    paths = ["best.pth", "ckpt.pth.tar", "feat_[svd_and_bow]_[v2].pkl", "my model.pth", "#f!1.pkl"]

    assert list(names_within(paths).items()) == [
        ("#f!1.pkl", "f_1"),
        ("best.pth", "best"),
        ("ckpt.pth.tar", "ckpt"),
        ("feat_[svd_and_bow]_[v2].pkl", "feat_svd_and_bow_v2"),
        ("my model.pth", "my_model"),
    ]


def test_clashing_names_take_their_directories_then_their_suffixes() -> None:
    paths = ["fold1/best.pth", "fold2/best.pth", "a/x/m.pkl", "b/x/m.pkl", "w.pt", "W.pth"]

    assert names_within(paths) == {
        "fold1/best.pth": "fold1_best",
        "fold2/best.pth": "fold2_best",
        "a/x/m.pkl": "a_x_m",
        "b/x/m.pkl": "b_x_m",
        "w.pt": "w_pt",
        "W.pth": "W_pth",
    }


def test_a_name_taken_in_the_registry_is_numbered_unless_it_is_the_same_file(
    tmp_path: Path,
) -> None:
    (tmp_path / "best.pth").write_bytes(b"new weights")
    (tmp_path / "same.pth").write_bytes(b"same weights")
    entries = [
        registered("best", b"old weights"),
        registered("best_2", b"older weights"),
        registered("same", b"same weights"),
    ]

    names = unique_names(["best.pth", "same.pth"], entries, tmp_path)

    assert names == {"best.pth": "best_3", "same.pth": "same"}


def test_names_that_would_share_a_hubconf_entry_point_are_told_apart(tmp_path: Path) -> None:
    names = unique_names(["fold1_best.pth", "fold1/best.pth", "best.pth"], [], tmp_path)
    entries = [registered("unet-r34", b"x"), registered("Model_3d", b"y")]

    assert names == {
        "best.pth": "best",
        "fold1/best.pth": "fold1_best_pth",
        "fold1_best.pth": "fold1_best",
    }
    assert unique_names(["unet_r34.pth", "3d.pth"], entries, tmp_path) == {
        "unet_r34.pth": "unet_r34_2",
        "3d.pth": "3d_2",
    }


@pytest.mark.parametrize(
    ("path", "head", "kind"),
    [
        ("gcn/data/split.fold.x", PICKLE_HEAD, "data"),
        ("input/train_features.pkl", PICKLE_HEAD, "data"),
        ("folds.joblib", PICKLE_HEAD, "data"),
        ("data/train.csv.gz", b"", "data"),
        ("embeddings.npy", b"\x93NUMPY", "data"),
        ("trainLabels.pkl", PICKLE_HEAD, "data"),
        ("models/fold0.pkl", PICKLE_HEAD, "weights"),
        ("checkpoints/fold0.pkl", PICKLE_HEAD, "weights"),
        ("classifier/data/folds.pkl", PICKLE_HEAD, "data"),
        ("text_classifier/folds.pkl", PICKLE_HEAD, "data"),
        ("lgbm_fold0.pkl", PICKLE_HEAD, "weights"),
        ("data/best_model.pkl", PICKLE_HEAD, "weights"),
        ("tfidf.pkl", PICKLE_HEAD, "weights"),
        ("input/resnet34-333f7ec4.pth", b"", "weights"),
        ("data/train_split.bin", TORCH_ZIP_HEAD, "weights"),
        ("data/cells.h5", b"", "weights"),
    ],
)
def test_weights_or_data(path: str, head: bytes, kind: str) -> None:
    assert kind_of(path, head, package="text_classifier") == kind


def test_the_plan_names_data_as_data_before_anything_is_applied(tmp_path: Path) -> None:
    fold = big_pickle()
    root = write_repository(
        tmp_path / "gcn",
        {
            "gcn/__init__.py": "",
            "gcn/layers.py": "X = 1\n",
            "gcn/data/split.fold.x": fold,
            "gcn/data/split.fold.tx": big_pickle(),
            "gcn/data/split.fold.allx": big_pickle(),
            "gcn/data/fold_ids.csv": "fold,id\n0,1\n",
            "gcn/data/small.fold.y": pickle.dumps([1, 2], protocol=4),
            "best.pth": b"PK\x03\x04" + os.urandom(200_000),
        },
        git=True,
    )
    save_registry(root / "gcn" / "weights.json", [registered("split_fold_x", b"other")])

    plan = make_plan(analyse_repository(root), None)

    untracked = [op for op in plan.operations if isinstance(op, UntrackWeight)]
    assert untracked == [
        UntrackWeight("best.pth", "best", "weights"),
        UntrackWeight("gcn/data/split.fold.allx", "split_fold_allx", "data"),
        UntrackWeight("gcn/data/split.fold.tx", "split_fold_tx", "data"),
        UntrackWeight("gcn/data/split.fold.x", "split_fold_x_2", "data"),
    ]
    assert (
        "  data      untrack gcn/data/split.fold.allx, register it as 'split_fold_allx' "
        "(data, pending upload)" in plan.describe()
    )
    assert "  weights   untrack best.pth, register it as 'best' (pending upload)" in plan.describe()


def test_a_broken_registry_stops_the_plan_not_the_adoption(tmp_path: Path) -> None:
    root = write_repository(
        tmp_path / "gcn",
        {"gcn/__init__.py": "", "gcn/weights.json": '{"weights": [', "w.pkl": big_pickle()},
        git=True,
    )

    with pytest.raises(UsageError, match="weights.json is not valid JSON"):
        files_to_untrack(analyse_repository(root), "gcn")


def test_small_files_stay_tracked(tmp_path: Path) -> None:
    root = write_repository(
        tmp_path / "r", {"data/fold.pkl": pickle.dumps(list(range(100)))}, git=True
    )

    assert files_to_untrack(analyse_repository(root), "r") == []
