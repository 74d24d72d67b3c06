"""The author's README stays the readme: the template's sections go into it, in its markup."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import pytest
from readme_renderer.rst import render

from ml_publish import template
from ml_publish.adopt.adoption import adopt
from ml_publish.adopt.merge import merge_readme, sections
from ml_publish.adopt.readme import (
    RST_END,
    RST_START,
    as_rst,
    markup_of,
    readme_setting,
    repository_readme,
    rst_inline,
    section_styles,
    with_repository_readme,
)
from ml_publish.weights.table import RST_END_MARKER, RST_START_MARKER
from tests.support.processes import run
from tests.support.readme_repos import (
    README_RST,
    commit_and_check,
    git_status,
    write_plain_text_repository,
    write_rst_repository,
)
from tests.support.venvs import VirtualEnv

TEMPLATE_README = """\
# Whale ID

## Installation

```bash
pip install whale-id
```

## Data

**TODO:** where the data lives; see [`CITATION.cff`](CITATION.cff) and [MIT](LICENSE).

## Pretrained weights

<!-- weights-table:start -->

No weights have been published yet.

<!-- weights-table:end -->
"""
AUTHOR_RST = "Whale ID\n========\n\nOur 12th place solution.\n\nData\n----\n\nOn Kaggle.\n"


def rendered_rst(text: str) -> str:
    """The HTML PyPI shows (twine check's renderer); fails on any rst warning."""
    html = render(text, stream=io.StringIO())
    assert html is not None, text
    return html


@pytest.mark.parametrize(
    ("path", "markup", "setting"),
    [
        ("README.md", "markdown", '"README.md"'),
        ("README.rst", "rst", '"README.rst"'),
        ("Readme.RST", "rst", '{ file = "Readme.RST", content-type = "text/x-rst" }'),
        ("README.txt", "text", '{ file = "README.txt", content-type = "text/plain" }'),
        ("README", "text", '{ file = "README", content-type = "text/plain" }'),
    ],
)
def test_each_readme_variant_has_its_markup_and_pyproject_setting(
    path: str, markup: str, setting: str
) -> None:
    assert markup_of(path) == markup
    assert readme_setting(path) == setting
    tomllib.loads(f"readme = {setting}")  # valid TOML


def test_the_repository_readme_is_the_one_pyproject_names_else_a_root_variant() -> None:
    files = ["README.md", "README.rst", "docs/README.md", "train.py"]

    assert repository_readme(files, '[project]\nreadme = "README.rst"\n') == "README.rst"
    declared_table = '[project]\nreadme = {file = "docs/README.md"}\n'
    assert repository_readme(files, declared_table) == "docs/README.md"
    assert repository_readme(files, '[project]\nreadme = "gone.md"\n') == "README.md"
    assert repository_readme(files, '[tool.docs]\nreadme = "README.rst"\n') == "README.md"
    assert repository_readme(files, "not = [toml") == "README.md"
    assert repository_readme(["README", "train.py"], None) == "README"
    assert repository_readme(["docs/README.md"], None) is None


def test_the_template_readme_stands_for_the_repository_readme() -> None:
    files = {"README.md": TEMPLATE_README, "pyproject.toml": '[project]\nreadme = "README.md"\n'}

    rst = with_repository_readme(files, "README.rst")
    plain = with_repository_readme(files, "README")

    assert sorted(rst) == ["README.rst", "pyproject.toml"]
    assert rst["README.rst"] == TEMPLATE_README  # Markdown still: merged into the rst one
    assert tomllib.loads(rst["pyproject.toml"])["project"]["readme"] == "README.rst"
    assert tomllib.loads(plain["pyproject.toml"])["project"]["readme"] == {
        "file": "README",
        "content-type": "text/plain",
    }
    assert with_repository_readme(files, "README.md") is files
    assert with_repository_readme(files, None) is files


def test_sections_use_the_level_below_the_title_and_unused_characters() -> None:
    # "=" is the title's: a deeper level reusing it would be the title's level in rst.
    assert section_styles(AUTHOR_RST)[:2] == [("-", False), ("~", False)]
    overlined = "=====\nTitle\n=====\n\nText.\n"
    assert section_styles(overlined)[0] == ("-", False)
    # Without a title, the template's sections are top-level sections of their own.
    assert section_styles("Usage\n~~~~~\n\nA\n\nData\n~~~~\n")[0] == ("~", False)
    assert section_styles("Just text.\n")[0] == ("=", False)


def test_inline_markdown_becomes_rst_literals_and_anonymous_links() -> None:
    assert rst_inline("run `pip install x`, see [docs](https://x.org)") == (
        "run ``pip install x``, see `docs <https://x.org>`__"
    )
    assert rst_inline("[`CITATION.cff`](CITATION.cff)") == "`CITATION.cff <CITATION.cff>`__"
    assert rst_inline("the `name`s") == "the ``name``\\ s"


def test_code_blocks_titles_and_markers_in_rst() -> None:
    text = as_rst(TEMPLATE_README, [("-", False), ("~", False)]).text()

    assert "Installation\n------------\n\n.. code-block:: bash\n\n   pip install whale-id\n" in text
    assert "Whale ID\n--------" in text  # a level-1 title becomes a section at the same level
    assert f"{RST_START_MARKER}\n\nNo weights have been published yet.\n\n{RST_END_MARKER}" in text
    assert "`MIT <LICENSE>`__" in text


def test_rst_readme_gets_the_missing_sections_in_rst_once() -> None:
    merged = merge_readme(AUTHOR_RST, TEMPLATE_README, "README.rst")

    assert merged.startswith(
        AUTHOR_RST.rstrip() + f"\n\n{RST_START}\n\nInstallation\n------------\n"
    )
    assert merged.endswith(f"{RST_END}\n")
    assert merged.count("Data\n----") == 1  # the author's section is not repeated
    assert "```" not in merged and "<!--" not in merged
    assert merge_readme(merged, TEMPLATE_README, "README.rst") == merged
    html = rendered_rst(merged)
    assert "ml-publish adopt" not in html and '<pre class="code bash literal-block">' in html


def test_a_plain_text_readme_gets_plain_text() -> None:
    merged = merge_readme("Whale ID\n\nOur solution.\n", TEMPLATE_README, "README")

    assert "Installation\n============\n\n    pip install whale-id\n" in merged
    assert "TODO: where the data lives; see CITATION.cff <CITATION.cff>" in merged
    assert "<!-- weights-table:start -->" in merged  # the table stays Markdown in plain text
    assert merge_readme(merged, TEMPLATE_README, "README") == merged


@pytest.mark.parametrize("framework", ["pytorch", "none"])
def test_every_template_section_renders_as_rst(tmp_path: Path, framework: str) -> None:
    answers = template.resolve_answers({"framework": framework}, no_input=True)
    readme = (template.render(answers, tmp_path, overwrite=False) / "README.md").read_text()

    merged = merge_readme("Whale ID\n========\n\nOur solution.\n", readme, "README.rst")

    html = rendered_rst(merged)
    for title in sections(readme):
        assert title in html.lower()


def test_adopting_a_readme_rst_repository_keeps_its_readme_and_license(tmp_path: Path) -> None:
    root = write_rst_repository(tmp_path / "whale-id")

    adopt(root)

    assert not (root / "README.md").exists() and not (root / "LICENSE").exists()
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert project["readme"] == "README.rst"
    assert (project["license"], project["license-files"]) == ("MIT", ["MIT-LICENSE"])
    readme = (root / "README.rst").read_text()
    # The author's text, its command pointed at the moved script's module (issue 22, 1).
    author = README_RST.replace(
        "   python train.py --epochs", "   python -m whale_id.train --epochs"
    )
    assert "python -m whale_id.train --epochs 10\n" in author
    assert readme.startswith(author.rstrip() + f"\n\n{RST_START}\n\nInstallation\n---")
    assert ".. code-block:: bash\n\n   pip install whale-id\n" in readme
    assert readme.count("Training\n--------") == 1  # the author's section stays the only one
    assert "   * - ``best``" in readme  # the committed weights, in an rst table
    html = rendered_rst(readme)
    assert "<h2>Installation" in html and "best-" in html
    assert commit_and_check(root) == []
    adopt(root)
    assert git_status(root) == []


@pytest.mark.parametrize("readme", ["README", "README.txt"])
def test_adopting_a_plain_text_readme_repository(tmp_path: Path, readme: str) -> None:
    root = write_plain_text_repository(tmp_path / "cells", readme)

    adopt(root)

    assert not (root / "README.md").exists() and not (root / "LICENSE").exists()
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert project["readme"] == {"file": readme, "content-type": "text/plain"}
    assert project["license-files"] == ["LICENCE"]
    assert "Installation\n============\n\n    pip install cells\n" in (root / readme).read_text()
    assert commit_and_check(root) == []
    adopt(root)
    assert git_status(root) == []


def test_the_adopted_rst_readme_passes_twine_check_strict(
    tmp_path: Path, project_tools: VirtualEnv
) -> None:
    root = write_rst_repository(tmp_path / "whale-id")
    adopt(root)

    dist = tmp_path / "dist"
    run([project_tools.python, "-m", "build", "--no-isolation", "--outdir", dist, root])
    run([project_tools.bin("twine"), "check", "--strict", *sorted(dist.iterdir())])
    metadata = run([project_tools.python, "-m", "zipfile", "-l", *dist.glob("*.whl")]).stdout
    assert "MIT-LICENSE" in metadata
