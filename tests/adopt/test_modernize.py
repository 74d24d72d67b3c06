"""Converting Python 2 files with fissix: what changes, what needs a person, what is refused."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from ml_publish.adopt.modernize import (
    DIVISION,
    Conversion,
    modernize_files,
    modernize_source,
    unified_diff,
    write_conversions,
)
from ml_publish.errors import OperationFailed

LEGACY = """\
import cPickle


def summarise(counts, path):
    total = 0
    for name, count in counts.iteritems():
        print "%s: %d" % (name, count)
        total += count
    if counts.has_key("cat"):
        print >>log, "cats:", counts["cat"]
    for epoch in xrange(3):
        print epoch,
    try:
        scores = cPickle.load(open(path, "rb"))
    except IOError, error:
        print error
    label = u"mean"
    return label, total / len(counts)
"""


def convert(root: Path, source: str, name: str = "legacy.py") -> Conversion:
    """Write ``source`` to a real file under ``root`` and convert it (nothing is written back)."""
    (root / name).write_text(source, encoding="utf-8")
    [conversion] = modernize_files(root, [name])
    assert conversion.path == name
    return conversion


def run(source: str, function: str, *args: Any) -> Any:
    """Call ``function`` defined by ``source``, which must be Python 3."""
    namespace: dict[str, Any] = {}
    exec(compile(source, "converted.py", "exec"), namespace)
    return namespace[function](*args)


def reviewed_lines(conversion: Conversion, reason: str) -> list[str]:
    """The converted lines that the review lists for ``reason`` (a prefix of the reason)."""
    lines = conversion.converted.splitlines()
    return [
        lines[number - 1].strip() for number, why in conversion.review if why.startswith(reason)
    ]


def test_python_2_statements_and_names_become_python_3(tmp_path: Path) -> None:
    conversion = convert(tmp_path, LEGACY)

    assert conversion.error is None and conversion.changed
    assert conversion.converted == """\
import pickle


def summarise(counts, path):
    total = 0
    for name, count in counts.items():
        print("%s: %d" % (name, count))
        total += count
    if "cat" in counts:
        print("cats:", counts["cat"], file=log)
    for epoch in range(3):
        print(epoch, end=' ')
    try:
        scores = pickle.load(open(path, "rb"))
    except IOError as error:
        print(error)
    label = "mean"
    return label, total / len(counts)
"""
    assert conversion.fixers == (
        "dict",
        "except",
        "has_key",
        "imports",
        "print",
        "unicode",
        "xrange",
    )
    assert (tmp_path / "legacy.py").read_text(encoding="utf-8") == LEGACY


def test_print_with_several_values_a_file_and_nothing(tmp_path: Path) -> None:
    source = 'import sys\nprint "a", 1\nprint >>sys.stderr, "b"\nprint\n'

    conversion = convert(tmp_path, source)

    assert conversion.converted == (
        'import sys\nprint("a", 1)\nprint("b", file=sys.stderr)\nprint()\n'
    )
    assert conversion.fixers == ("print",)


def test_lines_whose_meaning_may_change_are_listed_for_review(tmp_path: Path) -> None:
    conversion = convert(tmp_path, LEGACY)

    assert reviewed_lines(conversion, "iteritems() became items()") == [
        "for name, count in counts.items():"
    ]
    assert reviewed_lines(conversion, DIVISION) == ["return label, total / len(counts)"]
    assert reviewed_lines(conversion, "a pickle written by Python 2") == [
        'scores = pickle.load(open(path, "rb"))'
    ]


def test_integer_division_is_flagged_but_float_division_and_path_joins_are_not(
    tmp_path: Path,
) -> None:
    source = """\
print "halves"
half = count / 2
ratio = hits / float(total)
scaled = pixels / 255.0
steps /= workers
folder = root / "images"
"""
    conversion = convert(tmp_path, source)

    assert reviewed_lines(conversion, DIVISION) == ["half = count / 2", "steps /= workers"]


def test_future_division_means_no_division_to_review(tmp_path: Path) -> None:
    source = "from __future__ import (absolute_import,\n    division)\nprint 'x'\nhalf = n / 2\n"

    conversion = convert(tmp_path, source)

    assert conversion.converted.endswith("print('x')\nhalf = n / 2\n")
    assert conversion.review == ()


def test_lists_kept_for_python_2_semantics_are_listed_for_review(tmp_path: Path) -> None:
    source = """\
