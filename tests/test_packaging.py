"""The ml-publish wheel carries the template and works installed, with no checkout."""

from __future__ import annotations

import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

from ml_publish import REPOSITORY_URL, __version__
from tests.support.import_graph import PackageSources, entry_module, unreached_modules
from tests.support.processes import run
from tests.support.venvs import VirtualEnv, create_venv

REPOSITORY = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--wheel", "--outdir", dist, REPOSITORY])
    (wheel,) = dist.glob("*.whl")
    return wheel


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> VirtualEnv:
    env = create_venv(tmp_path_factory.mktemp("installed") / "venv")
    env.pip_install(wheel)
    return env


def entry_point_modules(repository: Path) -> list[str]:
    """The modules a user's command starts in: each console script's, the console script each
    pre-commit hook runs, and ``python -m ml_publish``'s ``__main__``."""
    pyproject = tomllib.loads((repository / "pyproject.toml").read_text(encoding="utf-8"))
    scripts: dict[str, str] = pyproject["project"]["scripts"]
    hooks = yaml.safe_load((repository / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook_commands = {hook["id"]: hook["entry"].split()[0] for hook in hooks}
    assert set(hook_commands.values()) <= set(scripts), hook_commands  # every hook runs one
    roots = [entry_module(scripts[command]) for command in sorted(set(hook_commands.values()))]
    return [*roots, *(entry_module(entry) for entry in scripts.values()), "ml_publish.__main__"]


def test_wheel_holds_no_module_that_only_tests_import(wheel: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path)
    shipped = PackageSources(tmp_path, "ml_publish")
    roots = entry_point_modules(REPOSITORY)

    unreached = unreached_modules(shipped, roots)

    assert "ml_publish.cli" in roots and "ml_publish.commands" in shipped.modules()
    assert unreached == [], f"in the wheel, reached by no entry point: {', '.join(unreached)}"


def write_package(root: Path, files: dict[str, str]) -> PackageSources:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return PackageSources(root, "pkg")


def test_the_import_walk_finds_a_module_no_entry_point_reaches(tmp_path: Path) -> None:
    sources = write_package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/cli.py": (
                "TABLE = {'go': 'pkg.commands.go:run', 'new': 'new', 'list': 'weights:list_'}\n"
                "def main(name: str) -> None:\n"
                "    from . import lazy\n"
                "    __import__(f'pkg.commands.{name}')\n"
            ),
            "pkg/lazy.py": "import subprocess\nsubprocess.run(['python', '-m', 'pkg.server'])\n",
            "pkg/server.py": "",
            "pkg/commands/__init__.py": "",
            "pkg/commands/go.py": "from pkg.engine.core import work\n",
            "pkg/commands/new.py": "",
            "pkg/commands/weights.py": "from ..engine import table\n",
            "pkg/engine/__init__.py": "",
            "pkg/engine/core.py": "",
            "pkg/engine/table.py": "",
            "pkg/engine/faults.py": "",
            "pkg/data/template.py": "not a module: its folder is no package {{ jinja }}\n",
        },
    )

    assert unreached_modules(sources, ["pkg.cli"]) == ["pkg.engine.faults"]
    assert "pkg.data.template" not in sources.modules()
    # The walk only follows what it is given: without the lazy import, its target is unreached.
    (tmp_path / "pkg" / "cli.py").write_text("TABLE = {'go': 'pkg.commands.go:run'}\n")
    assert "pkg.lazy" in unreached_modules(sources, ["pkg.cli"])


def test_wheel_contains_one_copy_of_the_template(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    template_files = sorted((REPOSITORY / "template").rglob("*"), key=lambda p: p.as_posix())
    expected = {
        "ml_publish/_template/template/" + p.relative_to(REPOSITORY / "template").as_posix()
        for p in template_files
        if p.is_file() and "__pycache__" not in p.parts
    }

    assert "ml_publish/_template/cookiecutter.json" in names
    assert expected <= set(names)
    assert not [n for n in names if n.startswith("template/")]


def test_wheel_carries_the_demo_data(wheel: Path) -> None:
    shipped = zipfile.ZipFile(wheel).read("ml_publish/release/demo_data/iris.csv")

    assert shipped == (REPOSITORY / "ml_publish/release/demo_data/iris.csv").read_bytes()


def test_installed_ml_publish_renders_offline_from_anywhere(
    installed: VirtualEnv, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    result = run(
        [installed.bin("ml-publish"), "new", "--no-input", "-o", "generated"],
        cwd=elsewhere,
        # No index: rendering must not need the network.
        env={"PIP_NO_INDEX": "1", "PYTHONPATH": ""},
    )

    project = elsewhere / "generated" / "cell-segmentation"
    assert "Created" in result.stdout
    assert (project / "pyproject.toml").is_file()
    assert (project / "cell_segmentation" / "model.py").is_file()
    assert "MIT License" in (project / "LICENSE").read_text(encoding="utf-8")
    # pip byte-compiles the template inside the wheel; none of that reaches the project.
    assert not list(project.rglob("__pycache__"))
    # The template finds the installed ml-publish's version to pin its hooks to.
    hooks = (project / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert f"- repo: {REPOSITORY_URL}\n    rev: v{__version__}\n" in hooks


def test_installed_check_passes_the_project_it_generated(
    installed: VirtualEnv, tmp_path: Path
) -> None:
    run([installed.bin("ml-publish"), "new", "--no-input", "-o", tmp_path])
    project = tmp_path / "cell-segmentation"
    run(["git", "init", "--quiet"], cwd=project)
    run(["git", "add", "--all"], cwd=project)

    result = run([installed.bin("ml-publish"), "check"], cwd=project)

    assert " 0 failed" in result.stdout


def test_the_repository_url_is_the_one_in_the_metadata() -> None:
    pyproject = tomllib.loads((REPOSITORY / "pyproject.toml").read_text(encoding="utf-8"))

    assert pyproject["project"]["urls"]["Source"] == REPOSITORY_URL


def test_installed_version_matches(installed: VirtualEnv) -> None:
    result = run([installed.bin("ml-publish"), "--version"])

    assert result.stdout.strip() == f"ml-publish {__version__}"
