"""``ml-publish demo``'s installed package reproduces its weight's fingerprint (issue 25), through
the framework-neutral ``predict`` the demo package carries; and a package whose output changed
does not, from its installed wheel, in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ml_publish.cli import main
from tests.support.releases import git

PACKAGE = "iris_classifier"
# The first iris flower, the demo's sample; and the demo weight's linear layer, as in the file.
FLOWER = (5.1, 3.5, 1.4, 0.2)
WEIGHT = ((1.21, 2.69, -3.76, -1.83), (0.6, -0.04, -0.16, -1.9), (-1.81, -2.65, 3.92, 3.73))
BIAS = (1.11, 2.87, -3.98)


def test_the_demo_weight_is_fingerprinted_and_its_install_reproduces_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("GH_TOKEN", "GITHUB_TOKEN", "GITHUB_SERVER_URL", "TWINE_PASSWORD"):
        monkeypatch.delenv(variable, raising=False)
    assert main(["demo", "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "  weights iris-linear: reproduced its fingerprint\n" in out
    project = tmp_path / "iris-classifier"
    registry = json.loads((project / PACKAGE / "weights.json").read_text("utf-8"))
    fingerprint = registry["weights"][0]["fingerprint"]
    scores = [sum(w * x for w, x in zip(row, FLOWER)) + b for row, b in zip(WEIGHT, BIAS)]
    assert fingerprint["input"] == "notebooks/sample_input.json"
    assert (fingerprint["shape"], fingerprint["dtype"]) == ([1, 3], "float64")
    assert fingerprint["top_k"] == [0, 1, 2]  # setosa first: the flower is one
    # The file holds float32 numbers, so the statistics agree with the rounded ones to ~1e-6.
    assert fingerprint["max"] == pytest.approx(max(scores), abs=1e-5)
    assert fingerprint["min"] == pytest.approx(min(scores), abs=1e-5)
    assert fingerprint["norm"] == pytest.approx(sum(s * s for s in scores) ** 0.5, abs=1e-5)

    predict = project / PACKAGE / "predict.py"
    predict.write_text(predict.read_text().replace(" + b for row", " + b * 1.01 for row"))
    git(project, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qam", "b")
    code = main(["release", "-C", str(project), "--sandbox", "--bump", "minor", "--quiet"])

    err = capsys.readouterr().err
    assert (code, err.count("\n")) == (1, 1), err
    assert "the installed package does not reproduce its weights: weights iris-linear: the " in err
    assert "output drifted from its fingerprint: " in err
