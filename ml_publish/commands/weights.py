"""``ml-publish weights init|add|list|table|verify|upload|mirror``: one function per action.

``ACTIONS`` names, for each action (``mirror add`` for the nested ones), its options and the
function that runs it; ``register_arguments`` gives ``weights`` itself its shared ``-C``.
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser, Namespace
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from ml_publish.weights.parts import DEFAULT_PART_SIZE, parse_part_size
from ml_publish.weights.metadata import given_meta
from ml_publish.weights.registration import add_weights, list_weights, parse_meta
from ml_publish.weights.registry import WeightEntry
from ml_publish.weights.table import human_size
from ml_publish.weights.weights_settings import (
    AddSettings,
    DefaultSettings,
    InitSettings,
    MirrorPushSettings,
    MirrorSettings,
    TableSettings,
    UploadSettings,
    VerifySettings,
    WeightsSettings,
)

register_arguments = WeightsSettings.register_arguments


def init(args: Namespace) -> int:
    from ml_publish.weights.init_registry import apply_init, describe, plan_init
    from ml_publish.weights.wheel_check import wheel_carries_registry

    settings = InitSettings.from_arguments(args)
    plan = plan_init(settings.project, settings.package)
    print("\n".join(describe(plan)))
    if settings.dry_run:
        print("dry run: nothing was written")
        return 0
    apply_init(plan)
    wheel = wheel_carries_registry(plan.root, plan.package, plan.backend)
    print(f"built {wheel}: it carries {plan.package.wheel_path}/weights.json")
    return 0


def add(args: Namespace) -> int:
    settings = AddSettings.from_arguments(args)
    if settings.sample_input:
        from ml_publish.weights.fingerprint import checked_sample

        checked_sample(settings.project, settings.sample_input)  # bad input: nothing registered
    meta = parse_meta(list(settings.meta), settings.meta_file)
    meta.update(given_meta(settings.project, settings.metrics, settings.categories))
    entry = add_weights(
        settings.project,
        settings.file,
        name=settings.name,
        arch=settings.arch,
        meta=meta,
        strip_prefix=settings.strip_prefix,
        repository=settings.repository,
        tag=settings.tag,
        part_size=parse_part_size(settings.part_size) if settings.part_size else DEFAULT_PART_SIZE,
        file_format=settings.file_format,
    )
    print(f"registered {entry.name} as {entry.file_name} ({entry.status}): {entry.url}")
    if entry.parts:
        print(f"  in {len(entry.parts)} parts: {', '.join(p.file_name for p in entry.parts)}")
    if settings.sample_input:
        from ml_publish.weights.fingerprint import record_fingerprint

        sample = settings.sample_input
        found = record_fingerprint(settings.project, entry.name, sample, settings.python)
        print(f"  fingerprint on {found['input']}: output {found['shape']} {found['dtype']}")
    return 0


def default(args: Namespace) -> int:
    from ml_publish.weights.defaults import set_default

    settings = DefaultSettings.from_arguments(args)
    previous = set_default(settings.project, settings.arch, settings.name)
    was = f" (was {previous})" if previous and previous != settings.name else ""
    print(f'get_model({settings.arch!r}, weights="DEFAULT") now loads {settings.name}{was}')
    return 0


def card(args: Namespace) -> int:
    from ml_publish.weights.model_card import write_model_card

    path, written = write_model_card(WeightsSettings.from_arguments(args).project)
    print(f"{'wrote' if written else 'up to date:'} {path.name}")
    return 0


def list_(args: Namespace) -> int:
    from ml_publish.weights.project import open_project
    from ml_publish.weights.registry import load_defaults

    project = WeightsSettings.from_arguments(args).project
    registry = open_project(project).registry
    print(format_listing(list_weights(project), load_defaults(registry)))
    return 0


def table(args: Namespace) -> int:
    from ml_publish.weights.refresh import refresh_tables

    settings = TableSettings.from_arguments(args)
    changed = refresh_tables(settings.project)
    for name in changed:
        print(f"rewrote {name} from the weights registry")
    return 1 if changed and settings.fail_if_changed else 0


def verify(args: Namespace) -> int:
    from ml_publish.terminal import for_person
    from ml_publish.weights.verification import verify_weights

    settings = VerifySettings.from_arguments(args)
    if settings.reproduce:
        return verify_reproduce(settings.project, settings.python)
    if settings.cache is not None:
        return verify_cache(settings.project, settings.cache_dir)

    with for_person(settings.progress) as display:
        problems = verify_weights(
            settings.project,
            download=settings.download,
            all_sources=settings.all_sources,
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
    from ml_publish.weights.upload_pending import upload_weights

    settings = UploadSettings.from_arguments(args)
    with for_person(settings.progress) as display:
        names = upload_weights(
            settings.project,
            repository=settings.repository,
            tag=settings.tag,
            api_url=settings.api_url,
            publish=settings.publish,
            allow_published=settings.allow_published,
            display=display,
        )
    state = "published" if settings.publish else "uploaded to the draft release"
    print(f"{state}: {', '.join(names)}" if names else "no pending weights to upload")
    return 0


def mirror_add(args: Namespace) -> int:
    from ml_publish.weights.mirrors import add_mirror

    settings = MirrorSettings.from_arguments(args)
    entry = add_mirror(settings.project, settings.name, settings.url, verify=settings.verify)
    checked = "SHA-256" if settings.verify else "size"
    print(f"{entry.name} mirrors ({checked} checked): {', '.join(entry.mirrors)}")
    return 0


def mirror_remove(args: Namespace) -> int:
    from ml_publish.weights.mirrors import remove_mirror

    settings = MirrorSettings.from_arguments(args)
    entry = remove_mirror(settings.project, settings.name, settings.url)
    print(f"{entry.name} mirrors: {', '.join(entry.mirrors) or 'none'}")
    return 0


def mirror_push(args: Namespace) -> int:
    from ml_publish.weights.hub_mirror import push_to_hub

    settings = MirrorPushSettings.from_arguments(args)
    entries = push_to_hub(settings.project, list(settings.names), repo_id=settings.repo_id)
    for entry in entries:
        print(f"{entry.name} mirrors (SHA-256 checked on the Hub): {', '.join(entry.mirrors)}")
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


def no_arguments(parser: ArgumentParser) -> None:
    """For ``weights list``, which takes no options of its own."""


class Action(NamedTuple):
    """A ``weights`` action: what gives its parser the options, and what runs it."""

    register_arguments: Callable[[ArgumentParser], None]
    run: Callable[[Namespace], int]


ACTIONS = {
    "init": Action(InitSettings.register_arguments, init),
    "add": Action(AddSettings.register_arguments, add),
    "list": Action(no_arguments, list_),
    "default": Action(DefaultSettings.register_arguments, default),
    "card": Action(no_arguments, card),
    "table": Action(TableSettings.register_arguments, table),
    "verify": Action(VerifySettings.register_arguments, verify),
    "upload": Action(UploadSettings.register_arguments, upload),
    "mirror add": Action(MirrorSettings.register_add_arguments, mirror_add),
    "mirror remove": Action(MirrorSettings.register_arguments, mirror_remove),
    "mirror push": Action(MirrorPushSettings.register_arguments, mirror_push),
}
