"""The package index adapter: build, twine, and look-ups on an index's simple API.

The only module that runs ``python -m build`` or twine, or reads a package index. Credentials
stay with twine (``TWINE_USERNAME`` / ``TWINE_PASSWORD``, keyring, ``~/.pypirc`` or Trusted
Publishing inside GitHub Actions); their values are scrubbed from every message.
"""

from __future__ import annotations

import configparser
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    canonicalize_version,
    parse_sdist_filename,
    parse_wheel_filename,
)
from pyproject_hooks import quiet_subprocess_runner

from ml_publish.digests import sha256_of
from ml_publish.errors import OperationFailed
from ml_publish.transport import network
from ml_publish.transport.child_environment import tool_environment

PYPI_UPLOAD_URL = "https://upload.pypi.org/legacy/"
# Where each well-known upload endpoint publishes what it received.
SIMPLE_INDEX_OF_UPLOAD_URL = {
    PYPI_UPLOAD_URL: "https://pypi.org/simple/",
    "https://test.pypi.org/legacy/": "https://test.pypi.org/simple/",
}
SECRET_VARIABLES = ("TWINE_PASSWORD", "TWINE_USERNAME")
TIMEOUT_SECONDS = 60
SHA256_FRAGMENT = re.compile(r"(?:^|&)sha256=([0-9a-f]{64})(?:&|$)")


class PackageIndexError(OperationFailed):
    """Building, checking or uploading failed, or the index could not be read."""


@dataclass(frozen=True)
class Distribution:
    """A built sdist or wheel and its SHA-256."""

    path: Path
    sha256: str

    @property
    def name(self) -> str:
        return self.path.name


def simple_index_url(repository_url: str) -> str:
    """The simple API that serves what ``repository_url`` (an upload endpoint) receives.

    PyPI and TestPyPI upload to ``.../legacy/`` and serve from ``.../simple/``; pypiserver and
    most private indexes take uploads at their root and serve ``<root>/simple/``.
    """
    normalized = repository_url.rstrip("/") + "/"
    if normalized in SIMPLE_INDEX_OF_UPLOAD_URL:
        return SIMPLE_INDEX_OF_UPLOAD_URL[normalized]
    root = normalized.removesuffix("legacy/")
    return urljoin(root, "simple/")


def build(
    project_root: Path,
    out_dir: Path,
    *,
    source_date_epoch: int | None = None,
    backend_environment: Mapping[str, str] | None = None,
) -> list[Path]:
    """Build the sdist, then the wheel from the sdist, as ``python -m build`` does.

    Through pypa/build's own API, with one isolated environment for both instead of the two
    ``python -m build`` makes: the same files, byte for byte, in about half the time.
    ``source_date_epoch`` (the release commit's time) makes a rebuild byte-identical, so a
    resumed release produces the files it may already have uploaded. ``backend_environment`` adds
    variables for the backend's hooks.
    """
    import build as pypa_build
    import build.env

    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.iterdir():
        stale.unlink()
    environ = dict(backend_environment or {})
    if source_date_epoch is not None:
        environ["SOURCE_DATE_EPOCH"] = str(source_date_epoch)

    def runner(
        cmd: Sequence[str], cwd: str | None = None, extra_environ: Mapping[str, str] | None = None
    ) -> None:
        quiet_subprocess_runner(cmd, cwd, {**(extra_environ or {}), **environ})

    try:
        with build.env.DefaultIsolatedEnv() as environment:
            sdist_builder = pypa_build.ProjectBuilder.from_isolated_env(
                environment, project_root, runner=runner
            )
            environment.install(sdist_builder.build_system_requires)
            environment.install(sdist_builder.get_requires_for_build("sdist"))
            sdist = Path(sdist_builder.build("sdist", out_dir))
            with tempfile.TemporaryDirectory() as scratch:
                with tarfile.open(sdist) as archive:
                    # Our own sdist; the filter only exists on newer Pythons' tarfile.
                    safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
                    archive.extractall(scratch, **safe)  # type: ignore[arg-type]
                unpacked = next(Path(scratch).iterdir())
                wheel_builder = pypa_build.ProjectBuilder.from_isolated_env(
                    environment, unpacked, runner=runner
                )
                environment.install(wheel_builder.get_requires_for_build("wheel"))
                wheel = Path(wheel_builder.build("wheel", out_dir))
    except (pypa_build.BuildException, pypa_build.BuildBackendException) as error:
        raise PackageIndexError(f"python -m build failed: {_scrub(str(error))}") from None
    except subprocess.CalledProcessError as error:
        output = error.output.decode(errors="replace") if isinstance(error.output, bytes) else ""
        last = _scrub("\n".join(output.strip().splitlines()[-10:]))
        raise PackageIndexError(f"python -m build failed installing the backend:\n{last}") from None
    return [sdist, wheel]


def describe(paths: list[Path]) -> list[Distribution]:
    return [Distribution(path, sha256_of(path)) for path in paths]


def check(paths: list[Path]) -> None:
    """``twine check --strict``: the metadata and README render as PyPI will render them."""
    _run([sys.executable, "-m", "twine", "check", "--strict", *map(str, paths)], "twine check")


