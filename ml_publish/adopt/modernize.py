"""Python 2 files converted to Python 3: tabs, ``async=``, then fissix's default fixers.

Only files that do not parse as Python 3 are converted; anything that parses is Python 3 already
and stays as it is, so a second run changes nothing. Converting is pure (text in, text out);
``modernize_files`` only reads and ``write_conversions`` is the one function here that writes.
fissix's fixers, instrumented to say what they changed, are in fissix_fixers.py.
"""

from __future__ import annotations

import ast
import difflib
import io
import keyword
import re
import tokenize
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fissix.pgen2 import token as pgen2_token
from fissix.pgen2.parse import ParseError
from fissix.pgen2.tokenize import TokenError, generate_tokens

from ml_publish.adopt.fissix_fixers import fissix_refactoring
from ml_publish.errors import OperationFailed
from ml_publish.readmes import plain_newlines

# Read in the original: fissix's fix_future removes __future__ imports.
FUTURE_DIVISION = re.compile(
    r"^from\s+__future__\s+import\s+\(?[\w\s,\\]*\bdivision\b", re.MULTILINE
)
MERGE_MARKER = re.compile(r"^(<{7}|>{7})( |$)", re.MULTILINE)
DIVISION = "/ divides exactly in Python 3 (7 / 2 == 3.5); use // where Python 2 divided integers"
PICKLE = "a pickle written by Python 2 may need pickle.load(f, encoding='latin1')"
LINE_ENDS = {pgen2_token.NEWLINE, pgen2_token.NL, pgen2_token.INDENT, pgen2_token.DEDENT}


@dataclass(frozen=True)
class Conversion:
    """One file converted in memory: the text before and after, what changed it, what to check.

    ``fixers`` names the fissix fixers that changed something, after "tabs" and "async" for the
    steps before fissix. ``review`` holds lines of ``converted`` whose meaning may differ from
    Python 2's, with the reason. With ``error`` set the file is not Python 3 even after
    conversion (``converted`` is the attempt, if there was one) and is never written.
    """

    path: str
    original: str
    converted: str
    fixers: tuple[str, ...] = ()
    review: tuple[tuple[int, str], ...] = ()
    error: str | None = None

    @property
    def changed(self) -> bool:
        """Whether writing the conversion would change the file."""
        return self.error is None and self.converted != self.original


@dataclass(frozen=True)
class TokenEdits:
    """What the steps before fissix change: indentation with tabs, ``async`` keyword arguments."""

    tab_rows: tuple[int, ...]
    async_names: tuple[tuple[int, int], ...]


def modernize_source(path: str, text: str) -> Conversion:
    """Convert one file's text to Python 3; ``path`` is only used in messages."""
    text = plain_newlines(text)
    if parses_as_python3(text):
        return Conversion(path, text, text)
    try:
        edits = find_token_edits(text)
    except (TokenError, IndentationError) as error:
        return Conversion(path, text, text, error=unreadable(text, error))
    if edits.async_names:
        renamed = apply_token_edits(text, edits, expand_tabs=False)
        if parses_as_python3(renamed):
            # Python 3.6 code (async= became a keyword in 3.7): 2to3's fixers would damage it.
            return Conversion(path, text, renamed, ("async",))
    prepared = apply_token_edits(text, edits, expand_tabs=True)
    steps = ("tabs",) * bool(edits.tab_rows) + ("async",) * bool(edits.async_names)
    try:
        result = fissix_refactoring().run(prepared, path)
    except (ParseError, TokenError, IndentationError) as error:
        return Conversion(path, text, text, steps, error=unreadable(text, error))
    except Exception as error:  # a fixer's bug stops this file, not the whole adoption
        reason = f"fissix failed on it ({type(error).__name__}: {error}); convert it by hand"
        return Conversion(path, text, text, steps, error=reason)
    converted, fixers, review = result
    try:
        tree = parse_python3(converted)
    except SyntaxError as error:
        reason = f"still not Python 3 after conversion (line {error.lineno}: {error.msg})"
        return Conversion(path, text, converted, steps + fixers, error=reason)
    review += review_python3(tree, future_division=bool(FUTURE_DIVISION.search(text)))
    return Conversion(path, text, converted, steps + fixers, tuple(sorted(set(review))))


