"""The GitHub emulator, held to GitHub's OpenAPI description and to recorded real sessions."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import Message
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ml_publish.sandbox.github_handler import GitHubRequestHandler
from tests.support.github_faults import GitHubEmulatorWithFaults
from tests.support.workflow_runs import rerun_workflow_run, start_workflow_run, update_workflow_run

DATA = Path(__file__).parents[1] / "data" / "github"
SPEC_URI = "urn:github:releases-openapi"
OWNER, REPO = "octo-org", "weights"
# Fields that differ between any two sessions, real or emulated, so replays cannot compare them.
VOLATILE_FIELDS = {
    "id",
    "node_id",
    "created_at",
    "updated_at",
    "published_at",
    "author",
    "uploader",
    "download_count",
    "target_commitish",
    "request_id",
}


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Message
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    method: str,
    url: str,
    *,
    json_body: object = None,
    data: bytes | Iterable[bytes] | None = None,
    token: str | None = "test-token",
    headers: dict[str, str] | None = None,
) -> Reply:
    """One real HTTP request; error statuses come back as replies, not exceptions."""
    all_headers = {"Accept": "application/vnd.github+json"}
    if token is not None:
        all_headers["Authorization"] = f"Bearer {token}"
    if json_body is not None:
        data = json.dumps(json_body).encode()
        all_headers["Content-Type"] = "application/json; charset=utf-8"
    request = urllib.request.Request(
        url, data=data, method=method, headers=all_headers | (headers or {})
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Reply(error.code, error.headers, error.read())


@dataclass(frozen=True)
class Client:
    """Requests against one emulated repository, the way an uploader would make them."""

    gh: GitHubEmulatorWithFaults
    owner: str = OWNER
    repo: str = REPO

    def api(self, method: str, path: str, json_body: object = None) -> Reply:
        url = f"{self.gh.api_url}/repos/{self.owner}/{self.repo}{path}"
        return call(method, url, json_body=json_body)

    def create_release(self, tag: str = "v1.0.0", **fields: object) -> Any:
        reply = self.api("POST", "/releases", {"tag_name": tag, **fields})
        assert reply.status == 201, reply.body
        return reply.json()

    def upload(
        self,
        release: Any,
        name: str,
        data: bytes,
        label: str | None = None,
        content_type: str = "application/octet-stream",
    ) -> Reply:
        query = {"name": name} | ({"label": label} if label is not None else {})
        url = release["upload_url"].removesuffix("{?name,label}") + "?" + urlencode(query)
        return call("POST", url, data=data, headers={"Content-Type": content_type})

    def assets(self, release: Any) -> list[tuple[str, str, int, str | None]]:
        reply = self.api("GET", f"/releases/{release['id']}/assets")
        return [(a["name"], a["state"], a["size"], a["digest"]) for a in reply.json()]


@pytest.fixture
def client(gh: GitHubEmulatorWithFaults) -> Client:
    return Client(gh)


def _openapi_to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable: true`` as JSON Schema, which otherwise rejects every null."""
    if isinstance(node, list):
        return [_openapi_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _openapi_to_json_schema(value) for key, value in node.items()}
    if converted.pop("nullable", False) is True:
        if "type" in converted:
            converted["type"] = [converted["type"], "null"]
        else:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


@cache
def _spec() -> dict[str, Any]:
    spec: dict[str, Any] = _openapi_to_json_schema(
        json.loads((DATA / "releases-openapi.json").read_text(encoding="utf-8"))
    )
    return spec