print "sizes"
sizes = map(len, batches)
names = sorted(weights.keys())
pairs = zip(names, sizes)
first = weights.keys()[0]
"""
    conversion = convert(tmp_path, source)

    assert conversion.converted.splitlines()[1:] == [
        "sizes = list(map(len, batches))",
        "names = sorted(weights.keys())",
        "pairs = list(zip(names, sizes))",
        "first = list(weights.keys())[0]",
    ]
    assert reviewed_lines(conversion, "map() is lazy in Python 3") == [
        "sizes = list(map(len, batches))"
    ]
    assert reviewed_lines(conversion, "zip() is lazy in Python 3") == [
        "pairs = list(zip(names, sizes))"
    ]
    assert reviewed_lines(conversion, "keys() is a view in Python 3") == [
        "first = list(weights.keys())[0]"
    ]


def test_fissix_warnings_are_listed_for_review(tmp_path: Path) -> None:
    source = 'print "saving"\nmap(save, checkpoints)\n'

    conversion = convert(tmp_path, source)

    assert reviewed_lines(conversion, "You should use a for loop here") == [
        "list(map(save, checkpoints))"
    ]


def test_review_lines_follow_lines_that_fixers_added_above(tmp_path: Path) -> None:
    # fix_reduce adds an import at the top: every later line moves down by one.
    source = 'print "start"\ntotal = reduce(add, values)\nkeys = scores.keys()\n'

    conversion = convert(tmp_path, source)

    assert conversion.converted.startswith("from functools import reduce\n")
    assert reviewed_lines(conversion, "keys() is a view") == ["keys = list(scores.keys())"]


def test_tabs_indent_to_the_next_multiple_of_8_as_python_2_read_them(tmp_path: Path) -> None:
    # Python 2 put the tab line at column 8: inside the loop, beside the `if`, not after it.
    source = (
        "def total(values):\n"
        "    result = 0\n"
        "    for value in values:\n"
        "        if value > 1:\n"
        "            result += value\n"
        "\tresult += 100\n"
        "    return result\n"
    )
    with pytest.raises(TabError):
        ast.parse(source)

    conversion = convert(tmp_path, source)

    assert conversion.error is None and conversion.fixers == ("tabs",)
    assert conversion.converted.splitlines()[5] == "        result += 100"
    assert run(conversion.converted, "total", [1, 2, 3]) == 2 + 3 + 3 * 100


def test_spaces_before_a_tab_still_stop_at_column_8(tmp_path: Path) -> None:
    source = "def f(x):\n    if x:\n  \treturn 1\n    return 0\n"

    conversion = convert(tmp_path, source)

    assert conversion.converted.splitlines()[2] == "        return 1"
    assert run(conversion.converted, "f", True) == 1


def test_tabs_inside_a_triple_quoted_string_are_kept(tmp_path: Path) -> None:
    source = (
        "def usage():\n" '\tprint "columns"\n' '\treturn """name\tvalue\n' "\tloss\t0.1\n" '\t"""\n'
    )

    conversion = convert(tmp_path, source)

    assert conversion.converted == (
        "def usage():\n"
        '        print("columns")\n'
        '        return """name\tvalue\n'
        "\tloss\t0.1\n"
        '\t"""\n'
    )
    assert run(conversion.converted, "usage") == "name\tvalue\n\tloss\t0.1\n\t"


def test_continuation_lines_keep_their_whitespace(tmp_path: Path) -> None:
    source = "def f():\n\tprint 'sum'\n\tx = 1 + \\\n\t\t2\n\treturn max(x,\n\t\t2)\n"

    conversion = convert(tmp_path, source)

    assert conversion.converted.splitlines()[2:] == [
        "        x = 1 + \\",
        "\t\t2",
        "        return max(x,",
        "\t\t2)",
    ]


def test_async_keyword_arguments_become_non_blocking(tmp_path: Path) -> None:
    source = (
        'print "to the GPU"\n'
        "images = images.cuda(async=True)\n"
        "labels = labels.to(device, async=True)\n"
    )

    conversion = convert(tmp_path, source)

    assert conversion.converted.splitlines()[1:] == [
        "images = images.cuda(non_blocking=True)",
        "labels = labels.to(device, non_blocking=True)",
    ]
    assert conversion.fixers == ("async", "print")


def test_python_3_6_code_that_only_used_async_gets_only_the_rename(tmp_path: Path) -> None:
    # Python 3 code that 2to3's fixers would change: input() would become eval(input()).
    source = 'name = input("run name? ")\nfor k, v in state.items():\n    v.cuda(async=True)\n'

    conversion = convert(tmp_path, source)

    assert conversion.converted == source.replace("async=", "non_blocking=")
    assert conversion.fixers == ("async",) and conversion.review == ()


