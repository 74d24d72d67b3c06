"""Compiled extensions a repository's setup.py builds (``ext_modules``: a C++/CUDA op, a
Cython module), read statically: a build backend that does not run setup.py drops them."""

from __future__ import annotations

import ast
from pathlib import Path


def setup_py_extensions(root: Path) -> list[str]:
    """The ``ext_modules`` of setup.py's ``setup(...)`` as written (``make_cuda_ext(name=
    'nms_ext', ...)``), each shortened to its first line; empty when it builds none."""
    try:
        tree = ast.parse((root / "setup.py").read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] == "setup":
            for keyword in node.keywords:
                if keyword.arg == "ext_modules":
                    value = keyword.value
                    items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
                    return [ast.unparse(item).split("\n")[0] for item in items]
    return []
