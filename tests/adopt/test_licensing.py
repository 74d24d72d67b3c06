"""The license an adopted repository declares: its own file, under its own name, or none."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ml_publish.adopt.adoption import plan_adoption
from ml_publish.repository_analysis.analyse import analyse_repository
from ml_publish.adopt.scaffold import Scaffold, render_scaffold
from ml_publish.template_files import template_dir
from tests.support.abandoned_repos import write_abandoned_repository
from tests.support.processes import run

LICENSES = template_dir() / "templates" / "licenses"
MIT = (LICENSES / "MIT.txt").read_text().replace("{%", "").replace("%}", "")
GPL = (LICENSES / "GPL-3.0-only.txt").read_text()
CC_BY_NC = "Attribution-NonCommercial 4.0 International Public License\n\nBy exercising ...\n"


def scaffold_for(
    tmp_path: Path, files: dict[str, str], answers: dict[str, str] | None = None
) -> Scaffold:
    root = write_abandoned_repository(tmp_path / "whale-id", ["flat-scripts"])
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return render_scaffold(analyse_repository(root), "whale_id", answers or {})


def project(scaffold: Scaffold) -> dict[str, object]:
    table: dict[str, object] = tomllib.loads(scaffold.files["pyproject.toml"].decode())["project"]
    return table


def test_a_license_under_another_name_is_named_not_copied(tmp_path: Path) -> None:
    scaffold = scaffold_for(tmp_path, {"MIT-LICENSE": MIT})

    assert scaffold.licensed and "LICENSE" not in scaffold.files
    assert (project(scaffold)["license"], project(scaffold)["license-files"]) == (
        "MIT",
        ["MIT-LICENSE"],
    )
    readme = scaffold.files["README.md"].decode()
    assert "[MIT](MIT-LICENSE)." in readme and "](LICENSE)" not in readme


def test_a_license_the_template_does_not_offer_is_declared_as_recognised(tmp_path: Path) -> None:
    scaffold = scaffold_for(tmp_path, {"LICENSE.txt": CC_BY_NC})

    assert scaffold.licensed and "LICENSE" not in scaffold.files
    assert project(scaffold)["license"] == "CC-BY-NC-4.0"
    assert project(scaffold)["license-files"] == ["LICENSE.txt"]
    assert b'license: "CC-BY-NC-4.0"' in scaffold.files["CITATION.cff"]
    readme = scaffold.files["README.md"].decode()
    assert "license-CC--BY--NC--4.0-blue)](LICENSE.txt)" in readme
    assert "## License\n\n[CC-BY-NC-4.0](LICENSE.txt).\n" in readme


def test_a_gnu_text_waits_for_the_author_to_say_only_or_or_later(tmp_path: Path) -> None:
    undecided = scaffold_for(tmp_path / "undecided", {"COPYING": GPL})
    decided = scaffold_for(tmp_path / "decided", {"COPYING": GPL}, {"license": "GPL-3.0-only"})

    assert not undecided.licensed and "license" not in project(undecided)
    assert "LICENSE" not in decided.files
    assert (project(decided)["license"], project(decided)["license-files"]) == (
        "GPL-3.0-only",
        ["COPYING"],
    )


def test_an_answer_naming_another_license_adds_the_template_license(tmp_path: Path) -> None:
    scaffold = scaffold_for(tmp_path, {"MIT-LICENSE": MIT}, {"license": "Apache-2.0"})

    assert b"Apache License" in scaffold.files["LICENSE"]
    assert (project(scaffold)["license"], project(scaffold)["license-files"]) == (
        "Apache-2.0",
        ["LICENSE"],
    )


def test_a_weights_license_alone_leaves_the_code_unlicensed(tmp_path: Path) -> None:
    scaffold = scaffold_for(tmp_path, {"LICENSE-weights": CC_BY_NC})

    assert not scaffold.licensed and "LICENSE" not in scaffold.files
    assert "license" not in project(scaffold) and "license-files" not in project(scaffold)
    readme = scaffold.files["README.md"].decode()
    # Nothing in the README claims a license nobody chose.
    assert "[![License]" not in readme and "](LICENSE)" not in readme
    assert "## License\n\n**TODO:** choose a license" in readme


def test_an_answer_cannot_replace_the_authors_license_of_the_same_name(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "whale-id", ["flat-scripts"])
    (root / "LICENSE").write_text(MIT, encoding="utf-8")
    run(["git", "add", "LICENSE"], cwd=root)
    run(["git", "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", "mit"], cwd=root)

    plan = plan_adoption(root, package=None, answers={"license": "Apache-2.0"}, allow_dirty=False)
    scaffold = render_scaffold(analyse_repository(root), "whale_id", {"license": "Apache-2.0"})

    assert project(scaffold)["license"] == "MIT"
    assert (
        "license=Apache-2.0 ignored: the repository's own license (MIT) stays, as its authors "
        "gave it"
    ) in plan.notes
