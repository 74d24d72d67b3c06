"""How each kind of command text spells its words, its continuations and its ``cd``.

Shell scripts, Makefiles, Dockerfiles and docs read as a POSIX shell does. A Windows batch file
(``.bat``, ``.cmd``) reads as cmd.exe does: ``^`` continues a line, only double quotes quote,
``\\`` separates a path's directories, ``%VAR%``, ``!VAR!`` and ``%~dp0`` (the file's own
directory) are variables, ``cd /d`` and ``pushd`` move. A path written with ``\\`` separators
(``python src\\train.py``) names the same script in batch files, docs and notebooks; a
notebook's text is its JSON, where that backslash is written ``\\\\`` and a quote ``\\"``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

SHELL, MAKE, DOCKER, DOCS, NOTEBOOK, BATCH = "shell", "make", "docker", "docs", "notebook", "batch"
# Kinds in which a backslash in a script's word separates directories (as on Windows).
BACKSLASH_PATHS = {DOCS, NOTEBOOK, BATCH}


@dataclass(frozen=True)
class Syntax:
    """The patterns one kind of text is read with."""

    # One word of a command: quoted parts belong to the word they are in.
    word: re.Pattern[str]
    # What ends a command (a separator, a comment).
    separator: re.Pattern[str]
    # A line's end that continues the command on the next line.
    continuation: re.Pattern[str]
    # A change of directory, up to the end of its target.
    cd: re.Pattern[str]
    # What marks a word as built from variables or patterns.
    built: re.Pattern[str]
    # The variables a built word is split at, to take its literal end.
    variable: re.Pattern[str]
    # A target naming the file's own directory (``$(dirname "$0")``, ``%~dp0``).
    own_directory: re.Pattern[str]
    continued_by: str = "\\"


SHELL_SYNTAX = Syntax(
    word=re.compile(r"""(?:\$\([^()\n]*\)|"[^"\n]*"|'[^'\n]*'|[^\s;&|()<>`#"'\\])+"""),
    separator=re.compile(r"[;&|()`<>#]"),
    continuation=re.compile(r"\\\r?\n"),
    # A notebook's JSON line ends in an escaped newline: a backslash ends the target.
    cd=re.compile(r"""(?<![\w.-])cd\s+(?P<target>(?:\$\([^()\n]*\)|[^\s;&|)\\])+)"""),
    built=re.compile(r"[$`*?\[{}()]"),
    variable=re.compile(r"[$`)}]"),
    own_directory=re.compile(
        r"""^(?:\$\(dirname\s+"?\$(?:0|\{BASH_SOURCE(?:\[0\])?\})"?\)|\$\{0%/\*\})"""
    ),
)
# Docs: as the shell, but ``src\train.py`` is one word (a backslash before a space or the
# line's end still escapes it or continues the line).
DOCS_SYNTAX = Syntax(
    **{
        **SHELL_SYNTAX.__dict__,
        "word": re.compile(
            r"""(?:\$\([^()\n]*\)|"[^"\n]*"|'[^'\n]*'|\\(?=[^\s\\])|[^\s;&|()<>`#"'\\])+"""
        ),
        "cd": re.compile(
            r"""(?<![\w.-])cd\s+(?P<target>(?:\$\([^()\n]*\)|\\(?=[^\s\\])|[^\s;&|)\\])+)"""
        ),
    }
)
# Notebooks: JSON strings, in which ``\\`` is one backslash and ``\"`` a quote.
NOTEBOOK_SYNTAX = Syntax(
    **{
        **SHELL_SYNTAX.__dict__,
        "word": re.compile(
            r"""(?:\$\([^()\n]*\)|\\"(?:[^"\\\n]|\\\\)*\\"|'[^'\n]*'|\\\\|[^\s;&|()<>`#"'\\])+"""
        ),
        "cd": re.compile(r"""(?<![\w.-])cd\s+(?P<target>(?:\$\([^()\n]*\)|\\\\|[^\s;&|)\\])+)"""),
    }
)
BATCH_VARIABLE = re.compile(r"%~[a-zA-Z$:]*[0-9]|%%?[\w~:,=-]+%?|![\w~:,=-]+!")
BATCH_SYNTAX = Syntax(
    word=re.compile(r"""(?:"[^"\r\n]*"|\^.|[^\s&|()<>"^])+"""),
    separator=re.compile(r"[&|()<>]"),
    continuation=re.compile(r"\^\r?\n"),
    cd=re.compile(
        r"""(?<![\w.-])(?:cd|chdir|pushd)(?:\s+/d)?\s+(?P<target>"[^"\r\n]*"|[^\s&|()<>]+)""",
        re.IGNORECASE,
    ),
    built=re.compile(r"[%!*?]"),
    variable=BATCH_VARIABLE,
    own_directory=re.compile(r"^%~(?:dp|pd)0"),
    continued_by="^",
)
SYNTAXES = {DOCS: DOCS_SYNTAX, NOTEBOOK: NOTEBOOK_SYNTAX, BATCH: BATCH_SYNTAX}


def syntax_of(kind: str) -> Syntax:
    return SYNTAXES.get(kind, SHELL_SYNTAX)


def unquoted(word: str) -> str:
    return word[1:-1] if len(word) > 1 and word[0] == word[-1] and word[0] in "\"'" else word


def literal(word: str, kind: str) -> str:
    """What a script's word says, as a POSIX path: a notebook's JSON escapes decoded, quotes
    taken off, and (in batch files, docs and notebooks) ``\\`` separators made ``/``."""
    if kind == NOTEBOOK and "\\" in word:
        try:
            word = json.loads(f'"{word}"')
        except ValueError:
            pass
    word = unquoted(word)
    if kind == BATCH:
        word = re.sub(r"\^(.)", r"\1", word)
    return word.replace("\\", "/") if kind in BACKSLASH_PATHS else word


def is_absolute(path: str) -> bool:
    """``/x``, or a Windows drive path (``C:/x`` once its separators are ``/``)."""
    return path.startswith("/") or re.match(r"[A-Za-z]:", path) is not None
