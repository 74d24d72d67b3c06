"""The Python in a notebook cell, told apart from IPython's own syntax by IPython's rules.

Before it runs a cell, IPython (``IPython.core.inputtransformer2.TransformerManager``) turns
what is not Python into calls; neither ``ast`` nor libcst can read it as written:

- a cell magic: the cell's first line that is not blank starts with ``%%``, and the whole cell
  belongs to the magic (``%%bash``, ``%%writefile``, ``%%html``); ``%%time``, ``%%timeit``,
  ``%%capture``, ``%%prun`` and ``%%debug`` run the rest of the cell as Python, so only their
  first line is the magic;
- an escaped line: a logical line whose first character after its indentation is ``!`` (the
  shell, ``!!`` too), ``%`` (a line magic), ``?`` or ``??`` (help), or one of the autocall
  escapes ``,`` ``;`` ``/``;
- an assignment from the shell or a magic: ``files = !ls``, ``x = %sx ls``;
- help asked at the end of a line: ``obj?``, ``np.mean??``.

A logical line runs on over a trailing backslash and over brackets left open (IPython reads
cells with Python's tokenizer), and a line inside a string that spans lines starts nothing.
This module implements those rules rather than depending on IPython (sixteen distributions,
one of them compiled) for a question this small.

Each physical line of a magic is replaced, at the magic's indentation, by a ``pass`` statement
carrying a numbered marker; the rewriter leaves such lines byte for byte, so the original lines
go back in their place afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Cell magics that run the rest of their cell as Python in the kernel.
PYTHON_BODY_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
ESCAPES = ("!", "%", "?", ",", ";", "/")
CELL_MAGIC = re.compile(r"^%%(\w*)")
# What follows the first plain `=` of `lhs = !cmd` or `lhs = %magic`.
ASSIGNED_MAGIC = re.compile(r"\s*(!|%+\w)")
# Characters before `=` that make it part of another operator (`!=`, `+=`, `<=`, ...).
OPERATOR_CHARACTERS = "=!<>+-*/%&|^@:"
PLACEHOLDER = "pass  # ml-publish-magic-{}"


@dataclass
class LineState:
    """Where a scan of Python text stands at the end of a line."""

    depth: int = 0  # brackets left open
    quote: str | None = None  # the quote of a string left open
    backslash: bool = False  # the line ended with a continuation backslash

    @property
    def continues(self) -> bool:
        return self.depth > 0 or self.quote is not None or self.backslash


@dataclass(frozen=True)
class ScannedLine:
    """One line as Python's tokenizer reads it: the state after it, where its code ends (a
    comment's ``#``, else the line's end) and the characters outside strings and brackets."""

    state: LineState
    code_end: int
    top_level: tuple[int, ...]


def scan(line: str, state: LineState) -> ScannedLine:
    """``line`` scanned from ``state``: brackets, strings and comments."""
    depth, quote, index = state.depth, state.quote, 0
    top_level: list[int] = []
    while index < len(line):
        char = line[index]
        if quote is not None:
            if char == "\\":
                index += 2
                continue
            if line.startswith(quote, index):
                index += len(quote)
                quote = None
                continue
        elif char == "#":
            break
        elif char in "'\"":
            quote = line[index : index + 3] if line[index : index + 3] in ('"""', "'''") else char
            index += len(quote)
            continue
        else:
            depth = max(0, depth + (char in "([{") - (char in ")]}"))
            if depth == 0 and char not in ")]}":
                top_level.append(index)
        index += 1
    code_end = min(index, len(line))
    backslash = code_end == len(line) and line.rstrip().endswith("\\")
    if quote is not None and len(quote) == 1 and not backslash:
        quote = None  # a one-quote string ends with its line (or is a syntax error)
    return ScannedLine(LineState(depth, quote, backslash), code_end, tuple(top_level))


def assigns_from_magic(line: str) -> bool:
    """``lhs = !cmd`` or ``lhs = %magic``: the first ``=`` outside strings and brackets that
    is an assignment (IPython's ``_find_assign_op``), then an escape."""
    for index in scan(line, LineState()).top_level:
        if line[index] != "=":
            continue
        before, after = line[index - 1 : index], line[index + 1 : index + 2]
        if before not in OPERATOR_CHARACTERS and after != "=":
            return ASSIGNED_MAGIC.match(line, index + 1) is not None
    return False


def is_magic_start(line: str) -> bool:
    """Whether a logical line starting with ``line`` is IPython's rather than Python's."""
    if line.lstrip().startswith(ESCAPES) or assigns_from_magic(line):
        return True
    scanned = scan(line, LineState())
    # `obj?`: a question mark ending the code, outside any string, asks for help.
    return not scanned.state.continues and line[: scanned.code_end].rstrip().endswith("?")


@dataclass(frozen=True)
class MaskedCell:
    """A cell with its magics masked: ``python`` is ``None`` when the whole cell is a magic
    whose body is not Python; ``magics`` maps each placeholder line back to its original."""

    python: str | None
    magics: dict[str, str] = field(default_factory=dict)

    def unmasked(self, rewritten: str) -> str:
        """``rewritten`` (the masked text, changed) with the original magic lines put back."""
        return "\n".join(self.magics.get(line, line) for line in rewritten.split("\n"))


def masked_cell(source: str) -> MaskedCell:
    """The cell as Python, each line of IPython syntax masked (see the module docstring)."""
    lines = source.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    start = 0
    magics: dict[str, str] = {}
    if first is not None and (cell_magic := CELL_MAGIC.match(lines[first])):
        if cell_magic.group(1) not in PYTHON_BODY_CELL_MAGICS:
            return MaskedCell(None)
        placeholder = PLACEHOLDER.format(first)
        magics[placeholder] = lines[first]
        lines[first] = placeholder
        start = first + 1
    state = LineState()
    magic_indent: str | None = None
    for index in range(start, len(lines)):
        line = lines[index]
        if magic_indent is None and not state.continues and is_magic_start(line):
            magic_indent = line[: len(line) - len(line.lstrip())]
        state = scan(line, state).state
        if magic_indent is not None:
            placeholder = magic_indent + PLACEHOLDER.format(index)
            magics[placeholder] = line
            lines[index] = placeholder
            if not state.continues:
                magic_indent = None
    return MaskedCell("\n".join(lines), magics)


# `%%writefile helpers.py`, `%%writefile -a utils/io.py`: the file a cell magic writes.
WRITEFILE = re.compile(r"^%%writefile(?:\s+(?:-a|--append))?\s+(?P<file>[^\s'\"]+)\s*$")


def written_file(source: str) -> str | None:
    """The file a ``%%writefile`` cell writes (as the kernel's working directory names it)."""
    first = next((line for line in source.split("\n") if line.strip()), "")
    match = WRITEFILE.match(first.strip())
    return match["file"] if match else None
