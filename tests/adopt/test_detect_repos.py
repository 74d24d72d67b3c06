"""adopt and the weights commands on a YOLOv5-shaped fork and a Windows-written Kaggle repo.

Each test holds one fix these shapes needed (tests/support/detect_repos.py has the shapes; the
per-shape acceptance test in test_adoption.py takes both down the whole path).
"""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ml_publish.adopt.adoption import adopt
from ml_publish.adopt.imports import rewrite_source
from ml_publish.adopt.merge import move_flake8_section
from ml_publish.checks.imported_modules import required_imports
from ml_publish.repository_analysis.dependencies import requirements_text
from ml_publish.repository_analysis.python_files import analyse_source
from ml_publish.weights.refresh import refresh_tables
from ml_publish.weights.registration import add_weights
from tests.support.abandoned_repos import write_abandoned_repository
from tests.support.detect_repos import (
    DETECT_SHAPES,
    WIN_REQUIREMENTS,
    YOLO_HUBCONF,
    YOLO_SETUP_CFG,
    notebook,
)
from tests.support.documented_commands import broken_commands
from tests.support.rewritten_commands import restore_rewritten_commands
from tests.support.projects import render
from tests.support.tiny_repos import (
    GOOD_PACKAGE,
    audit,
    weight_entry,
    with_weights,
    write_repository,
)

BOM = "\ufeff"


def test_a_byte_order_mark_is_no_syntax_error() -> None:
    source = BOM + "import os\r\nfrom dataset import SeedlingDataset\r\n"

    facts = analyse_source(source)

    assert facts.parse_error is None
    assert [i.module for i in facts.imports] == ["os", "dataset"]
    assert required_imports(BOM + "import timm\n") == [(1, "timm")]


def test_the_import_rewrite_keeps_the_byte_order_mark_and_line_endings() -> None:
    source = BOM + '"""Train."""\r\nfrom dataset import SeedlingDataset\r\n'

    rewritten = rewrite_source(source, {"dataset": "seedlings.src.dataset"})

    assert (
        rewritten == BOM + '"""Train."""\r\nfrom seedlings.src.dataset import SeedlingDataset\r\n'
    )


@pytest.mark.parametrize(
    ("mark", "encoding"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (b"", "utf-8"),
    ],
)
def test_requirements_are_read_by_their_byte_order_mark_as_pip_reads_them(
    tmp_path: Path, mark: bytes, encoding: str
) -> None:
    path = tmp_path / "requirements.txt"
    path.write_bytes(mark + WIN_REQUIREMENTS.encode(encoding))

    assert requirements_text(path).splitlines() == ["numpy==1.23.5", "tqdm==4.64.1"]


def test_a_windows_repository_is_planned_whole(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "seedlings-win", ["windows-kaggle"])

    plan = adopt(root, dry_run=True, answers={"license": "MIT"}).plan.describe()

    assert "not valid Python 3" not in plan
    assert "move      src/train.py -> seedlings_win/src/train.py" in plan
    assert "move      src/dataset.py -> seedlings_win/src/dataset.py" in plan
    assert "'numpy>=1.23.5'" in plan and "'tqdm>=4.64.1'" in plan
    assert "is not a requirement" not in plan


def test_a_windows_repository_s_commands_take_the_module_form_or_a_stand_in(
    tmp_path: Path,
) -> None:
    root = write_abandoned_repository(tmp_path / "seedlings-win", ["windows-kaggle"])

    plan = adopt(root, dry_run=True, answers={"license": "MIT"}).plan.describe().splitlines()

    module = "python -m seedlings_win.src.train"
    assert [line.strip() for line in plan if line.strip().startswith("command")] == [
        f"command   README.md:4: python src\\train.py --fold 0  ->  {module} --fold 0",
        f"command   run.cmd:3: python src\\train.py --fold 1  ->  {module} --fold 1",
        "command   train.bat:2: REM Train every fold: python src\\train.py --fold N  ->  "
        f"REM Train every fold: {module} --fold N",
        f"command   train.bat:5: python src\\train.py --fold %%f  ->  {module} --fold %%f",
    ]
    assert (
        "  stand-in  src/train.py runs python -m seedlings_win.src.train (for "
        "notebooks/EDA.ipynb:9, notebooks/EDA.ipynb:18, train.bat:7)"
    ) in plan


