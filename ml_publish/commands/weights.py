"""``ml-publish weights init|add|list|table|verify|upload|mirror``: one function per action."""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path
from typing import Any

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
    meta_file = project / args.meta_file if args.meta_file else None
    meta = parse_meta(args.meta, meta_file)
    meta.update(typed_meta(project, args.metrics, args.categories))
    entry = add_weights(
        project,
        project / args.file,
        name=args.name,
        arch=args.arch,
        meta=meta,
        strip_prefix=args.strip_prefix,
        repository=args.repo,
        tag=args.tag,
        part_size=parse_part_size(args.part_size) if args.part_size else DEFAULT_PART_SIZE,
        file_format=args.format,
    )
    print(f"registered {entry.name} as {entry.file_name} ({entry.status}): {entry.url}")
    if entry.parts:
        print(f"  in {len(entry.parts)} parts: {', '.join(p.file_name for p in entry.parts)}")
    return 0


def typed_meta(project: Path, metrics: str | None, categories: str | None) -> dict[str, Any]:
    """What ``--metrics`` and ``--categories`` add to a weight's meta."""
    from ml_publish.weights.metadata import read_categories, read_metrics
    from ml_publish.weights.project import open_project

    meta: dict[str, Any] = {}
    if metrics is not None:
        meta["metrics"] = read_metrics(metrics, project)
    if categories is not None:
        package_dir = open_project(project).package_dir
        meta["categories"] = read_categories(project / categories, package_dir)
    return meta


def default(args: Namespace) -> int:
    from ml_publish.weights.defaults import set_default

    previous = set_default(Path(args.project), args.arch, args.name)
    was = f" (was {previous})" if previous and previous != args.name else ""
    print(f'get_model({args.arch!r}, weights="DEFAULT") now loads {args.name}{was}')
    return 0


def card(args: Namespace) -> int:
    from ml_publish.weights.model_card import write_model_card

    path, written = write_model_card(Path(args.project))
    print(f"{'wrote' if written else 'up to date:'} {path.name}")
    return 0


def list_(args: Namespace) -> int:
    from ml_publish.weights.project import open_project
    from ml_publish.weights.registry import load_defaults

    registry = open_project(Path(args.project)).registry
    print(format_listing(list_weights(Path(args.project)), load_defaults(registry)))
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


def format_listing(entries: list[WeightEntry], defaults: dict[str, str] | None = None) -> str:
    """The registry as a table: a column for licenses and metrics only when some are filled;
    ``*`` marks each architecture's default."""
    from ml_publish.weights.table import license_text, metrics_text

    if not entries:
        return "no weights registered; add one with: ml-publish weights add FILE --name NAME"
    chosen = set((defaults or {}).values())
    header = ["NAME", "SIZE", "SHA256", "STATUS", "LICENSE", "METRICS"]
    rows = [header] + [
        [
            e.name + (" *" if e.name in chosen else ""),
            human_size(e.size),
            e.sha256[:12],
            e.status,
            license_text(e.meta),
            metrics_text(e.meta),
        ]
        for e in entries
    ]
    filled = [i for i in range(len(header)) if i < 4 or any(row[i] for row in rows[1:])]
    rows = [[row[i] for i in filled] for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(filled))]
    urls = ["URL", *(e.url for e in entries)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + url
        for row, url in zip(rows, urls)
    ]
    if chosen:
        lines.append('* the default of its architecture: get_model(ARCH, weights="DEFAULT")')
    return "\n".join(lines)
