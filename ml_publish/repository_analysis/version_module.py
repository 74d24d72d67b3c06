"""The module a package's ``__init__.py`` takes its ``__version__`` from, read statically.

OpenMMLab-style packages write the version in ``<package>/version.py`` and re-export it
(``from .version import __version__, short_version``), with setup.py reading that file. The
build must read it there too: a second ``__version__`` written into ``__init__.py`` would be a
version the author never set.
"""

from __future__ import annotations

import ast
import posixpath
from pathlib import Path

from ml_publish.versions import VERSION_LINE


def version_module(root: Path, init: str, package: str) -> tuple[str, str] | None:
    """``(path, version)``: the module, relative to the directory of ``init`` (the package's
    ``__init__.py``), that it imports ``__version__`` from at its top level, and the version
    that module writes as a literal; None when there is no such import or literal."""
    try:
        tree = ast.parse((root / init).read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom) or node.module is None:
            continue
        if not any(
            a.name == "__version__" and a.asname in {None, "__version__"} for a in node.names
        ):
            continue
        dotted = node.module if node.level == 1 else node.module.removeprefix(f"{package}.")
        if node.level > 1 or (node.level == 0 and dotted == node.module):
            continue
        relative = dotted.replace(".", "/") + ".py"
        path = root / posixpath.dirname(init) / relative
        text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        match = VERSION_LINE.search(text)
        if match:
            return relative, match[2]
    return None


def package_version_module(root: Path, package: str) -> tuple[str, str] | None:
    """``version_module`` of the package as it is before adopt: at the root or under ``src/``."""
    for init in (f"{package}/__init__.py", f"src/{package}/__init__.py"):
        if (root / init).is_file():
            return version_module(root, init, package)
    return None
