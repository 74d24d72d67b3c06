"""fissix's default fixers, each made to say what it changed and which lines a person should
review (``modernize`` runs them after its own steps: tabs, ``async=``).

One ``RefactoringTool`` is built per process and reused for every file (not thread-safe).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from itertools import chain
from typing import Any

from fissix.fixer_util import find_root
from fissix.refactor import RefactoringTool, get_fixers_from_package

# fix_import turns `import utils` into `from . import utils` when a sibling file exists on disk.
# adopt rewrites imports between a project's modules itself, knowing which files move into the
# package; a relative import would break the scripts that stay outside it.
LEFT_TO_ADOPT = frozenset({"fissix.fixes.fix_import"})
MAP_REASON = (
    "{}() is lazy in Python 3; list() keeps Python 2's meaning, drop it if an iterator will do"
)
VIEW_REASON = "{}() is a view in Python 3; list() keeps Python 2's list, drop it if a view will do"


class FissixRefactoring:
    """fissix's default fixers in one ``RefactoringTool``, each made to say what it changed."""

    def __init__(self) -> None:
        names = set(get_fixers_from_package("fissix.fixes")) - LEFT_TO_ADOPT
        # Like `python -m fissix`, the tool leaves out the explicit-only fixers (idioms, ...).
        self.tool = RefactoringTool(sorted(names))
        self.changed_by: set[str] = set()
        self.marks: list[tuple[int, str]] = []  # lines of the text fissix was given
        for fixer in chain(self.tool.pre_order, self.tool.post_order):
            self.instrument(fixer)

    def run(self, text: str, path: str) -> tuple[str, tuple[str, ...], list[tuple[int, str]]]:
        """The converted text, the fixers that changed it, and review lines in the new text."""
        self.changed_by, self.marks = set(), []
        del self.tool.fixer_log[:]
        missing_newline = not text.endswith("\n")
        tree = self.tool.refactor_string(text + "\n" * missing_newline, path)
        converted = str(tree)[:-1] if missing_newline else str(tree)
        lines = new_lines(tree) if self.marks else {}
        review = [(lines[line], why) for line, why in self.marks if line in lines]
        return converted, tuple(sorted(self.changed_by)), review

    def instrument(self, fixer: Any) -> None:
        name = type(fixer).__module__.rsplit(".fix_", 1)[-1]
        fixer.transform = self.recording(name, fixer.transform)
        warning, cannot_convert = fixer.warning, fixer.cannot_convert

        def recorded_warning(node: Any, reason: str) -> None:
            self.marks.append((original_line(node), reason))
            warning(node, reason)

        def recorded_cannot_convert(node: Any, reason: str | None = None) -> None:
            self.marks.append((original_line(node), reason or "fissix could not convert this"))
            cannot_convert(node, reason)

        fixer.warning, fixer.cannot_convert = recorded_warning, recorded_cannot_convert

    def recording(self, name: str, transform: Callable[..., Any]) -> Callable[..., Any]:
        """``transform``, noting whether it changed the tree and why a person should look."""

        def recorded(node: Any, results: dict[str, Any]) -> Any:
            root, line, before = find_root(node), original_line(node), str(node)
            statements = len(root.children)
            method = results["method"][0].value if name == "dict" else ""
            new = transform(node, results)
            result = node if new is None else new
            after = str(result)
            if after != before or len(root.children) != statements:
                self.changed_by.add(name)
                reason = change_reason(name, method, after[len(result.prefix) :])
                if reason:
                    self.marks.append((line, reason))
            return new

        return recorded


def change_reason(fixer: str, method: str, new_code: str) -> str | None:
    """Why a fixer's change may alter what the code does, or None when it does not."""
    wrapped = new_code.startswith("list(")
    if fixer in {"map", "filter", "zip"} and wrapped:
        return MAP_REASON.format(fixer)
    if fixer != "dict":
        return None
    base = method.removeprefix("iter").removeprefix("view")
    if wrapped:
        return VIEW_REASON.format(base)
    return f"{method}() became {base}(), a view of the dict"


def original_line(node: Any) -> int:
    """The line a node came from in fissix's input (leaves a fixer made have none: 0)."""
    return next((leaf.lineno for leaf in node.leaves() if leaf.lineno), 0)


def new_lines(tree: Any) -> dict[int, int]:
    """Each input line's first line in the converted text, for lines that still have code."""
    lines: dict[int, int] = {}
    current = 1
    for leaf in tree.leaves():
        current += leaf.prefix.count("\n")
        if leaf.lineno:
            lines.setdefault(leaf.lineno, current)
        current += leaf.value.count("\n")
    return lines


@functools.cache
def fissix_refactoring() -> FissixRefactoring:
    """The process's one refactoring tool: building it loads and compiles 50 fixers (~0.3 s)."""
    return FissixRefactoring()
