"""Which formatter, linter and type checker a repository uses, and the line length of each.

A tool counts when its configuration says so or when something runs it: black by
``[tool.black]``, its pre-commit hook or a ``black`` command in CI (workflows, noxfile.py,
tox.ini, Makefile); ruff's formatter by ``[tool.ruff.format]``, the ``ruff-format`` hook or
``ruff format``; flake8 by a ``[flake8]`` section (.flake8, setup.cfg, tox.ini), its hook or a
``flake8`` command; ruff's linter by a ruff configuration (``[tool.ruff]``, ruff.toml,
.ruff.toml), the ``ruff``/``ruff-check`` hook or ``ruff check``. A linter that does not check
line length (E501 not selected, or ignored) has no line length to agree with.
"""

from __future__ import annotations

import re

from ml_publish.checks.facts import NOT_FOUND, PRECOMMIT_CONFIG, RepositoryFacts, UnreadableFile

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# In the order flake8 looks for them: it reads the first with a [flake8] section.
FLAKE8_FILES = ("setup.cfg", "tox.ini", ".flake8")
# In the order ruff looks for them in a directory.
RUFF_FILES = (".ruff.toml", "ruff.toml")
BLACK_DEFAULT_LINE_LENGTH = 88
RUFF_DEFAULT_LINE_LENGTH = 88
FLAKE8_DEFAULT_LINE_LENGTH = 79
FLAKE8_DEFAULT_SELECT = ("E", "F", "W", "C90")
RUFF_DEFAULT_SELECT = ("E4", "E7", "E9", "F")
LINE_TOO_LONG = "E501"
# Files besides the workflows whose commands show what a project runs.
COMMAND_FILES = ("noxfile.py", "tox.ini", "Makefile")
INSTALL = re.compile(r"\b(pip|uv|pipx|conda|mamba|poetry|pdm)\b.*\b(install|add|sync)\b")
COMMANDS = {
    "black": re.compile(r"(?:^|[\s;&|(\"'])black(?:\s|$|[\"'])"),
    "ruff format": re.compile(r"\bruff[\"',\s]+format\b"),
    "flake8": re.compile(r"(?:^|[\s;&|(\"'])flake8(?:\s|$|[\"'])"),
    "ruff": re.compile(r"\bruff[\"',\s]+(?:check\b|\.(?:\s|$))"),
}
HOOKS = {
    "black": {"black", "black-jupyter"},
    "ruff format": {"ruff-format"},
    "flake8": {"flake8"},
    "ruff": {"ruff", "ruff-check"},
}


class Tool:
    """A formatter or linter the repository uses: why ml-publish thinks so, and its line length
    (``None`` for a linter that does not check line length)."""

    __slots__ = ("name", "where", "line_length", "length_where")

    def __init__(self, name: str, where: str, line_length: int | None, length_where: str) -> None:
        self.name = name
        self.where = where
        self.line_length = line_length
        self.length_where = length_where

    def __repr__(self) -> str:
        return f"<Tool {self.name} ({self.where}): {self.line_length}>"


def length(value: object, default: int) -> int:
    """A configured line length (``100``, ``"100"``, ``100  # comment`` in an INI file)."""
    match = re.match(r"\s*(\d+)", str(value))
    return int(match[1]) if match else default


def codes(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(code) for code in value]
    return [code for code in re.split(r"[\s,]+", str(value or "")) if code]


def ini_section(facts: RepositoryFacts, name: str, section: str) -> dict[str, str] | None:
    """One section of an INI file as a dict, or ``None`` when the file or section is missing."""
    text = facts.text(name)
    if text is None:
        return None
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=name)
    except configparser.Error:
        return None
    if not parser.has_section(section):
        return None
    return {key.replace("_", "-"): value for key, value in parser.items(section)}


def flake8_config(facts: RepositoryFacts) -> tuple[str, dict[str, str]] | None:
    """The file flake8 reads its settings from, and those settings."""
    for name in FLAKE8_FILES:
        section = ini_section(facts, name, "flake8")
        if section is not None:
            return name, section
    return None


def tool_tables(facts: RepositoryFacts) -> dict[str, Any]:
    """``[tool]`` of pyproject.toml; empty when it is missing or broken (PKG101 says so)."""
    try:
        tools = facts.pyproject().get("tool", {})
    except UnreadableFile:
        return {}
    return tools if isinstance(tools, dict) else {}


def ruff_config(facts: RepositoryFacts) -> tuple[str, dict[str, Any]] | None:
    """Where ruff reads its settings (ruff.toml before pyproject.toml), and those settings."""
    for name in RUFF_FILES:
        text = facts.text(name)
        if text is not None:
            from ml_publish.toml_file import parse_toml

            try:
                return name, parse_toml(text)
            except ValueError:
                return name, {}
    ruff = tool_tables(facts).get("ruff")
    return ("[tool.ruff] in pyproject.toml", ruff) if isinstance(ruff, dict) else None


def hook_ids(facts: RepositoryFacts) -> set[str]:
    """The ids of the pre-commit hooks, and the first words of local hooks' entries."""
    try:
        config = facts.yaml(PRECOMMIT_CONFIG)
    except UnreadableFile:
        return set()
    if config is NOT_FOUND or not isinstance(config, dict):
        return set()
    found = set()
    for repo in config.get("repos") or []:
        for hook in (repo.get("hooks") or []) if isinstance(repo, dict) else []:
            if isinstance(hook, dict):
                found.add(str(hook.get("id")))
                entry = str(hook.get("entry", "")).split()
                if entry[:2] == ["ruff", "format"]:
                    found.add("ruff-format")
                elif entry[:1] in (["ruff"], ["black"], ["flake8"]):
                    found.add(entry[0])
    return found


