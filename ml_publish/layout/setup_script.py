"""What a ``setup.py`` tells setuptools about its packages, read without running it.

Only literals count: ``packages=[...]``, ``packages=find_packages(...)`` or
``find_namespace_packages(...)`` with literal arguments, ``package_dir={...}`` and
``py_modules=[...]``. Anything computed is ``UNREADABLE``: then no one can say without running
the script, and the caller falls back to what the tree shows.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast

UNREADABLE = "unreadable"
FIND_FUNCTIONS = {"find_packages": False, "find_namespace_packages": True}


class FindSpec:
    """A ``find_packages`` call, from setup.py, setup.cfg or pyproject.toml."""

    __slots__ = ("where", "include", "exclude", "namespaces")

    def __init__(
        self,
        where: tuple[str, ...] = (".",),
        include: tuple[str, ...] = ("*",),
        exclude: tuple[str, ...] = (),
        namespaces: bool = False,
    ) -> None:
        self.where = where
        self.include = include
        self.exclude = exclude
        self.namespaces = namespaces

    def describe(self) -> str:
        parts = [f"where = {list(self.where)}"]
        if self.include != ("*",):
            parts.append(f"include = {list(self.include)}")
        if self.exclude:
            parts.append(f"exclude = {list(self.exclude)}")
        kind = "find_namespace_packages" if self.namespaces else "find_packages"
        return f"{kind}({', '.join(parts)})"


class SetupArguments:
    """The package-related keyword arguments of ``setup()``; ``None`` for those not given."""

    __slots__ = ("packages", "package_dir", "py_modules")

    def __init__(self) -> None:
        self.packages: list[str] | FindSpec | str | None = None
        self.package_dir: dict[str, str] | str | None = None
        self.py_modules: list[str] | str | None = None


def read_setup_py(source: str) -> SetupArguments | None:
    """The arguments of the ``setup()`` call; ``None`` when the file does not parse or has none."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] == "setup":
            return arguments_of(node)
    return None


def arguments_of(call: ast.Call) -> SetupArguments:
    arguments = SetupArguments()
    for keyword in call.keywords:
        if keyword.arg == "packages":
            arguments.packages = packages_value(keyword.value)
        elif keyword.arg == "package_dir":
            value = literal(keyword.value)
            arguments.package_dir = (
                {str(k): str(v) for k, v in value.items()}
                if isinstance(value, dict)
                else UNREADABLE
            )
        elif keyword.arg == "py_modules":
            value = literal(keyword.value)
            arguments.py_modules = (
                [str(name) for name in value] if isinstance(value, (list, tuple)) else UNREADABLE
            )
        elif keyword.arg is None:  # setup(**settings): anything may be in there
            arguments.packages = arguments.packages or UNREADABLE
    return arguments


def literal(node: ast.expr) -> object:
    import ast

    try:
        return ast.literal_eval(node)
    except ValueError:
        return UNREADABLE


def packages_value(node: ast.expr) -> list[str] | FindSpec | str:
    import ast

    if isinstance(node, ast.Call):
        function = ast.unparse(node.func).split(".")[-1]
        if function in FIND_FUNCTIONS:
            return find_call(node, namespaces=FIND_FUNCTIONS[function])
        return UNREADABLE
    value = literal(node)
    if isinstance(value, (list, tuple)) and all(isinstance(name, str) for name in value):
        return [str(name) for name in value]
    return UNREADABLE


def find_call(call: ast.Call, *, namespaces: bool) -> FindSpec | str:
    """``find_packages(where, exclude, include)``, positional or by keyword, all literal."""
    names = ("where", "exclude", "include")
    given: dict[str, object] = {}
    for name, node in zip(names, call.args):
        given[name] = literal(node)
    for keyword in call.keywords:
        if keyword.arg in names:
            given[keyword.arg] = literal(keyword.value)
    if any(value is UNREADABLE for value in given.values()):
        return UNREADABLE

    def patterns(value: object, default: tuple[str, ...]) -> tuple[str, ...]:
        if isinstance(value, str):
            return (value,)
        if isinstance(value, (list, tuple)):
            return tuple(str(pattern) for pattern in value)
        return default

    return FindSpec(
        where=(str(given.get("where") or "."),),
        include=patterns(given.get("include"), ("*",)),
        exclude=patterns(given.get("exclude"), ()),
        namespaces=namespaces,
    )
