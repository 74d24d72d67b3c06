"""``ml-publish release``: release, rehearse in the sandbox, or abandon a release under way."""

from __future__ import annotations

from argparse import Namespace

from ml_publish.release.release_settings import ReleaseSettings

register_arguments = ReleaseSettings.register_arguments


def run(args: Namespace) -> int:
    settings = ReleaseSettings.from_arguments(args)
    if settings.abandon:
        from ml_publish.release.pipeline import abandon

        abandon(settings.project, settings)
    elif settings.sandbox:
        from ml_publish.release.rehearsal import rehearse

        rehearse(settings.project, settings)
    else:
        from ml_publish.release.pipeline import release

        release(settings.project, settings)
    return 0
