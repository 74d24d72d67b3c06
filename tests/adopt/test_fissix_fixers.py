"""fissix's fixers made to say what they changed and what a person should review (the
conversions they make for adopt --modernize are in test_modernize.py)."""

from __future__ import annotations

from ml_publish.adopt.fissix_fixers import fissix_refactoring


def test_the_fixers_that_changed_the_text_are_named() -> None:
    converted, fixers, review = fissix_refactoring().run('print "x"\nok = d.has_key(1)\n', "a.py")

    assert converted == 'print("x")\nok = 1 in d\n'
    assert fixers == ("has_key", "print")
    assert review == []


def test_review_lines_are_numbered_in_the_converted_text() -> None:
    source = "total = reduce(add, values)\nsizes = map(len, batches)\n"

    converted, fixers, review = fissix_refactoring().run(source, "a.py")

    assert converted.splitlines()[2] == "sizes = list(map(len, batches))"
    assert fixers == ("map", "reduce")
    assert review == [
        (
            3,
            "map() is lazy in Python 3; list() keeps Python 2's meaning, drop it if an iterator "
            "will do",
        )
    ]


def test_a_second_run_starts_from_nothing() -> None:
    fissix_refactoring().run("sizes = map(len, batches)\n", "a.py")

    assert fissix_refactoring().run("x = 1\n", "b.py") == ("x = 1\n", (), [])
