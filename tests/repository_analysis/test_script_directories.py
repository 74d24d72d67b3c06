"""The directories a module inherits from the scripts that reach it."""

from __future__ import annotations

from ml_publish.repository_analysis.script_directories import inherited_directories, with_inherited


def test_a_module_inherits_the_directories_of_everything_that_reaches_it() -> None:
    edges = [
        ("alice/run_train.py", ("alice/losses/__init__.py", "alice/losses/dice.py")),
        ("alice/losses/dice.py", ("alice/augment.py",)),
        ("bob/run.py", ("shared/losses.py",)),
        ("train.py", ("shared/losses.py",)),
        ("shared/losses.py", ("shared/losses.py",)),  # itself: no edge
    ]

    assert inherited_directories(edges) == {
        "alice/losses/__init__.py": ("alice",),
        "alice/losses/dice.py": ("alice",),
        # alice/, where run_train.py runs, is its own directory: searched first anyway
        "alice/augment.py": ("alice/losses",),
        "shared/losses.py": (".", "bob"),
    }


def test_a_files_own_sys_path_edits_come_before_what_it_inherits() -> None:
    roots = {"lib/net.py": ["vendor", "."]}
    inherited = {"lib/net.py": (".", "tools")}

    assert with_inherited(roots, inherited, "lib/net.py") == ["vendor", ".", "tools"]
    assert with_inherited(roots, inherited, "other.py") == []
