"""The JSON GitHub shows for releases, assets, workflow runs and the token's user.

Part of the emulator that ``release --sandbox`` and ``demo`` run. Keys come in GitHub's order,
and every URL points at the emulator's own hosts (``Origins``), as real JSON points at
api.github.com, uploads.github.com and github.com.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from urllib.parse import quote

from ml_publish.sandbox.github_errors import JsonObject
from ml_publish.sandbox.github_state import Asset, Release, WorkflowRun

# The account behind every accepted token; GitHub names it as each release's author and uploader.
USER_LOGIN = "ml-publish-emulator"
USER_ID = 1


@dataclass(frozen=True)
class Origins:
    """Where each emulated host listens, e.g. ``http://127.0.0.1:8123``."""

    api_url: str
    uploads_url: str
    server_url: str


class GitHubJson:
    """Renders the state's objects as GitHub does, with URLs on the emulator's ``origins``."""

    def __init__(self, origins: Origins) -> None:
        self.origins = origins

    def workflow_run_json(self, run: WorkflowRun) -> JsonObject:
        """The run as GitHub lists it: the reference's keys in its order, less the nested
        commit and repository objects, which no client here reads."""
        api = f"{self.origins.api_url}/repos/{run.owner}/{run.repo}"
        url = f"{api}/actions/runs/{run.id}"
        return {
            "id": run.id,
            "name": run.name,
            "node_id": _node_id("WFR", run.id),
            "head_branch": run.head_branch,
            "head_sha": run.head_sha,
            "path": run.path,
            "run_number": run.run_number,
            "event": run.event,
            "display_title": run.name,
            "status": run.status,
            "conclusion": run.conclusion,
            "workflow_id": run.workflow_id,
            "url": url,
            "html_url": f"{self.origins.server_url}/{run.owner}/{run.repo}/actions/runs/{run.id}",
            "pull_requests": [],
            "created_at": run.created_at,
            "updated_at": run.updated_at,
            "actor": self.user_json(),
            "run_attempt": run.run_attempt,
            "run_started_at": run.run_started_at,
            "triggering_actor": self.user_json(),
            "jobs_url": f"{url}/jobs",
            "logs_url": f"{url}/logs",
            "artifacts_url": f"{url}/artifacts",
            "cancel_url": f"{url}/cancel",
            "rerun_url": f"{url}/rerun",
            "workflow_url": f"{api}/actions/workflows/{run.workflow_id}",
        }

    def release_json(self, release: Release) -> JsonObject:
        """The release as GitHub renders it, with the same keys in the same order."""
        api = f"{self.origins.api_url}/repos/{release.owner}/{release.repo}"
        uploads = f"{self.origins.uploads_url}/repos/{release.owner}/{release.repo}"
        page = f"{self.origins.server_url}/{release.owner}/{release.repo}/releases/tag/"
        # Drafts have no tag to archive yet.
        tarball = None if release.draft else f"{api}/tarball/{quote(release.tag_name)}"
        zipball = None if release.draft else f"{api}/zipball/{quote(release.tag_name)}"
        return {
            "url": f"{api}/releases/{release.id}",
            "assets_url": f"{api}/releases/{release.id}/assets",
            "upload_url": f"{uploads}/releases/{release.id}/assets{{?name,label}}",
            "html_url": page + quote(release.download_tag),
            "id": release.id,
            "author": self.user_json(),
            "node_id": _node_id("RE", release.id),
            "tag_name": release.tag_name,
            "target_commitish": release.target_commitish,
            "name": release.name,
            "draft": release.draft,
            "immutable": release.immutable,
            "prerelease": release.prerelease,
            "created_at": release.created_at,
            "updated_at": release.updated_at,
            "published_at": release.published_at,
            "assets": [self.asset_json(release, asset) for asset in release.assets],
            "tarball_url": tarball,
            "zipball_url": zipball,
            "body": release.body,
        }

    def asset_json(self, release: Release, asset: Asset) -> JsonObject:
        """The asset as GitHub renders it, with the same keys in the same order."""
        repository = f"{release.owner}/{release.repo}"
        download = f"{quote(release.download_tag)}/{quote(asset.name, safe='')}"
        return {
            "url": f"{self.origins.api_url}/repos/{repository}/releases/assets/{asset.id}",
            "id": asset.id,
            "node_id": _node_id("RA", asset.id),
            "name": asset.name,
            "label": asset.label,
            "uploader": self.user_json(),
            "content_type": asset.content_type,
            "state": asset.state,
            "size": asset.size,
            "digest": asset.digest,
            "download_count": asset.download_count,
            "created_at": asset.created_at,
            "updated_at": asset.updated_at,
            "browser_download_url": f"{self.origins.server_url}/{repository}/releases/download/"
            + download,
        }

    def user_json(self) -> JsonObject:
        """The token's account as a GitHub simple-user object."""
        api = f"{self.origins.api_url}/users/{USER_LOGIN}"
        return {
            "login": USER_LOGIN,
            "id": USER_ID,
            "node_id": _node_id("U", USER_ID),
            "avatar_url": f"{self.origins.server_url}/{USER_LOGIN}.png",
            "gravatar_id": "",
            "url": api,
            "html_url": f"{self.origins.server_url}/{USER_LOGIN}",
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs",
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events",
            "type": "User",
            "user_view_type": "public",
            "site_admin": False,
        }


def _node_id(prefix: str, number: int) -> str:
    return f"{prefix}_{base64.urlsafe_b64encode(number.to_bytes(8, 'big')).decode().rstrip('=')}"
