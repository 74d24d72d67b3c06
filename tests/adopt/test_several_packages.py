"""``adopt`` on a repository with several top-level packages: ``--yes`` takes the default,
a terminal asks."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.support.abandoned_repos import snapshot, write_abandoned_repository
from tests.support.processes import run
from tests.support.terminal import run_on_terminal

DEFAULT_NOTE = (
    "the repository has several packages (detector, tracker): they became subpackages of a new "
    "package 'traffic_cam' named after the repository (the default; pass --package to publish "
    "one of them instead)"
)


def test_yes_without_a_terminal_takes_the_default_and_says_so(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "traffic-cam", ["two-packages-yes"])

    result = run(
        [sys.executable, "-m", "ml_publish", "adopt", "--yes", "license=MIT"],
        cwd=root,
        expect_success=False,
    )

    assert result.returncode == 0, result.stderr
    assert "Adopted into the package 'traffic_cam'" in result.stdout
    assert f"Notes:\n  {DEFAULT_NOTE}\n" in result.stdout
    assert (root / "traffic_cam" / "detector" / "yolo.py").is_file()
    assert "from traffic_cam.tracker.sort import track" in (root / "run_pipeline.py").read_text()


def test_a_dry_run_without_a_terminal_shows_the_default_plan(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "traffic-cam", ["two-packages-yes"])
    before = snapshot(root)

    result = run([sys.executable, "-m", "ml_publish", "adopt", "--dry-run"], cwd=root)

    assert result.stdout.startswith("Plan for package 'traffic_cam':\n")
    assert DEFAULT_NOTE in result.stdout
    assert snapshot(root) == before


def test_a_terminal_is_still_asked_and_enter_takes_the_default(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "traffic-cam", ["two-packages-yes"])
    before = snapshot(root)

    printed = run_on_terminal(["adopt"], cwd=root, env={}, typed="\nnone\nn\n")

    assert (
        "Which package is the one to publish (detector, tracker; Enter for a new package "
        "'traffic_cam' holding them all)?"
    ) in printed
    assert "Plan for package 'traffic_cam':" in printed
    assert "Apply this plan? [y/N]" in printed and "Adopted" not in printed
    assert snapshot(root) == before


def test_a_terminal_answer_names_the_package(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "traffic-cam", ["two-packages-yes"])

    printed = run_on_terminal(["adopt"], cwd=root, env={}, typed="tracker\nnone\ny\n")

    assert "Adopted into the package 'tracker'" in printed
    assert (root / "tracker" / "detector" / "yolo.py").is_file()
