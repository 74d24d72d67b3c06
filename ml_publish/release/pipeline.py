"""``ml-publish release``: one resumable command from version bump to PyPI.

The steps, in this order, and why the order:

1. preflight: everything checked, nothing written.
2. bump: the ``Release vX.Y.Z`` commit and its annotated tag, local only.
3. build: sdist and wheel, ``twine check --strict``, the wheel's contents, the index's copy.
   Meanwhile the weights already go up to the draft of step 4: it is invisible, and the
   upload of gigabytes then hides the build's seconds.
4. github-draft: the weights and dists on a draft release, verified. A draft is invisible.
   huggingface (with ``huggingface = "owner/name"``): the weights on the Hub at the tag's
   name, read back. It runs beside the build, so its own turn finds it done unless a re-run
   started after the build; before the tag push, since the bump lists the Hub copies as mirrors.
5. push-tag: the tag must be on GitHub before the release is published, or publishing would
   make GitHub create the tag itself, on the default branch's head instead of this commit.
   For the seconds until step 6 the tag names weight URLs that are not public yet; that is
   the only such window, and it closes before anything else is released.
6. publish: the release goes public with every asset already in place; its URLs are checked.
7. pypi: only now, since the wheel's registry points at the release's download URLs.
8. push-branch: last, so the default branch's README (its weights table and install line)
   describes a release that exists in full.

With ``publish = "workflow"`` (``[tool.ml-publish.release]``, as generated projects have), the
project's Release workflow does 6 and 7 on the tag push (Trusted Publishing needs Actions'
OIDC token), so a local run stops after 5, waits until the workflow has published and its run
has succeeded (``workflow_wait``), then does 8. Inside GitHub Actions, on a tag with no version
asked for, the command finishes that tag's release: 3, 4, 6 and 7. The local run's dists are on
the draft by then, built reproducibly; the workflow's build must be the same bytes, or nothing
is published.

Every step is idempotent and recorded in ``.ml-publish/release.json`` when it finishes, so
running the command again after any failure resumes where it stopped.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from packaging.version import Version

from ml_publish import git, terminal
from ml_publish.errors import UsageError
from ml_publish.project_facts import resolve_repository
from ml_publish.release import bump, dists, github_release, hub_release, preflight, workflow_wait
from ml_publish.release.citation import bare_doi
from ml_publish.release.context import REMOTE, Paused, ReleaseContext, Step
from ml_publish.release.release_settings import ReleaseSettings, check_publish_mode, next_version
from ml_publish.release.state import ReleaseState
from ml_publish.weights.hub_sync import HUB_KEY, configured_hub_repo, read_release_table
from ml_publish.weights.project import open_project
from ml_publish.weights.registry import load_registry
from ml_publish.weights.upload_pending import belongs_to_release

CONFIG_TABLE = "[tool.ml-publish.release]"


def build(ctx: ReleaseContext) -> None:
    """Build and check the dists while the weights, which do not depend on them, go up.

    The draft is invisible, so filling it early changes nothing anyone can see; a multi-GB
    upload then hides the build's time instead of adding to it.
    """
    with ThreadPoolExecutor(max_workers=2) as pool:
        building = pool.submit(make_and_check, ctx)
        # The Hub too, at once: its step is then done when its turn comes.
        to_hub = pool.submit(hub_release.put_on_hub_early, ctx, HUB.name)
        if github_release.has_weights_to_upload(ctx):
            github_release.fill_draft(ctx, with_dists=False)
        building.result()
        to_hub.result()


def make_and_check(ctx: ReleaseContext) -> None:
    """Build, then check the dists (twine check, the wheel's contents) while uploads go on."""
    dists.check_and_record(ctx, dists.make(ctx))


def plan_build(ctx: ReleaseContext) -> list[str]:
    lines = dists.plan_build(ctx)
    if ctx.state.github and ctx.state.weights:
        lines.append("meanwhile start the draft release and upload the weights to it")
    if hub_release.goes_to_hub(ctx):
        lines.append(f"and put the weights on the Hub ({ctx.state.huggingface}), step {HUB.name}")
    return lines


def push_tag(ctx: ReleaseContext) -> None:
    git.push(ctx.root, REMOTE, f"refs/tags/{ctx.state.tag}")
    ctx.note(f"pushed tag {ctx.state.tag} to {REMOTE}")


def push_branch(ctx: ReleaseContext) -> None:
    # The release commit itself, even if more commits were made on top since.
    git.push(ctx.root, REMOTE, f"{ctx.state.tag}^{{commit}}:refs/heads/{ctx.state.branch}")
    ctx.note(f"pushed {ctx.state.branch} to {REMOTE}")


def check_finishing(ctx: ReleaseContext) -> None:
    if git.resolve(ctx.root, "HEAD") != git.resolve(ctx.root, ctx.state.tag):
        raise UsageError(
            f"HEAD is not tag {ctx.state.tag}; check out the tag to finish its release"
        )
    problems = preflight.audit_problems(ctx) + preflight.credential_problems(ctx)
    if problems:
        raise preflight.PreflightFailed("\n".join(problems))


def _lines(*lines: str) -> Callable[[ReleaseContext], list[str]]:
    return lambda ctx: [line.format(tag=ctx.state.tag, branch=ctx.state.branch) for line in lines]


PREFLIGHT = Step(
    "preflight",
    "Preflight",
    preflight.check_ready,
    _lines("check the tree, branch, version, tag, index, ml-publish check, weights, credentials"),
)
FINISH_PREFLIGHT = Step(
    "preflight", "Preflight", check_finishing, _lines("check HEAD is {tag}, the audit, credentials")
)
BUMP = Step("bump", "Bump the version", bump.bump, bump.plan)
BUILD = Step("build", "Build and check the distributions", build, plan_build)
GITHUB_DRAFT = Step(
    "github-draft",
    "Fill a draft GitHub release",
    github_release.fill_draft,
    github_release.plan_draft,
)
HUB = Step(
    "huggingface",
    "Put the weights on the Hugging Face Hub",
    hub_release.put_on_hub,
    hub_release.plan_hub,
)
PUSH_TAG = Step("push-tag", "Push the tag", push_tag, _lines(f"git push {REMOTE} {{tag}}"))
PUBLISH = Step(
    "publish", "Publish the GitHub release", github_release.publish, github_release.plan_publish
)
AWAIT_PUBLISH = Step(
    "await-publish",
    "Wait for the Release workflow",
    workflow_wait.await_publish,
    workflow_wait.plan_await,
)
PYPI = Step("pypi", "Upload to the package index", dists.upload, dists.plan_upload)
PUSH_BRANCH = Step(
    "push-branch",
    "Push the branch",
    push_branch,
    _lines(f"git push {REMOTE} {{tag}}:{{branch}} (the release commit)"),
)


def steps_for(state: ReleaseState) -> list[Step]:
    """The steps of this release, in the order the module docstring explains."""
    if state.finishing:
        candidates = [FINISH_PREFLIGHT, BUILD, GITHUB_DRAFT, PUBLISH, PYPI]
    elif state.publish == "workflow":
        candidates = [PREFLIGHT, BUMP, BUILD, GITHUB_DRAFT, HUB, PUSH_TAG, AWAIT_PUBLISH]
        candidates.append(PUSH_BRANCH)
    else:
        candidates = [PREFLIGHT, BUMP, BUILD, GITHUB_DRAFT, HUB, PUSH_TAG, PUBLISH, PYPI]
        candidates.append(PUSH_BRANCH)
    github_steps = {GITHUB_DRAFT, PUBLISH, AWAIT_PUBLISH}
    return [
        step
        for step in candidates
        if (state.github or step not in github_steps)
        and (state.pypi or step is not PYPI)
        and (bool(state.huggingface and state.weights) or step is not HUB)
    ]


def configured_publish(root: Path) -> str:
    """``publish`` of ``[tool.ml-publish.release]``: "local" (the default) or "workflow"."""
    pyproject, table = read_release_table(root)
    if not isinstance(table, dict):
        raise UsageError(f'{CONFIG_TABLE} in {pyproject} must be a table, like: publish = "local"')
    unknown = sorted(map(repr, set(table) - {"publish", HUB_KEY}))
    if unknown:
        raise UsageError(
            f"unknown key(s) {', '.join(unknown)} in {CONFIG_TABLE}; only: publish, huggingface"
        )
    publish = table.get("publish", "local")
    if not isinstance(publish, str):
        raise UsageError(f'publish in {CONFIG_TABLE} must be "local" or "workflow"')
    return publish


def new_state(root: Path, options: ReleaseSettings) -> ReleaseState:
    """The release the options ask for, planned without writing anything."""
    project = open_project(root)
    current = bump.current_version(project)
    in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
    repository = resolve_repository(options.repository, root) if options.github else None
    publish = check_publish_mode(options.publish or configured_publish(root))
    if not options.asks_for_version:
        tag = f"v{current}"
        if not (in_actions and git.local_tag_exists(root, tag)):
            raise UsageError("choose the new version: --bump patch|minor|major or --version X.Y.Z")
        entries = load_registry(project.registry)
        weights = [e.name for e in entries if repository and belongs_to_release(e, repository, tag)]
        return ReleaseState(
            current, tag, current, None, repository, "local", options.github, options.pypi, weights
        )
    version = next_version(current, bump=options.bump, version=options.version)
    return ReleaseState(
        version=version,
        tag=f"v{version}",
        previous_version=current,
        branch=git.current_branch(root),
        repository=repository,
        publish=publish,
        github=options.github,
        pypi=options.pypi and publish == "local",
        weights=bump.weights_to_release(project),
        huggingface=configured_hub_repo(root) if options.huggingface else None,
    )


def resumed_state(root: Path, options: ReleaseSettings) -> ReleaseState | None:
    """The release under way here, if any, when the options let it carry on.

    The same command carries on ("fix the cause and run the same command again"): a
    ``--bump`` or ``--version`` that names the version under way (reckoned from the version
    it started from) resumes it; only another version is refused.
    """
    state = ReleaseState.load(root)
    if state is None or not options.asks_for_version:
        return state
    asked = f"--bump {options.bump}" if options.bump else f"--version {options.version}"
    try:
        wanted = next_version(state.previous_version, bump=options.bump, version=options.version)
    except UsageError:
        wanted = None
    if wanted is None or Version(wanted) != Version(state.version):
        asks = f"asks for {wanted}" if wanted else "asks for another version"
        raise UsageError(
            f"the release of {state.tag} is under way ({', '.join(state.done)} done) and "
            f"{asked} {asks}; run ml-publish release to finish {state.tag}, or ml-publish "
            "release --abandon to undo it"
        )
    return state


def check_waiting(state: ReleaseState, options: ReleaseSettings) -> None:
    """--wait and --no-wait are only for a release the Release workflow publishes."""
    if options.chose_waiting and (state.publish != "workflow" or state.finishing):
        raise UsageError(
            "--wait and --no-wait are for releases the Release workflow publishes (publish = "
            f'"workflow" in {CONFIG_TABLE}); this one publishes from here: drop them'
        )


def release(
    root: Path,
    options: ReleaseSettings,
    *,
    say: Callable[[str], None] = print,
    context: Callable[..., ReleaseContext] = ReleaseContext,
) -> ReleaseContext:
    """Run (or resume, or with ``dry_run`` describe) the release of the project at ``root``."""
    root = root.resolve()
    if options.doi:
        bare_doi(options.doi)  # a bad --doi stops here, before anything is written
    state = resumed_state(root, options)
    resuming = state is not None
    if state is None:
        state = new_state(root, options)
    check_waiting(state, options)
    display = terminal.for_person(options.progress and not options.dry_run, say)
    ctx = context(
        root=root,
        project=open_project(root),
        options=options,
        state=state,
        say=say,
        display=display,
    )
    steps = steps_for(state)
    if options.dry_run:
        return describe(ctx, steps, resuming)
    verb = "Resuming" if resuming else "Releasing"
    say(f"{verb} {state.tag} ({state.previous_version} -> {state.version})")
    if resuming and state.pypi and not state.is_done(PYPI.name):
        # Someone may have taken the version on the index since; stop before uploading more.
        # (Before the build is recorded, no file of this version on the index can be ours.)
        dists.compare_with_index(ctx)
    with display:
        for number, step in enumerate(steps, 1):
            heading = f"[{number}/{len(steps)}] {step.title}"
            if state.is_done(step.name):
                say(f"{heading}: done earlier")
                continue
            try:
                with display.step(heading):
                    step.run(ctx)
            except Paused as paused:
                ctx.note(str(paused))
                return ctx
            state.mark_done(root, step.name)
    ReleaseState.clear(root)
    say(f"Released {state.tag}.")
    return ctx


def describe(ctx: ReleaseContext, steps: list[Step], resuming: bool) -> ReleaseContext:
    """Print what each step would do; check what can be checked without writing."""
    state = ctx.state
    problems = None
    if not resuming and PREFLIGHT in steps:
        try:
            preflight.check_ready(ctx)
        except preflight.PreflightFailed as failed:
            problems = failed  # the plan is still worth seeing; the problems come last
    ctx.say(f"Dry run: the release of {state.tag} ({state.previous_version} -> {state.version})")
    for number, step in enumerate(steps, 1):
        status = " (done earlier)" if state.is_done(step.name) else ""
        ctx.say(f"[{number}/{len(steps)}] {step.title}{status}")
        for line in step.plan(ctx):
            ctx.say(f"    would {line}")
    ctx.say("Nothing was written.")
    if problems is not None:
        raise problems
    return ctx


def abandon(root: Path, options: ReleaseSettings, *, say: Callable[[str], None] = print) -> None:
    """Undo a release that has not left this machine: its draft, its tag, its commit, its state.

    Once the tag is pushed others may have fetched it, so only a new version can follow.
    """
    root = root.resolve()
    state = ReleaseState.load(root)
    if state is None:
        raise UsageError("no release is under way here; nothing to abandon")
    if state.is_done(PUSH_TAG.name):
        raise UsageError(
            f"{state.tag} is already pushed and may be in use; finish it with ml-publish release, "
            "or release a new version after it"
        )
    project = open_project(root)
    ctx = ReleaseContext(root=root, project=project, options=options, state=state, say=say)
    if state.github and state.repository and github_release.delete_draft(ctx):
        say(f"deleted the draft release {state.tag} and its assets")
    hub_release.abandon_on_hub(ctx)
    tagged = git.resolve(root, state.tag)
    if tagged is not None:
        git.checked(["tag", "--delete", state.tag], root)
        say(f"deleted tag {state.tag}")
    message = bump.commit_message(state.tag)
    head_is_release = git.commit_subject(root, "HEAD") == message
    if head_is_release and tagged in (None, git.resolve(root, "HEAD")):
        # --keep refuses rather than lose changes made since; the commit only held the bump.
        git.checked(["reset", "--quiet", "--keep", "HEAD~1"], root)
        say(f"removed the commit {message}; the version is {state.previous_version} again")
    ReleaseState.clear(root)
    say(f"Abandoned {state.tag}; choose the next version with --bump or --version.")
