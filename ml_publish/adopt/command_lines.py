"""The author's documented commands that name a Python script, found in text and rewritten.

Shell scripts, Makefiles, Dockerfiles, Windows batch files, READMEs and other docs, and
notebooks (``!python ...``, ``%run ...``) name scripts by path (with ``\\`` separators too,
where Windows writes them: see command_syntax.py). Once adopt moves a script into the package,
each such command either takes the module form, which runs from the repository's root::

    python -u tools/train.py --fold 0           ->  python -u -m pkg.tools.train --fold 0
    torchrun --nproc_per_node 2 train.py        ->  torchrun --nproc_per_node 2 -m pkg.train
    accelerate launch train.py                  ->  accelerate launch -m pkg.train
    deepspeed train.py                          ->  deepspeed --module pkg.train
    %run train.py                               ->  %run -m pkg.train
    CMD ["python", "train.py"]                  ->  CMD ["python", "-m", "pkg.train"]
    python -m src.train --fold 0                ->  python -m pkg.src.train --fold 0
    python src\\train.py --fold %%f              ->  python -m pkg.src.train --fold %%f

(a command that ran a moved script as a module from the root, as Kaggle solutions run
``src/train.py``, takes its new module name),

or, where the form does not allow it (another working directory, a path built from variables
or from a batch file's own directory ``%~dp0``, a wrapper adopt does not know), it is left as
written and a stand-in at the old path runs the moved module (see commands.py). Text is found
by offsets: only the script's word changes, every other byte (prose, line endings, a
notebook's JSON layout) stays as it was.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from ml_publish.adopt.command_syntax import BATCH as BATCH
from ml_publish.adopt.command_syntax import DOCKER as DOCKER
from ml_publish.adopt.command_syntax import DOCS as DOCS
from ml_publish.adopt.command_syntax import MAKE as MAKE
from ml_publish.adopt.command_syntax import NOTEBOOK as NOTEBOOK
from ml_publish.adopt.command_syntax import SHELL as SHELL
from ml_publish.adopt.command_syntax import is_absolute, literal, syntax_of

SHELL_SUFFIXES = {".sh", ".bash", ".zsh", ".ksh"}
DOC_SUFFIXES = {".md", ".markdown", ".rst"}
BATCH_SUFFIXES = {".bat", ".cmd"}
MAKEFILES = {"Makefile", "makefile", "GNUmakefile"}
# Files whose commands run from the root but hold no shell of their own: the commands
# there are found as in docs.
COMMAND_LISTS = {"Procfile", ".gitlab-ci.yml"}
WORKFLOWS = re.compile(r"^\.github/workflows/[^/]+\.ya?ml$")
SHEBANG = re.compile(r"#!\s*\S*(?:/|env\s+)(?:ba|z|k|da)?sh\b")

# What runs a script: an interpreter (Windows' python.exe and py launcher, a make, shell or
# batch variable holding one count), a launcher that takes a script or a module, or IPython's
# %run. The group names the module flag to use.
HEAD = re.compile(
    r"""(?<![\w./$-])(?:
        (?P<python>(?:[\w.~-]*/)*(?:python(?:[23](?:\.\d+)?)?|py)(?:\.exe)?
            |\$\(PYTHON\d?\)|\$\{PYTHON\d?\}|\$PYTHON\d?\b|%PYTHON\d?%)
        |(?P<torchrun>torchrun)
        |(?P<accelerate>accelerate\s+launch)
        |(?P<deepspeed>deepspeed)
        |(?P<run>%run)
    )(?=[\s"'])""",
    re.VERBOSE,
)
LAUNCHER_MODULES = {"torch.distributed.launch", "torch.distributed.run"}
MODULE_FLAGS = {"torchrun": "-m", "accelerate": "-m", "deepspeed": "--module", "run": "-m"}
# Interpreter options that take the next word as their value.
PYTHON_VALUE_OPTIONS = {"-W", "-X", "--check-hash-based-pycs"}
RUN_VALUE_OPTIONS = {"-N", "-b", "-D", "-l", "-s", "-T"}
EXEC_WORD = re.compile(r'\s*,\s*("[^"\\\n]*")')
MODULE_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


@dataclass(frozen=True)
class CommandReference:
    """One command naming a script: where its script word is, and what it resolves to."""

    line: int
    command: str
    script: str
    start: int
    end: int
    # The flag that turns this command into its module form, "" when it cannot take one.
    flag: str = ""
    exec_form: bool = False
    # The word is a module name after -m (``python -m src.train``): only the name changes.
    module_word: bool = False

    @property
    def rewritable(self) -> bool:
        return bool(self.flag)

    def module_form(self, word: str, module: str) -> str:
        """The text that replaces the script's word ``word``: ``-m pkg.mod``."""
        if self.module_word:
            quote = word[0] if word[:1] in {'"', "'"} else ""
            return f"{quote}{module.removesuffix('.__main__')}{quote}"
        if self.exec_form:
            return f'"{self.flag}", "{module}"'
        quote = word[0] if word[:1] in {'"', "'"} else ""
        return f"{self.flag} {quote}{module}{quote}"


def command_file_kind(path: str, first_line: str = "") -> str | None:
    """What kind of text ``path`` is, for commands: shell, make, docker, docs, notebook,
    batch."""
    name = PurePosixPath(path).name
    suffix = PurePosixPath(path).suffix.lower()
    if suffix in BATCH_SUFFIXES:
        return BATCH
    if suffix in SHELL_SUFFIXES or (not suffix and SHEBANG.match(first_line)):
        return SHELL
    if name in MAKEFILES or suffix == ".mk":
        return MAKE
    if name == "Dockerfile" or name.startswith("Dockerfile.") or suffix == ".dockerfile":
        return DOCKER
    if suffix in DOC_SUFFIXES or name in COMMAND_LISTS or WORKFLOWS.match(path):
        return DOCS
    return NOTEBOOK if suffix == ".ipynb" else None


def logical_lines(text: str, kind: str = SHELL) -> Iterator[tuple[int, int, int]]:
    """(line number, start, end) of each line, continued lines (``\\``, a batch file's ``^``)
    joined into one."""
    continued_by = syntax_of(kind).continued_by
    line, start, length = 1, 0, len(text)
    while start < length:
        end = start
        while True:
            newline = text.find("\n", end)
            if newline < 0:
                end = length
                break
            end = newline + 1
            if not text[:newline].rstrip("\r").endswith(continued_by):
                break
        yield line, start, end
        line += text.count("\n", start, end)
        start = end


def words_after(text: str, position: int, end: int, kind: str = SHELL) -> Iterator[re.Match[str]]:
    """The words of one command from ``position``: up to a separator or a comment."""
    syntax = syntax_of(kind)
    while position < end:
        continuation = syntax.continuation.match(text, position)
        if continuation:
            position = continuation.end()
        elif text[position] in " \t\r\n":
            position += 1
        elif syntax.separator.match(text, position):
            return
        else:
            word = syntax.word.match(text, position, end)
            if word is None:
                return
            yield word
            position = word.end()


def exec_words(text: str, position: int, end: int) -> Iterator[re.Match[str]]:
    """The strings after the head of a Dockerfile's exec form (``["python", "x.py"]``)."""
    position += 1  # the head's closing quote
    while (word := EXEC_WORD.match(text, position, end)) is not None:
        yield word
        position = word.end()


def script_word(
    text: str, head: re.Match[str], end: int, exec_form: bool, file_kind: str = SHELL
) -> tuple[int, int, str, bool] | None:
    """Where the word naming the script after ``head`` is, the flag of its module form, and
    whether the word is a module name already (``-m src.train``) rather than a path."""
    kind = next(name for name, value in head.groupdict().items() if value)
    spans = (
        ((w.start(1), w.end(1)) for w in exec_words(text, head.end(), end))
        if exec_form
        else ((w.start(), w.end()) for w in words_after(text, head.end(), end, file_kind))
    )
    launcher = kind != "python"
    for start, stop in spans:
        value = literal(text[start:stop], file_kind)
        if value.endswith(".py") and not value.startswith("-"):
            return start, stop, MODULE_FLAGS.get(kind, "-m"), False
        if not value.startswith("-"):
            if launcher:
                continue
            return None
        if value in {"-m", "--module"}:
            module = next(spans, None)
            if module is None:
                return None
            if launcher or literal(text[slice(*module)], file_kind) not in LAUNCHER_MODULES:
                return module[0], module[1], MODULE_FLAGS.get(kind, "-m"), True
            launcher = True
        elif value == "-c" and not launcher:
            return None
        elif (not launcher and value in PYTHON_VALUE_OPTIONS) or (
            kind == "run" and value in RUN_VALUE_OPTIONS
        ):
            next(spans, None)
    return None


def moved_cwd(cwd: str | None, target: str, directory: str, kind: str = SHELL) -> str | None:
    """The working directory after ``cd target`` from ``cwd``; ``None`` when not known."""
    syntax = syntax_of(kind)
    target = literal(target, kind)
    dirname = syntax.own_directory.match(target)
    if dirname is not None:
        cwd, target = directory, target[dirname.end() :].lstrip("/") or "."
    if cwd is None or target in {"-", "~"} or syntax.built.search(target) or is_absolute(target):
        return None
    joined = posixpath.normpath(posixpath.join(cwd or ".", target))
    return None if joined.startswith("..") else "" if joined == "." else joined


def shown(segment: str, kind: str) -> str:
    """A command as the report shows it: one line, a notebook's JSON string decoded."""
    if kind == NOTEBOOK:
        string = re.match(r'\s*("(?:[^"\\]|\\.)*")', segment)
        if string is not None:
            segment = json.loads(string.group(1))
    return " ".join(syntax_of(kind).continuation.sub(" ", segment).split())


class CommandScanner:
    """Finds the commands of one file that name one of ``scripts`` (repository paths)."""

    def __init__(self, path: str, kind: str, scripts: Collection[str]) -> None:
        self.path = path
        self.kind = kind
        self.scripts = scripts
        self.syntax = syntax_of(kind)
        self.directory = posixpath.dirname(path)
        # Where commands run: the root, or for a notebook its own directory; None: not known.
        self.cwd: str | None = self.directory if kind == NOTEBOOK else ""

    def resolve(self, word: str, cwd: str | None) -> str | None:
        """The script ``word`` names from ``cwd``; a path built from variables by its literal
        end, from the file's own directory (``$(dirname "$0")/x.py``) or the root."""
        if self.syntax.built.search(word):
            word = self.syntax.variable.split(word)[-1].lstrip("/")
            bases = [self.directory, ""]
        else:
            bases = [cwd] if cwd is not None else [self.directory, ""]
        for base in bases:
            found = posixpath.normpath(posixpath.join(base or ".", word))
            if found in self.scripts:
                return found
        return None

    def resolve_module(self, name: str, cwd: str | None) -> str | None:
        """The script that ``python -m name`` runs from ``cwd``: ``name``'s file, or its
        package's ``__main__.py``."""
        if not MODULE_NAME.fullmatch(name):
            return None
        path = name.replace(".", "/")
        for base in [cwd] if cwd is not None else [self.directory, ""]:
            for candidate in (f"{path}.py", f"{path}/__main__.py"):
                found = posixpath.normpath(posixpath.join(base or ".", candidate))
                if found in self.scripts:
                    return found
        return None

    def references(self, text: str) -> list[CommandReference]:
        """Every command of ``text`` naming one of the scripts, in order."""
        found: list[CommandReference] = []
        for line, start, end in logical_lines(text, self.kind):
            if may_name_scripts(text[start:end]):
                found += self.in_line(text, line, start, end)
            standalone = self.syntax.cd.search(text, start, end)
            # A cd on a line of its own moves later commands (but in a Makefile, whose lines
            # each run in a shell of their own).
            if standalone and self.kind != MAKE and not HEAD.search(text, start, end):
                self.follow(standalone.group("target"))
        return found

    def follow(self, target: str) -> None:
        """Move to ``target``; in docs and notebooks, a directory that holds none of the
        scripts is taken for the clone's own (``git clone ... && cd whale-id``, a Colab
        tutorial's ``%cd yolov5``): commands stay where they were."""
        cwd = moved_cwd(self.cwd, target, self.directory, self.kind)
        if (
            self.kind in (DOCS, NOTEBOOK)
            and cwd
            and not any(s.startswith(f"{cwd}/") for s in self.scripts)
        ):
            return
        self.cwd = cwd

    def in_line(self, text: str, line: int, start: int, end: int) -> list[CommandReference]:
        command = shown(text[start:end], self.kind)
        found: list[CommandReference] = []
        for head in HEAD.finditer(text, start, end):
            exec_form = self.kind == DOCKER and text[head.start() - 1 : head.start()] == '"'
            located = script_word(text, head, end, exec_form, self.kind)
            if located is None:
                continue
            word_start, word_end, flag, module_word = located
            inline = [c for c in self.syntax.cd.finditer(text, start, head.start())]
            cwd = self.cwd
            for cd in inline:
                cwd = moved_cwd(cwd, cd.group("target"), self.directory, self.kind)
            word = literal(text[word_start:word_end], self.kind)
            script = self.resolve_module(word, cwd) if module_word else self.resolve(word, cwd)
            if script is not None:
                usable = cwd == "" and not self.syntax.built.search(word)
                found.append(
                    CommandReference(
                        line,
                        command,
                        script,
                        word_start,
                        word_end,
                        flag if usable else "",
                        exec_form,
                        module_word,
                    )
                )
        if self.kind in {SHELL, MAKE, DOCKER, BATCH}:
            found += self.loose(text, line, start, end, command, found)
        return found

    def loose(
        self,
        text: str,
        line: int,
        start: int,
        end: int,
        command: str,
        taken: list[CommandReference],
    ) -> list[CommandReference]:
        """Scripts a line of a script names outside a command adopt can rewrite
        (``./train.py``, ``$RUNNER train.py``, a Makefile prerequisite): they keep working
        through a stand-in."""
        found = []
        for word in self.syntax.word.finditer(text, start, end):
            value = literal(word.group().strip("[]\"',"), self.kind)
            if not value.endswith(".py"):
                continue
            if any(r.start <= word.end() and word.start() <= r.end for r in taken):
                continue
            script = self.resolve(value, self.cwd)
            if script is not None:
                found.append(CommandReference(line, command, script, word.start(), word.end()))
        return found


def may_name_scripts(text: str) -> bool:
    """Whether ``text`` may hold a command naming a script: by its path, or as a module."""
    return ".py" in text or "-m" in text


def find_references(
    text: str, path: str, kind: str, scripts: Collection[str]
) -> list[CommandReference]:
    """The commands in ``text`` (the file ``path``, of ``kind``) that name one of ``scripts``."""
    return CommandScanner(path, kind, scripts).references(text)


def rewritten(
    text: str, references: list[CommandReference], modules: dict[str, str], lines: Collection[int]
) -> str:
    """``text`` with each reference on ``lines`` that takes a module form in that form."""
    for reference in sorted(references, key=lambda r: r.start, reverse=True):
        if reference.flag and reference.line in lines:
            word = text[reference.start : reference.end]
            replacement = reference.module_form(word, modules[reference.script])
            text = text[: reference.start] + replacement + text[reference.end :]
    return text
