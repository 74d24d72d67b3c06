"""Telling modules from scripts, and describing files that are not Python 3."""

from __future__ import annotations

import pytest

from ml_publish.repository_analysis.python_files import (
    analyse_source,
    is_module_name,
    strip_notebook_magics,
)
from tests.support.abandoned_repos import EVALUATE, MODELS, TRAIN, UTILS


def test_a_library_module_is_not_a_script() -> None:
    facts = analyse_source(UTILS)

    assert not facts.is_script
    assert [i.module for i in facts.imports] == ["os", "random"]


def test_a_main_block_and_argparse_make_a_script_with_a_main_function() -> None:
    facts = analyse_source(TRAIN)

    assert facts.is_script and facts.main_block and facts.main_function
    assert facts.argument_parser == "argparse"
    assert facts.absolute_paths == ((19, "/home/kaggler/input/train"),)


def test_work_at_import_time_makes_a_script() -> None:
    facts = analyse_source(EVALUATE)

    assert facts.is_script and not facts.main_block
    assert facts.import_time_work == 4


def test_docstrings_constants_and_classes_are_not_work() -> None:
    assert not analyse_source('"""Doc."""\nSIZE = 3\n' + MODELS).is_script


def test_sys_path_edits_are_found_with_their_lines() -> None:
    source = "import sys\nsys.path.append('..')\nsys.path.insert(0, '/x')\nsys.path += ['y']\n"

    assert analyse_source(source).sys_path_edits == (2, 3, 4)


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ('print "done"\n', "a Python 2 print statement (line 1)"),
        ("def f():\n    x = 1\n\treturn x\n", "tabs mixed with spaces for indentation (line 3)"),
        (
            "y = x.cuda(async=True)\n",
            "async= as a keyword argument, a syntax error since Python 3.7",
        ),
        ("try:\n    pass\nexcept ValueError, e:\n    pass\n", "Python 2 syntax (line 3)"),
        ("def f(:\n", "not valid Python 3 (line 1"),
    ],
)
def test_unparseable_files_say_why(source: str, reason: str) -> None:
    facts = analyse_source(source)

    assert facts.parse_error is not None and facts.parse_error.startswith(reason)
    assert facts.imports == () and not facts.is_script


@pytest.mark.parametrize(
    ("stem", "importable"),
    [("train", True), ("train_v2", True), ("train-v2", False), ("01_eda", False), ("class", False)],
)
def test_module_names(stem: str, importable: bool) -> None:
    assert is_module_name(stem) is importable


def test_notebook_magics_and_shell_escapes_are_dropped() -> None:
    cell = "%matplotlib inline\n!pip install timm\nimport utils\n"

    assert [i.module for i in analyse_source(strip_notebook_magics(cell)).imports] == ["utils"]


def test_an_invalid_escape_in_an_old_string_is_not_a_parse_error() -> None:
    # pytest turns warnings into errors here, as -W error would.
    facts = analyse_source('import re\n\nDIGITS = re.compile("\\d+")\n')

    assert facts.parse_error is None
    assert [statement.module for statement in facts.imports] == ["re"]


def test_top_level_names_are_what_an_entry_point_may_name() -> None:
    source = (
        "import typer\nfrom .train import fit as run_fit\n\napp = typer.Typer()\n"
        "version: str = '1'\n\n\nclass Cli:\n    inner = 1\n\n\ndef main():\n    local = 2\n"
    )

    facts = analyse_source(source)

    assert facts.top_level_names == {"typer", "run_fit", "app", "version", "Cli", "main"}
    assert facts.functions == {"main"}
