"""The Hub's configuration, token and mirror URL, without a Hub: read, refused, never printed."""

from __future__ import annotations

import dataclasses
import socket
from pathlib import Path

import pytest

from ml_publish.cli import main
from ml_publish.errors import UsageError
from ml_publish.huggingface import HubFailed, HubRepository, git_blob_id, token_problem
from ml_publish.release import bump
from ml_publish.release.context import ReleaseContext
from ml_publish.release.pipeline import configured_publish, steps_for
from ml_publish.release.release_settings import ReleaseSettings
from ml_publish.release.state import ReleaseState
from ml_publish.weights.hub_sync import configured_hub_repo
from ml_publish.weights.init_registry import apply_init, plan_init
from ml_publish.weights.project import open_project
from ml_publish.weights.registration import add_weights
from ml_publish.weights.registry import load_registry
from tests.support.layout_repos import SHAPES, SRC_RUFF, commit_all, write_shape
from tests.support.releases import GIT_IDENTITY

HUB_TITLE = "Put the weights on the Hugging Face Hub"
SECRET = "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0123"


def write_release_table(root: Path, body: str) -> None:
    (root / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "0.1.0"\n\n[tool.ml-publish.release]\n' + body
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('huggingface = "someone/leaf-seg"\n', "someone/leaf-seg"),
        ('huggingface = ""\n', None),
        ('publish = "local"\n', None),
    ],
)
def test_the_hub_repository_is_read_from_the_release_table(
    tmp_path: Path, body: str, expected: str | None
) -> None:
    write_release_table(tmp_path, body)

    assert configured_hub_repo(tmp_path) == expected
    assert configured_publish(tmp_path) in ("local", "workflow")


@pytest.mark.parametrize("value", ['"leaf-seg"', '"a/b/c"', '"/leaf"', "3", '"a/../b"'])
def test_a_hub_repository_that_is_not_owner_name_is_refused_in_one_line(
    tmp_path: Path, value: str
) -> None:
    write_release_table(tmp_path, f"huggingface = {value}\n")

    with pytest.raises(UsageError) as refused:
        configured_hub_repo(tmp_path)

    assert "huggingface in [tool.ml-publish.release]" in str(refused.value)
    assert "owner/name" in str(refused.value) and "\n" not in str(refused.value)


@pytest.fixture
def stored_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where ``hf auth login`` stores the token, in a home of the test's own, and no HF_TOKEN.

    huggingface_hub reads HF_HOME once, when it is imported, so its path constant moves too.
    """
    from huggingface_hub import constants

    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    path = tmp_path / "hf-home" / "token"
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(path))
    return path


def test_a_pyproject_that_is_not_toml_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ml-publish.release\n")

    with pytest.raises(UsageError, match="is not valid TOML"):
        configured_hub_repo(tmp_path)


def test_no_token_is_named_with_both_ways_to_give_one(stored_login: Path) -> None:
    problem = token_problem()

    assert problem is not None and "HF_TOKEN" in problem and "hf auth login" in problem


def test_the_stored_login_counts_as_a_token(stored_login: Path) -> None:
    stored_login.parent.mkdir()
    stored_login.write_text(SECRET)

    assert token_problem() is None


def test_a_hub_that_cannot_be_reached_fails_in_one_line_without_the_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{unused.getsockname()[1]}"
    monkeypatch.setenv("HF_HUB_ETAG_TIMEOUT", "5")

    hub = HubRepository("someone/leaf-seg", token=SECRET, server=dead)
    with pytest.raises(HubFailed) as failed:
        hub.tag_commit("v1.0.0")

    message = str(failed.value)
    assert message.startswith("could not list the tags of someone/leaf-seg on " + dead)
    assert "run the same command again" in message
    assert SECRET not in message and "\n" not in message


def test_git_blob_ids_are_gits(tmp_path: Path) -> None:
    # `git hash-object` of "hello\n", as git itself prints it.
    assert git_blob_id(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"


def test_the_bump_lists_the_hub_copy_at_the_tag_as_a_mirror_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in GIT_IDENTITY.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    root = write_shape(tmp_path / "p", SHAPES[SRC_RUFF], None)
    apply_init(plan_init(root))
    (tmp_path / "best.pth").write_bytes(b"weights" * 100)
    add_weights(root, tmp_path / "best.pth", name="leaf_unet", repository="someone/leaf-seg")
    commit_all(root, "Add a weight")
    state = ReleaseState(
        "0.4.0", "v0.4.0", "0.3.0", "main", "someone/leaf-seg", "local", True, True, ["leaf_unet"]
    )
    state = dataclasses.replace(state, huggingface="someone/leaf-seg-weights")
    ctx = ReleaseContext(root, open_project(root), ReleaseSettings(), state, say=lambda _: None)

    bump.point_weights_at_tag(ctx)
    bump.point_weights_at_tag(ctx)  # resumed: the same registry

    (entry,) = load_registry(ctx.project.registry)
    assert entry.mirrors == (
        f"https://huggingface.co/someone/leaf-seg-weights/resolve/v0.4.0/{entry.file_name}",
    )


def test_mirror_push_without_a_hub_repository_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_shape(tmp_path / "p", SHAPES[SRC_RUFF], None)
    apply_init(plan_init(root))

    code = main(["weights", "-C", str(root), "mirror", "push", "hf"])

    err = capsys.readouterr().err
    assert code == 2 and "--repo owner/name" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("publish", "branch", "titles"),
    [
        ("local", "main", ["Fill a draft GitHub release", HUB_TITLE, "Push the tag"]),
        ("workflow", "main", ["Fill a draft GitHub release", HUB_TITLE, "Push the tag"]),
        # Inside the Release workflow (no branch: finishing a pushed tag) the Hub is not touched.
        ("local", None, ["Fill a draft GitHub release", "Publish the GitHub release"]),
    ],
)
def test_the_hub_step_runs_here_before_the_tag_push_and_never_in_the_workflow(
    publish: str, branch: str | None, titles: list[str]
) -> None:
    state = ReleaseState("0.4.0", "v0.4.0", "0.3.0", branch, "o/r", publish, True, True, ["u"])
    with_hub = dataclasses.replace(state, huggingface="o/r-weights")

    steps = [step.title for step in steps_for(with_hub)]
    at = steps.index("Fill a draft GitHub release")

    assert steps[at : at + len(titles)] == titles
    assert HUB_TITLE not in [step.title for step in steps_for(state)]