def upload(paths: list[Path], repository_url: str | None) -> None:
    """``twine upload --non-interactive`` to ``repository_url`` (twine's default: PyPI)."""
    command = [sys.executable, "-m", "twine", "--no-color", "upload", "--non-interactive"]
    if repository_url:
        command += ["--repository-url", repository_url]
    _run(command + [str(path) for path in paths], "twine upload")


def download_wheel(requirement: str, destination: Path) -> Path:
    """The wheel of ``requirement`` (``name==version``), fetched into ``destination`` by pip.

    ``pip download --no-deps --only-binary :all:``, run by this interpreter so pip's own
    configuration (``pip.conf``, ``PIP_INDEX_URL``, ``PIP_FIND_LINKS``, ...) chooses the index.
    """
    destination.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:"]
    command += ["--disable-pip-version-check", "--quiet", "--dest", str(destination), requirement]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    wheels = sorted(destination.glob("*.whl"))
    if result.returncode != 0 or len(wheels) != 1:
        lines = [line.strip() for line in result.stderr.strip().splitlines() if line.strip()]
        reason = _scrub(lines[-1].removeprefix("ERROR: ")) if lines else "pip found no wheel"
        raise PackageIndexError(f"pip download {requirement} failed: {reason}")
    return wheels[0]


def files_on_index(
    simple_url: str, project: str, version: str, *, timeout: float = TIMEOUT_SECONDS
) -> dict[str, str | None]:
    """The files of ``project`` ``version`` on the index, each with its SHA-256 if listed.

    Reads the PEP 503 page ``<simple_url>/<name>/``; a missing project is an empty result.
    """
    url = urljoin(simple_url.rstrip("/") + "/", f"{canonicalize_name(project)}/")
    request = urllib.request.Request(url, headers={"Accept": "text/html"})
    try:
        with network.open_url(request, timeout=timeout) as response:
            page = response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return {}
        answer = network.describe_failure(error, url)
        raise PackageIndexError(f"the index answered {answer} for {_safe(url)}") from None
    except OSError as error:
        problem = network.describe_failure(error, url)
        raise PackageIndexError(f"cannot read the index at {_safe(url)}: {problem}") from None
    except ValueError as error:
        raise PackageIndexError(f"cannot read the index at {_safe(url)}: {error}") from None
    wanted = canonicalize_version(version)
    return {name: sha256 for name, sha256 in _links(page) if _version_of(name) == wanted}


def credentials_problem(repository_url: str | None) -> str | None:
    """Why twine would have no credentials for ``repository_url``, or None if it has some."""
    if os.environ.get("TWINE_PASSWORD"):
        return None
    if os.environ.get("GITHUB_ACTIONS") == "true" and os.environ.get(
        "ACTIONS_ID_TOKEN_REQUEST_URL"
    ):
        return None  # twine exchanges the workflow's OIDC token (Trusted Publishing)
    url = repository_url or PYPI_UPLOAD_URL
    if _pypirc_has_password(url) or _keyring_has_password(url):
        return None
    return (
        f"no credentials for {_safe(url)}: set TWINE_USERNAME=__token__ and TWINE_PASSWORD to an "
        "API token, store one with keyring, or publish from GitHub Actions with Trusted "
        "Publishing (--no-pypi here)"
    )


def _pypirc_has_password(url: str) -> bool:
    config = configparser.RawConfigParser()
    config.read(Path.home() / ".pypirc")
    for section in config.sections():
        repository = config.get(section, "repository", fallback=PYPI_UPLOAD_URL)
        same = repository.rstrip("/") == url.rstrip("/")
        if same and config.get(section, "password", fallback=""):
            return True
    return False


def _keyring_has_password(url: str) -> bool:
    try:
        import keyring

        username = os.environ.get("TWINE_USERNAME", "__token__")
        return bool(keyring.get_password(url, username))
    except Exception:  # noqa: BLE001 - no keyring backend is only "no stored password"
        return False


class _AnchorParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.hrefs.append((self._href, "".join(self._text).strip()))
            self._href = None


def _links(page: str) -> list[tuple[str, str | None]]:
    """(file name, SHA-256 or None) of each file link on a simple-API page."""
    parser = _AnchorParser()
    parser.feed(page)
    links = []
    for href, text in parser.hrefs:
        path, _, fragment = href.partition("#")
        name = text or urlsplit(path).path.rsplit("/", 1)[-1]
        found = SHA256_FRAGMENT.search(fragment)
        links.append((name, found[1] if found else None))
    return links


def _version_of(file_name: str) -> str | None:
    try:
        if file_name.endswith(".whl"):
            return canonicalize_version(parse_wheel_filename(file_name)[1])
        return canonicalize_version(parse_sdist_filename(file_name)[1])
    except (InvalidSdistFilename, InvalidWheelFilename):
        return None


def _run(command: list[str], what: str) -> None:
    # twine reads the proxy variables itself; it trusts the CA certificates we trust.
    env = {**os.environ, **tool_environment()}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()
        last = _scrub("\n".join(output[-15:]))
        raise PackageIndexError(f"{what} failed:\n{last}" if last else f"{what} failed")


def _scrub(text: str) -> str:
    for variable in SECRET_VARIABLES:
        secret = os.environ.get(variable, "")
        if len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def _safe(url: str) -> str:
    """``url`` without any user:password part."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