def commands(facts: RepositoryFacts) -> list[str]:
    """Lines that run something: workflow steps and the task files, install lines aside."""
    from ml_publish.checks.ci import run_commands

    texts = [c for workflow in facts.workflows().values() for c in run_commands(workflow)]
    texts += [text for name in COMMAND_FILES if (text := facts.text(name)) is not None]
    return [line for text in texts for line in text.splitlines() if not INSTALL.search(line)]


def evidence(facts: RepositoryFacts, name: str) -> str | None:
    """Where the repository runs the tool ``name``: its pre-commit hook or a command."""
    if HOOKS[name] & hook_ids(facts):
        return f"the {name} pre-commit hook"
    if any(COMMANDS[name].search(line) for line in commands(facts)):
        return f"{name} in CI or the task files"
    return None


def formatters(facts: RepositoryFacts) -> list[Tool]:
    """black and ruff's formatter, where the repository uses them."""
    found = []
    tools = tool_tables(facts)
    black = tools.get("black")
    if isinstance(black, dict) or evidence(facts, "black"):
        settings = black if isinstance(black, dict) else {}
        where = "[tool.black]" if isinstance(black, dict) else str(evidence(facts, "black"))
        wanted, length_where = (
            (length(settings["line-length"], BLACK_DEFAULT_LINE_LENGTH), "[tool.black] line-length")
            if "line-length" in settings
            else (BLACK_DEFAULT_LINE_LENGTH, "black's default")
        )
        found.append(Tool("black", where, wanted, length_where))
    ruff = ruff_config(facts)
    settings = ruff[1] if ruff else {}
    if isinstance(settings.get("format"), dict) or evidence(facts, "ruff format"):
        where = f"format settings in {ruff[0]}" if ruff and "format" in settings else ""
        wanted, length_where = ruff_line_length(ruff)
        where = where or str(evidence(facts, "ruff format"))
        found.append(Tool("ruff format", where, wanted, length_where))
    return found


def ruff_line_length(ruff: tuple[str, dict[str, Any]] | None) -> tuple[int, str]:
    if ruff and "line-length" in ruff[1]:
        return length(ruff[1]["line-length"], RUFF_DEFAULT_LINE_LENGTH), f"line-length in {ruff[0]}"
    return RUFF_DEFAULT_LINE_LENGTH, "ruff's default"


def linters(facts: RepositoryFacts) -> list[Tool]:
    """flake8 and ruff's linter, where the repository uses them."""
    found = []
    flake8 = flake8_config(facts)
    if flake8 is not None or evidence(facts, "flake8"):
        name, settings = flake8 or (".flake8", {})
        where = f"[flake8] in {name}" if flake8 else str(evidence(facts, "flake8"))
        checked = selected(
            LINE_TOO_LONG,
            codes(settings.get("select")) or list(FLAKE8_DEFAULT_SELECT),
            codes(settings.get("ignore")) + codes(settings.get("extend-ignore")),
        )
        allowed = length(settings.get("max-line-length"), FLAKE8_DEFAULT_LINE_LENGTH)
        found.append(Tool("flake8", where, allowed if checked else None, f"flake8 in {name}"))
    ruff = ruff_config(facts)
    if ruff is not None or evidence(facts, "ruff"):
        found.append(ruff_linter(ruff, evidence(facts, "ruff")))
    return found


def ruff_linter(ruff: tuple[str, dict[str, Any]] | None, evidence: str | None) -> Tool:
    settings = ruff[1] if ruff else {}
    lint = settings.get("lint", {}) if isinstance(settings.get("lint"), dict) else {}

    def option(key: str) -> list[str]:
        return codes(lint.get(key, settings.get(key)))

    checked = selected(
        LINE_TOO_LONG,
        (option("select") or list(RUFF_DEFAULT_SELECT)) + option("extend-select"),
        option("ignore") + option("extend-ignore"),
    )
    pycodestyle = lint.get("pycodestyle", settings.get("pycodestyle", {}))
    allowed, length_where = ruff_line_length(ruff)
    if isinstance(pycodestyle, dict) and "max-line-length" in pycodestyle:
        allowed = length(pycodestyle["max-line-length"], allowed)
        length_where = f"lint.pycodestyle.max-line-length in {ruff[0] if ruff else 'ruff'}"
    where = ruff[0] if ruff else str(evidence)
    return Tool("ruff", where, allowed if checked else None, length_where)


def selected(code: str, select: list[str], ignore: list[str]) -> bool:
    """Whether ``code`` is checked: the most specific matching selector wins, ignore on a tie
    (ruff's rule; flake8 behaves the same for these lists)."""

    def best(selectors: list[str]) -> int:
        lengths = [
            0 if s == "ALL" else len(s) for s in selectors if s == "ALL" or code.startswith(s)
        ]
        return max(lengths, default=-1)

    chosen = best(select)
    return chosen >= 0 and chosen > best(ignore)


def type_checker_places(facts: RepositoryFacts) -> dict[str, list[str]]:
    """Where mypy and pyright are configured, each in the order it looks."""
    tools = tool_tables(facts)
    mypy = [
        name for name in ("mypy.ini", ".mypy.ini") if ini_section(facts, name, "mypy") is not None
    ]
    mypy += ["pyproject.toml"] if "mypy" in tools else []
    mypy += ["setup.cfg"] if ini_section(facts, "setup.cfg", "mypy") is not None else []
    pyright = ["pyrightconfig.json"] if facts.text("pyrightconfig.json") is not None else []
    pyright += [f"[tool.{n}]" for n in ("pyright", "basedpyright") if n in tools]
    return {name: places for name, places in (("mypy", mypy), ("pyright", pyright)) if places}
