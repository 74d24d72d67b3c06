"""The template renderer: the only module that talks to cookiecutter.

Every function renders the bundled template unless given ``template``, the directory holding
another template's ``cookiecutter.json`` (another ml-publish version's, for ``update``).
``NewSettings`` is ``ml-publish new``'s command line: the template is that command's capability.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ml_publish.errors import ReportedError, UsageError
from ml_publish.template_files import FLAG_WORDS, template_dir

if TYPE_CHECKING:
    from typing import Self

# The module the template's ``_extensions`` names; each template directory has its own.
EXTENSION_MODULE = "ml_package_extension"


@dataclass(frozen=True)
class TemplateVariable:
    """One question the template asks: its default, and its choices when it is a choice."""

    name: str
    default: str
    choices: tuple[str, ...] = ()
    is_flag: bool = False


def template_variables(template: Path | None = None) -> dict[str, TemplateVariable]:
    """The template's public variables, in the order cookiecutter asks for them."""
    config = template_config(template)
    variables = {}
    for name, raw in config.items():
        if name.startswith("_"):
            continue
        if isinstance(raw, bool):
            variables[name] = TemplateVariable(name, "yes" if raw else "no", is_flag=True)
        elif isinstance(raw, list):
            variables[name] = TemplateVariable(name, str(raw[0]), tuple(map(str, raw)))
        else:
            variables[name] = TemplateVariable(name, str(raw))
    return variables


def template_config(template: Path | None = None) -> dict[str, Any]:
    """The template's ``cookiecutter.json``."""
    path = (template or template_dir()) / "cookiecutter.json"
    config: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return config


def prompts(template: Path | None = None) -> dict[str, str]:
    """The question the template asks for each variable, by name."""
    return dict(template_config(template).get("__prompts__", {}))


@contextmanager
def template_extension_importable(template: Path | None = None) -> Iterator[None]:
    """Let Jinja import the template's extension module, as cookiecutter does while rendering.

    Templates of two ml-publish versions have extension modules of the same name: the one
    imported for another template is forgotten before and after, so each renders with its own.
    """
    saved = list(sys.path)
    sys.modules.pop(EXTENSION_MODULE, None)
    sys.path.append(str(template or template_dir()))
    try:
        yield
    finally:
        sys.path[:] = saved
        sys.modules.pop(EXTENSION_MODULE, None)


def resolve_answers(
    overrides: dict[str, str], *, no_input: bool, template: Path | None = None
) -> dict[str, str]:
    """Every variable's final value, asked for unless ``no_input``, with derived ones rendered."""
    from cookiecutter.generate import generate_context
    from cookiecutter.prompt import prompt_for_config

    with template_extension_importable(template):
        try:
            context = generate_context(
                context_file=str((template or template_dir()) / "cookiecutter.json"),
                extra_context=dict(overrides),
            )
        except ValueError as error:  # an answer that is not one of a variable's choices
            raise UsageError(f"{str(error).rstrip('.')}; pass another as KEY=VALUE") from None
        answers: dict[str, Any] = prompt_for_config(context, no_input=no_input)
    return {name: answer_text(answers[name]) for name in template_variables(template)}


def answer_text(value: object) -> str:
    """An answer as cookiecutter takes it back on the command line."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def render(
    answers: dict[str, str], output_dir: Path, *, overwrite: bool, template: Path | None = None
) -> Path:
    """Render the template with ``answers`` into ``output_dir``; return the project directory.

    The template's pre-generation hook checks the answers; when it refuses them it has already
    printed why, and cookiecutter has removed the half-made directory.
    """
    from cookiecutter.exceptions import FailedHookException
    from cookiecutter.main import cookiecutter

    # cookiecutter logs a traceback when a hook refuses the answers; the hook's line says it all.
    logging.getLogger("cookiecutter").addHandler(logging.NullHandler())
    try:
        with template_extension_importable(template):
            project = cookiecutter(
                str(template or template_dir()),
                no_input=True,
                extra_context=answers,
                output_dir=str(output_dir),
                overwrite_if_exists=overwrite,
                default_config=True,
            )
    except FailedHookException as error:
        raise ReportedError("the template refused the answers") from error
    return Path(project)


def parse_assignments(assignments: Sequence[str], template: Path | None = None) -> dict[str, str]:
    """Turn ``KEY=VALUE`` words into template answers, refusing unknown keys and invalid choices."""
    variables = template_variables(template)
    answers: dict[str, str] = {}
    for assignment in assignments:
        key, separator, value = assignment.partition("=")
        if not separator or not key:
            raise UsageError(f"{assignment!r} is not KEY=VALUE; for example license=MIT")
        if key not in variables:
            raise UsageError(
                f"unknown template variable {key!r}; valid ones: {', '.join(variables)}"
            )
        choices = variables[key].choices
        if choices and value not in choices:
            raise UsageError(f"{key} must be one of {', '.join(choices)}, not {value!r}")
        if variables[key].is_flag and value.lower() not in FLAG_WORDS:
            raise UsageError(f"{key} must be yes or no, not {value!r}")
        answers[key] = value
    return answers


def is_empty_dir_or_missing(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def new_project(
    assignments: Sequence[str],
    *,
    output_dir: Path,
    no_input: bool = False,
    overwrite: bool = False,
) -> Path:
    """Create a project from the template and return its directory."""
    answers = resolve_answers(parse_assignments(assignments), no_input=no_input)
    project_dir = output_dir / answers["repo_name"]
    if not overwrite and not is_empty_dir_or_missing(project_dir):
        raise UsageError(
            f"{project_dir} already exists and is not empty; choose another output directory "
            "or pass --overwrite"
        )
    # An empty directory is as good as none; cookiecutter only accepts one when told to overwrite.
    return render(answers, output_dir, overwrite=overwrite or project_dir.exists())


@dataclass(frozen=True)
class NewSettings:
    """The command line of ``ml-publish new``, as plain data."""

    assignments: tuple[str, ...] = ()
    output_dir: Path = Path(".")
    no_input: bool = False
    overwrite: bool = False

    @staticmethod
    def register_arguments(parser: argparse.ArgumentParser) -> None:
        """Give ``parser`` the options of ``ml-publish new``."""
        parser.add_argument(
            "-o",
            "--output-dir",
            default=".",
            help="where to create the project directory (default: the current directory)",
        )
        parser.add_argument(
            "--no-input", action="store_true", help="take the defaults instead of asking"
        )
        parser.add_argument(
            "--overwrite", action="store_true", help="render into an existing, non-empty directory"
        )
        parser.add_argument(
            "assignments",
            nargs="*",
            metavar="KEY=VALUE",
            help="answers to template questions, e.g. project_name='Cell Counter' license=MIT",
        )

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> Self:
        """The settings ``register_arguments``' options were parsed into."""
        return cls(
            assignments=tuple(args.assignments),
            output_dir=Path(args.output_dir),
            no_input=args.no_input,
            overwrite=args.overwrite,
        )
