"""Proxies and CA certificates: the rules (``network``), then real requests through a real
forward proxy (proxy.py) to the GitHub emulator over TLS signed by a CA of the tests' own."""

from __future__ import annotations

import base64
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ml_publish.errors import UsageError
from ml_publish.github import GitHubClient, GitHubError
from ml_publish.index import files_on_index
from ml_publish.sandbox.github_emulator import GitHubEmulator
from ml_publish.sandbox.package_index import PackageIndex
from ml_publish.transport import network
from ml_publish.transport.child_environment import tool_environment
from ml_publish.transport.session import RetryPolicy
from tests.support.processes import run
from tests.support.proxies import PASSWORD, ForwardProxy, forward_proxy, without_proxies
from tests.support.tls import LocalCA, local_ca, trust_only
from tests.support.weights_projects import REPOSITORY, project_with_weights, use_emulator


@pytest.fixture(autouse=True)
def hermetic(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy from the machine running the tests."""
    without_proxies(monkeypatch)


@pytest.mark.parametrize(
    ("environment", "url", "expected"),
    [
        ({"HTTPS_PROXY": "http://proxy:3128"}, "https://api.github.com/", "proxy:3128 HTTPS_PROXY"),
        ({"https_proxy": "lo:1", "HTTPS_PROXY": "http://up:2"}, "https://h", "lo:1 https_proxy"),
        ({"HTTP_PROXY": "http://proxy:3128"}, "https://api.github.com/", None),
        ({"HTTP_PROXY": "http://proxy:3128"}, "http://127.0.0.1:9/x", "proxy:3128 HTTP_PROXY"),
        ({"ALL_PROXY": "http://every:8080"}, "https://github.com/", "every:8080 ALL_PROXY"),
        ({"all_proxy": "every:8080"}, "http://h/", "every:8080 all_proxy"),
        ({"HTTPS_PROXY": "http://p:1", "ALL_PROXY": "http://q:2"}, "https://h/", "p:1 HTTPS_PROXY"),
        ({"HTTPS_PROXY": "http://p", "NO_PROXY": "github.com"}, "https://api.github.com/", None),
        ({"HTTPS_PROXY": "http://p", "no_proxy": ".github.com"}, "https://a.github.com/", None),
        ({"HTTPS_PROXY": "http://p", "NO_PROXY": "*"}, "https://pypi.org/", None),
        ({"HTTPS_PROXY": "p", "NO_PROXY": "github.com"}, "https://pypi.org", "p:80 HTTPS_PROXY"),
        ({"HTTP_PROXY": "http://p:1", "NO_PROXY": "127.0.0.1:9"}, "http://127.0.0.1:9/", None),
        ({"HTTP_PROXY": "p:1", "NO_PROXY": "127.0.0.1:9"}, "http://127.0.0.1:8", "p:1 HTTP_PROXY"),
    ],
)  # fmt: skip
def test_the_proxy_is_chosen_by_the_standard_librarys_rules(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], url: str, expected: str | None
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    proxy = network.proxy_for(url)

    assert (None if proxy is None else f"{proxy.address} {proxy.variable}") == expected


def test_proxy_credentials_are_sent_unquoted_and_never_shown() -> None:
    proxy = network.parse_proxy("http://ann%40lab:p%3Aw%2Fd@proxy.lab:3128", "HTTPS_PROXY")

    sent = base64.b64decode(proxy.headers["Proxy-Authorization"].removeprefix("Basic "))
    assert sent == b"ann@lab:p:w/d"
    shown = f"{proxy} {proxy!r}"
    assert shown == (
        "the proxy http://proxy.lab:3128 (from HTTPS_PROXY) "
        "Proxy('proxy.lab:3128', variable='HTTPS_PROXY')"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("socks5://proxy:1080", "names a socks5:// proxy; ml-publish speaks to proxies in plain"),
        ("https://proxy:443", "names a https:// proxy"),
        ("http://:3128", "is not a proxy URL like http://host:port"),
        ("http://proxy:port", "is not a proxy URL like http://host:port"),
    ],
)  # fmt: skip
def test_a_proxy_that_cannot_be_used_is_a_one_line_usage_error(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", value)

    with pytest.raises(UsageError) as raised:
        network.proxy_for("https://api.github.com/")

    assert message in str(raised.value) and "\n" not in str(raised.value)
    assert str(raised.value).startswith("HTTPS_PROXY ")


def test_ca_variables_that_name_nothing_or_no_certificates_are_usage_errors(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("not a certificate\n")
    trust_only(monkeypatch, tmp_path / "missing.pem")
    with pytest.raises(UsageError, match=r"^SSL_CERT_FILE names .*missing.pem, which does not"):
        network.tls_context()
    monkeypatch.setenv("SSL_CERT_FILE", str(not_pem))
    with pytest.raises(UsageError, match=r"cannot read CA certificates from .*ca.pem"):
        network.tls_context()


def test_twine_is_given_the_ca_certificates_named_for_openssl(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    trust_only(monkeypatch, tmp_path / "ca.pem")
    assert tool_environment() == {"REQUESTS_CA_BUNDLE": str(tmp_path / "ca.pem")}
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/its/own.pem")
    assert tool_environment() == {}


@pytest.fixture
def ca(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LocalCA:
    """A CA of the tests' own, the only one this process and its children trust."""
    authority = local_ca(tmp_path)
    trust_only(monkeypatch, authority.certificate)
    return authority


@pytest.fixture
def tls_gh(ca: LocalCA) -> Iterator[GitHubEmulator]:
    """The GitHub emulator, every host over HTTPS with a certificate ``ca`` signed."""
    with GitHubEmulator(tls=ca.server) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def running_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ForwardProxy]:
    with forward_proxy(tmp_path_factory.mktemp("proxy")) as running:
        yield running


