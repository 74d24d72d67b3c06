"""``ml-publish release --sandbox``: the whole release, rehearsed offline on this machine.

A GitHub emulator and a real pypiserver start on free ports of 127.0.0.1; a clone of the
project (with its staged weights) is released to them, with a bare repository as its
``origin``; the released version is then installed from that pypiserver into a fresh venv,
which downloads every weight this release published through the emulator's URLs and checks
its SHA-256. The project itself is not touched. Everything started is stopped at the end, on
error and on Ctrl-C too.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ml_publish import git
from ml_publish.errors import OperationFailed, UsageError
from ml_publish.project_facts import resolve_repository
from ml_publish.release.installed_reproduction import reproduce_installed
from ml_publish.release import hub_rehearsal
from ml_publish.release.preflight import distribution_name
from ml_publish.release.release_settings import ReleaseSettings
from ml_publish.weights.naming import STAGING_DIR
from ml_publish.weights.project import open_project

SANDBOX_REPOSITORY = "sandbox/{name}"
# The environment a rehearsal sets for itself; the caller's values come back afterwards.
SANDBOX_VARIABLES = (
    "GH_TOKEN",
    "GITHUB_TOKEN",
    "GITHUB_SERVER_URL",
    "GITHUB_API_URL",
    "GITHUB_REPOSITORY",
    "GITHUB_ACTIONS",
    "TWINE_USERNAME",
    "TWINE_PASSWORD",
)
# What ``pip install "ml-publish[sandbox]"`` brings: pypiserver, and passlib for its passwords.
SANDBOX_MODULES = ("pypiserver", "passlib")
LOOPBACK = ("127.0.0.1", "localhost")
LOAD_WEIGHTS = """
import hashlib, importlib, json, pathlib, sys

package, names, cache = sys.argv[1], json.loads(sys.argv[2]), pathlib.Path(sys.argv[3])
pretrained = importlib.import_module(package + ".pretrained")
for name in names:
    path = pretrained.download_weights(name, cache_dir=cache, progress=False)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    print(json.dumps({"name": name, "url": pretrained.get_weights(name).url, "sha256": digest}))
"""


@dataclass(frozen=True)
class LoadedWeights:
    name: str
    url: str
    sha256: str


@dataclass(frozen=True)
class Rehearsal:
    """What the rehearsal released and what a fresh install got from it."""

    tag: str
    distribution: str
    release_assets: list[str]
    index_files: list[str]
    installed_version: str
    loaded: list[LoadedWeights]
    seconds: float
    reproduced: tuple[str, ...] = ()
    # Loaded again with the GitHub emulator stopped: from the Hub stand-in, when there is one.
    hub_loaded: list[LoadedWeights] = field(default_factory=list)


@contextlib.contextmanager
def borrowed_environment(
    values: dict[str, str], *, cleared: tuple[str, ...] = ()
) -> Iterator[None]:
    """``values`` set (and ``cleared`` unset) in ``os.environ`` until the block ends, then
    every variable touched is as it was."""
    touched = (*cleared, *values)
    saved = {name: os.environ.get(name) for name in touched}
    for name in cleared:
        os.environ.pop(name, None)
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def loopback_without_proxy() -> dict[str, str]:
    """``NO_PROXY`` (both spellings, which the standard library, pip and twine read) with
    this machine's own addresses added to what it already lists."""
    current = os.environ.get("no_proxy") or os.environ.get("NO_PROXY") or ""
    hosts = [host for host in current.split(",") if host.strip()] + list(LOOPBACK)
    value = ",".join(hosts)
    return {"no_proxy": value, "NO_PROXY": value}


def check_project(root: Path) -> Path:
    root = root.resolve()
    if git.tracked_files(root) is None:
        raise UsageError(f"{root} is not a git work tree; commit the project first (git init)")
    open_project(root)  # refuses a directory that is no ml-publish project
    return root


