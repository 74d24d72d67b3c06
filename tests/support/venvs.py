"""Fresh virtual environments, made with the standard library's venv and filled with pip."""

from __future__ import annotations

import sys
import venv
from dataclasses import dataclass
from pathlib import Path

from tests.support.processes import run


@dataclass(frozen=True)
class VirtualEnv:
    root: Path

    @property
    def python(self) -> Path:
        return self.bin("python")

    def bin(self, name: str) -> Path:
        scripts = self.root / ("Scripts" if sys.platform == "win32" else "bin")
        return scripts / name

    def pip_install(self, *requirements: str | Path) -> None:
        run([self.python, "-m", "pip", "install", "--quiet", *requirements])


def create_venv(root: Path) -> VirtualEnv:
    venv.EnvBuilder(with_pip=True, clear=True).create(root)
    return VirtualEnv(root)
