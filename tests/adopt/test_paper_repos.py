"""adopt on paper repositories built on a framework's layout (tests/support/paper_repos.py):
absl's ``main(argv)`` is no console script, ml_collections configs stay where ``--config``
names them, a package's ``version.py`` stays its version source, and a flit ``[project]``
gains no key it rules out. The whole adopt path on the OpenMMLab shape runs in
tests/adopt/test_adoption.py (it is one of SHAPES)."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest

from ml_publish.adopt.adoption import adopt
from ml_publish.adopt.hook_config import rival_formatters
from ml_publish.adopt.merge import merge_pyproject
from ml_publish.adopt.moves import STAYING_CONFIG, decide_moves
from ml_publish.adopt.operations import AddConsoleScript, AddVersion, SetDependencies
from ml_publish.repository_analysis.analyse import analyse_repository
from ml_publish.repository_analysis.dependencies import requirement_name
from ml_publish.repository_analysis.python_files import analyse_source
from tests.support.paper_repos import JAX_PAPER, OPENMMLAB_PAPER
from tests.support.tiny_repos import write_repository

TEMPLATE_PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "mixer"
dynamic = ["version"]
description = "Code and pretrained weights for mixer."
license = "MIT"
license-files = ["LICENSE"]
keywords = ["machine-learning"]
"""


def committed(root: Path, files: dict[str, str]) -> Path:
    write_repository(root, files, git=True)
    git = ["git", "-C", str(root), "-c", "user.name=Ana Ruiz", "-c", "user.email=a@example.org"]
    subprocess.run([*git, "commit", "--quiet", "-m", "code release"], check=True)
    return root


def test_only_a_main_callable_without_arguments_is_an_entry_point() -> None:
    def entry(signature: str) -> bool:
        return analyse_source(f"def main({signature}):\n    pass\n").main_function

    assert [entry(s) for s in ("", "argv=None", "*args", "*, debug=False")] == [True] * 4
    assert [entry(s) for s in ("argv", "_", "cfg, debug=False", "*, cfg")] == [False] * 4
    hydra = '@hydra.main(config_path="conf", config_name="train")\ndef main(cfg):\n    pass\n'
    click = "@click.command()\n@click.option('--epochs')\ndef main(epochs):\n    pass\n"
    assert [analyse_source(hydra).main_function, analyse_source(click).main_function] == [
        True,
        True,
    ]


def test_absl_scripts_stay_scripts_and_configs_stay_where_commands_name_them(
    tmp_path: Path,
) -> None:
    root = write_repository(tmp_path / "mixer", JAX_PAPER, git=True)

    moves = decide_moves(analyse_repository(root), "mixer")

    assert moves.destinations == {"train.py": "mixer/train.py"}
    assert moves.stays["configs/default.py"] == STAYING_CONFIG
    assert moves.stays["configs/b16.py"] == STAYING_CONFIG
    assert moves.stays["main.py"].startswith("a script that nothing imports")


def test_a_config_a_moving_module_imports_moves_with_it(tmp_path: Path) -> None:
    files = {**JAX_PAPER, "train.py": "from configs import default\n\nCONFIG = default\n"}
    root = write_repository(tmp_path / "mixer", files, git=True)

    moves = decide_moves(analyse_repository(root), "mixer")

    assert moves.destinations["configs/default.py"] == "mixer/configs/default.py"
    assert moves.stays["configs/b16.py"] == STAYING_CONFIG


def test_the_absl_repository_gets_no_console_script_that_would_call_main_bare(
    tmp_path: Path,
) -> None:
    root = committed(tmp_path / "mixer", {**JAX_PAPER, "LICENSE": "MIT License\n"})

    adoption = adopt(root, dry_run=True, answers={"license": "MIT"})

    assert [op for op in adoption.plan.operations if isinstance(op, AddConsoleScript)] == []
    # Its code is formatted with pyink, two-space indents: black's style would fight it.
    assert [item for item in adoption.plan.needs_a_person if "pyink" in item] == [
        "pyproject.toml: [tool.pyink] formats otherwise than black, which adopt formatted the "
        "code with: keep one formatter (drop [tool.pyink], or run pyink over the code and drop "
        "[tool.black])"
    ]


