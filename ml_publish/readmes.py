"""Which file is a project's README: the one ``[project] readme`` names, else a README variant;
and the line endings a README (or any text ml-publish completes) keeps when it is rewritten.

Plain facts, shared by ``check``, ``adopt`` and the weights table; imports nothing above it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

# README variants in the order one is preferred when pyproject.toml names none (any case:
# readme.md, README.MD, Readme.rst, README).
README_SUFFIXES = (".md", ".markdown", ".rst", ".txt", "")


def readme_suffix(name: str) -> str | None:
    """``.rst`` for ``Readme.RST``, ``""`` for ``README``; ``None`` when it is no README."""
    stem, dot, extension = name.partition(".")
    suffix = f".{extension.lower()}" if dot else ""
    return suffix if stem.lower() == "readme" and suffix in README_SUFFIXES else None


def first_readme_variant(names: Iterable[str]) -> str | None:
    """The README among root file names: Markdown first, then reST, plain text, no extension."""
    variants = [
        (README_SUFFIXES.index(suffix), name)
        for name in names
        if (suffix := readme_suffix(name)) is not None
    ]
    return min(variants)[1] if variants else None


def declared_readme(readme: object) -> str | None:
    """The file ``[project] readme`` names, as a path or as a table's ``file``."""
    if isinstance(readme, dict):
        readme = readme.get("file")
    return readme if isinstance(readme, str) and readme else None


def readme_name(root: Path, declared: object = None) -> str | None:
    """A project's README: the file ``declared`` (``[project] readme``) names when it exists,
    else the first README variant at the root; ``None`` when there is none."""
    named = declared_readme(declared)
    if named is not None and (root / named).is_file():
        return named
    if not root.is_dir():
        return None
    return first_readme_variant(path.name for path in root.iterdir() if path.is_file())


def plain_newlines(text: str) -> str:
    """``text`` with ``\\n`` line endings, as a file read with universal newlines."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def in_line_endings_of(original: str, text: str) -> str:
    """``text``, made from ``plain_newlines(original)``, in ``original``'s line endings (a file
    written on Windows keeps its CRLF): the original part ``text`` starts with byte for byte,
    the rest in the ending of the original's first line."""
    if "\r" not in original:
        return text
    ending = "\r\n" if original.split("\n", 1)[0].endswith("\r") else "\n"
    kept = original.rstrip()
    plain = plain_newlines(kept)
    if text.startswith(plain):
        return kept + text[len(plain) :].replace("\n", ending)
    return text.replace("\n", ending)
