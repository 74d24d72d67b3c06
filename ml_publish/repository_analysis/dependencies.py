"""Where an abandoned repository says what it needs, read into PEP 508 requirements.

Sources: ``requirements*.txt`` (following ``-r`` includes), ``environment.yml`` (its conda and
pip sections), ``setup.py`` (literal ``install_requires``), ``setup.cfg`` and Poetry's
``[tool.poetry.dependencies]`` (see poetry.py). Nothing here writes; ``relax`` turns an exact
pin into the lower bound the package metadata should carry.
"""

from __future__ import annotations

import ast
import codecs
import configparser
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from ml_publish.repository_analysis.poetry import POETRY_SOURCE, PoetryMetadata

REQUIREMENTS_GLOB = "requirements*.txt"
ENVIRONMENT_FILES = ("environment.yml", "environment.yaml")
# Conda package names whose PyPI name differs; None: not a Python package people pip install.
CONDA_TO_PYPI: dict[str, str | None] = {
    "pytorch": "torch",
    "pytorch-cuda": None,
    "cudatoolkit": None,
    "cudnn": None,
    "python": None,
    "pip": None,
    "opencv": "opencv-python",
    "py-opencv": "opencv-python",
    "tensorflow-gpu": "tensorflow",
    "mkl": None,
    "blas": None,
}
# What an environment.yml installs to run notebooks in it, never what the package imports
# (an import of IPython in the package is still found and declared by the undeclared imports).
NOTEBOOK_TOOLS = {"jupyter", "jupyterlab", "notebook", "ipykernel", "nb-conda-kernels"}
NOTEBOOK_TOOL_NOTE = "runs the notebooks, not the package: left out of [project.dependencies]"
OPTION_LINE = re.compile(r"^(-[a-zA-Z]|--[a-z-]+)(\s+|=)?(.*)$")
# pip options that say where a requirement file's pins come from (torch==2.0.1+cu118 is on
# download.pytorch.org, not PyPI), by their long names.
INDEX_FLAGS = {
    "-i": "--index-url",
    "--index-url": "--index-url",
    "--extra-index-url": "--extra-index-url",
    "-f": "--find-links",
    "--find-links": "--find-links",
}
# Longest first: UTF-32 LE's mark begins with UTF-16 LE's.
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
BARE_URL = re.compile(r"^(git\+|hg\+|svn\+|bzr\+|https?://|file:)")
EGG_NAME = re.compile(r"#egg=([A-Za-z0-9._-]+)")
# requirements-dev.txt, requirements_test.txt, requirements.docs.txt: what people develop with;
# and OpenMMLab's requirements/tests.txt, requirements/docs.txt, requirements/build.txt (what
# setup.py needs to compile its extension), which its requirements.txt includes with -r.
DEVELOPMENT_FILE = re.compile(
    r"[-_.](dev|develop|development|test|tests|testing|lint|docs?|ci)\.txt$"
    r"|(^|/)(tests?|docs|readthedocs|build)\.txt$"
)
DEVELOPMENT_NOTE = "development requirements, not the package's: left out of [project.dependencies]"


@dataclass(frozen=True)
class FoundRequirement:
    """One requirement as written, where it was found, and whether PyPI metadata can carry it."""

    text: str
    source: str
    name: str
    direct_url: bool = False


@dataclass(frozen=True)
class DependencyReport:
    requirements: tuple[FoundRequirement, ...]
    python: str | None
    problems: tuple[str, ...]
    # The requirement files' index options, which their exact pins need to install again.
    index_options: tuple[str, ...] = ()


def parse_requirement(text: str, source: str) -> FoundRequirement | str:
    """A requirement, or a problem saying why the line is not one."""
    if BARE_URL.match(text):
        egg = EGG_NAME.search(text)
        name = egg[1] if egg else text
        return FoundRequirement(text, source, name, direct_url=True)
    try:
        requirement = Requirement(text)
    except InvalidRequirement as error:
        return f"{source}: {text!r} is not a requirement ({error})"
    return FoundRequirement(text, source, requirement.name, direct_url=requirement.url is not None)


def collect(
    parsed: FoundRequirement | str, found: list[FoundRequirement], problems: list[str]
) -> None:
    if isinstance(parsed, str):
        problems.append(parsed)
    else:
        found.append(parsed)