def clone_project(root: Path, workspace: Path) -> Path:
    """A clone of the committed project, its staged weights, and a bare ``origin`` to push to."""
    remote = workspace / "origin.git"
    clone = workspace / root.name
    git.checked(["clone", "--quiet", "--bare", str(root), str(remote)], workspace)
    git.checked(["clone", "--quiet", str(remote), str(clone)], workspace)
    staged = root / STAGING_DIR
    if staged.is_dir():
        shutil.copytree(staged, clone / STAGING_DIR)
    return clone


def rehearse(
    project_root: Path,
    options: ReleaseSettings,
    *,
    say: Callable[[str], None] = print,
) -> Rehearsal:
    """Release a clone of the project to a local GitHub and pypiserver, install it, load it."""
    from ml_publish.release.pipeline import release
    from ml_publish.sandbox.github_emulator import GitHubEmulator
    from ml_publish.sandbox.package_index import PackageIndex

    if options.dry_run:
        raise UsageError("a sandbox release is already a rehearsal; drop --dry-run")
    missing = [name for name in SANDBOX_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise UsageError(
            f"the sandbox needs {' and '.join(missing)}, not installed here: pip install "
            '"ml-publish[sandbox]"'
        )
    root = check_project(project_root)
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        # Its servers are on this machine: a proxy elsewhere could not reach them.
        stack.enter_context(borrowed_environment(loopback_without_proxy()))
        scratch = tempfile.TemporaryDirectory(prefix="ml-publish-sandbox-")
        workspace = Path(stack.enter_context(scratch))
        gh = stack.enter_context(GitHubEmulator(token=secrets.token_urlsafe(24)))
        package_index = stack.enter_context(PackageIndex())
        hub = stack.enter_context(hub_rehearsal.hub_stand_in(root, say))
        say(f"Sandbox: GitHub at {gh.api_url}, pypiserver at {package_index.simple_url}")
        clone = clone_project(root, workspace)
        repository = options.repository or _repository_of(root)
        sandbox_options = replace(
            options,
            bump=options.bump if options.asks_for_version else "patch",
            api_url=gh.api_url,
            repository_url=package_index.upload_url,
            index_url=package_index.simple_url,
            repository=repository,
            github=True,
            pypi=True,
            publish="local",
        )
        environment = {
            "GH_TOKEN": gh.token,
            "GITHUB_SERVER_URL": gh.server_url,
            "TWINE_USERNAME": package_index.username,
            "TWINE_PASSWORD": package_index.password,
            **hub_rehearsal.hub_environment(hub),
        }
        cleared = SANDBOX_VARIABLES + hub_rehearsal.HUB_VARIABLES
        with borrowed_environment(environment, cleared=cleared):
            ctx = release(clone, sandbox_options, say=say)
        tag = ctx.state.tag
        say(f"Installing {tag} from the sandbox pypiserver into a fresh venv")
        name = distribution_name(ctx)
        environment_dir = workspace / "venv"
        installed = install_from_index(
            environment_dir, package_index.simple_url, name, ctx.state.version
        )
        package = ctx.project.import_name
        hub_dir = workspace / "hub"
        hub_dir.mkdir()
        loaded = load_weights(environment_dir, package, ctx.state.weights, workspace)
        reproduced = reproduce_installed(clone, venv_python(environment_dir))
        owner, repo = repository.split("/")
        assets = [
            asset.name
            for release_ in gh.state.releases(owner, repo)
            if release_.tag_name == tag
            for asset in release_.assets
        ]
        hub_loaded = hub_rehearsal.load_from_hub_alone(
            hub,
            gh.close,
            lambda: load_weights(environment_dir, package, ctx.state.weights, hub_dir),
        )
        rehearsal = Rehearsal(
            tag=tag,
            distribution=name,
            release_assets=sorted(assets),
            index_files=sorted(package_index.files()),
            installed_version=installed,
            loaded=loaded,
            seconds=time.monotonic() - started,
            reproduced=reproduced,
            hub_loaded=hub_loaded,
        )
    say(summary(rehearsal))
    return rehearsal


def _repository_of(root: Path) -> str:
    try:
        return resolve_repository(None, root)
    except UsageError:
        return SANDBOX_REPOSITORY.format(name=root.name)


def venv_python(environment_dir: Path) -> Path:
    return environment_dir / ("Scripts" if sys.platform == "win32" else "bin") / "python"


def install_from_index(environment_dir: Path, simple_url: str, name: str, version: str) -> str:
    """Install ``name==version`` as a user would, its files taken from the sandbox index only.

    The venv sees the packages installed beside ml-publish (torch, say), so a rehearsal does
    not download gigabytes of dependencies that are already on this machine.
    """
    venv.EnvBuilder(with_pip=True, system_site_packages=True).create(environment_dir)
    python = venv_python(environment_dir)
    wheels = environment_dir / "downloaded"
    requirement = f"{name}=={version}"
    _pip(
        python,
        "download",
        "--quiet",
        "--no-deps",
        "--index-url",
        simple_url,
        "-d",
        str(wheels),
        requirement,
    )
    downloaded = sorted(wheels.iterdir())
    _pip(python, "install", *PIP_LOGGING, *map(str, downloaded))
    shown = subprocess.run(
        [str(python), "-m", "pip", "show", name],
        cwd=environment_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in shown.stdout.splitlines():
        if line.startswith("Version:"):
            return line.partition(":")[2].strip()
    raise OperationFailed(f"{name} is not installed in the sandbox venv after pip install")


def load_weights(
    environment_dir: Path, package: str, names: list[str], workspace: Path
) -> list[LoadedWeights]:
    """Download each weight in the sandbox venv with the package's own verified loader."""
    if not names:
        return []
    python = venv_python(environment_dir)
    result = subprocess.run(
        [str(python), "-c", LOAD_WEIGHTS, package, json.dumps(names), str(workspace / "cache")],
        # Not the project's directory: its source package would shadow the installed one.
        cwd=workspace,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise OperationFailed(f"the installed package could not load its weights: {last}")
    return [LoadedWeights(**json.loads(line)) for line in result.stdout.splitlines() if line]


def _pip(python: Path, *args: str) -> None:
    result = subprocess.run(
        [str(python), "-m", "pip", *args, "--disable-pip-version-check"],
        cwd=python.parent,  # away from the project, whose files must not stand in for the install
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise OperationFailed(pip_failure(args[0], result))


# Not --quiet: the output (captured, never shown) must say what pip was on when it failed.
PIP_LOGGING = ("--progress-bar", "off")


def pip_failure(command: str, result: subprocess.CompletedProcess[str]) -> str:
    """pip's failure in a few lines, naming the distribution it was on: its error's last
    lines say what failed (a build), and only its output's last step says for what."""
    steps = [
        line.strip()
        for line in result.stdout.splitlines()
        if line.startswith(("Collecting ", "Processing ", "Building wheel for "))
    ]
    at = f" while {steps[-1][0].lower()}{steps[-1][1:]}" if steps else ""
    last = "\n".join(result.stderr.strip().splitlines()[-5:])
    return f"pip {command} failed in the sandbox venv{at}:\n{last}"


def summary(rehearsal: Rehearsal) -> str:
    lines = [
        f"Sandbox release of {rehearsal.distribution} {rehearsal.tag} rehearsed in "
        f"{rehearsal.seconds:.1f} s; everything it started is stopped.",
        f"  GitHub release {rehearsal.tag}: {', '.join(rehearsal.release_assets)}",
        f"  pypiserver: {', '.join(rehearsal.index_files)}",
        f"  fresh venv: pip installed {rehearsal.distribution} {rehearsal.installed_version}",
    ]
    lines += [
        f"  weights {w.name}: downloaded from {w.url}, SHA-256 {w.sha256[:12]}... verified"
        for w in rehearsal.loaded
    ] or ["  no weights were published in this release"]
    lines += [f"  weights {name}: reproduced its fingerprint" for name in rehearsal.reproduced]
    lines += [
        f"  GitHub stopped, weights {w.name}: downloaded from the Hugging Face Hub stand-in, "
        f"SHA-256 {w.sha256[:12]}... verified"
        for w in rehearsal.hub_loaded
    ]
    return "\n".join(lines)
