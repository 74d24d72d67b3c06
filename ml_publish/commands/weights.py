"""``ml-publish weights init|add|list|table|verify|upload|mirror``: one function per action."""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

from ml_publish.errors import UsageError
from ml_publish.weights.parts import DEFAULT_PART_SIZE, parse_part_size
from ml_publish.weights.registration import add_weights, list_weights, parse_meta
from ml_publish.weights.registry import WeightEntry
from ml_publish.weights.table import human_size


def init(args: Namespace) -> int:
    from ml_publish.weights.init_registry import apply_init, describe, plan_init
    from ml_publish.weights.wheel_check import wheel_carries_registry

    plan = plan_init(Path(args.project), args.package)
    print("\n".join(describe(plan)))
    if args.dry_run:
        print("dry run: nothing was written")
        return 0
    apply_init(plan)
    wheel = wheel_carries_registry(plan.root, plan.package, plan.backend)
    print(f"built {wheel}: it carries {plan.package.wheel_path}/weights.json")
    return 0


def add(args: Namespace) -> int:
    project = Path(args.project)
    if args.sample_input:
        from ml_publish.weights.fingerprint import checked_sample

        checked_sample(project, project / args.sample_input)  # bad input: nothing registered
    meta_file = project / args.meta_file if args.meta_file else None
    entry = add_weights(
        project,
        project / args.file,
        name=args.name,
        arch=args.arch,
        meta=parse_meta(args.meta, meta_file),
        strip_prefix=args.strip_prefix,
        repository=args.repo,
        tag=args.tag,
        part_size=parse_part_size(args.part_size) if args.part_size else DEFAULT_PART_SIZE,
        file_format=args.format,
    )
    print(f"registered {entry.name} as {entry.file_name} ({entry.status}): {entry.url}")
    if entry.parts:
        print(f"  in {len(entry.parts)} parts: {', '.join(p.file_name for p in entry.parts)}")
    if args.sample_input:
        from ml_publish.weights.fingerprint import record_fingerprint

        found = record_fingerprint(project, entry.name, project / args.sample_input, args.python)
        print(f"  fingerprint on {found['input']}: output {found['shape']} {found['dtype']}")
    return 0


def list_(args: Namespace) -> int:
    print(format_listing(list_weights(Path(args.project))))
    return 0


def table(args: Namespace) -> int:
    from ml_publish.weights.refresh import refresh_tables

    changed = refresh_tables(Path(args.project))
    for name in changed:
        print(f"rewrote {name} from the weights registry")
    return 1 if changed and args.fail_if_changed else 0


def verify(args: Namespace) -> int:
    from ml_publish.terminal import for_person
    from ml_publish.weights.verification import verify_weights

    if args.reproduce:
        return verify_reproduce(Path(args.project), args.python)
    if args.cache is not None:
        if args.download or args.all_sources:
            raise UsageError("--cache checks the local cache alone; drop --download/--all-sources")
        return verify_cache(Path(args.project), Path(args.cache) if args.cache else None)

    with for_person(not args.quiet) as display:
        problems = verify_weights(
            Path(args.project),
            download=args.download,
            all_sources=args.all_sources,
            display=display,
        )
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def verify_reproduce(project: Path, python: str) -> int:
    from ml_publish.weights.fingerprint import reproduce

    outcome = reproduce(project, python)
    for problem in outcome.problems:
        print(problem, file=sys.stderr)
    if outcome.pending:
        print(f"not released yet, not checked: {', '.join(outcome.pending)}")
    if not (outcome.reproduced or outcome.problems or outcome.pending):
        print("no weights have a fingerprint; record one with weights add --sample-input FILE")
    if outcome.reproduced:
        print(f"reproduced from the installed package: {', '.join(outcome.reproduced)}")
    return 1 if outcome.problems else 0


def verify_cache(project: Path, cache_dir: Path | None) -> int:
    from ml_publish.weights.cache_check import verify_cache as check_cache

    report = check_cache(project, cache_dir)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print(report.summary())
    return 1 if report.problems else 0


def upload(args: Namespace) -> int:
    from ml_publish.terminal import for_person
    from ml_publish.weights.upload import upload_weights

    with for_person(not args.quiet) as display:
        names = upload_weights(
            Path(args.project),
            repository=args.repo,
            tag=args.tag,
            api_url=args.api_url,
            publish=args.publish,
            allow_published=args.allow_published,
            display=display,
        )
    state = "published" if args.publish else "uploaded to the draft release"
    print(f"{state}: {', '.join(names)}" if names else "no pending weights to upload")
    return 0


def mirror_add(args: Namespace) -> int:
    from ml_publish.weights.mirrors import add_mirror

    entry = add_mirror(Path(args.project), args.name, args.url, verify=args.verify)
    checked = "SHA-256" if args.verify else "size"
    print(f"{entry.name} mirrors ({checked} checked): {', '.join(entry.mirrors)}")
    return 0


def mirror_remove(args: Namespace) -> int:
    from ml_publish.weights.mirrors import remove_mirror

    entry = remove_mirror(Path(args.project), args.name, args.url)
    print(f"{entry.name} mirrors: {', '.join(entry.mirrors) or 'none'}")
    return 0


def format_listing(entries: list[WeightEntry]) -> str:
    if not entries:
        return "no weights registered; add one with: ml-publish weights add FILE --name NAME"
    rows = [("NAME", "SIZE", "SHA256", "STATUS", "URL")]
    rows += [(e.name, human_size(e.size), e.sha256[:12], e.status, e.url) for e in entries]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[4]
        for row in rows
    )