@pytest.mark.parametrize(
    "license_lines",
    ["", 'license = "MIT"\nlicense-files = ["COPYING"]\n'],
    ids=["no license recognised", "another file's license"],
)
def test_a_flit_project_gains_no_key_its_own_project_table_rules_out(license_lines: str) -> None:
    template = TEMPLATE_PYPROJECT.replace(
        'license = "MIT"\nlicense-files = ["LICENSE"]\n', license_lines
    )
    assert template != TEMPLATE_PYPROJECT
    merged = tomllib.loads(merge_pyproject(JAX_PAPER["pyproject.toml"], template))

    project = merged["project"]
    assert "description" not in project and "license-files" not in project
    assert project["license"] == {"file": "LICENSE"}
    assert project["dynamic"] == ["version", "description"]
    assert project["keywords"] == ["machine-learning"]


def test_a_license_table_naming_the_recognised_file_becomes_its_expression() -> None:
    merged = tomllib.loads(merge_pyproject(JAX_PAPER["pyproject.toml"], TEMPLATE_PYPROJECT))

    project = merged["project"]
    assert [project["license"], project["license-files"]] == ["MIT", ["LICENSE"]]
    assert project["classifiers"] == ["Framework :: Flax"]
    assert "description" not in project


def test_openmmlab_version_py_requirement_files_and_cuda_extension(tmp_path: Path) -> None:
    root = committed(tmp_path / "RowLane", OPENMMLAB_PAPER)
    init_before = (root / "rowlane_custom/__init__.py").read_text()

    adoption = adopt(root, answers={"license": "MIT"})

    assert [op for op in adoption.plan.operations if isinstance(op, AddVersion)] == []
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    assert pyproject["tool"]["hatch"]["version"]["path"] == "rowlane_custom/version.py"
    assert pyproject["tool"]["ml-publish"]["template"]["answers"]["version"] == "0.3.1"
    init_after = (root / "rowlane_custom/__init__.py").read_text()
    assert "__version__ =" not in init_after
    assert init_after.replace('"', "'") == init_before
    # requirements.txt includes requirements/build.txt: what compiles the op, not a dependency.
    dependencies = next(op for op in adoption.plan.operations if isinstance(op, SetDependencies))
    assert [requirement_name(r) for r in dependencies.requirements] == ["numpy"]
    extension = [item for item in adoption.plan.needs_a_person if "compiled extensions" in item]
    assert len(extension) == 1 and "CUDAExtension('rowlane_custom.ops.row_nms_ext'" in extension[0]


def test_an_authors_yapf_hook_is_named_for_a_person() -> None:
    config = (
        "repos:\n  - repo: https://github.com/google/yapf\n    rev: v0.43.0\n    hooks:\n"
        "      - id: yapf\n  - repo: https://github.com/PyCQA/isort\n    rev: 6.0.1\n"
        "    hooks:\n      - id: isort\n"
    )

    assert rival_formatters(config) == [
        ".pre-commit-config.yaml: the yapf hook formats otherwise than black, which adopt "
        "formatted the code with: keep one formatter (remove yapf, or run it over the code and "
        "drop [tool.black])"
    ]


def test_mmcv_is_the_distribution_requirements_mminstall_names(tmp_path: Path) -> None:
    files = {
        "lanekit/__init__.py": "",
        "lanekit/necks.py": "from mmcv.cnn import ConvModule\n\nNECK = ConvModule\n",
        "requirements.txt": "-r requirements/runtime.txt\n",
        "requirements/runtime.txt": "numpy\n",
        # Installed with mim, outside setup.py: mmcv 2 (PyPI's "mmcv") lacks mmcv.runner.
        "requirements/mminstall.txt": "mmcv-full>=1.3.17,<1.8.0\n",
    }
    root = committed(tmp_path / "lanekit", files)

    plan = adopt(root, dry_run=True, answers={"license": "MIT"}).plan

    dependencies = next(op for op in plan.operations if isinstance(op, SetDependencies))
    assert dependencies.requirements == ("mmcv-full<1.8.0,>=1.3.17", "numpy")


def test_a_helper_defining_get_config_outside_configs_is_still_a_library(
    tmp_path: Path,
) -> None:
    files = {
        "utils.py": "def get_config():\n    return {}\n",
        "run.py": "from utils import get_config\n\nprint(get_config())\n",
    }
    root = write_repository(tmp_path / "mixer", files, git=True)

    moves = decide_moves(analyse_repository(root), "mixer")

    assert moves.destinations == {"utils.py": "mixer/utils.py"}