def requirements_text(path: Path) -> str:
    """A requirements file's text, decoded as pip decodes it: by its byte order mark when it has
    one (``pip freeze > requirements.txt`` in Windows PowerShell 5 writes UTF-16), else UTF-8."""
    data = path.read_bytes()
    for mark, encoding in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return data[len(mark) :].decode(encoding, errors="replace")
    return data.decode("utf-8", errors="replace")


def read_requirements_file(
    root: Path, relative: str, seen: set[str]
) -> tuple[list[FoundRequirement], list[str]]:
    """The requirements of one file and of the files it includes with ``-r``."""
    if relative in seen:
        return [], []
    seen.add(relative)
    path = root / relative
    if not path.is_file():
        return [], [f"{relative} is included but does not exist"]
    found: list[FoundRequirement] = []
    problems: list[str] = []
    text = requirements_text(path).replace("\\\n", "")
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line:
            continue
        option = OPTION_LINE.match(line)
        if option and not BARE_URL.match(line):
            flag, value = option[1], option[3].strip()
            if flag in ("-r", "--requirement") and DEVELOPMENT_FILE.search(value):
                problems.append(f"{value}: {DEVELOPMENT_NOTE}")
            elif flag in ("-r", "--requirement"):
                included = str((path.parent / value).relative_to(root))
                more, more_problems = read_requirements_file(root, included, seen)
                found += more
                problems += more_problems
            elif flag in ("-e", "--editable"):
                problems.append(f"{relative}:{number}: editable install {value!r} left out")
            else:
                problems.append(f"{relative}:{number}: pip option {flag} left out of the metadata")
            continue
        if not is_notebook_tool(line, f"{relative}:{number}", problems):
            collect(parse_requirement(line, f"{relative}:{number}"), found, problems)
    return found, problems


def conda_requirement(spec: str) -> str | None:
    """``numpy=1.24`` → ``numpy>=1.24``; ``pytorch=2.0.1`` → ``torch>=2.0.1``; ``pip`` → None."""
    match = re.match(r"^([A-Za-z0-9._-]+)\s*(?:[=<>!~]=?\s*([^=\s]+))?", spec.strip())
    if not match:
        return None
    name, version = match[1].lower(), match[2] or ""
    pypi = CONDA_TO_PYPI.get(name, name)
    if pypi is None:
        return None
    version = version.rstrip(".*")
    return f"{pypi}>={version}" if version else pypi


def read_environment_file(
    root: Path, relative: str
) -> tuple[list[FoundRequirement], str | None, list[str]]:
    """Requirements from an environment.yml's conda and pip sections, and its Python version."""
    import yaml

    try:
        document = yaml.safe_load((root / relative).read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return [], None, [f"{relative} is not valid YAML; its dependencies were not read"]
    found: list[FoundRequirement] = []
    problems: list[str] = []
    python = None
    for entry in (document or {}).get("dependencies", []) or []:
        if isinstance(entry, dict):
            for text in entry.get("pip", []) or []:
                if not is_notebook_tool(str(text), relative, problems):
                    collect(parse_requirement(str(text), f"{relative} (pip)"), found, problems)
            continue
        if is_notebook_tool(str(entry), relative, problems):
            continue
        spec = str(entry)
        if spec.split("=")[0].strip() == "python":
            version = re.search(r"(\d+\.\d+)", spec)
            python = version[1] if version else None
            continue
        converted = conda_requirement(spec)
        if converted:
            found.append(
                FoundRequirement(converted, f"{relative} (conda)", converted.split(">")[0])
            )
    return found, python, problems


def is_notebook_tool(spec: str, relative: str, problems: list[str]) -> bool:
    """Whether ``spec`` (conda's or pip's) installs a notebook server or kernel; said if so."""
    if requirement_name(spec) not in NOTEBOOK_TOOLS:
        return False
    problems.append(f"{relative}: {spec}: {NOTEBOOK_TOOL_NOTE}")
    return True


def read_setup_py(root: Path) -> tuple[dict[str, object], list[str]]:
    """The literal keyword arguments of ``setup(...)``; the others are named as not readable."""
    source = (root / "setup.py").read_text(encoding="utf-8", errors="replace")
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}, ["setup.py does not parse; its metadata was not read"]
    call = next(
        (
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] == "setup"
        ),
        None,
    )
    if call is None:
        return {}, ["setup.py never calls setup(); its metadata was not read"]
    literal: dict[str, object] = {}
    computed = []
    for keyword_argument in call.keywords:
        if keyword_argument.arg is None:
            computed.append("**kwargs")
            continue
        try:
            literal[keyword_argument.arg] = ast.literal_eval(keyword_argument.value)
        except ValueError:
            computed.append(keyword_argument.arg)
    problems = [f"setup.py computes {', '.join(computed)}; check them by hand"] if computed else []
    return literal, problems


