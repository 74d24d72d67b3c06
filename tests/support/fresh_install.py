"""A built wheel installed, not editable, into a venv of its own, as a user would get it.

The venv is made without pip (about 0.1 s) and borrows the third-party packages of the shared
``project_tools`` venv through a ``.pth`` file, so torch and numpy resolve without being
installed again; that venv's pip installs the wheel with ``--python``. A ``.pth`` file that
names a directory only appends it to ``sys.path``: ``.pth`` files inside it (editable
installs made by other tests) are not run, so nothing but the wheel can answer for the package.
"""

from __future__ import annotations

import sysconfig
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tests.support.processes import run
from tests.support.venvs import VirtualEnv


def site_packages(venv_root: Path) -> Path:
    paths = sysconfig.get_paths(vars={"base": str(venv_root), "platbase": str(venv_root)})
    return Path(paths["purelib"])


@dataclass(frozen=True)
class FreshVenv:
    root: Path

    @property
    def python(self) -> Path:
        return VirtualEnv(self.root).python

    def bin(self, name: str) -> Path:
        return VirtualEnv(self.root).bin(name)

    @property
    def site_packages(self) -> Path:
        return site_packages(self.root)


def fresh_venv(root: Path, tools: VirtualEnv) -> FreshVenv:
    """An empty venv whose imports fall back on ``tools``' third-party packages."""
    venv.EnvBuilder(with_pip=False, clear=True).create(root)
    fresh = FreshVenv(root)
    (fresh.site_packages / "_project_tools.pth").write_text(
        f"{site_packages(tools.root)}\n", encoding="utf-8"
    )
    return fresh


@dataclass(frozen=True)
class Dists:
    sdist: Path
    wheel: Path


def build_dists(project: Path, outdir: Path, tools: VirtualEnv) -> Dists:
    """``python -m build`` (the sdist, then the wheel from it) with ``tools``' backends."""
    run([tools.python, "-m", "build", "--no-isolation", "--outdir", outdir, project])
    (sdist,) = outdir.glob("*.tar.gz")
    (wheel,) = outdir.glob("*.whl")
    return Dists(sdist, wheel)


def install_wheel(fresh: FreshVenv, wheel: Path, tools: VirtualEnv) -> None:
    pip: list[str | Path] = [tools.bin("pip"), "--python", fresh.python, "install", "--quiet"]
    run([*pip, "--no-deps", "--no-index", wheel])


@dataclass(frozen=True)
class WheelContents:
    members: tuple[str, ...]
    console_scripts: tuple[str, ...]

    @property
    def python_files(self) -> list[str]:
        return [
            m
            for m in self.members
            if m.endswith(".py") and ".dist-info/" not in m and ".data/" not in m
        ]


def read_wheel(wheel: Path) -> WheelContents:
    with zipfile.ZipFile(wheel) as archive:
        members = tuple(archive.namelist())
        entry_points = next((m for m in members if m.endswith(".dist-info/entry_points.txt")), "")
        text = archive.read(entry_points).decode("utf-8") if entry_points else ""
    return WheelContents(members, console_scripts(text))


def console_scripts(entry_points: str) -> tuple[str, ...]:
    """The names in the ``[console_scripts]`` section of an entry_points.txt, case kept."""
    names, section = [], ""
    for line in entry_points.splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[console_scripts]" and "=" in line:
            names.append(line.split("=")[0].strip())
    return tuple(sorted(names))


def module_name(member: str) -> str | None:
    """The dotted name a wheel's ``.py`` member is imported by, or ``None`` if it has none."""
    parts = PurePosixPath(member).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) if all(part.isidentifier() for part in parts) else None


def failing_console_scripts(fresh: FreshVenv, scripts: tuple[str, ...], cwd: Path) -> list[str]:
    """Each console script run with ``--help`` from ``cwd``; the ones that did not exit 0."""
    failed = []
    for name in scripts:
        result = run([fresh.bin(name), "--help"], cwd=cwd, expect_success=False, timeout=300)
        if result.returncode != 0:
            failed.append(f"{name} --help exited {result.returncode}: {result.stderr[-2000:]}")
    return failed


def ml_publish_with_torch(root: Path, tools: VirtualEnv) -> FreshVenv:
    """A venv running this checkout of ml-publish with this test run's packages first, and
    torch, safetensors and NumPy (which only ``tools`` has) after them.

    Only the directories themselves go on ``sys.path``: .pth files inside them are not read,
    so the checkout is named too, in place of its editable install.
    """
    venv.EnvBuilder(with_pip=False, clear=True).create(root)
    fresh = FreshVenv(root)
    checkout = Path(__file__).resolve().parents[2]
    ours = Path(sysconfig.get_paths()["purelib"])
    layers = [checkout, ours, site_packages(tools.root)]
    (fresh.site_packages / "_layers.pth").write_text(
        "".join(f"{layer}\n" for layer in layers), encoding="utf-8"
    )
    return fresh
