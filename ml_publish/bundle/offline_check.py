"""The bundle verified before it is called done: installed and loaded with no network.

A fresh venv of the verifying Python gets the package from the bundle's wheels alone (``pip
install --no-index --find-links``, with ``PIP_NO_INDEX=1``, no pip configuration, and every proxy
variable pointed at a port of 127.0.0.1 that refuses connections), then its own loader loads
every bundled weight from the bundle (``<PACKAGE>_WEIGHTS_DIR``), with an empty cache that must
get no copy of them (the loader keeps only its note that a file was verified there): the files
are used in place.

Distributions left out as preinstalled on the target come, as on the target, from the
environment around the venv: the verifying Python's own ones, exposed to the venv by a ``.pth``
file through links to exactly those distributions' files, after the venv's own site-packages.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ml_publish.bundle.kaggle import weights_variable
from ml_publish.errors import OperationFailed
from ml_publish.weights.cache_check import cache_variable

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
LOAD = """
import importlib, json, sys
package, weights = sys.argv[1], json.loads(sys.argv[2])
pretrained = importlib.import_module(package + ".pretrained")
try:
    model = importlib.import_module(package + ".model")
except ImportError:
    model = None
for name, arch in weights:
    path = pretrained.download_weights(name, progress=False)
    how = "download_weights"
    if model is not None and arch:
        model.get_model(arch, weights=name)
        how = "get_model"
    print(json.dumps({"name": name, "path": str(path), "how": how}))
"""
FIND_FILES = """
import json, re, sys
from importlib import metadata
names, bundled = json.loads(sys.argv[1]), set(json.loads(sys.argv[2]))
found, missing, seen, todo = set(), [], set(), list(names)
while todo:
    name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
    if name in seen or name in bundled:
        continue
    seen.add(name)
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        missing.append(name)
        continue
    for file in dist.files or []:
        if file.parts[0] not in ("..", "__pycache__"):
            found.add(str(dist.locate_file(file.parts[0])))
    for requirement in dist.requires or []:
        if not re.search(r"extra\\s*==", requirement):
            todo.append(re.match(r"[A-Za-z0-9._-]+", requirement).group())
print(json.dumps({"found": sorted(found), "missing": missing}))
"""


@dataclass(frozen=True)
class OfflineLoad:
    """A weight loaded from the bundle in the offline venv, and how."""

    name: str
    path: str
    how: str


@dataclass(frozen=True)
class OfflineCheck:
    """What the check installs and loads, and from which bundle."""

    bundle: Path
    requirement: str
    package: str
    weights: list[tuple[str, str]]
    preinstalled: list[str]
    required_preinstalled: list[str]
    python: str = sys.executable


def verify_offline(check: OfflineCheck) -> list[OfflineLoad]:
    """Install ``check.requirement`` from the bundle and load each weight, all offline."""
    with (
        tempfile.TemporaryDirectory(prefix="ml-publish-bundle-check-") as scratch,
        dead_port() as port,
    ):
        workspace = Path(scratch)
        environment = offline_environment(port)
        python = fresh_venv(check.python, workspace / "venv")
        if check.preinstalled:
            expose_preinstalled(check, python, workspace / "preinstalled")
        install(check, python, environment)
        cache = workspace / "cache"
        cache.mkdir()
        environment[cache_variable(check.package)] = str(cache)
        environment[weights_variable(check.package)] = str(check.bundle / "weights")
        loads = load_weights(check, python, environment, workspace)
        bundled = {path.name for path in (check.bundle / "weights").iterdir()}
        copied = sorted(path.name for path in cache.rglob("*") if path.name in bundled)
        outside = [load.name for load in loads if not is_inside(load.path, check.bundle)]
        if copied or outside:
            raise OperationFailed(
                f"the offline check loaded {', '.join(outside or copied)} from outside the "
                "bundle's weights directory; the package's loader does not read "
                f"{weights_variable(check.package)} (ml-publish update brings it)"
            )
        return loads


@contextlib.contextmanager
def dead_port() -> Iterator[int]:
    """A port of 127.0.0.1 held bound and never listening: every connection to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