def test_python_3_files_are_left_alone(tmp_path: Path) -> None:
    source = 'name = input("run name? ")\nhalf = count / 2\nprint("a", "b", file=log)\n'

    conversion = convert(tmp_path, source)

    assert conversion == Conversion("legacy.py", source, source)
    assert not conversion.changed and unified_diff(conversion) == ""


def test_converting_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    first = convert(tmp_path, LEGACY)
    assert write_conversions(tmp_path, [first]) == ["legacy.py"]

    [second] = modernize_files(tmp_path, ["legacy.py"])

    assert second.converted == second.original == first.converted
    assert second.fixers == () and second.review == () and not second.changed
    assert write_conversions(tmp_path, [second]) == []


def test_merge_conflict_markers_are_reported_and_not_written(tmp_path: Path) -> None:
    source = 'print "start"\n<<<<<<< HEAD\nlr = 0.1\n=======\nlr = 0.01\n>>>>>>> tuning\n'

    conversion = convert(tmp_path, source)

    assert conversion.error == (
        "unresolved merge-conflict markers (line 2); resolve them, then convert"
    )
    assert write_conversions(tmp_path, [conversion]) == []
    assert (tmp_path / "legacy.py").read_text(encoding="utf-8") == source


def test_a_file_that_is_neither_python_3_nor_python_2_says_where(tmp_path: Path) -> None:
    conversion = convert(tmp_path, 'print "usage"\nHELP = """unfinished\n')

    assert conversion.error == "neither Python 3 nor Python 2 (line 2: EOF in multi-line string)"
    assert not conversion.changed


def test_a_result_that_is_still_not_python_3_is_reported_and_not_written(tmp_path: Path) -> None:
    # async as a parameter name is no call's keyword argument: nothing renames it.
    source = 'print "gpu"\ndef to_gpu(x, async=False):\n    return x.cuda()\n'

    conversion = convert(tmp_path, source)

    assert conversion.error is not None
    assert conversion.error.startswith("still not Python 3 after conversion (line 2: ")
    assert not conversion.changed
    assert write_conversions(tmp_path, [conversion]) == []
    assert (tmp_path / "legacy.py").read_text(encoding="utf-8") == source


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b'print "caf\xe9"\n', "invalid or missing encoding declaration; "),
        (b'import sys\n\nprint "caf\xe9"\n', "not utf-8 text (line 3); "),
        (b"# coding: latin-9\nprint 1\n", "unknown encoding: latin-9; "),
    ],
)
def test_a_file_in_an_undeclared_encoding_is_reported(
    tmp_path: Path, data: bytes, problem: str
) -> None:
    (tmp_path / "legacy.py").write_bytes(data)

    [conversion] = modernize_files(tmp_path, ["legacy.py"])

    assert conversion.error == (
        f"{problem}declare its encoding in a first-line comment: # -*- coding: latin-1 -*-"
    )


def test_writing_keeps_the_file_encoding_and_newlines(tmp_path: Path) -> None:
    source = '# -*- coding: latin-1 -*-\r\nprint "caf\xe9"\r\n'
    (tmp_path / "legacy.py").write_bytes(source.encode("latin-1"))

    [conversion] = modernize_files(tmp_path, ["legacy.py"])
    write_conversions(tmp_path, [conversion])

    expected = '# -*- coding: latin-1 -*-\r\nprint("caf\xe9")\r\n'
    assert (tmp_path / "legacy.py").read_bytes() == expected.encode("latin-1")


def test_a_file_changed_since_it_was_converted_is_not_overwritten(tmp_path: Path) -> None:
    conversion = convert(tmp_path, LEGACY)
    (tmp_path / "legacy.py").write_text(LEGACY + "# edited\n", encoding="utf-8")

    with pytest.raises(OperationFailed, match="legacy.py changed after it was converted"):
        write_conversions(tmp_path, [conversion])

    assert (tmp_path / "legacy.py").read_text(encoding="utf-8").endswith("# edited\n")


def test_the_diff_has_git_headers_and_marks_a_missing_final_newline() -> None:
    conversion = modernize_source("src/train.py", 'import sys\nprint "done"')

    assert unified_diff(conversion) == (
        "--- a/src/train.py\n"
        "+++ b/src/train.py\n"
        "@@ -1,2 +1,2 @@\n"
        " import sys\n"
        '-print "done"\n'
        "\\ No newline at end of file\n"
        '+print("done")\n'
        "\\ No newline at end of file\n"
    )