def test_the_acceptance_test_sees_broken_windows_commands(tmp_path: Path) -> None:
    shape = DETECT_SHAPES["windows-kaggle"]
    documents = ["train.bat", "run.cmd", "README.md", "notebooks/EDA.ipynb"]
    before = {name: shape[name] for name in [*documents, "src/train.py"]}
    # src/train.py moved away with no command rewritten and no stand-in left.
    root = write_repository(tmp_path / "seedlings-win", {n: before[n] for n in documents}, git=True)
    raw = {name: v if isinstance(v, bytes) else v.encode() for name, v in before.items()}

    broken = broken_commands(root, raw, {"seedlings_win"}, Path(sys.executable))

    assert [line.split(": ")[0] for line in broken] == [
        "README.md:4",
        "notebooks/EDA.ipynb:1",
        "notebooks/EDA.ipynb:2",
        "run.cmd:3",
        "train.bat:2",
        "train.bat:5",
        "train.bat:7",
    ]
    assert all(line.endswith(": src/train.py is gone") for line in broken)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (b"python src\\train.py --fold 0\r\n", b"python -m pkg.src.train --fold 0\r\n"),
        (b'python ".\\src\\train.py"\r\n', b'python -m "pkg.src.train"\r\n'),
        (b'    "!python src\\\\train.py\\n",\n', b'    "!python -m pkg.src.train\\n",\n'),
    ],
)
def test_the_acceptance_test_takes_the_module_form_of_a_backslash_path(
    before: bytes, after: bytes
) -> None:
    moved = {"src/train.py": "pkg/src/train.py"}

    assert restore_rewritten_commands("train.bat", before, after, moved) == before
    other = before.replace(b"train", b"infer")  # not the moved script
    assert restore_rewritten_commands("train.bat", other, after, moved) == after


def test_a_tutorial_that_changes_into_its_clone_runs_the_moved_script_as_a_module(
    tmp_path: Path,
) -> None:
    root = write_abandoned_repository(tmp_path / "shipdet", ["yolo-fork"])

    plan = adopt(root, dry_run=True, answers={"license": "MIT"}).plan.describe()

    assert "move      val.py -> shipdet/val.py" in plan
    expected = "!python val.py --weights weights/best.pt  ->  !python -m shipdet.val --weights"
    assert expected in plan
    assert "hubconf.py: yours kept" in plan


def test_comments_after_flake8_codes_move_to_their_own_lines(tmp_path: Path) -> None:
    template = "[flake8]\nmax-line-length = 120\nextend-ignore = E203\n"

    rest, merged = move_flake8_section(YOLO_SETUP_CFG, template, "setup.cfg")

    assert "[flake8]" not in rest and "[isort]" in rest
    assert "    # Do not assign a lambda expression, use a def\n    E731\n" in merged
    assert "    # line break after binary operator\n    W504\n" in merged
    (tmp_path / ".flake8").write_text(merged, encoding="utf-8")
    (tmp_path / "lambda.py").write_text("square = lambda x: x * x  # noqa: E731\n")
    (tmp_path / "star.py").write_text("from os import *\n\nprint(getcwd())\n")
    flake8 = [sys.executable, "-m", "flake8", "--config", ".flake8", "star.py"]
    result = subprocess.run(flake8, cwd=tmp_path, capture_output=True, text=True)
    # Before, flake8 stopped on the config: "Error code '#' supplied to 'ignore' option".
    assert (result.returncode, result.stderr) == (1, "")
    assert "F401" not in result.stdout and "F405" not in result.stdout  # F405 is ignored
    assert "F403" in result.stdout  # not in the author's ignore list


@pytest.fixture
def own_hubconf(tmp_path: Path) -> Path:
    """A generated project whose hubconf.py is the author's own, and a weight to register."""
    root = render(tmp_path, {})
    (root / "hubconf.py").write_text(YOLO_HUBCONF, encoding="utf-8")
    (root / "best.pt").write_bytes(os.urandom(4096))
    return root


def test_weights_add_and_table_leave_the_authors_hubconf_alone(own_hubconf: Path) -> None:
    add_weights(own_hubconf, own_hubconf / "best.pt", name="best", repository="o/r")

    assert (own_hubconf / "hubconf.py").read_text(encoding="utf-8") == YOLO_HUBCONF
    assert "| `best`" in (own_hubconf / "README.md").read_text(encoding="utf-8")
    assert refresh_tables(own_hubconf) == []
    assert (own_hubconf / "hubconf.py").read_text(encoding="utf-8") == YOLO_HUBCONF


