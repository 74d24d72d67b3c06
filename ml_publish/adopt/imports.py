"""Rewriting bare imports of moved modules into package imports, with libcst.

libcst keeps everything it does not touch (comments, blank lines, quotes) byte for byte, so a
moved file differs from its original only in the import statements that had to change.

    import utils               ->  from whale_id import utils
    import utils as u          ->  from whale_id import utils as u
    from utils import seed     ->  from whale_id.utils import seed
    from models.unet import U  ->  from whale_id.models.unet import U

Relative imports, and imports of anything not renamed, are left alone.
"""

from __future__ import annotations

import json

import libcst as cst

from ml_publish.repository_analysis.notebook_cells import masked_cell


def dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted(node.value)}.{node.attr.value}"
    raise TypeError(f"not a dotted name: {node!r}")


def name_node(text: str) -> cst.Attribute | cst.Name:
    *parents, last = text.split(".")
    if not parents:
        return cst.Name(last)
    return cst.Attribute(value=name_node(".".join(parents)), attr=cst.Name(last))


class ImportRewriter(cst.CSTTransformer):
    """Replaces imports whose first name is in ``renames`` (old top-level → new dotted name)."""

    def __init__(self, renames: dict[str, str]) -> None:
        super().__init__()
        self.renames = renames

    def on_visit(self, node: cst.CSTNode) -> bool:
        """Imports are statements: never descend into expressions (most of any file)."""
        return not isinstance(node, cst.BaseExpression)

    def renamed(self, module: str) -> str | None:
        top, _, rest = module.partition(".")
        if top not in self.renames:
            return None
        return f"{self.renames[top]}.{rest}" if rest else self.renames[top]

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        if updated_node.relative or updated_node.module is None:
            return updated_node
        new = self.renamed(dotted(updated_node.module))
        return updated_node if new is None else updated_node.with_changes(module=name_node(new))

    def rewritten_import(self, node: cst.Import) -> list[cst.BaseSmallStatement]:
        """The statements that replace ``node``: itself when nothing in it was renamed."""
        statements: list[cst.BaseSmallStatement] = []
        kept: list[cst.ImportAlias] = []
        for alias in node.names:
            module = dotted(alias.name)
            new = self.renamed(module)
            if new is None:
                kept.append(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT))
                continue
            if "." in module and alias.asname is not None:
                # `import utils.io as io` binds the submodule itself: the same, renamed.
                statements.append(
                    cst.Import(names=[cst.ImportAlias(name=name_node(new), asname=alias.asname)])
                )
                continue
            if "." in module:
                # `import utils.io` binds `utils`; keep both the binding and the submodule.
                statements.append(cst.Import(names=[cst.ImportAlias(name=name_node(new))]))
                module = module.split(".")[0]
                new = self.renames[module]
            parent, _, leaf = new.rpartition(".")
            bound = alias.asname or (None if leaf == module else cst.AsName(name=cst.Name(module)))
            statements.append(
                cst.ImportFrom(
                    module=name_node(parent),
                    names=[cst.ImportAlias(name=cst.Name(leaf), asname=bound)],
                )
            )
        if not statements:
            return [node]
        return ([node.with_changes(names=kept)] if kept else []) + statements

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        """One line per statement, so ``import os, utils`` becomes two import lines."""
        body: list[cst.BaseSmallStatement] = []
        for statement in updated_node.body:
            if isinstance(statement, cst.Import):
                body += self.rewritten_import(statement)
            else:
                body.append(statement)
        if len(body) == len(updated_node.body) and all(
            a is b for a, b in zip(body, updated_node.body)
        ):
            return updated_node
        if len(updated_node.body) > 1:
            return updated_node.with_changes(body=body)
        lines = [
            cst.SimpleStatementLine(
                body=[statement.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)],
                leading_lines=updated_node.leading_lines if index == 0 else (),
                trailing_whitespace=(
                    updated_node.trailing_whitespace
                    if index == len(body) - 1
                    else cst.TrailingWhitespace()
                ),
            )
            for index, statement in enumerate(body)
        ]
        return cst.FlattenSentinel(lines)


def rewrite_source(source: str, renames: dict[str, str]) -> str:
    """``source`` with its imports of ``renames`` pointed at the package; the rest untouched."""
    if not renames:
        return source
    # libcst reads a UTF-8 byte order mark and drops it; the file keeps it, as only imports change.
    mark = "\ufeff" if source.startswith("\ufeff") else ""
    module = cst.parse_module(source.removeprefix(mark))
    return mark + module.visit(ImportRewriter(renames)).code


def rewrite_cell(source: str, renames: dict[str, str]) -> str:
    """A notebook cell rewritten like a module, its IPython magics and shell escapes kept as
    they were; a cell that is not Python even so (a ``%%bash`` cell, a syntax error) is
    returned unchanged (the analysis lists those)."""
    cell = masked_cell(source)
    if cell.python is None:
        return source
    try:
        return cell.unmasked(rewrite_source(cell.python, renames))
    except cst.ParserSyntaxError:
        return source


def rewrite_notebook(text: str, renames: dict[str, str]) -> str:
    """A notebook's JSON with every code cell rewritten, written the way Jupyter writes it."""
    document = json.loads(text)
    for cell in document.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        joined = "".join(source) if isinstance(source, list) else str(source)
        new = rewrite_cell(joined, renames)
        if new != joined:
            cell["source"] = new.splitlines(keepends=True) if isinstance(source, list) else new
    dumped = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    # A notebook saved on Windows keeps its CRLF line endings (JSON escapes those in strings).
    return dumped.replace("\n", "\r\n") if text.split("\n", 1)[0].endswith("\r") else dumped
