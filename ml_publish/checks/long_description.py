"""How PyPI shows a README: rendered by readme_renderer for the content type the metadata says.

``twine check --strict`` (run by ``ml-publish release`` and by the template's release workflow)
renders a reStructuredText long description with readme_renderer: docutils with the ``raw`` and
``include`` directives disabled and every warning fatal, so a ``.. raw:: html`` block, a Sphinx
role or directive, or a short title underline stops the release. Markdown and plain text always
render there. PyPI itself accepts three content types, UTF-8 only, and two Markdown variants.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

# The content type build backends give a readme file by its extension (PEP 621).
CONTENT_TYPES = {".md": "text/markdown", ".markdown": "text/markdown", ".rst": "text/x-rst"}
RST = "text/x-rst"
PLAIN = "text/plain"
PYPI_CONTENT_TYPES = ("text/markdown", RST, PLAIN)
MARKDOWN_VARIANTS = ("gfm", "commonmark")
# One of docutils' system messages, as readme_renderer writes them to its stream.
REPORT = re.compile(r"^<string>:(?P<line>\d*): \([A-Z]+/\d\) (?P<message>.*)$", re.MULTILINE)


def declared_content_type(readme: object, name: str) -> str:
    """The content type of the README ``name`` as ``[project] readme`` (``readme``) declares
    it: a table's ``content-type`` when the table names this file, else by the extension."""
    if isinstance(readme, dict) and readme.get("file") == name:
        declared = readme.get("content-type")
        if isinstance(declared, str):
            return declared
    return CONTENT_TYPES.get(PurePosixPath(name).suffix.lower(), PLAIN)


def content_type_parts(content_type: str) -> tuple[str, dict[str, str]]:
    """``text/markdown; variant=GFM`` → ``("text/markdown", {"variant": "GFM"})``, as twine
    parses it."""
    kind, *parameters = (part.strip() for part in content_type.split(";"))
    pairs = (parameter.partition("=") for parameter in parameters if parameter)
    return kind.lower(), {key.strip().lower(): value.strip().strip('"') for key, _, value in pairs}


def rendering_problem(text: str, content_type: str) -> str | None:
    """Why PyPI will not show ``text`` as ``content_type``, in a few words; ``None`` when it
    renders (as ``twine check --strict`` decides)."""
    kind, parameters = content_type_parts(content_type)
    if kind not in PYPI_CONTENT_TYPES:
        return f"PyPI accepts {', '.join(PYPI_CONTENT_TYPES)}, not {kind}"
    if parameters.get("charset", "UTF-8").upper() != "UTF-8":
        return f"PyPI accepts charset=UTF-8 only, not {parameters['charset']}"
    variant = parameters.get("variant")
    if kind == "text/markdown" and variant and variant.lower() not in MARKDOWN_VARIANTS:
        return f"PyPI knows the Markdown variants GFM and CommonMark, not {variant}"
    return rst_problem(text) if kind == RST else None


def rst_problem(text: str) -> str | None:
    """The first problem that stops readme_renderer from rendering reStructuredText."""
    import io

    import readme_renderer.rst

    stream = io.StringIO()
    if readme_renderer.rst.render(text, stream=stream) is not None:
        return None
    report = REPORT.search(stream.getvalue())
    if report is None:
        return "it does not render as reStructuredText"
    where = f"line {report['line']}: " if report["line"] else ""
    return f"{where}{report['message'].strip()}"