def modernize_files(root: Path, paths: Sequence[str]) -> list[Conversion]:
    """Convert the files at ``paths`` (relative to ``root``) in memory; writes nothing."""
    conversions = []
    for path in paths:
        try:
            text = read_source((root / path).read_bytes())[0]
        except (SyntaxError, UnicodeDecodeError) as error:
            conversions.append(Conversion(path, "", "", error=undecodable(error)))
            continue
        conversions.append(modernize_source(path, text))
    return conversions


def write_conversions(root: Path, conversions: Iterable[Conversion]) -> list[str]:
    """Write the changed conversions in their file's encoding and newlines; return their paths.

    Nothing is written when a file no longer holds the text it was converted from.
    """
    payloads = []
    for conversion in (c for c in conversions if c.changed):
        target = root / conversion.path
        data = target.read_bytes()
        text, encoding = read_source(data)
        if text != conversion.original:
            raise OperationFailed(
                f"{conversion.path} changed after it was converted; convert it again"
            )
        converted = conversion.converted.replace("\n", newline_of(data))
        payloads.append((target, conversion.path, converted.encode(encoding)))
    for target, _, payload in payloads:
        target.write_bytes(payload)
    return [path for _, path, _ in payloads]


def unified_diff(conversion: Conversion) -> str:
    """The conversion as a unified diff with ``a/path`` and ``b/path`` headers ("" if none)."""
    lines = difflib.unified_diff(
        conversion.original.splitlines(keepends=True),
        conversion.converted.splitlines(keepends=True),
        f"a/{conversion.path}",
        f"b/{conversion.path}",
    )
    return "".join(
        line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n" for line in lines
    )


def read_source(data: bytes) -> tuple[str, str]:
    """A source file's text with ``\\n`` newlines, and its encoding (PEP 263 cookie or BOM)."""
    encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    text = data.decode(encoding)
    return plain_newlines(text), encoding


def undecodable(error: SyntaxError | UnicodeDecodeError) -> str:
    """Why a file's bytes are not text, and the comment that tells Python their encoding."""
    if isinstance(error, UnicodeDecodeError):
        line = error.object[: error.start].count(b"\n") + 1
        problem = f"not {error.encoding} text (line {line})"
    else:  # detect_encoding: a missing declaration for non-UTF-8 bytes, or an unknown encoding
        problem = str(error.msg)
    return f"{problem}; declare its encoding in a first-line comment: # -*- coding: latin-1 -*-"


def newline_of(data: bytes) -> str:
    """The file's newline style, from its first line end."""
    end = data.find(b"\n")
    if end > 0 and data[end - 1 : end] == b"\r":
        return "\r\n"
    return "\r" if end < 0 and b"\r" in data else "\n"


def parse_python3(text: str) -> ast.Module:
    # Python 2 code is full of "\d" in regular strings: warnings about them are not ours to print.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text)


def parses_as_python3(text: str) -> bool:
    try:
        parse_python3(text)
    except SyntaxError:
        return False
    return True


def unreadable(text: str, error: Exception) -> str:
    """Why a file is neither Python 3 nor Python 2 that fissix can read, in one line."""
    conflict = MERGE_MARKER.search(text)
    if conflict:
        row = text.count("\n", 0, conflict.start()) + 1
        return f"unresolved merge-conflict markers (line {row}); resolve them, then convert"
    line: int | None
    if isinstance(error, ParseError):
        line, detail = error.context[1][0], f"unexpected {error.value!r}"
    elif isinstance(error, TokenError):
        line, detail = error.args[1][0], error.args[0]
    else:
        line, detail = getattr(error, "lineno", None), str(getattr(error, "msg", error))
    return f"neither Python 3 nor Python 2 (line {line}: {detail})"