def test_wgt107_skips_the_authors_own_hubconf(tmp_path: Path) -> None:
    registered = with_weights(weight_entry("best", b"best weights"))

    result = audit(tmp_path, {**registered, "hubconf.py": YOLO_HUBCONF}, "WGT107")

    assert (result.result, result.message) == (
        "skip",
        "hubconf.py is the project's own: ml-publish does not write its entry points",
    )
    assert GOOD_PACKAGE.keys() <= registered.keys()


GPL_OPENING = """\
                    GNU GENERAL PUBLIC LICENSE
                       Version 3, 29 June 2007

 Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>
"""


def test_a_gnu_license_file_asks_for_only_or_or_later(tmp_path: Path) -> None:
    files = {"LICENSE": GPL_OPENING, "detect.py": "import argparse\n\nargparse.ArgumentParser()\n"}
    root = write_repository(tmp_path / "shipdet", files, git=True)
    commit = ["git", "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", "fork"]
    subprocess.run(commit, cwd=root, check=True)

    asked = adopt(root, dry_run=True).plan.needs_a_person
    answered = adopt(root, dry_run=True, answers={"license": "GPL-3.0-only"}).plan.needs_a_person

    line = (
        "LICENSE is the GPL-3.0 text, which does not say -only or -or-later, so no license is "
        'declared: pass license=GPL-3.0-only to adopt, or declare license = "GPL-3.0-only" '
        '(or "GPL-3.0-or-later") in [project]'
    )
    assert line in asked
    assert [item for item in answered if "LICENSE" in item] == []


def torch_zip_checkpoint(pickled: bytes) -> bytes:
    """A checkpoint as torch.save writes it: a zip whose ``<name>/data.pkl`` is the pickle."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("best/data.pkl", pickled)
        archive.writestr("best/data/0", os.urandom(200 * 1024))
    return buffer.getvalue()


def test_a_checkpoint_pickling_classes_of_moved_modules_is_named(tmp_path: Path) -> None:
    # Protocol 2, as torch.save pickles: GLOBAL opcodes name module and class.
    pickled = b"\x80\x02cmodels.yolo\nDetectionModel\nq\x00)\x81q\x01."
    files: dict[str, str | bytes] = {
        "models/__init__.py": "",
        "models/yolo.py": "class DetectionModel:\n    pass\n",
        "detect.py": "from models.yolo import DetectionModel\n\nDetectionModel()\n",
        "weights/best.pt": torch_zip_checkpoint(pickled),
        "weights/plain.pt": torch_zip_checkpoint(b"\x80\x02}q\x00."),
    }
    root = write_repository(tmp_path / "shipdet", files, git=True)
    commit = ["git", "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", "fork"]
    subprocess.run(commit, cwd=root, check=True)

    items = adopt(root, dry_run=True).plan.needs_a_person

    named = [item for item in items if " pickles " in item]
    assert named == [
        "weights/best.pt pickles classes of modules that move (models.yolo.DetectionModel): "
        "torch.load of it (and of every checkpoint saved the same way) fails once models.yolo "
        "is shipdet.models.yolo: before adopting, load it and save its model's state_dict() "
        "(tensors only, no classes) in its place"
    ]


@pytest.mark.parametrize(
    ("edit", "added"),
    [
        ("sys.path.append('..\\\\src')", ["<cwd>/../src"]),
        ("sys.path.insert(0, r'..\\src')", ["<cwd>/../src"]),
        ("sys.path.append(r'C:\\Users\\rahul\\kaggle\\src')", []),
    ],
)
def test_a_windows_sys_path_edit_names_the_same_directory(edit: str, added: list[str]) -> None:
    import ast

    from ml_publish.repository_analysis.sys_path import sys_path_additions

    assert sys_path_additions(ast.parse(f"import sys\n{edit}\n")) == added


def test_notebooks_that_add_src_the_windows_way_import_the_moved_modules(
    tmp_path: Path,
) -> None:
    cell = "import sys\nsys.path.append('..\\\\src')\nfrom dataset import SeedlingDataset"
    files = {"notebooks/EDA - first look.ipynb": notebook(cell)}
    root = write_repository(tmp_path / "seedlings-win", files)
    root = write_abandoned_repository(root, ["windows-kaggle"])

    plan = adopt(root, dry_run=True, answers={"license": "MIT"}).plan.describe()

    assert (
        "imports   notebooks/EDA - first look.ipynb: dataset -> seedlings_win.src.dataset" in plan
    )
