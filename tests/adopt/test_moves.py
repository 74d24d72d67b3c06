"""Which files move: the import graph decides, packages move whole, all or nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ml_publish.repository_analysis.analyse import analyse_repository
from ml_publish.adopt.moves import STAYING_SETTINGS, Moves, decide_moves, retargeted_links
from ml_publish.adopt.operations import AddConsoleScript, MoveFile, RewriteImports
from ml_publish.adopt.plan import SeveralPackages, make_plan
from ml_publish.errors import UsageError
from tests.support.tiny_repos import write_repository

MAIN = "\n\ndef main():\n    pass\n\n\nif __name__ == '__main__':\n    main()\n"
DEMO = "\n\nif __name__ == '__main__':\n    print('demo')\n"


def moves_for(tmp_path: Path, files: dict[str, str], package: str = "pkg") -> Moves:
    root = write_repository(tmp_path / "repo", files, git=True)
    return decide_moves(analyse_repository(root), package)


def test_a_module_with_a_demo_block_that_others_import_is_a_library(tmp_path: Path) -> None:
    moves = moves_for(
        tmp_path,
        {
            "utils.py": "def seed():\n    pass\n" + DEMO,
            "train_a.py": "import utils\n" + MAIN,
            "train_b.py": "from utils import seed\nseed()\n",
        },
    )

    assert moves.destinations == {"train_a.py": "pkg/train_a.py", "utils.py": "pkg/utils.py"}
    assert moves.demo_blocks == ("utils.py",)
    assert moves.stays == {
        "train_b.py": "a script that nothing imports; it stays and imports the package"
    }


def test_what_a_moving_module_imports_moves_too_even_a_script(tmp_path: Path) -> None:
    moves = moves_for(
        tmp_path,
        {
            "params.py": (
                "import argparse\n\nparser = argparse.ArgumentParser()\nparser.parse_args()\n"
            ),
            "lib.py": "from params import parser\n",
            "metrics.py": "def dice():\n    pass\n",
        },
    )

    assert set(moves.destinations) == {"params.py", "lib.py", "metrics.py"}
    assert moves.work_at_import == (("params.py", 4),)


def test_a_package_moves_whole_with_its_data_files(tmp_path: Path) -> None:
    moves = moves_for(
        tmp_path,
        {
            "models/__init__.py": "from .factory import get_model\n",
            "models/factory.py": "def get_model():\n    pass\n" + DEMO,
            "models/unused.py": "X = 1\n",
            "models/anchors.json": "[]\n",
            "train.py": "from models import get_model\nget_model()\n",
        },
    )

    assert sorted(moves.destinations) == [
        "models/__init__.py",
        "models/factory.py",
        "models/unused.py",
    ]
    assert moves.package_data == {"models/anchors.json": "pkg/models/anchors.json"}


def test_nothing_moves_that_would_import_a_file_that_cannot(tmp_path: Path) -> None:
    moves = moves_for(
        tmp_path,
        {
            "utils/__init__.py": "",
            "utils/gpu.py": "def to_gpu(x):\n    return x.cuda(async=True)\n",
            "utils/io.py": "def load():\n    pass\n",
            "train.py": "from utils.io import load\n" + MAIN,
            "evaluate.py": "import train\n",
            "metrics.py": "def dice():\n    pass\n",
        },
    )

    assert moves.destinations == {"metrics.py": "pkg/metrics.py"}
    assert moves.stays["utils/io.py"] == "shares a package with utils/gpu.py, which stays"
    assert moves.stays["train.py"] == "imports utils/io.py, which stays"
    assert moves.stays["evaluate.py"] == "imports train.py, which stays"
    assert "async=" in moves.stays["utils/gpu.py"]


def test_namespace_directories_get_an_init_in_the_package(tmp_path: Path) -> None:
    moves = moves_for(
        tmp_path,
        {
            "models/unet.py": "from models.blocks import Block\n",
            "models/blocks.py": "class Block:\n    pass\n",
            "train.py": "from models.unet import Block\n" + MAIN,
        },
    )

    assert set(moves.destinations) == {"models/unet.py", "models/blocks.py", "train.py"}
    assert moves.new_inits == ("pkg/__init__.py", "pkg/models/__init__.py")


def test_tests_notebooks_and_tool_files_stay_silently(tmp_path: Path) -> None:
    moves = moves_for(
        tmp_path,
        {
            "utils.py": "X = 1\n",
            "tests/test_utils.py": "import utils\n",
            "setup.py": "from setuptools import setup\nsetup()\n",
            ".ipynb_checkpoints/utils-checkpoint.py": "X = 1\n",
        },
    )

    assert moves.destinations == {"utils.py": "pkg/utils.py"}
    assert moves.stays == {}
    assert moves.silent == {
        "tests/test_utils.py",
        "setup.py",
        ".ipynb_checkpoints/utils-checkpoint.py",
    }


def test_an_existing_package_keeps_its_name_and_loose_modules_move_into_it(
    tmp_path: Path,
) -> None:
    root = write_repository(
        tmp_path / "steel-defect",
        {
            "setup.py": (
                "from setuptools import setup, find_packages\n"
                "setup(name='steelseg', packages=find_packages(exclude=['tests']))\n"
            ),
            "steelseg/__init__.py": "from steelseg.model import Net\n",
            "steelseg/model.py": "import helpers\n\n\nclass Net:\n    pass\n",
            "helpers.py": "def h():\n    pass\n",
            "tests/__init__.py": "",
            "tests/test_model.py": "from steelseg import Net\n",
        },
        git=True,
    )
    analysis = analyse_repository(root)

    plan = make_plan(analysis)

    assert analysis.existing_packages == ("steelseg",)
    assert plan.package == "steelseg" and plan.existing_package
    assert [op.describe() for op in plan.operations if "move" in op.describe()] == [
        "move      helpers.py -> steelseg/helpers.py"
    ]


def test_several_packages_need_a_choice(tmp_path: Path) -> None:
    root = write_repository(
        tmp_path / "repo",
        {
            "setup.py": "from setuptools import setup\nsetup(packages=['alpha', 'beta'])\n",
            "alpha/__init__.py": "",
            "beta/__init__.py": "",
        },
        git=True,
    )

    with pytest.raises(SeveralPackages, match=r"several packages \(alpha, beta\).*--package"):
        make_plan(analyse_repository(root))
    assert make_plan(analyse_repository(root), "beta").package == "beta"


def test_a_generic_package_without_metadata_becomes_a_subpackage(tmp_path: Path) -> None:
    root = write_repository(
        tmp_path / "whale-id",
        {"models/__init__.py": "X = 1\n", "train.py": "import models\n" + MAIN},
        git=True,
    )

    plan = make_plan(analyse_repository(root))

    assert plan.package == "whale_id"
    assert "move      models/__init__.py -> whale_id/models/__init__.py" in plan.describe()


def test_moved_links_keep_pointing_at_the_same_file(tmp_path: Path) -> None:
    files = {
        "models/__init__.py": "",
        "models/real.py": "X = 1\n",
        "models/config.yaml": "a: 1\n",
        "shared/base.yaml": "b: 2\n",
        "train.py": "from models import alias\n",
    }
    root = write_repository(tmp_path / "repo", files)
    os.symlink("real.py", root / "models" / "alias.py")
    os.symlink("../shared/base.yaml", root / "models" / "base.yaml")
    os.symlink("/etc/hostname", root / "models" / "outside.txt")
    write_repository(root, {}, git=True)
    analysis = analyse_repository(root)

    moves = decide_moves(analysis, "pkg")

    assert "models/alias.py" in moves.destinations
    assert retargeted_links(moves, analysis.symlinks) == {
        "pkg/models/base.yaml": "../../shared/base.yaml"
    }
    assert "models/outside.txt" not in moves.package_data


def test_a_src_layout_package_keeps_its_name_and_moves_up_to_the_root(tmp_path: Path) -> None:
    root = write_repository(
        tmp_path / "repo",
        {
            "setup.py": (
                "from setuptools import setup, find_packages\n\nsetup(name='gan-inpaint', "
                "package_dir={'': 'src'}, packages=find_packages('src'))\n"
            ),
            "src/inpaint/__init__.py": "from .ops import gated\n",
            "src/inpaint/ops.py": "def gated():\n    pass\n",
            "src/inpaint/defaults.yaml": "width: 48\n",
            "scripts/run.py": "import sys\nsys.path.append('src')\nfrom inpaint import gated\n",
        },
        git=True,
    )

    plan = make_plan(analyse_repository(root))
    moves = decide_moves(analyse_repository(root), plan.package)

    assert plan.package == "inpaint" and plan.existing_package
    assert moves.destinations == {
        "src/inpaint/__init__.py": "inpaint/__init__.py",
        "src/inpaint/ops.py": "inpaint/ops.py",
    }
    assert moves.package_data == {"src/inpaint/defaults.yaml": "inpaint/defaults.yaml"}
    assert moves.new_inits == ()


def test_a_root_module_named_like_the_repository_moves_into_its_package(tmp_path: Path) -> None:
    root = write_repository(
        tmp_path / "CycleGAN",
        {
            "cyclegan.py": "class CycleGAN:\n    pass\n",
            "train.py": "import cyclegan\nfrom cyclegan import CycleGAN\n" + MAIN,
        },
        git=True,
    )

    plan = make_plan(analyse_repository(root))

    assert plan.package == "cyclegan"
    assert MoveFile("cyclegan.py", "cyclegan/cyclegan.py") in plan.operations
    assert RewriteImports("cyclegan/train.py", (("cyclegan", "cyclegan.cyclegan"),)) in (
        plan.operations
    )


def test_a_directory_named_like_the_package_that_is_no_package_needs_another_name(
    tmp_path: Path,
) -> None:
    root = write_repository(
        tmp_path / "cyclegan", {"cyclegan/net.py": "x = 1\n", "train.py": "print(1)\n"}, git=True
    )

    with pytest.raises(UsageError, match="'cyclegan' is already a directory here; pass --package"):
        make_plan(analyse_repository(root))


def test_settings_files_that_nothing_imports_stay_where_paths_name_them(tmp_path: Path) -> None:
    moves = moves_for(
        tmp_path,
        {
            "configs/_base_/unet.py": "model = dict(type='UNet', depth=5)\n",
            "configs/unet_512.py": "_base_ = ['./_base_/unet.py']\nlr = 0.01\n",
            "defaults.py": "LR = 0.01\n",
            "reexports.py": "from defaults import LR\n",
            "train.py": "import runpy\n\n\ndef main():\n    runpy.run_path('configs/unet_512.py')\n"
            + MAIN.split("def main():\n    pass\n")[1],
        },
    )

    # Imported (defaults.py) or importing (reexports.py) makes a module a library again.
    assert set(moves.destinations) == {"defaults.py", "reexports.py", "train.py"}
    assert moves.stays == {
        "configs/_base_/unet.py": STAYING_SETTINGS,
        "configs/unet_512.py": STAYING_SETTINGS,
    }


def test_helper_directories_find_packages_declares_move_into_the_named_package(
    tmp_path: Path,
) -> None:
    root = write_repository(
        tmp_path / "repo",
        {
            "setup.py": "from setuptools import setup, find_packages\n"
            "setup(name='steelnet', packages=find_packages())\n",
            "models/__init__.py": "from .unet import UNet\n",
            "models/unet.py": "class UNet:\n    pass\n",
            "utils/__init__.py": "",
            "steelnet/__init__.py": "from models import UNet\n",
        },
        git=True,
    )

    plan = make_plan(analyse_repository(root))

    assert plan.package == "steelnet"
    assert MoveFile("models/unet.py", "steelnet/models/unet.py") in plan.operations
    assert RewriteImports("steelnet/__init__.py", (("models", "steelnet.models"),)) in (
        plan.operations
    )


def test_a_directory_that_would_hide_a_module_of_its_name_stays_whole(tmp_path: Path) -> None:
    moves = moves_for(
        tmp_path,
        {
            "unet.py": "class UNet:\n    pass\n",
            "train.py": "from unet import UNet\n" + MAIN,
            "unet/model.py": "class Big:\n    pass\n",
            "unet/train.py": "from model import Big\n" + MAIN,
        },
    )

    assert moves.destinations == {"train.py": "pkg/train.py", "unet.py": "pkg/unet.py"}
    reason = "unet/ stays whole: as a subpackage it would hide unet.py, which its name means now"
    assert moves.stays == {"unet/model.py": reason, "unet/train.py": reason}


def test_subtrees_with_modules_of_one_name_stay_apart(tmp_path: Path) -> None:
    files = {f"{author}/unet.py": f"NAME = '{author}'\n" for author in ("alice", "bob")}
    files |= {
        f"{author}/run_train.py": "from unet import NAME\n" + MAIN for author in ("alice", "bob")
    }
    root = write_repository(tmp_path / "repo", files, git=True)

    plan = make_plan(analyse_repository(root), "pkg")

    assert [op for op in plan.operations if isinstance(op, RewriteImports)] == [
        RewriteImports("pkg/alice/run_train.py", (("unet", "pkg.alice.unet"),)),
        RewriteImports("pkg/bob/run_train.py", (("unet", "pkg.bob.unet"),)),
    ]
    assert [op for op in plan.operations if isinstance(op, AddConsoleScript)] == [
        AddConsoleScript("pkg-alice-run-train", "pkg.alice.run_train:main"),
        AddConsoleScript("pkg-bob-run-train", "pkg.bob.run_train:main"),
    ]


def test_bare_imports_of_siblings_in_a_package_that_stays_name_the_package(
    tmp_path: Path,
) -> None:
    files = {
        "carol/__init__.py": "",
        "carol/unet.py": "class UNet:\n    pass\n",
        "carol/run_train.py": "from unet import UNet\n" + MAIN,
        "ensemble.py": "from carol.unet import UNet\nprint(UNet)\n",
    }
    root = write_repository(tmp_path / "repo", files, git=True)

    plan = make_plan(analyse_repository(root))

    assert plan.package == "carol"
    assert [op for op in plan.operations if isinstance(op, RewriteImports)] == [
        RewriteImports("carol/run_train.py", (("unet", "carol.unet"),))
    ]


def test_several_packages_with_the_default_taken_become_subpackages(tmp_path: Path) -> None:
    root = write_repository(
        tmp_path / "two-stage",
        {
            "setup.py": "from setuptools import setup\nsetup(packages=['alpha', 'beta'])\n",
            "alpha/__init__.py": "",
            "beta/__init__.py": "",
        },
        git=True,
    )

    plan = make_plan(analyse_repository(root), take_default=True)

    assert plan.package == "two_stage"
    assert [op for op in plan.operations if isinstance(op, MoveFile)] == [
        MoveFile("alpha/__init__.py", "two_stage/alpha/__init__.py"),
        MoveFile("beta/__init__.py", "two_stage/beta/__init__.py"),
    ]
    assert plan.notes[0] == (
        "the repository has several packages (alpha, beta): they became subpackages of a new "
        "package 'two_stage' named after the repository (the default; pass --package to publish "
        "one of them instead)"
    )
