"""What ``sys.path`` edits add, read from their expressions without running them."""

from __future__ import annotations

import ast

import pytest

from ml_publish.adopt.sys_path import added_directories


def edit(source: str) -> ast.AST:
    (statement,) = ast.parse(source).body
    assert isinstance(statement, (ast.Expr, ast.AugAssign))
    return statement.value if isinstance(statement, ast.Expr) else statement


@pytest.mark.parametrize(
    ("source", "added"),
    [
        ('sys.path.append("..")', [".."]),
        ("sys.path.insert(0, '../lib')", ["../lib"]),
        ("sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))", ["../lib"]),
        ("sys.path.append(os.path.dirname(os.path.abspath(__file__)))", ["."]),
        ("sys.path.append(os.path.abspath('../../'))", ["../.."]),
        ("sys.path.insert(0, str(Path(__file__).resolve().parent.parent / 'src'))", ["../src"]),
        ("sys.path.insert(0, Path(__file__).resolve().parent.parent / 'src')", ["../src"]),
        ("sys.path.extend(['a', 'b'])", ["a", "b"]),
        ("sys.path += ['vendor']", ["vendor"]),
        ("sys.path.append(os.environ['CAFFE_ROOT'])", []),
        ("sys.path.append('/opt/caffe/python')", []),
    ],
)
def test_sys_path_edits_are_evaluated_relative_to_their_file(source: str, added: list[str]) -> None:
    assert added_directories(edit(source)) == added