@cache
def _registry() -> Registry[Any]:
    resource = Resource.from_contents(_spec(), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
    return registry


def _is_absolute_uri(value: object) -> bool:
    return not isinstance(value, str) or bool(urlsplit(value).scheme and urlsplit(value).netloc)


def _is_github_timestamp(value: object) -> bool:
    pattern = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"
    return not isinstance(value, str) or re.fullmatch(pattern, value) is not None


# jsonschema checks "uri" and "date-time" only with optional packages; these are enough here.
FORMATS = FormatChecker()
FORMATS.checks("uri")(_is_absolute_uri)
FORMATS.checks("date-time")(_is_github_timestamp)


def schema_errors(instance: Any, pointer: str) -> list[str]:
    """Where ``instance`` breaks the schema at ``pointer`` in the spec, one line per error."""
    schema = {"$ref": f"{SPEC_URI}#{pointer}"}
    validator = Draft202012Validator(schema, registry=_registry(), format_checker=FORMATS)
    return [
        f"/{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


def _operation_pointer(method: str, path: str) -> str:
    """The spec's operation for a request: the matching path template with fewest parameters."""
    matches = [
        (template.count("{"), template)
        for template, operations in _spec()["paths"].items()
        if method.lower() in operations
        and re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path)
    ]
    assert matches, f"the spec has no operation for {method} {path}"
    template = min(matches)[1].replace("~", "~0").replace("/", "~1")
    return f"/paths/{template}/{method.lower()}"


def assert_matches_spec(method: str, url: str, reply: Reply) -> None:
    """Check the status is one the operation documents and the body fits its schema."""
    operation = _operation_pointer(method, urlsplit(url).path)
    resolver = _registry().resolver()
    responses = resolver.lookup(f"{SPEC_URI}#{operation}/responses").contents
    assert str(reply.status) in responses, f"{operation} does not document {reply.status}"
    response = f"{operation}/responses/{reply.status}"
    reference = responses[str(reply.status)].get("$ref")
    if reference is not None:
        response = reference.removeprefix("#")
    content = resolver.lookup(f"{SPEC_URI}#{response}").contents.get("content", {})
    if "application/json" not in content:
        assert reply.status != 204 or reply.body == b""
        return
    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"
    assert schema_errors(reply.json(), f"{response}/content/application~1json/schema") == []


def checked(method: str, url: str, expect: int, **kwargs: Any) -> Reply:
    reply = call(method, url, **kwargs)
    assert reply.status == expect, reply.body
    assert_matches_spec(method, url, reply)
    return reply


def test_every_endpoint_answers_as_the_openapi_spec_describes(gh: GitHubEmulatorWithFaults) -> None:
    releases = f"{gh.api_url}/repos/{OWNER}/{REPO}/releases"
    fields = {"tag_name": "v1.0.0", "name": "One", "body": "Notes", "draft": True}
    draft = checked("POST", releases, 201, json_body=fields).json()
    one = f"{releases}/{draft['id']}"
    upload = draft["upload_url"].removesuffix("{?name,label}") + "?name=model.pt&label=Weights"
    asset = checked("POST", upload, 201, data=b"weights").json()
    checked("POST", upload, 422, data=b"weights")
    asset_url = f"{releases}/assets/{asset['id']}"
    checked("GET", releases, 200)
    checked("GET", one, 200)
    checked("GET", f"{one}/assets", 200)
    checked("GET", asset_url, 200)
    checked("PATCH", asset_url, 200, json_body={"name": "model-v1.pt", "label": "Weights v1"})
    checked("GET", f"{releases}/tags/v1.0.0", 404)
    checked("PATCH", one, 200, json_body={"draft": False})
    checked("GET", f"{releases}/tags/v1.0.0", 200)
    checked("POST", releases, 422, json_body={"tag_name": "v1.0.0"})
    checked("DELETE", asset_url, 204)
    checked("DELETE", one, 204)


def _comparable(value: Any, gh: GitHubEmulatorWithFaults) -> Any:
    """``value`` with volatile fields dropped and emulator URLs written as GitHub's."""
    if isinstance(value, dict):
        return {k: _comparable(v, gh) for k, v in value.items() if k not in VOLATILE_FIELDS}
    if isinstance(value, list):
        return [_comparable(item, gh) for item in value]
    if isinstance(value, str):
        value = value.replace(gh.api_url, "https://api.github.com")
        value = value.replace(gh.uploads_url, "https://uploads.github.com")
        value = value.replace(gh.server_url, "https://github.com")
        return re.sub(r"/(releases|assets)/\d+", r"/\1/1000", value)
    return value


def _missing_keys(recorded: Any, actual: Any, where: str = "") -> list[str]:
    if isinstance(recorded, dict) and isinstance(actual, dict):
        return [
            missing
            for key in recorded
            for missing in (
                _missing_keys(recorded[key], actual[key], f"{where}/{key}")
                if key in actual
                else [f"{where}/{key}"]
            )
        ]
    if isinstance(recorded, list) and isinstance(actual, list):
        assert len(recorded) == len(actual), where
        return [m for r, a in zip(recorded, actual) for m in _missing_keys(r, a, where + "/*")]
    return []


def _restricted_to(actual: Any, recorded: Any) -> Any:
    if isinstance(recorded, dict):
        return {key: _restricted_to(actual[key], recorded[key]) for key in recorded}
    if isinstance(recorded, list):
        return [_restricted_to(a, r) for a, r in zip(actual, recorded)]
    return actual


@pytest.mark.parametrize("recording", ["release-assets", "release-assets-conflict"])
def test_replayed_real_sessions_get_the_recorded_statuses_keys_and_values(
    gh: GitHubEmulatorWithFaults, recording: str
) -> None:
    entries = json.loads((DATA / f"{recording}.recorded.json").read_text(encoding="utf-8"))
    client = Client(gh, *entries[0]["path"].split("/")[2:4])
    seed = entries[0]["response"]
    release = client.create_release(seed["tag_name"], name=seed["name"], body=seed["body"])
    asset_id = None
    for index, entry in enumerate(entries):
        if recording == "release-assets-conflict" and index == 1:
            # The recorded release shows no assets, yet the upload right after it conflicts:
            # the asset arrived in between, so it is attached here, at the same point.
            data = b"Hello, world!\n"
            attached = client.upload(release, "test-upload.txt", data, "test", "text/plain")
            assert attached.status == 201
        path = entry["path"].replace("/releases/assets/1000", f"/releases/assets/{asset_id}")
        path = path.replace("/releases/1000", f"/releases/{release['id']}")
        origin = gh.uploads_url if "uploads." in entry["scope"] else gh.api_url
        body, content_type = entry["body"], entry["reqheaders"].get("content-type", "")
        reply = call(
            entry["method"].upper(),
            origin + path,
            json_body=body if isinstance(body, dict) else None,
            data=body.encode() if isinstance(body, str) and body else None,
            headers={"Content-Type": content_type} if isinstance(body, str) and body else None,
        )

        assert reply.status == entry["status"], (entry["method"], path, reply.body)
        if entry["response"] == "":
            assert reply.body == b""
            continue
        actual = reply.json()
        assert _missing_keys(entry["response"], actual) == []
        expected = _comparable(entry["response"], gh)
        assert _restricted_to(_comparable(actual, gh), expected) == expected
        listed = actual if isinstance(actual, list) else [actual]
        asset_id = next((a["id"] for a in listed if "browser_download_url" in a), asset_id)


def test_release_and_asset_json_also_carry_the_fields_newer_than_the_recordings(
    client: Client,
) -> None:
    recorded = json.loads((DATA / "release-assets.recorded.json").read_text(encoding="utf-8"))
    release = client.create_release()
    asset = client.upload(release, "model.pt", b"weights").json()
    release = client.api("GET", f"/releases/{release['id']}").json()

    assert release.keys() >= recorded[0]["response"].keys() | {"immutable", "updated_at"}
    assert asset.keys() >= recorded[1]["response"].keys() | {"digest"}
    assert release["assets"] == [asset]


def test_drafts_are_not_found_by_tag_and_use_untagged_urls_until_published(
    client: Client, gh: GitHubEmulatorWithFaults
) -> None:
    draft = client.create_release("v2.0.0", draft=True)
    asset = client.upload(draft, "model.pt", b"weights").json()
    repository = f"{gh.server_url}/{OWNER}/{REPO}/releases"
    page = re.fullmatch(rf"{repository}/tag/(untagged-[0-9a-f]{{20}})", draft["html_url"])

    assert page is not None
    assert asset["browser_download_url"] == f"{repository}/download/{page[1]}/model.pt"
    assert (draft["published_at"], draft["tarball_url"], draft["zipball_url"]) == (None,) * 3
    assert client.api("GET", "/releases/tags/v2.0.0").status == 404
    assert call("GET", asset["browser_download_url"], token=None).status == 404

    published = client.api("PATCH", f"/releases/{draft['id']}", {"draft": False}).json()

    assert published["html_url"] == f"{repository}/tag/v2.0.0"
    assert (
        published["assets"][0]["browser_download_url"] == f"{repository}/download/v2.0.0/model.pt"
    )
    assert published["published_at"] is not None
    assert published["tarball_url"] == f"{gh.api_url}/repos/{OWNER}/{REPO}/tarball/v2.0.0"
    assert client.api("GET", "/releases/tags/v2.0.0").json()["id"] == draft["id"]


def test_a_tag_takes_one_published_release_but_any_number_of_drafts(client: Client) -> None:
    first = client.create_release("v1.0.0", draft=True)
    second = client.create_release("v1.0.0", draft=True)
    assert client.api("PATCH", f"/releases/{first['id']}", {"draft": False}).status == 200

    publish_second = client.api("PATCH", f"/releases/{second['id']}", {"draft": False})
    create_third = client.api("POST", "/releases", {"tag_name": "v1.0.0"})

    assert publish_second.status == create_third.status == 422
    assert create_third.json() == {
        "message": "Validation Failed",
        "errors": [{"resource": "Release", "code": "already_exists", "field": "tag_name"}],
        "documentation_url": "https://docs.github.com/rest/releases/releases#create-a-release",
        "status": "422",
    }


def _links(reply: Reply) -> dict[str, str]:
    header = reply.headers.get("Link", "")
    return {relation: url for url, relation in re.findall(r'<([^>]+)>; rel="(\w+)"', header)}


def test_release_lists_page_with_githubs_link_headers(
    client: Client, gh: GitHubEmulatorWithFaults
) -> None:
    for number in range(7):
        client.create_release(f"v0.{number}")
    first_page = f"{gh.api_url}/repos/{OWNER}/{REPO}/releases?per_page=3"
    tags: list[str] = []
    links: list[dict[str, str]] = []
    next_page: str | None = first_page
    while next_page is not None:
        reply = call("GET", next_page)
        tags += [release["tag_name"] for release in reply.json()]
        links.append(_links(reply))
        next_page = links[-1].get("next")

    assert tags == [f"v0.{number}" for number in reversed(range(7))]
    page = first_page.replace("per_page=3", "per_page=3&page={}")
    assert links == [
        {"next": page.format(2), "last": page.format(3)},
        {"prev": page.format(1), "next": page.format(3), "last": page.format(3)}
        | {"first": page.format(1)},
        {"prev": page.format(2), "first": page.format(1)},
    ]
    assert "Link" not in call("GET", first_page.replace("per_page=3", "per_page=100")).headers


def test_asset_lists_page_like_release_lists(client: Client) -> None:
    release = client.create_release()
    for name in ("a.bin", "b.bin", "c.bin"):
        client.upload(release, name, b"x")

    pages = [
        client.api("GET", f"/releases/{release['id']}/assets?per_page=1&page={n}")
        for n in (1, 2, 3)
    ]

    assert [page.json()[0]["name"] for page in pages] == ["a.bin", "b.bin", "c.bin"]
    assert [sorted(_links(page)) for page in pages] == [
        ["last", "next"],
        ["first", "last", "next", "prev"],
        ["first", "prev"],
    ]


def test_uploading_a_taken_name_is_refused_exactly_as_recorded(client: Client) -> None:
    recorded = json.loads(
        (DATA / "release-assets-conflict.recorded.json").read_text(encoding="utf-8")
    )[1]["response"]
    release = client.create_release()
    assert client.upload(release, "test-upload.txt", b"first").status == 201

    refused = client.upload(release, "test-upload.txt", b"second")

    assert refused.status == 422
    body = refused.json()
    assert list(body) == list(recorded)
    assert {**body, "request_id": None} == {**recorded, "request_id": None}
    assert body["request_id"] == refused.headers["X-GitHub-Request-Id"]


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong-token", "test-token", "Basic dGVzdC10b2tlbg=="]
)
def test_requests_without_the_token_get_bad_credentials(
    gh: GitHubEmulatorWithFaults, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    upload = f"{gh.uploads_url}/repos/{OWNER}/{REPO}/releases/1000/assets?name=a.bin"
    replies = [
        call("GET", f"{gh.api_url}/repos/{OWNER}/{REPO}/releases", token=None, headers=headers),
        call("POST", upload, data=b"bytes", token=None, headers=headers),
    ]

    assert [reply.status for reply in replies] == [401, 401]
    for reply in replies:
        assert reply.json()["message"] == "Bad credentials"
        assert schema_errors(reply.json(), "/components/schemas/basic-error") == []


@pytest.mark.parametrize("scheme", ["Bearer", "token", "bearer"])
def test_both_of_githubs_token_schemes_are_accepted(
    gh: GitHubEmulatorWithFaults, scheme: str
) -> None:
    url = f"{gh.api_url}/repos/{OWNER}/{REPO}/releases"
    reply = call("GET", url, token=None, headers={"Authorization": f"{scheme} test-token"})
    assert reply.status == 200


def test_assets_over_the_size_limit_are_refused_before_anything_is_stored() -> None:
    with GitHubEmulatorWithFaults(max_asset_size=10) as gh:
        client = Client(gh)
        release = client.create_release()

        refused = client.upload(release, "big.bin", b"x" * 11)

        assert refused.status == 422
        assert refused.json()["errors"][0]["field"] == "size"
        assert "10 bytes" in refused.json()["errors"][0]["message"]
        assert schema_errors(refused.json(), "/components/schemas/validation-error") == []
        assert client.upload(release, "exact.bin", b"x" * 10).status == 201
        assert client.assets(release) == [("exact.bin", "uploaded", 10, _digest(b"x" * 10))]


def test_uploads_without_a_content_length_are_refused(client: Client) -> None:
    release = client.create_release()
    url = release["upload_url"].removesuffix("{?name,label}") + "?name=a.bin"

    # urllib sends an iterable body chunked, without a Content-Length.
    reply = call("POST", url, data=iter([b"chunk"]))

    assert reply.status == 411
    assert client.assets(release) == []


def _digest(data: bytes) -> str:
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


def test_downloads_serve_the_uploaded_bytes_and_the_digest_matches(
    client: Client, gh: GitHubEmulatorWithFaults
) -> None:
    payload = os.urandom(3 * 1024 * 1024 + 17)  # several of the emulator's 1 MiB chunks
    release = client.create_release()

    asset = client.upload(release, "model.pt", payload).json()
    download = call("GET", asset["browser_download_url"], token=None)

    assert (asset["state"], asset["size"], asset["digest"]) == (
        "uploaded",
        len(payload),
        _digest(payload),
    )
    assert download.status == 200
    assert download.headers["Content-Length"] == str(len(payload))
    assert download.body == payload
    assert client.api("GET", f"/releases/assets/{asset['id']}").json()["download_count"] == 1
    # The bytes live on disk, in the emulator's temporary directory.
    assert gh.state.asset(OWNER, REPO, asset["id"])[1].file.read_bytes() == payload


def test_downloads_answer_a_byte_range_with_206(client: Client) -> None:
    payload = os.urandom(2 * 1024 * 1024 + 5)
    url = client.upload(client.create_release(), "model.pt", payload).json()["browser_download_url"]

    first = call("GET", url, token=None, headers={"Range": "bytes=0-0"})
    middle = call("GET", url, token=None, headers={"Range": "bytes=1048570-1048580"})
    tail = call("GET", url, token=None, headers={"Range": "bytes=-5"})

    assert (first.status, first.body) == (206, payload[:1])
    assert first.headers["Content-Range"] == f"bytes 0-0/{len(payload)}"
    assert (middle.status, middle.body) == (206, payload[1048570:1048581])
    assert (tail.status, tail.body) == (206, payload[-5:])


# Cut part-way, and cut after the whole body: the client then cannot know the upload's fate.
@pytest.mark.parametrize("after_bytes", [4, 10, 1000])
def test_a_cut_upload_gets_no_answer_and_leaves_a_starter_asset(
    client: Client, gh: GitHubEmulatorWithFaults, after_bytes: int
) -> None:
    release = client.create_release(draft=True)
    gh.faults.cut_upload(after_bytes=after_bytes, name="model.pt")

    with pytest.raises((ConnectionError, urllib.error.URLError)):
        client.upload(release, "model.pt", b"0123456789")

    body_length = min(after_bytes, 10)
    assert [(r.host, r.body_length) for r in gh.requests[-1:]] == [("uploads", body_length)]
    assert client.assets(release) == [("model.pt", "starter", 0, None)]
    # As on GitHub, the starter keeps the name taken until someone deletes it.
    assert client.upload(release, "model.pt", b"0123456789").status == 422
    starter = client.api("GET", f"/releases/{release['id']}/assets").json()[0]
    assert client.api("DELETE", f"/releases/assets/{starter['id']}").status == 204
    assert client.upload(release, "model.pt", b"0123456789").status == 201
    assert gh.faults.queued == 0


def test_a_bad_gateway_upload_leaves_an_empty_starter_asset(
    client: Client, gh: GitHubEmulatorWithFaults
) -> None:
    release = client.create_release(draft=True)
    gh.faults.bad_gateway_upload()

    reply = client.upload(release, "model.pt", b"weights")

    assert reply.status == 502
    assert [r.body_length for r in gh.requests if r.host == "uploads"] == [7]
    assert client.assets(release) == [("model.pt", "starter", 0, None)]


@pytest.mark.parametrize("status", [429, 403])
def test_a_throttled_request_says_when_to_retry_and_the_retry_succeeds(
    client: Client, gh: GitHubEmulatorWithFaults, status: int
) -> None:
    gh.faults.throttle(retry_after=7, status=status, method="POST", path=r"/releases$")

    refused = client.api("POST", "/releases", {"tag_name": "v1.0.0"})

    assert refused.status == status
    assert refused.headers["Retry-After"] == "7"
    assert "secondary rate limit" in refused.json()["message"]
    assert gh.state.releases(OWNER, REPO) == []
    assert client.api("POST", "/releases", {"tag_name": "v1.0.0"}).status == 201


def test_a_throttled_upload_is_refused_before_it_claims_the_name(
    client: Client, gh: GitHubEmulatorWithFaults
) -> None:
    release = client.create_release(draft=True)
    gh.faults.throttle(retry_after=1, method="POST", path="/assets$")

    assert client.upload(release, "model.pt", b"weights").status == 429
    assert client.assets(release) == []
    assert client.upload(release, "model.pt", b"weights").status == 201


def test_an_exhausted_rate_limit_says_when_it_resets(
    client: Client, gh: GitHubEmulatorWithFaults
) -> None:
    reset = int(time.time()) + 120
    gh.faults.exhaust_rate_limit(reset_at=reset)

    refused = client.api("GET", "/releases")
    allowed = client.api("GET", "/releases")

    assert refused.status == 403
    assert (refused.headers["x-ratelimit-remaining"], refused.headers["x-ratelimit-reset"]) == (
        "0",
        str(reset),
    )
    assert "rate limit exceeded" in refused.json()["message"]
    assert allowed.status == 200
    assert int(allowed.headers["x-ratelimit-remaining"]) > 0


# The keys of a run in GitHub's REST reference, "List workflow runs for a repository"
# (docs.github.com/rest/actions/workflow-runs), in its example's order; the recorded sessions in
# tests/data/github cover releases only.
DOCUMENTED_RUN_KEYS = [
    "id", "name", "node_id", "check_suite_id", "check_suite_node_id", "head_branch", "head_sha",
    "path", "run_number", "event", "display_title", "status", "conclusion", "workflow_id", "url",
    "html_url", "pull_requests", "created_at", "updated_at", "actor", "run_attempt",
    "run_started_at", "triggering_actor", "jobs_url", "logs_url", "check_suite_url",
    "artifacts_url", "cancel_url", "rerun_url", "workflow_url", "head_commit", "repository",
    "head_repository",
]  # fmt: skip
# What no client here reads, so the emulator leaves it out: check suites, nested objects.
UNRENDERED_RUN_KEYS = {
    "check_suite_id",
    "check_suite_node_id",
    "check_suite_url",
    "head_commit",
    "repository",
    "head_repository",
}


def runs(gh: GitHubEmulatorWithFaults, query: str = "") -> Reply:
    return call("GET", f"{gh.api_url}/repos/{OWNER}/{REPO}/actions/runs{query}")


def test_workflow_runs_are_listed_in_the_shape_githubs_reference_documents(
    gh: GitHubEmulatorWithFaults,
) -> None:
    run = start_workflow_run(gh.state, OWNER, REPO, head_branch="v1.0.0", head_sha="c" * 40)

    reply = runs(gh)

    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"
    body = reply.json()
    assert list(body) == ["total_count", "workflow_runs"]
    (listed,) = body["workflow_runs"]
    assert list(listed) == [key for key in DOCUMENTED_RUN_KEYS if key not in UNRENDERED_RUN_KEYS]
    assert body["total_count"] == 1
    assert {key: listed[key] for key in ("id", "name", "path", "head_branch", "head_sha")} == {
        "id": run.id,
        "name": "Release",
        "path": ".github/workflows/release.yml",
        "head_branch": "v1.0.0",
        "head_sha": "c" * 40,
    }
    assert (listed["event"], listed["status"], listed["conclusion"]) == ("push", "queued", None)
    assert (listed["run_number"], listed["run_attempt"]) == (1, 1)
    assert listed["html_url"] == f"{gh.server_url}/{OWNER}/{REPO}/actions/runs/{run.id}"
    assert listed["url"] == f"{gh.api_url}/repos/{OWNER}/{REPO}/actions/runs/{run.id}"
    assert all(_is_github_timestamp(listed[key]) for key in ("created_at", "updated_at"))
    assert listed["actor"]["login"] == listed["triggering_actor"]["login"]


def test_workflow_runs_narrow_by_branch_event_and_status_and_page_newest_first(
    gh: GitHubEmulatorWithFaults,
) -> None:
    state = gh.state
    first = start_workflow_run(state, OWNER, REPO, head_branch="v1.0.0", head_sha="a" * 40)
    update_workflow_run(state, first, "completed", "failure")
    second = start_workflow_run(state, OWNER, REPO, head_branch="v1.0.1", head_sha="b" * 40)
    third = start_workflow_run(state, OWNER, REPO, head_branch="v1.0.1", head_sha="b" * 40)
    update_workflow_run(state, third, "in_progress")
    start_workflow_run(state, OWNER, "other", head_branch="v1.0.1", head_sha="b" * 40)
    start_workflow_run(
        state, OWNER, REPO, head_branch="v1.0.1", head_sha="b" * 40, event="workflow_dispatch"
    )

    def ids(query: str) -> list[int]:
        return [run["id"] for run in runs(gh, query).json()["workflow_runs"]]

    assert ids("?branch=v1.0.1&event=push") == [third.id, second.id]
    assert ids("?status=failure") == [first.id]
    assert ids("?status=in_progress&branch=v1.0.1") == [third.id]
    assert ids(f"?head_sha={'a' * 40}") == [first.id]
    paged = runs(gh, "?branch=v1.0.1&event=push&per_page=1")
    assert paged.json()["total_count"] == 2
    assert [run["id"] for run in paged.json()["workflow_runs"]] == [third.id]
    assert 'page=2>; rel="next"' in paged.headers["Link"]
    assert [run.run_number for run in (first, second, third)] == [1, 2, 3]


def test_a_rerun_is_the_same_run_at_its_next_attempt(gh: GitHubEmulatorWithFaults) -> None:
    run = start_workflow_run(gh.state, OWNER, REPO, head_branch="v1.0.0", head_sha="a" * 40)
    update_workflow_run(gh.state, run, "completed", "cancelled")

    rerun_workflow_run(gh.state, run)

    (listed,) = runs(gh).json()["workflow_runs"]
    assert (listed["id"], listed["run_attempt"]) == (run.id, 2)
    assert (listed["status"], listed["conclusion"]) == ("queued", None)
    with pytest.raises(ValueError, match="conclusion"):
        update_workflow_run(gh.state, run, "completed")
    with pytest.raises(ValueError, match="conclusion"):
        update_workflow_run(gh.state, run, "in_progress", "success")


def test_server_errors_and_hang_ups_hit_the_api_until_used_up(gh: GitHubEmulatorWithFaults) -> None:
    gh.faults.server_error(503, method="GET", path="/actions/runs$")
    gh.faults.hang_up(method="GET", path="/actions/runs$")

    failed = runs(gh)
    with pytest.raises((http.client.RemoteDisconnected, urllib.error.URLError)):
        runs(gh)
    served = runs(gh)

    assert failed.status == 503
    assert failed.json()["message"] == "Service Unavailable"
    assert served.status == 200
    assert [request.path.endswith("/actions/runs") for request in gh.requests] == [True] * 3
    with pytest.raises(ValueError, match="5xx"):
        gh.faults.server_error(404)


def test_a_delayed_request_is_answered_late_and_only_once(
    client: Client, gh: GitHubEmulatorWithFaults
) -> None:
    gh.faults.delay(0.3, method="GET", times=1)

    started = time.monotonic()
    assert client.api("GET", "/releases").status == 200
    assert time.monotonic() - started >= 0.3
    assert gh.faults.queued == 0


def test_every_request_is_recorded_with_its_headers_and_body_length(
    client: Client, gh: GitHubEmulatorWithFaults
) -> None:
    release = client.create_release()
    client.upload(release, "model.pt", b"12345", label="Weights")
    call("GET", f"{gh.api_url}/repos/{OWNER}/{REPO}/releases?per_page=5", token=None)

    create, upload, listing = gh.requests

    assert (create.host, create.method, create.path) == (
        "api",
        "POST",
        f"/repos/{OWNER}/{REPO}/releases",
    )
    assert create.body_length == int(create.headers["content-length"]) > 0
    assert (upload.host, upload.query, upload.body_length) == (
        "uploads",
        {"name": ["model.pt"], "label": ["Weights"]},
        5,
    )
    assert upload.headers["authorization"] == "Bearer test-token"
    assert (listing.query, "authorization" in listing.headers) == ({"per_page": ["5"]}, False)


def test_immutable_releases_refuse_asset_changes_once_published() -> None:
    with GitHubEmulatorWithFaults(immutable_releases=True) as gh:
        client = Client(gh)
        draft = client.create_release("v1.0.0", draft=True)
        asset = client.upload(draft, "model.pt", b"weights").json()

        published = client.api("PATCH", f"/releases/{draft['id']}", {"draft": False}).json()
        late_upload = client.upload(published, "late.txt", b"late")

        assert (draft["immutable"], published["immutable"]) == (False, True)
        assert late_upload.status == 422
        assert late_upload.json()["message"] == "Cannot upload assets to an immutable release."
        assert client.api("DELETE", f"/releases/assets/{asset['id']}").status == 422
        rename = client.api("PATCH", f"/releases/assets/{asset['id']}", {"name": "other.pt"})
        assert rename.status == 422
        assert client.assets(published) == [("model.pt", "uploaded", 7, _digest(b"weights"))]
        # Title and notes stay editable; the tag is spent even after the release is deleted.
        assert client.api("PATCH", f"/releases/{draft['id']}", {"body": "Notes"}).status == 200
        assert client.api("DELETE", f"/releases/{draft['id']}").status == 204
        reuse = client.api("POST", "/releases", {"tag_name": "v1.0.0"})
        assert reuse.status == 422
        assert reuse.json()["errors"][0]["message"] == "tag_name was used by an immutable release"


def test_without_immutable_releases_published_releases_take_new_assets(client: Client) -> None:
    published = client.create_release("v1.0.0")

    assert published["immutable"] is False
    assert client.upload(published, "late.txt", b"late").status == 201


def test_unknown_paths_and_bad_json_get_githubs_errors(
    client: Client, gh: GitHubEmulatorWithFaults
) -> None:
    unknown = call("GET", f"{gh.api_url}/repos/{OWNER}/{REPO}/nothing-here")
    bad_json = call(
        "POST", f"{gh.api_url}/repos/{OWNER}/{REPO}/releases", data=b"{", token="test-token"
    )

    assert (unknown.status, unknown.json()["message"]) == (404, "Not Found")
    assert (bad_json.status, bad_json.json()["message"]) == (400, "Problems parsing JSON")


def _port(url: str) -> int:
    port = urlsplit(url).port
    assert port is not None
    return port


def closed_promptly(gh: GitHubEmulatorWithFaults) -> bool:
    """Whether ``gh.close()`` returned within a minute: far more than it needs on any machine,
    far less than the hour the idle connections and held requests of these tests would hold a
    close that waited for them."""
    closing = threading.Thread(target=gh.close)
    closing.start()
    closing.join(timeout=60)
    return not closing.is_alive()


def test_leaving_the_context_stops_every_host_and_deletes_the_stored_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An idle keep-alive connection would hold its handler for an hour, if closing waited.
    monkeypatch.setattr(GitHubRequestHandler, "timeout", 3600)
    gh = GitHubEmulatorWithFaults().start()
    client = Client(gh)
    asset = client.upload(client.create_release(), "model.pt", b"weights").json()
    stored = gh.state.asset(OWNER, REPO, asset["id"])[1].file
    ports = [_port(url) for url in (gh.api_url, gh.uploads_url, gh.server_url)]
    # A keep-alive connection left open must not keep the emulator running.
    idle = http.client.HTTPConnection("127.0.0.1", ports[0], timeout=60)
    idle.request(
        "GET", f"/repos/{OWNER}/{REPO}/releases", headers={"Authorization": "token test-token"}
    )
    idle.getresponse().read()
    assert stored.exists()

    assert closed_promptly(gh)
    assert len(set(ports)) == 3
    for port in ports:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=60).close()
    assert idle.sock is not None and idle.sock.recv(1) == b""  # closed by the emulator
    idle.close()
    assert not stored.exists()


