"""The author's commands after adopt: found, rewritten to the module form, or kept working by a
stand-in; console command names that do not collide; directories the moves emptied."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ml_publish.adopt.adoption import adopt
from ml_publish.adopt.after_moves import AddStandIn, RemoveEmptiedDirectories, RewriteCommands
from ml_publish.adopt.command_lines import (
    DOCKER,
    DOCS,
    MAKE,
    NOTEBOOK,
    SHELL,
    command_file_kind,
    find_references,
    rewritten,
)
from ml_publish.adopt.commands import stand_in_text, write_stand_in
from ml_publish.adopt.console_names import console_names
from ml_publish.adopt.emptied import remove_emptied, with_emptied_directories
from ml_publish.adopt.operations import MoveFile, Plan
from tests.support.rewritten_commands import restore_rewritten_commands
from tests.support.tiny_repos import write_repository

MODULES = {
    "train.py": "pkg.train",
    "src/infer.py": "pkg.src.infer",
    "training/pipelines/train.py": "pkg.training.pipelines.train",
}


def rewrite(text: str, path: str, kind: str) -> str:
    references = find_references(text, path, kind, MODULES)
    return rewritten(text, references, MODULES, {r.line for r in references})


def stand_ins(text: str, path: str, kind: str) -> list[tuple[int, str]]:
    references = find_references(text, path, kind, MODULES)
    return [(r.line, r.script) for r in references if not r.rewritable]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("python train.py --epochs 3\n", "python -m pkg.train --epochs 3\n"),
        ("python3 -u ./train.py\n", "python3 -u -m pkg.train\n"),
        ("python -W ignore train.py\n", "python -W ignore -m pkg.train\n"),
        ("PYTHONPATH=. python src/infer.py -i x\n", "PYTHONPATH=. python -m pkg.src.infer -i x\n"),
        (
            "CUDA_VISIBLE_DEVICES=0 python train.py\n",
            "CUDA_VISIBLE_DEVICES=0 python -m pkg.train\n",
        ),
        ("/usr/bin/python3 train.py\n", "/usr/bin/python3 -m pkg.train\n"),
        (
            "python -u -m torch.distributed.launch --nproc_per_node=2 \\\n"
            "    training/pipelines/train.py --fold $i\n",
            "python -u -m torch.distributed.launch --nproc_per_node=2 \\\n"
            "    -m pkg.training.pipelines.train --fold $i\n",
        ),
        (
            "torchrun --nproc_per_node 4 train.py --lr 1\n",
            "torchrun --nproc_per_node 4 -m pkg.train --lr 1\n",
        ),
        (
            "accelerate launch --config_file a.yaml src/infer.py\n",
            "accelerate launch --config_file a.yaml -m pkg.src.infer\n",
        ),
        (
            "deepspeed --num_gpus 2 train.py --deepspeed\n",
            "deepspeed --num_gpus 2 --module pkg.train --deepspeed\n",
        ),
        (
            "for f in 0 1; do python train.py --fold $f; done\n",
            "for f in 0 1; do python -m pkg.train --fold $f; done\n",
        ),
        (
            "nohup python train.py > log.txt 2>&1 &\n",
            "nohup python -m pkg.train > log.txt 2>&1 &\n",
        ),
        ('python "train.py"\r\necho done\r\n', 'python -m "pkg.train"\r\necho done\r\n'),
    ],
)
def test_shell_commands_take_the_module_form(before: str, after: str) -> None:
    assert rewrite(before, "scripts/train.sh", SHELL) == after


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("python -m src.infer --config c.yaml\n", "python -m pkg.src.infer --config c.yaml\n"),
        (
            "CUDA_VISIBLE_DEVICES=0 python3 -u -m src.infer\r\n",
            "CUDA_VISIBLE_DEVICES=0 python3 -u -m pkg.src.infer\r\n",
        ),
        ("python -m 'src.infer' --fold 0\n", "python -m 'pkg.src.infer' --fold 0\n"),
        (
            "torchrun --nproc_per_node 2 -m training.pipelines.train\n",
            "torchrun --nproc_per_node 2 -m pkg.training.pipelines.train\n",
        ),
        (
            "python -m torch.distributed.launch --nproc_per_node=2 -m train --fold 0\n",
            "python -m torch.distributed.launch --nproc_per_node=2 -m pkg.train --fold 0\n",
        ),
        ("deepspeed --module src.infer\n", "deepspeed --module pkg.src.infer\n"),
        (
            "for c in configs/*.yaml; do python -m src.infer --config $c; done\n",
            "for c in configs/*.yaml; do python -m pkg.src.infer --config $c; done\n",
        ),
    ],
)
def test_a_moved_script_run_as_a_module_takes_its_new_name(before: str, after: str) -> None:
    assert rewrite(before, "scripts/run_all.sh", SHELL) == after


def test_a_module_run_from_elsewhere_gets_a_stand_in_and_others_are_left_alone() -> None:
    text = "cd src && python -m infer\npython -m src.infer.x\npython -m src\npython -m pkg.train\n"

    assert rewrite(text, "run.sh", SHELL) == text
    assert stand_ins(text, "run.sh", SHELL) == [(1, "src/infer.py")]
    assert rewrite('CMD ["python", "-m", "src.infer"]\n', "Dockerfile", DOCKER) == (
        'CMD ["python", "-m", "pkg.src.infer"]\n'
    )


@pytest.mark.parametrize(
    "text",
    [
        "python -m pytest tests/test_train.py\n",
        "python -c 'import train'\n",
        "python setup.py sdist\n",
        "torchrun -m pkg.train\n",
        "pip install -e .\n",
    ],
)
def test_commands_naming_no_moved_script_are_left_alone(text: str) -> None:
    assert find_references(text, "run.sh", SHELL, MODULES) == []


def test_a_cd_keeps_the_command_and_asks_for_a_stand_in() -> None:
    text = (
        "#!/bin/bash\ncd src && python infer.py\ncd src\npython infer.py\ncd ..\n"
        "python train.py\n"
        'python "$(dirname "$0")/../train.py"\n'
    )

    assert rewrite(text, "scripts/run.sh", SHELL) == (
        "#!/bin/bash\ncd src && python infer.py\ncd src\npython infer.py\ncd ..\n"
        "python -m pkg.train\n"
        'python "$(dirname "$0")/../train.py"\n'
    )
    assert stand_ins(text, "scripts/run.sh", SHELL) == [
        (2, "src/infer.py"),
        (4, "src/infer.py"),
        (7, "train.py"),
    ]


def test_a_script_run_by_an_unknown_wrapper_gets_a_stand_in() -> None:
    text = "./train.py --fold 0\n$RUNNER src/infer.py\n"

    assert rewrite(text, "run.sh", SHELL) == text
    assert stand_ins(text, "run.sh", SHELL) == [(1, "train.py"), (2, "src/infer.py")]


def test_makefile_recipes_and_prerequisites() -> None:
    text = "train: train.py\n\t$(PYTHON) train.py --epochs 1\n\tcd src && python infer.py\n"

    assert rewrite(text, "Makefile", MAKE) == (
        "train: train.py\n\t$(PYTHON) -m pkg.train --epochs 1\n\tcd src && python infer.py\n"
    )
    assert stand_ins(text, "Makefile", MAKE) == [(1, "train.py"), (3, "src/infer.py")]


def test_dockerfile_shell_and_exec_forms() -> None:
    text = (
        "FROM python:3.11\nCOPY . /app\nRUN python src/infer.py --warm-up\n"
        'CMD ["python", "train.py", "--epochs", "1"]\n'
    )

    assert rewrite(text, "Dockerfile", DOCKER) == (
        "FROM python:3.11\nCOPY . /app\nRUN python -m pkg.src.infer --warm-up\n"
        'CMD ["python", "-m", "pkg.train", "--epochs", "1"]\n'
    )


def test_docs_change_the_command_only() -> None:
    text = (
        "Train with `python train.py --epochs 10`, which\nwrites best.pth. The script train.py "
        "reads configs.\n\n```bash\n$ torchrun --nproc_per_node 2 train.py\n```\n"
    )

    assert rewrite(text, "README.md", DOCS) == (
        "Train with `python -m pkg.train --epochs 10`, which\nwrites best.pth. The script "
        "train.py reads configs.\n\n```bash\n$ torchrun --nproc_per_node 2 -m pkg.train\n```\n"
    )


def test_notebook_cells_keep_their_json_layout() -> None:
    text = (
        '{\n "cells": [\n  {\n   "cell_type": "code",\n   "source": [\n'
        '    "!python train.py --fold 0\\n",\n    "%run -i src/infer.py"\n   ]\n  }\n ]\n}\n'
    )

    assert rewrite(text, "explore.ipynb", NOTEBOOK) == (
        '{\n "cells": [\n  {\n   "cell_type": "code",\n   "source": [\n'
        '    "!python -m pkg.train --fold 0\\n",\n    "%run -i -m pkg.src.infer"\n'
        "   ]\n  }\n ]\n}\n"
    )


def test_a_notebook_runs_from_its_own_directory() -> None:
    text = '    "!python ../train.py\\n",\n'

    assert rewrite(text, "notebooks/eda.ipynb", NOTEBOOK) == text
    assert stand_ins(text, "notebooks/eda.ipynb", NOTEBOOK) == [(1, "train.py")]


@pytest.mark.parametrize(
    ("path", "first_line", "kind"),
    [
        ("scripts/train.sh", "", SHELL),
        ("run", "#!/usr/bin/env bash", SHELL),
        ("run", "#!/bin/sh -e", SHELL),
        ("run", "#!/usr/bin/env python3", None),
        ("Makefile", "", MAKE),
        ("docker/Dockerfile.gpu", "", DOCKER),
        ("docs/usage.rst", "", DOCS),
        (".github/workflows/ci.yml", "", DOCS),
        ("notebooks/eda.ipynb", "", NOTEBOOK),
        ("requirements.txt", "", None),
    ],
)
def test_which_files_hold_commands(path: str, first_line: str, kind: str | None) -> None:
    assert command_file_kind(path, first_line) == kind


def test_generic_script_names_take_the_project_name() -> None:
    paths = ["main.py", "train.py", "predict.py", "train_unet.py", "tools/make_folds.py"]
    # A Kaggle solution's blending and ensembling scripts are as common as its train.py.
    paths += ["src/blend.py", "ensemble.py", "postprocess.py"]

    assert console_names(paths, "whale_id") == {
        "main.py": "whale-id",
        "train.py": "whale-id-train",
        "predict.py": "whale-id-predict",
        "train_unet.py": "train-unet",
        "tools/make_folds.py": "make-folds",
        "src/blend.py": "whale-id-blend",
        "ensemble.py": "whale-id-ensemble",
        "postprocess.py": "whale-id-postprocess",
    }


def test_scripts_that_would_share_a_command_are_told_apart() -> None:
    assert console_names(["team_a/train.py", "team_b/train.py"], "cells") == {
        "team_a/train.py": "cells-team-a-train",
        "team_b/train.py": "cells-team-b-train",
    }


def test_a_stand_in_runs_the_moved_module_from_anywhere(tmp_path: Path) -> None:
    write_repository(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/tools/__init__.py": "",
            "pkg/tools/train.py": (
                "import sys\n\nif __name__ == '__main__':\n    print('trained', sys.argv[1:])\n"
            ),
        },
    )
    operation = AddStandIn("tools/train.py", "pkg.tools.train", "pkg/tools/train.py", ("x:1",))

    write_stand_in(tmp_path, operation)
    result = subprocess.run(
        [sys.executable, "train.py", "--fold", "2"],
        cwd=tmp_path / "tools",
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout == "trained ['--fold', '2']\n"
    assert (tmp_path / "tools" / "train.py").read_text() == stand_in_text(
        "tools/train.py", "pkg.tools.train", executable=False
    )
    assert 'os.path.join(HERE, "..")' in stand_in_text("tools/train.py", "m", executable=False)


def test_only_directories_the_moves_empty_are_removed(tmp_path: Path) -> None:
    write_repository(
        tmp_path,
        {
            "models/unet.py": "",
            "models/blocks/conv.py": "",
            "tools/train.py": "",
            "tools/cache/run.pyc": "",
        },
    )
    (tmp_path / "empty-before").mkdir()
    moves = [
        MoveFile(source, f"pkg/{source}")
        for source in ("models/unet.py", "models/blocks/conv.py", "tools/train.py")
    ]
    plan = with_emptied_directories(tmp_path, Plan("pkg", tuple(moves)))

    assert plan.operations[-1] == RemoveEmptiedDirectories(("models/blocks", "models"))
    for move in moves:
        (tmp_path / move.destination).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / move.source).rename(tmp_path / move.destination)
    remove_emptied(tmp_path, RemoveEmptiedDirectories(("models/blocks", "models", "tools")))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty-before", "pkg", "tools"]


def test_adopt_rewrites_a_readme_and_leaves_a_stand_in(tmp_path: Path) -> None:
    root = tmp_path / "seg"
    write_repository(
        root,
        {
            "utils.py": "def f():\n    return 1\n",
            "tools/main.py": (
                "import argparse\n\nfrom utils import f\n\n\ndef main():\n"
                "    argparse.ArgumentParser().parse_args()\n    print(f())\n\n\n"
                'if __name__ == "__main__":\n    main()\n'
            ),
            "README.md": "# Seg\n\nRun `python tools/main.py`.\n",
            "run.sh": "cd tools\npython main.py\n",
        },
    )
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    git = ["git", "-C", str(root), "-c", "user.name=a", "-c", "user.email=a@b"]
    subprocess.run([*git, "commit", "-qm", "x"], check=True)

    plan = adopt(root, format_code=False).plan

    assert (
        RewriteCommands(
            "README.md",
            DOCS,
            ((3, "Run `python tools/main.py`.", "Run `python -m seg.tools.main`."),),
            (("tools/main.py", "seg.tools.main"),),
        )
        in plan.operations
    )
    assert AddStandIn("tools/main.py", "seg.tools.main", "seg/tools/main.py", ("run.sh:2",)) in (
        plan.operations
    )
    assert (root / "README.md").read_text().startswith("# Seg\n\nRun `python -m seg.tools.main`.\n")
    assert "python tools/main.py is now the command seg (or python -m seg.tools.main)" in (
        plan.notes[0]
    )
    assert "run.sh:2: stand-in: python main.py" in "\n".join(plan.notes)
    result = subprocess.run(["sh", "run.sh"], cwd=root, capture_output=True, text=True, check=True)
    assert result.stdout == "1\n"


def test_adopt_gives_a_kaggle_src_package_s_module_commands_their_new_names(
    tmp_path: Path,
) -> None:
    root = tmp_path / "leaf"
    train = (
        "import argparse\n\nfrom src.utils import seed\n\n\ndef main():\n"
        "    parser = argparse.ArgumentParser()\n    parser.add_argument('--fold', type=int)\n"
        "    print(seed(parser.parse_args().fold))\n\n\n"
        'if __name__ == "__main__":\n    main()\n'
    )
    readme = "# Leaf\r\n\r\n```\r\npython -m src.train --fold 0\r\n```\r\n"
    write_repository(
        root,
        {
            "src/__init__.py": "",
            "src/utils.py": "def seed(fold):\n    return 42 + fold\n",
            "src/train.py": train,
            "scripts/run_all.sh": (
                "#!/bin/bash\nfor F in 0 1; do\n    python -m src.train --fold $F\ndone\n"
            ),
            "README.md": readme,
            ".gitignore": "input/\r\n",
            "requirements.txt": "-i https://download.pytorch.org/whl/cpu\ntorch==2.0.1+cpu\n",
        },
    )
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    git = ["git", "-C", str(root), "-c", "user.name=a", "-c", "user.email=a@b"]
    subprocess.run([*git, "commit", "-qm", "x"], check=True)

    adopt(root, format_code=False)

    assert (root / "scripts/run_all.sh").read_text() == (
        "#!/bin/bash\nfor F in 0 1; do\n    python -m leaf.src.train --fold $F\ndone\n"
    )
    # Written on Windows: the README and .gitignore keep CRLF, also in what adopt appends.
    data = (root / "README.md").read_bytes()
    assert data.startswith(readme.replace("src.train", "leaf.src.train").encode())
    assert data.count(b"\n") == data.count(b"\r\n")
    gitignore = (root / ".gitignore").read_bytes()
    assert gitignore.startswith(b"input/\r\n") and gitignore.count(b"\n") == gitignore.count(
        b"\r\n"
    )
    assert (root / "requirements-pinned.txt").read_text().splitlines()[1:] == [
        "--index-url https://download.pytorch.org/whl/cpu",
        "torch==2.0.1+cpu",
    ]
    result = subprocess.run(
        ["bash", "scripts/run_all.sh"], cwd=root, capture_output=True, text=True, check=True
    )
    assert result.stdout == "42\n43\n"


def test_a_cd_to_the_scripts_own_directory_is_followed() -> None:
    text = 'cd "$(dirname "$0")/.."\npython train.py\ncd "$(dirname "$0")"\npython ../train.py\n'

    assert rewrite(text, "scripts/run.sh", SHELL) == (
        'cd "$(dirname "$0")/.."\npython -m pkg.train\ncd "$(dirname "$0")"\npython ../train.py\n'
    )
    assert stand_ins(text, "scripts/run.sh", SHELL) == [(4, "train.py")]


def test_a_stand_in_for_an_executable_script_is_executable(tmp_path: Path) -> None:
    write_repository(tmp_path, {"pkg/__init__.py": "", "pkg/train.py": "print('trained')\n"})
    (tmp_path / "pkg" / "train.py").chmod(0o755)

    write_stand_in(tmp_path, AddStandIn("train.py", "pkg.train", "pkg/train.py", ("run.sh:1",)))

    result = subprocess.run(
        ["./train.py"], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert result.stdout == "trained\n"
    assert (tmp_path / "train.py").read_text().startswith("#!/usr/bin/env python3\n")


@pytest.mark.parametrize(
    ("after", "accepted"),
    [
        (b"a\r\npython -u -m pkg.tools.train --fold 0\r\n", True),
        (b'a\r\nCMD ["python", "-m", "pkg.tools.train"]\r\n', False),  # not what it said
        (b"a\r\npython -u -m pkg.tools.train --fold 1\r\n", False),  # an argument changed
        (b"a\r\npython -u -m pkg.other --fold 0\r\n", False),  # not the moved script
        (b"a\npython -u -m pkg.tools.train --fold 0\n", False),  # line endings changed
        (b"a\r\npython -u -m pkg.src.infer --fold 0\r\n", False),  # not the moved script
    ],
)
def test_the_acceptance_test_takes_only_module_forms_of_moved_scripts(
    after: bytes, accepted: bool
) -> None:
    before = b"a\r\npython -u tools/train.py --fold 0\r\n"
    moved = {"tools/train.py": "pkg/tools/train.py", "other.py": "pkg/other.py"}

    restored = restore_rewritten_commands("train.sh", before, after, moved)

    assert (restored == before) is accepted


@pytest.mark.parametrize(
    ("after", "accepted"),
    [
        (b"python -m pkg.tools.train --fold 0\n", True),
        (b'CMD ["python", "-m", "pkg.tools.train"]\n', False),
        (b"python -m pkg.other --fold 0\n", False),
    ],
)
def test_the_acceptance_test_takes_a_module_command_s_new_name(
    after: bytes, accepted: bool
) -> None:
    before = b"python -m tools.train --fold 0\n"
    moved = {"tools/train.py": "pkg/tools/train.py", "other.py": "pkg/other.py"}

    restored = restore_rewritten_commands("train.sh", before, after, moved)

    assert (restored == before) is accepted


def test_a_readme_cloning_into_the_repository_stays_at_its_root() -> None:
    text = "git clone https://github.com/o/whale-id\ncd whale-id\npython train.py\n\ncd src\n"
    text += "python infer.py\n"

    assert rewrite(text, "README.md", DOCS) == (
        "git clone https://github.com/o/whale-id\ncd whale-id\npython -m pkg.train\n\ncd src\n"
        "python infer.py\n"
    )
    assert stand_ins(text, "README.md", DOCS) == [(6, "src/infer.py")]
