"""The REST operations: which method and path does what to the in-memory state (releases and
their assets; the list of Actions workflow runs).

Pure functions from a parsed request to a reply, and GitHub's pagination of lists;
``github_handler`` does the HTTP around them. Path parameters arrive already percent-decoded.
Part of the emulator that ``release --sandbox`` and ``demo`` run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from ml_publish.sandbox.github_errors import JsonObject
from ml_publish.sandbox.github_json import GitHubJson
from ml_publish.sandbox.github_state import GitHubState

Item = TypeVar("Item")
DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Page(Generic[Item]):
    """One page of a list endpoint: its items, its number and the number of the last page."""

    items: list[Item]
    number: int
    last: int


def paginate(items: Sequence[Item], query: Mapping[str, list[str]]) -> Page[Item]:
    """Cut ``items`` into the page that ``per_page`` and ``page`` ask for, as GitHub does."""
    per_page = min(_positive_int(query, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    number = _positive_int(query, "page", 1)
    start = (number - 1) * per_page
    return Page(list(items[start : start + per_page]), number, max(1, -(-len(items) // per_page)))


def link_header(url: str, query: Mapping[str, list[str]], page: Page[Any]) -> str | None:
    """GitHub's ``Link`` header for ``page``: prev, next, last and first, each where it applies."""
    relations: list[tuple[str, int]] = []
    if page.number > 1:
        relations.append(("prev", page.number - 1))
    if page.number < page.last:
        relations += [("next", page.number + 1), ("last", page.last)]
    if page.number > 1:
        relations.append(("first", 1))
    links = []
    for relation, number in relations:
        parameters = {key: values[-1] for key, values in query.items()} | {"page": str(number)}
        links.append(f'<{url}?{urlencode(parameters)}>; rel="{relation}"')
    return ", ".join(links) or None


def _positive_int(query: Mapping[str, list[str]], key: str, default: int) -> int:
    value = query.get(key, [""])[-1]
    return int(value) if value.isdigit() and int(value) > 0 else default


@dataclass(frozen=True)
class ApiCall:
    """What an API route needs from its request: the state and how GitHub renders it, path
    parameters, query and body."""

    state: GitHubState
    json: GitHubJson
    params: dict[str, str]
    query: dict[str, list[str]]
    payload: JsonObject
    url: str

    @property
    def repository(self) -> tuple[str, str]:
        return self.params["owner"], self.params["repo"]

    def number(self, name: str) -> int:
        return int(self.params[name])


@dataclass
class ApiReply:
    """What an API route answers: status, JSON body (none for 204) and extra headers."""

    status: int
    body: JsonObject | list[JsonObject] | None = None
    headers: dict[str, str] = field(default_factory=dict)


def _page(call: ApiCall, items: Sequence[Item], render: Callable[[Item], JsonObject]) -> ApiReply:
    page = paginate(items, call.query)
    link = link_header(call.url, call.query, page)
    return ApiReply(200, [render(item) for item in page.items], {"Link": link} if link else {})


def _list_releases(call: ApiCall) -> ApiReply:
    return _page(call, call.state.releases(*call.repository), call.json.release_json)


def _create_release(call: ApiCall) -> ApiReply:
    body = call.json.release_json(call.state.create_release(*call.repository, call.payload))
    return ApiReply(201, body, {"Location": body["url"]})


def _get_release_by_tag(call: ApiCall) -> ApiReply:
    release = call.state.release_by_tag(*call.repository, call.params["tag"])
    return ApiReply(200, call.json.release_json(release))


def _get_release(call: ApiCall) -> ApiReply:
    release = call.state.release(*call.repository, call.number("release_id"))
    return ApiReply(200, call.json.release_json(release))


def _update_release(call: ApiCall) -> ApiReply:
    release_id = call.number("release_id")
    release = call.state.update_release(*call.repository, release_id, call.payload)
    return ApiReply(200, call.json.release_json(release))


def _delete_release(call: ApiCall) -> ApiReply:
    call.state.delete_release(*call.repository, call.number("release_id"))
    return ApiReply(204)


def _list_assets(call: ApiCall) -> ApiReply:
    release = call.state.release(*call.repository, call.number("release_id"))
    return _page(call, list(release.assets), lambda asset: call.json.asset_json(release, asset))


def _get_asset(call: ApiCall) -> ApiReply:
    return ApiReply(
        200, call.json.asset_json(*call.state.asset(*call.repository, call.number("asset_id")))
    )


def _update_asset(call: ApiCall) -> ApiReply:
    found = call.state.update_asset(*call.repository, call.number("asset_id"), call.payload)
    return ApiReply(200, call.json.asset_json(*found))


def _delete_asset(call: ApiCall) -> ApiReply:
    call.state.delete_asset(*call.repository, call.number("asset_id"))
    return ApiReply(204)


def _list_workflow_runs(call: ApiCall) -> ApiReply:
    # An object around the page, unlike the release lists: GitHub adds the filtered total.
    runs = call.state.workflow_runs(*call.repository, call.query)
    page = paginate(runs, call.query)
    link = link_header(call.url, call.query, page)
    body = {
        "total_count": len(runs),
        "workflow_runs": [call.json.workflow_run_json(run) for run in page.items],
    }
    return ApiReply(200, body, {"Link": link} if link else {})


_RELEASES = r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/releases"
_ONE_RELEASE = _RELEASES + r"/(?P<release_id>\d+)"
_ONE_ASSET = _RELEASES + r"/assets/(?P<asset_id>\d+)"
UPLOAD_PATH = re.compile(_ONE_RELEASE + "/assets")
DOWNLOAD_PATH = re.compile(
    r"/(?P<owner>[^/]+)/(?P<repo>[^/]+)/releases/download/(?P<tag>.+)/(?P<name>[^/]+)"
)
# Method, path, route and the docs anchor GitHub names in that operation's errors.
API_ROUTES: list[tuple[str, re.Pattern[str], Callable[[ApiCall], ApiReply], str]] = [
    ("GET", re.compile(_RELEASES), _list_releases, "releases/releases#list-releases"),
    ("POST", re.compile(_RELEASES), _create_release, "releases/releases#create-a-release"),
    (
        "GET",
        re.compile(_RELEASES + "/tags/(?P<tag>.+)"),
        _get_release_by_tag,
        "releases/releases#get-a-release-by-tag-name",
    ),
    ("GET", re.compile(_ONE_ASSET), _get_asset, "releases/assets#get-a-release-asset"),
    ("PATCH", re.compile(_ONE_ASSET), _update_asset, "releases/assets#update-a-release-asset"),
    ("DELETE", re.compile(_ONE_ASSET), _delete_asset, "releases/assets#delete-a-release-asset"),
    ("GET", re.compile(_ONE_RELEASE), _get_release, "releases/releases#get-a-release"),
    ("PATCH", re.compile(_ONE_RELEASE), _update_release, "releases/releases#update-a-release"),
    ("DELETE", re.compile(_ONE_RELEASE), _delete_release, "releases/releases#delete-a-release"),
    ("GET", UPLOAD_PATH, _list_assets, "releases/assets#list-release-assets"),
    (
        "GET",
        re.compile(r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/actions/runs"),
        _list_workflow_runs,
        "actions/workflow-runs#list-workflow-runs-for-a-repository",
    ),
]
