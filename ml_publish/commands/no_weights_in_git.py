"""``ml-publish no-weights-in-git``: the pre-commit hook that keeps weight files out of commits."""

from __future__ import annotations

from ml_publish.weights.guard import GuardSettings, advice, weight_files

TYPE_CHECKING = False
if TYPE_CHECKING:
    from argparse import Namespace

register_arguments = GuardSettings.register_arguments


def run(args: Namespace) -> int:
    settings = GuardSettings.from_arguments(args)
    found = weight_files(settings.files, max_kb=settings.max_kb, extensions=settings.extension_list)
    for path, kind in found:
        print(advice(path, kind))
    return 1 if found else 0