def test_closing_lets_a_held_request_go_and_does_not_wait_out_a_delay() -> None:
    outcomes: list[object] = []
    gh = GitHubEmulatorWithFaults().start()
    held = gh.faults.hold(method="GET", path="/releases$")
    gh.faults.delay(3600, method="GET", path="/assets$")
    releases = f"{gh.api_url}/repos/{OWNER}/{REPO}/releases"

    def request_in_background(url: str) -> None:
        try:
            outcomes.append(call("GET", url).status)
        except (OSError, http.client.HTTPException) as error:  # hung up, or an answer cut
            outcomes.append(error)

    background = [
        threading.Thread(target=request_in_background, args=(url,))
        for url in (releases, f"{releases}/1/assets")
    ]
    for thread in background:
        thread.start()
    assert held.reached.wait(timeout=60)
    deadline = time.monotonic() + 60
    while gh.faults.queued:  # until the delayed request's handler has taken its fault
        assert background[1].is_alive() and time.monotonic() < deadline
        background[1].join(timeout=0.05)

    assert closed_promptly(gh)
    for thread in background:
        thread.join(timeout=60)
    assert [thread.is_alive() for thread in background] == [False, False]
    assert len(outcomes) == 2
    # The delayed request, which closing cut short, is hung up on rather than answered.
    assert any(isinstance(outcome, ConnectionError) for outcome in outcomes), outcomes
