"""``ml-publish demo``: the demo project made, committed and its first release rehearsed."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml_publish.cli import main
from tests.support.releases import git


def test_demo_shows_the_whole_product_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("GH_TOKEN", "GITHUB_TOKEN", "GITHUB_SERVER_URL", "TWINE_PASSWORD"):
        monkeypatch.delenv(variable, raising=False)
    assert main(["demo", "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Sandbox release of iris-classifier v0.2.0 rehearsed" in out
    assert "weights iris-linear: downloaded from http://127.0.0.1:" in out and "verified" in out
    project = tmp_path / "iris-classifier"
    assert git(project, "status", "--porcelain") == ""
    assert len(list((project / ".ml-publish" / "weights").iterdir())) == 1
    assert main(["check", str(project)]) == 0
