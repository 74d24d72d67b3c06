"""Commands written on Windows: batch files read as cmd.exe reads them, and script paths with
``\\`` separators in batch files, docs and notebooks (command_lines.py, command_syntax.py)."""

from __future__ import annotations

import pytest

from ml_publish.adopt.command_lines import (
    BATCH,
    DOCS,
    NOTEBOOK,
    SHELL,
    command_file_kind,
    find_references,
    moved_cwd,
)
from tests.adopt.test_commands import MODULES, rewrite, stand_ins


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("python src\\infer.py --fold 0\r\n", "python -m pkg.src.infer --fold 0\r\n"),
        ("@python train.py\r\n", "@python -m pkg.train\r\n"),
        ("call python .\\src\\infer.py\r\n", "call python -m pkg.src.infer\r\n"),
        ('python "src\\infer.py" -i x\r\n', 'python -m "pkg.src.infer" -i x\r\n'),
        ("py -3 src\\infer.py\r\n", "py -3 -m pkg.src.infer\r\n"),
        ("C:\\Python38\\python.exe train.py\r\n", "C:\\Python38\\python.exe -m pkg.train\r\n"),
        ("%PYTHON% train.py --lr 1\r\n", "%PYTHON% -m pkg.train --lr 1\r\n"),
        (
            "python src\\infer.py ^\r\n    --fold 0\r\npython train.py\r\n",
            "python -m pkg.src.infer ^\r\n    --fold 0\r\npython -m pkg.train\r\n",
        ),
        (
            "for /L %%f in (0,1,4) do python src\\infer.py --fold %%f\r\n",
            "for /L %%f in (0,1,4) do python -m pkg.src.infer --fold %%f\r\n",
        ),
        (
            "if exist input (python train.py) else (echo no data)\r\n",
            "if exist input (python -m pkg.train) else (echo no data)\r\n",
        ),
        ("python train.py > log.txt 2>&1\r\n", "python -m pkg.train > log.txt 2>&1\r\n"),
        ("REM usage: python train.py --fold N\r\n", "REM usage: python -m pkg.train --fold N\r\n"),
        ("python -m src.infer --fold 0\r\n", "python -m pkg.src.infer --fold 0\r\n"),
    ],
)
def test_batch_commands_take_the_module_form(before: str, after: str) -> None:
    assert rewrite(before, "train.bat", BATCH) == after


def test_a_cd_to_the_batch_file_s_own_directory_is_followed() -> None:
    text = (
        "@echo off\r\ncd /d %~dp0..\r\npython src\\infer.py\r\n"
        'pushd "%~dp0"\r\npython ..\\train.py\r\n'
    )

    assert rewrite(text, "scripts/run.cmd", BATCH) == (
        "@echo off\r\ncd /d %~dp0..\r\npython -m pkg.src.infer\r\n"
        'pushd "%~dp0"\r\npython ..\\train.py\r\n'
    )
    assert stand_ins(text, "scripts/run.cmd", BATCH) == [(5, "train.py")]


def test_batch_commands_from_elsewhere_or_built_from_variables_get_a_stand_in() -> None:
    text = (
        'python "%~dp0src\\infer.py"\r\n'
        "python %ROOT%\\train.py\r\n"
        "call python !HERE!src\\infer.py ^\r\n  --fold 0\r\n"
        "cd src\r\npython infer.py\r\n"
    )

    assert rewrite(text, "run.bat", BATCH) == text
    assert stand_ins(text, "run.bat", BATCH) == [
        (1, "src/infer.py"),
        (2, "train.py"),
        (3, "src/infer.py"),
        (6, "src/infer.py"),
    ]


def test_a_script_a_batch_file_runs_another_way_gets_a_stand_in() -> None:
    text = "start /wait pythonw src\\infer.py\r\necho see train.py\r\n"

    assert rewrite(text, "run.bat", BATCH) == text
    assert stand_ins(text, "run.bat", BATCH) == [(1, "src/infer.py"), (2, "train.py")]


@pytest.mark.parametrize(
    ("target", "cwd"),
    [
        ("%~dp0", "scripts"),
        ('"%~dp0.."', ""),
        ("%~dp0\\..\\src", "src"),
        ("..", ""),
        ("C:\\data", None),
        ("%DATA%", None),
    ],
)
def test_where_a_batch_cd_goes(target: str, cwd: str | None) -> None:
    assert moved_cwd("scripts", target, "scripts", BATCH) == cwd


def test_docs_name_scripts_with_backslash_separators() -> None:
    text = (
        "```\r\npython src\\infer.py --config configs\\b0.yaml\r\n"
        'python "src\\infer.py"\r\npython train.py \\\r\n  --fold 0\r\n```\r\n'
    )

    assert rewrite(text, "README.md", DOCS) == (
        "```\r\npython -m pkg.src.infer --config configs\\b0.yaml\r\n"
        'python -m "pkg.src.infer"\r\npython -m pkg.train \\\r\n  --fold 0\r\n```\r\n'
    )


def test_a_shell_script_s_backslash_is_an_escape_not_a_separator() -> None:
    # sh runs "python srcinfer.py": no moved script is named.
    assert find_references("python src\\infer.py\n", "run.sh", SHELL, MODULES) == []


def test_notebooks_name_scripts_with_json_escaped_backslashes() -> None:
    text = (
        '   "source": [\n    "!python src\\\\infer.py --fold 0\\n",\n'
        '    "%run \\"src\\\\infer.py\\" --fold 1"\n   ]\n'
    )

    assert rewrite(text, "eda.ipynb", NOTEBOOK) == (
        '   "source": [\n    "!python -m pkg.src.infer --fold 0\\n",\n'
        '    "%run -m pkg.src.infer --fold 1"\n   ]\n'
    )
    moved_away = text.replace("src\\\\", "..\\\\src\\\\")
    assert rewrite(moved_away, "notebooks/eda.ipynb", NOTEBOOK) == moved_away
    assert stand_ins(moved_away, "notebooks/eda.ipynb", NOTEBOOK) == [
        (2, "src/infer.py"),
        (3, "src/infer.py"),
    ]


@pytest.mark.parametrize(
    ("path", "kind"), [("train.bat", BATCH), ("scripts/RUN.CMD", BATCH), ("run.ps1", None)]
)
def test_batch_files_hold_commands(path: str, kind: str | None) -> None:
    assert command_file_kind(path) == kind


def test_a_cd_written_with_backslashes_is_followed() -> None:
    notebook = '    "%cd ..\\\\src\\n",\n    "!python infer.py\\n",\n'
    readme = "```\r\ncd .\\src\r\npython infer.py\r\n```\r\n"

    assert stand_ins(notebook, "notebooks/eda.ipynb", NOTEBOOK) == [(2, "src/infer.py")]
    assert stand_ins(readme, "README.md", DOCS) == [(3, "src/infer.py")]