def offline_environment(port: int) -> dict[str, str]:
    """This environment without pip's settings or proxies, then pip told to use no index and
    every proxy pointed at the dead port."""
    dead = f"http://127.0.0.1:{port}"
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.upper().startswith("PIP_") and key.lower() not in PROXY_VARIABLES
    }
    environment.update(
        {
            "PIP_NO_INDEX": "1",
            "PIP_CONFIG_FILE": os.devnull,
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PYTHONNOUSERSITE": "1",
            "HF_HUB_OFFLINE": "1",
        }
    )
    for variable in PROXY_VARIABLES[:3]:
        environment[variable] = environment[variable.upper()] = dead
    return environment


def fresh_venv(base_python: str, directory: Path) -> Path:
    run([base_python, "-m", "venv", "--without-pip", str(directory)], "creating the check's venv")
    return directory / ("Scripts" if sys.platform == "win32" else "bin") / "python"


def install(check: OfflineCheck, python: Path, environment: dict[str, str]) -> None:
    wheels = str(check.bundle / "wheels")
    command = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
    command += ["--no-index", "--find-links", wheels, check.requirement]
    result = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
        reason = (lines or result.stderr.strip().splitlines() or ["no output"])[-1]
        raise OperationFailed(
            f"the bundle does not install offline with {python_version(check.python)}: "
            f"{reason.removeprefix('ERROR: ')} (--verify-python chooses another Python; "
            "--no-verify skips the check)"
        )


def load_weights(
    check: OfflineCheck, python: Path, environment: dict[str, str], workspace: Path
) -> list[OfflineLoad]:
    environment = {**environment, f"{check.package.replace('.', '_').upper()}_OFFLINE": "1"}
    command = [str(python), "-c", LOAD, check.package, json.dumps(check.weights)]
    result = subprocess.run(
        command, cwd=workspace, capture_output=True, text=True, env=environment, check=False
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise OperationFailed(f"the installed package could not load its bundled weights: {last}")
    return [OfflineLoad(**json.loads(line)) for line in result.stdout.splitlines() if line]


def expose_preinstalled(check: OfflineCheck, python: Path, overlay: Path) -> None:
    """Link the verifying Python's copies of the left-out distributions into ``overlay`` and
    put it on the venv's path after its own site-packages.

    What those distributions require there comes too (the bundle's own wheels excepted): the
    target's copy of torch brings what the target's torch needs, which may differ from what the
    target's wheel of torch would (a CPU build that needs setuptools, say)."""
    bundled = [path.name.split("-")[0] for path in (check.bundle / "wheels").glob("*.whl")]
    arguments = [json.dumps(check.preinstalled), json.dumps([canonical(n) for n in bundled])]
    found = json.loads(run([check.python, "-c", FIND_FILES, *arguments], "finding them"))
    absent = [name for name in check.required_preinstalled if canonical(name) in found["missing"]]
    if absent:
        raise OperationFailed(
            f"{', '.join(absent)} left out as preinstalled on the target, but the verifying "
            f"Python ({check.python}) does not have it; pass --verify-python of an environment "
            "like the target's, or --no-verify"
        )
    overlay.mkdir()
    for path in map(Path, found["found"]):
        link = overlay / path.name
        if not link.exists() and path.exists():
            link.symlink_to(path, target_is_directory=path.is_dir())
    site = run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], "")
    Path(site.strip(), "zz-preinstalled-on-target.pth").write_text(f"{overlay}\n", "utf-8")


def canonical(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def run(command: list[str], what: str) -> str:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise OperationFailed(f"the offline check failed {what}: {last}")
    return result.stdout


def python_version(python: str) -> str:
    return "this Python" if python == sys.executable else python


def is_inside(path: str, directory: Path) -> bool:
    return Path(path).resolve().is_relative_to(directory.resolve())
