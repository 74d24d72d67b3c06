"""A sandbox install that pip cannot finish names the distribution it was on (an OpenMMLab
paper's ``mmcv`` builds from its sdist and fails; pip's error alone does not say which)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ml_publish.release.rehearsal import PIP_LOGGING, pip_failure


def test_the_failure_names_what_pip_was_building(tmp_path: Path) -> None:
    project = tmp_path / "opsbuild"
    project.mkdir()
    (project / "setup.py").write_text("raise SystemExit('CUDA_HOME is not set')\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            *PIP_LOGGING,
            "--no-build-isolation",
            "--no-index",
            project,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0

    message = pip_failure("install", result)

    first, *rest = message.splitlines()
    assert first == f"pip install failed in the sandbox venv while processing {project}:"
    assert rest and len(rest) <= 5