def find_token_edits(text: str) -> TokenEdits:
    """Rows whose indentation has a tab, and ``async`` keyword arguments in calls.

    Uses fissix's tokenizer, which reads Python 2, so that rows starting inside a string literal
    or continuing a bracketed or backslashed line keep their whitespace.
    """
    lines = text.split("\n")
    if not any("\t" in indentation(line) for line in lines) and "async" not in text:
        return TokenEdits((), ())
    continuation_rows: set[int] = set()
    async_names: list[tuple[int, int]] = []
    brackets: list[bool] = []  # for each open bracket: is it a call's parenthesis?
    # The last two tokens (kind, text, start): enough to see `f(` and `, async =`.
    before = previous = (pgen2_token.NEWLINE, "", (0, 0))
    last_row = 0
    for kind, value, start, end, _ in generate_tokens(io.StringIO(text).readline):
        # fissix reports a backslash continuation as an NL token whose text starts with "\\".
        statement_ended = previous[0] in LINE_ENDS and not previous[1].startswith("\\")
        if start[0] > last_row and (brackets or not statement_ended):
            continuation_rows.add(start[0])
        continuation_rows.update(range(start[0] + 1, end[0] + 1))
        last_row = end[0]
        if kind == pgen2_token.OP and value in {"(", "[", "{"}:
            brackets.append(value == "(" and opens_call(before[1], previous[:2]))
        elif kind == pgen2_token.OP and value in {")", "]", "}"} and brackets:
            brackets.pop()
        elif value == "=" and previous[1] == "async" and before[1] in {"(", ","}:
            if brackets and brackets[-1]:
                async_names.append(previous[2])
        before, previous = previous, (kind, value, start)
    tab_rows = (
        row
        for row, line in enumerate(lines, start=1)
        if row not in continuation_rows and "\t" in indentation(line)
    )
    return TokenEdits(tuple(tab_rows), tuple(async_names))


def indentation(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t\f"))]


def opens_call(before: str, previous: tuple[int, str]) -> bool:
    """Whether a ``(`` after these tokens opens a call (not a tuple, a ``def`` or a ``class``)."""
    kind, value = previous
    if kind == pgen2_token.NAME:
        statement = keyword.iskeyword(value) or value in {"print", "exec"}
        return not statement and before not in {"def", "class"}
    return value in {")", "]"}


def apply_token_edits(text: str, edits: TokenEdits, *, expand_tabs: bool) -> str:
    lines = text.split("\n")
    for row, column in reversed(edits.async_names):
        line = lines[row - 1]
        lines[row - 1] = f"{line[:column]}non_blocking{line[column + len('async'):]}"
    for row in edits.tab_rows if expand_tabs else ():
        lines[row - 1] = expand_indentation(lines[row - 1])
    return "\n".join(lines)


def expand_indentation(line: str) -> str:
    """Leading whitespace as spaces, by Python 2's rule: a tab advances to the next 8th column."""
    column = 0
    for char in indentation(line):
        if char == "\t":
            column = (column // 8 + 1) * 8
        else:
            column = 0 if char == "\f" else column + 1
    return " " * column + line.lstrip(" \t\f")


def review_python3(tree: ast.Module, *, future_division: bool) -> list[tuple[int, str]]:
    """Lines whose meaning Python 3 changes and no fixer could: ``/`` and Python 2 pickles."""
    review = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(node.op, ast.Div):
            operands = (node.left, node.right) if isinstance(node, ast.BinOp) else (node.value,)
            if not future_division and not any(map(is_obviously_not_integer, operands)):
                review.append((node.lineno, DIVISION))
        elif is_pickle_load(node):
            review.append((getattr(node, "lineno", 0), PICKLE))
    return review


def is_obviously_not_integer(node: ast.expr) -> bool:
    """A float literal or ``float(...)`` in it, or a string (a ``pathlib`` join)."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Constant) and isinstance(inner.value, float | str):
            return True
        if isinstance(inner, ast.JoinedStr):
            return True
        if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name):
            if inner.func.id == "float":
                return True
    return False


def is_pickle_load(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"load", "loads"}
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "pickle"
        and not any(k.arg == "encoding" for k in node.keywords)
    )
