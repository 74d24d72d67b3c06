"""``ml-publish demo``: a new project with weights, its first release rehearsed offline."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

from ml_publish.release.demo_project import demo
from ml_publish.release.release_settings import DemoSettings

register_arguments = DemoSettings.register_arguments


def run(args: Namespace) -> int:
    project, _ = demo(DemoSettings.from_arguments(args).output_dir)
    print(next_steps(project))
    return 0


def next_steps(project: Path) -> str:
    return "\n".join(
        [
            f"The demo project is in {project}; it is yours to look at and change.",
            f"  cd {project}",
            "  ml-publish check                          the audit it passes",
            "  ml-publish weights list                   its registered weights",
            "  ml-publish bundle --kaggle OWNER/SLUG     its offline bundle for a Kaggle dataset",
            "  ml-publish release --bump minor --sandbox rehearse its next release offline",
            "  ml-publish release --bump minor --dry-run a real release's plan and what it lacks",
        ]
    )
