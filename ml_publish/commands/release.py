"""``ml-publish release``: release, rehearse in the sandbox, or abandon a release under way."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

from ml_publish.release.options import ReleaseOptions


def run(args: Namespace) -> int:
    options = ReleaseOptions(
        bump=args.bump,
        version=args.version,
        dry_run=args.dry_run,
        github=not args.no_github,
        pypi=not args.no_pypi,
        repository_url=args.repository_url,
        index_url=args.index_url,
        api_url=args.api_url,
        repository=args.repo,
        allow_branch=args.allow_branch,
        dist_dir=args.dist_dir,
        progress=not args.quiet,
        wait_minutes=args.wait,
        no_wait=args.no_wait,
        doi=args.doi,
    )
    project = Path(args.project)
    if args.abandon:
        from ml_publish.release.pipeline import abandon

        abandon(project, options)
    elif args.sandbox:
        from ml_publish.release.sandbox import rehearse

        rehearse(project, options)
    else:
        from ml_publish.release.pipeline import release

        release(project, options)
    return 0
