"""``ml-publish no-weights-in-git``: the pre-commit hook that keeps weight files out of commits."""

from __future__ import annotations

from argparse import Namespace

from ml_publish.weights.guard import advice, weight_files


def run(args: Namespace) -> int:
    extensions = tuple(e.strip() for e in args.extensions.split(",") if e.strip())
    found = weight_files(args.files, max_kb=args.max_kb, extensions=extensions)
    for path, kind in found:
        print(advice(path, kind))
    return 1 if found else 0