def read_setup_cfg(root: Path) -> dict[str, dict[str, str]]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string((root / "setup.cfg").read_text(encoding="utf-8", errors="replace"))
    return {section: dict(parser.items(section)) for section in parser.sections()}


def read_dependencies(root: Path, poetry: PoetryMetadata | None = None) -> DependencyReport:
    """Every requirement the repository declares, with the problems met on the way.

    ``poetry``: its ``[tool.poetry]`` metadata, which the analysis reads once for this and for
    the template's answers.
    """
    found: list[FoundRequirement] = []
    problems: list[str] = []
    seen: set[str] = set()
    for path in sorted(root.glob(REQUIREMENTS_GLOB)):
        if DEVELOPMENT_FILE.search(path.name):
            problems.append(f"{path.name}: {DEVELOPMENT_NOTE}")
            continue
        more, more_problems = read_requirements_file(root, path.name, seen)
        found += more
        problems += more_problems
    python = None
    for name in ENVIRONMENT_FILES:
        if (root / name).is_file():
            more, python, more_problems = read_environment_file(root, name)
            found += more
            problems += more_problems
    if (root / "setup.py").is_file():
        setup, setup_problems = read_setup_py(root)
        problems += setup_problems
        install_requires = setup.get("install_requires", [])
        for text in install_requires if isinstance(install_requires, list) else []:
            collect(parse_requirement(str(text), "setup.py"), found, problems)
    if poetry is not None:
        for text in poetry.requirements:
            collect(parse_requirement(text, POETRY_SOURCE), found, problems)
        problems += poetry.problems
        python = python or poetry.python
    if (root / "setup.cfg").is_file():
        options = read_setup_cfg(root).get("options", {})
        for text in options.get("install_requires", "").splitlines():
            if text.strip():
                collect(parse_requirement(text.strip(), "setup.cfg"), found, problems)
    return DependencyReport(
        tuple(unique_by_name(found)),
        python,
        tuple(dict.fromkeys(problems)),
        index_options(root, seen),
    )


def index_options(root: Path, files: Iterable[str]) -> tuple[str, ...]:
    """The index options (``--extra-index-url URL``, ``--find-links DIR``, ...) of the
    requirement files read, in their long form, each once."""
    options = []
    for relative in sorted(files):
        path = root / relative
        if not path.is_file():
            continue
        for raw in requirements_text(path).splitlines():
            option = OPTION_LINE.match(re.sub(r"(^|\s)#.*$", "", raw).strip())
            if option and option[1] in INDEX_FLAGS and option[3].strip():
                options.append(f"{INDEX_FLAGS[option[1]]} {option[3].strip()}")
    return tuple(dict.fromkeys(options))


def unique_by_name(found: list[FoundRequirement]) -> list[FoundRequirement]:
    """The first requirement for each distribution name (normalised), in file order."""
    chosen: dict[str, FoundRequirement] = {}
    for requirement in found:
        chosen.setdefault(canonicalize_name(requirement.name), requirement)
    return list(chosen.values())


def public_version(version: str) -> str:
    """``1.7.1+cu110`` → ``1.7.1``: PyPI has no local versions, so metadata cannot ask for one."""
    return version.split("+", 1)[0]


def relax(requirement: FoundRequirement) -> str | None:
    """What ``[project.dependencies]`` should say: exact pins become lower bounds, local
    versions (``+cu110``) their public version.

    ``None`` for direct URLs, which PyPI refuses in metadata.
    """
    if requirement.direct_url:
        return None
    parsed = Requirement(requirement.text)
    specifiers = [
        (
            f">={public_version(spec.version)}"
            if spec.operator in ("==", "===") and "*" not in spec.version
            else f"{spec.operator}{public_version(spec.version)}"
        )
        for spec in parsed.specifier
    ]
    extras = f"[{','.join(sorted(parsed.extras))}]" if parsed.extras else ""
    marker = f"; {parsed.marker}" if parsed.marker else ""
    return f"{parsed.name}{extras}{','.join(sorted(specifiers))}{marker}"


def requirement_name(requirement: object) -> str:
    """The distribution a requirement names, normalised as PEP 503 compares names."""
    return canonicalize_name(re.split(r"[\s<>=!~;\[@]", str(requirement).strip(), maxsplit=1)[0])