@pytest.fixture
def proxy(running_proxy: ForwardProxy) -> ForwardProxy:
    """The forward proxy, its log as this test finds it."""
    return running_proxy.from_now()


def cli(*words: str | Path) -> tuple[int, str, str]:
    result = run([sys.executable, "-m", "ml_publish", *words], expect_success=False)
    return result.returncode, result.stdout, result.stderr


def test_uploads_downloads_and_api_calls_go_through_the_proxy_in_tunnels(
    tls_gh: GitHubEmulator,
    proxy: ForwardProxy,
    rendered_project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_emulator(monkeypatch, tls_gh)
    project = project_with_weights(rendered_project, tmp_path, {"unet": os.urandom(300_000)})
    monkeypatch.setenv("HTTPS_PROXY", proxy.url())
    upload: list[str | Path] = ["weights", "-C", project.root, "upload", "--repo", REPOSITORY]

    uploaded = cli(*upload, "--publish", "--api-url", tls_gh.api_url)
    verified = cli("weights", "-C", project.root, "verify", "--download")

    assert uploaded == (0, "published: unet\n", "")
    assert verified == (0, "", "")
    hosts = {role: url.removeprefix("https://") for role, url in hosts_of(tls_gh).items()}
    tunnels = set(proxy.requests())
    assert {f"CONNECT {hosts[role]}" for role in ("api", "uploads", "downloads")} <= tunnels
    assert {r.host for r in tls_gh.requests} == {"api", "uploads", "downloads"}
    assert PASSWORD not in "".join(uploaded[1:] + verified[1:])


def hosts_of(gh: GitHubEmulator) -> dict[str, str]:
    return {"api": gh.api_url, "uploads": gh.uploads_url, "downloads": gh.server_url}


def test_no_proxy_sends_requests_past_the_proxy(
    tls_gh: GitHubEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Nothing listens there: any request through it would fail.
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    weights = tmp_path / "w.bin"
    weights.write_bytes(os.urandom(70_000))

    with GitHubClient(REPOSITORY, api_url=tls_gh.api_url, token=tls_gh.token) as client:
        release = client.create_release("v1.0.0")
        asset = client.upload_asset(release.upload_url, weights, "w.bin")

    assert (asset.state, asset.size) == ("uploaded", 70_000)


@pytest.mark.parametrize(
    ("password", "advice"),
    [
        ("wrong", "check the user name and password in HTTPS_PROXY"),
        (None, "it wants a user name and password: set HTTPS_PROXY to http://USER:PASSWORD@"),
    ],
)
def test_a_proxy_that_refuses_ends_the_command_in_one_line_at_once(
    tls_gh: GitHubEmulator,
    proxy: ForwardProxy,
    rendered_project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    password: str | None,
    advice: str,
) -> None:
    use_emulator(monkeypatch, tls_gh)
    project = project_with_weights(rendered_project, tmp_path, {"unet": os.urandom(3000)})
    address = f"http://127.0.0.1:{proxy.port}"
    monkeypatch.setenv("HTTPS_PROXY", proxy.url(password=password) if password else address)

    code, out, err = cli(
        "weights", "-C", project.root, "upload", "--repo", REPOSITORY, "--api-url", tls_gh.api_url
    )

    assert (code, out) == (1, "")
    (line,) = err.splitlines()
    assert line.startswith(
        f"ml-publish: error: the proxy {address} (from HTTPS_PROXY) refused to connect to "
        f"{tls_gh.api_url.removeprefix('https://')}: 407 Proxy Authentication Required; {advice}"
    )
    assert password is None or password not in err
    assert tls_gh.requests == []
    assert len(proxy.refusals()) == 1  # refused once, not retried: the log is complete


def test_plain_http_asks_the_proxy_for_the_whole_url_and_uploads_zero_copy(
    gh: GitHubEmulator, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url())
    weights = tmp_path / "w.bin"
    weights.write_bytes(os.urandom(2_000_000))
    sent: list[int] = []

    with GitHubClient(REPOSITORY, api_url=gh.api_url, token=gh.token) as client:
        release = client.create_release("v1.0.0")
        asset = client.upload_asset(release.upload_url, weights, "w.bin", on_progress=sent.append)

    assert (asset.state, asset.size, sent) == ("uploaded", 2_000_000, [2_000_000])  # one sendfile
    uploads = gh.uploads_url.removeprefix("http://")
    api = gh.api_url.removeprefix("http://")
    logged = set(proxy.requests())
    assert {
        f"POST {uploads}/repos/{REPOSITORY}/releases/{release.id}/assets?name=w.bin",
        f"POST {api}/repos/{REPOSITORY}/releases",
    } <= logged
    assert {r.headers.get("proxy-authorization") for r in gh.requests} == {None}


def test_the_index_is_read_through_the_proxy(
    proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    with PackageIndex() as index:
        monkeypatch.setenv("HTTP_PROXY", proxy.url())
        assert files_on_index(index.simple_url, "leaf-counter", "0.1.0") == {}
        simple = index.simple_url.removeprefix("http://").rstrip("/")
    assert f"GET {simple}/leaf-counter/" in proxy.requests()


def test_a_server_certificate_from_an_untrusted_ca_is_one_line_not_retried(
    tls_gh: GitHubEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    trust_only(monkeypatch, local_ca(other).certificate)
    sleeps: list[float] = []
    retry = RetryPolicy(sleep=sleeps.append)

    with GitHubClient(REPOSITORY, api_url=tls_gh.api_url, token="t", retry=retry) as client:
        with pytest.raises(GitHubError) as raised:
            client.list_releases()

    message = str(raised.value)
    assert message.startswith(
        f"the certificate {tls_gh.api_url.removeprefix('https://')} showed is not trusted here ("
    )
    assert "point SSL_CERT_FILE (or REQUESTS_CA_BUNDLE) at its CA certificate" in message
    assert sleeps == []
