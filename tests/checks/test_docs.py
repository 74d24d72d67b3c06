"""DOC checks, each on a tiny passing repository and a tiny failing one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ml_publish.template_files import template_dir
from ml_publish.weights.registry import WeightEntry
from ml_publish.weights.table import (
    END_MARKER,
    RST_END_MARKER,
    RST_START_MARKER,
    START_MARKER,
    with_table,
)
from tests.support.tiny_repos import (
    GOOD_PACKAGE,
    GOOD_PYPROJECT,
    Files,
    audit,
    weight_entry,
    with_weights,
)

LICENSES = template_dir() / "templates" / "licenses"
MIT, APACHE, GPL = (
    (LICENSES / f"{name}.txt").read_text() for name in ("MIT", "Apache-2.0", "GPL-3.0-only")
)
INSTALL = "## Installation\n\n    pip install cell-counter\n"
INFERENCE = "## Inference\n\n    counts = cell_counter.count(image)\n"
README = f"# Cell counter\n\n{INSTALL}\n{INFERENCE}"
CITATION = """\
cff-version: 1.2.0
message: "If you use these weights, please cite them as below."
title: "Cell counter"
authors:
  - family-names: Curie
    given-names: Marie
  - name: "The Cell Counter Consortium"
date-released: 2024-05-01
doi: 10.5281/zenodo.1234567
"""
GOOD: Files = {
    "pyproject.toml": GOOD_PYPROJECT,
    **GOOD_PACKAGE,
    "README.md": README,
    "LICENSE": MIT,
}
UNET = weight_entry("unet", b"unet weights")
PACKAGE: Files = {**GOOD_PACKAGE}


def licensed(text: str, license: str = "MIT") -> Files:
    pyproject = GOOD_PYPROJECT.replace('license = "MIT"', f'license = "{license}"')
    return {**GOOD, "pyproject.toml": pyproject, "LICENSE": text}


def readme_with(*entries: dict[str, Any]) -> str:
    """README with the weights table of ``entries``, as ml-publish weights table writes it."""
    marked = f"{README}\n## Pretrained weights\n\n{START_MARKER}\n{END_MARKER}\n"
    return with_table(marked, [WeightEntry(**entry) for entry in entries])


def test_doc101_readme_present(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "DOC101").result == "pass"
    rst: Files = {**GOOD_PACKAGE, "README.rst": "Cell counter\n============\n"}
    assert audit(tmp_path / "rst", rst, "DOC101").result == "pass"
    failed = audit(tmp_path / "bad", PACKAGE, "DOC101")
    assert failed.result == "fail"
    assert failed.message.startswith("add a README.md")


def test_doc102_readme_install_section(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "DOC102").result == "pass"
    rst: Files = {"README.rst": "Cell counter\n============\n\nGetting started\n---------------\n"}
    assert audit(tmp_path / "rst", rst, "DOC102").result == "pass"
    failed = audit(tmp_path / "bad", {"README.md": f"# Cell counter\n\n{INFERENCE}"}, "DOC102")
    assert failed.result == "fail"
    assert "'## Installation' section" in failed.message


def test_doc102_skips_without_readme(tmp_path: Path) -> None:
    skipped = audit(tmp_path, PACKAGE, "DOC102")
    assert skipped.result == "skip"
    assert "DOC101" in skipped.message


def test_doc103_readme_usage_section(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "DOC103").result == "pass"
    failed = audit(tmp_path / "bad", {"README.md": f"# Cell counter\n\n{INSTALL}"}, "DOC103")
    assert failed.result == "fail"
    assert "'## Inference' (or '## Usage') section" in failed.message


def test_doc104_readme_weights_table_in_sync(tmp_path: Path) -> None:
    synced = {**with_weights(UNET), "README.md": readme_with(UNET)}
    assert audit(tmp_path / "good", synced, "DOC104").result == "pass"
    empty = {**with_weights(), "README.md": readme_with()}
    assert audit(tmp_path / "empty", empty, "DOC104").result == "pass"
    small = weight_entry("small", b"small weights")
    stale = {**with_weights(UNET, small), "README.md": readme_with(UNET)}
    out_of_date = audit(tmp_path / "stale", stale, "DOC104")
    assert out_of_date.result == "fail"
    assert "out of date; run ml-publish weights table" in out_of_date.message
    unmarked = audit(tmp_path / "unmarked", {**with_weights(UNET), "README.md": README}, "DOC104")
    assert unmarked.result == "fail"
    assert START_MARKER in unmarked.message


def test_doc105_license_present(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "DOC105").result == "pass"
    failed = audit(tmp_path / "bad", PACKAGE, "DOC105")
    assert failed.result == "fail"
    assert "add a LICENSE file" in failed.message


def test_doc106_license_recognised(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "DOC106").result == "pass"
    failed = audit(tmp_path / "bad", {"LICENSE": "Do what you like with it.\n"}, "DOC106")
    assert failed.result == "fail"
    assert failed.message.startswith("LICENSE is not a text ml-publish recognises")


def test_doc107_license_matches_metadata(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "DOC107").result == "pass"
    gpl = audit(tmp_path / "gpl", licensed(GPL, "GPL-3.0-or-later"), "DOC107")
    assert gpl.result == "pass"
    either = audit(tmp_path / "either", licensed(APACHE, "MIT OR Apache-2.0"), "DOC107")
    assert either.result == "pass"
    failed = audit(tmp_path / "bad", licensed(APACHE), "DOC107")
    assert failed.result == "fail"
    assert failed.message.startswith("LICENSE is Apache-2.0 but pyproject.toml declares MIT")


def test_doc108_citation_present(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", {"CITATION.cff": CITATION}, "DOC108").result == "pass"
    failed = audit(tmp_path / "bad", GOOD, "DOC108")
    assert failed.result == "fail"
    assert "add a CITATION.cff" in failed.message


def test_doc109_citation_valid(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", {"CITATION.cff": CITATION}, "DOC109").result == "pass"
    authorless = CITATION.split("authors:")[0]
    cases = {
        "authors": (authorless, "CITATION.cff: authors is required"),
        "unknown": (CITATION + "journal: Nature\n", "unknown keys journal"),
        "version": (CITATION.replace("1.2.0", "1.1.0"), 'cff-version must be "1.2.0"'),
        "doi": (CITATION.replace("10.5281", "https://doi.org/10.5281"), "doi must look like"),
        "yaml": (CITATION + "title: [unclosed\n", "CITATION.cff is not valid YAML"),
    }
    for case, (text, problem) in cases.items():
        failed = audit(tmp_path / case, {"CITATION.cff": text}, "DOC109")
        assert failed.result == "fail", case
        assert problem in failed.message


def test_doc109_citation_cites_the_package_version(tmp_path: Path) -> None:
    cited = CITATION + 'version: "0.1.0"\n'
    project = {"pyproject.toml": GOOD_PYPROJECT, **GOOD_PACKAGE}
    assert audit(tmp_path / "same", {**project, "CITATION.cff": cited}, "DOC109").result == "pass"
    # Without a version in the citation there is nothing to disagree with.
    assert audit(tmp_path / "none", {**project, "CITATION.cff": CITATION}, "DOC109").result == (
        "pass"
    )
    stale = {**project, "CITATION.cff": cited.replace("0.1.0", "0.0.9")}
    failed = audit(tmp_path / "stale", stale, "DOC109")
    assert failed.result == "fail"
    assert failed.message == (
        'CITATION.cff: version is 0.0.9 but the package is 0.1.0; set version: "0.1.0" '
        "(ml-publish release does it in its bump commit)"
    )
    static = GOOD_PYPROJECT.replace('dynamic = ["version"]', 'version = "2.0"')
    bumped = {"pyproject.toml": static, "CITATION.cff": cited}
    assert "the package is 2.0;" in audit(tmp_path / "static", bumped, "DOC109").message


RST_README = (
    "Cell counter\n============\n\nInstallation\n------------\n\n.. code-block:: bash\n\n"
    "   pip install cell-counter\n\nUsage\n-----\n\n``cell_counter.count(image)``\n"
)


UNLICENSED: Files = {name: text for name, text in GOOD.items() if name != "LICENSE"}


def rst_readme_with(*entries: dict[str, Any]) -> str:
    marked = f"{RST_README}\nPretrained weights\n------------------\n\n"
    marked += f"{RST_START_MARKER}\n{RST_END_MARKER}\n"
    return with_table(marked, [WeightEntry(**entry) for entry in entries], rst=True)


def declaring_readme(readme: str) -> Files:
    """GOOD with pyproject.toml naming ``readme`` and a Markdown README that lacks everything."""
    pyproject = GOOD_PYPROJECT.replace('readme = "README.md"', f'readme = "{readme}"')
    return {**GOOD, "pyproject.toml": pyproject, "README.md": "# Cell counter\n"}


def test_doc102_doc103_read_the_readme_pyproject_names(tmp_path: Path) -> None:
    rst = {**declaring_readme("README.rst"), "README.rst": RST_README}
    for check_id in ("DOC102", "DOC103"):
        assert audit(tmp_path / f"rst-{check_id}", rst, check_id).result == "pass"
    lowercase: Files = {**GOOD_PACKAGE, "readme.md": README}
    assert audit(tmp_path / "lowercase", lowercase, "DOC102").result == "pass"
    bare = {**declaring_readme("README.rst"), "README.rst": "Cell counter\n============\n"}
    failed = audit(tmp_path / "bare", bare, "DOC102")
    assert failed.result == "fail"
    assert "'Installation' (underlined with ---) section" in failed.message


def test_doc104_an_rst_readme_has_an_rst_table(tmp_path: Path) -> None:
    rst = declaring_readme("README.rst")
    synced = {**rst, **with_weights(UNET), "README.rst": rst_readme_with(UNET)}
    assert audit(tmp_path / "good", synced, "DOC104").result == "pass"
    # A Markdown table in an rst README is not the table PyPI would show.
    markdown_table = {**rst, **with_weights(UNET), "README.rst": readme_with(UNET)}
    unmarked = audit(tmp_path / "markdown", markdown_table, "DOC104")
    assert unmarked.result == "fail"
    assert unmarked.message.startswith(f"add {RST_START_MARKER} and {RST_END_MARKER} to README.rst")
    small = weight_entry("small", b"small weights")
    stale = {**rst, **with_weights(UNET, small), "README.rst": rst_readme_with(UNET)}
    out_of_date = audit(tmp_path / "stale", stale, "DOC104")
    assert out_of_date.result == "fail"
    assert out_of_date.message.startswith("README.rst's weights table is out of date")


def test_doc105_to_doc107_find_the_license_under_another_name(tmp_path: Path) -> None:
    for name in ("MIT-LICENSE", "LICENCE", "COPYING", "license.md"):
        files = {**UNLICENSED, name: MIT}
        for check_id in ("DOC105", "DOC106", "DOC107", "PKG103", "PKG108"):
            result = audit(tmp_path / f"{name}-{check_id}", files, check_id)
            assert result.result == "pass", (name, check_id, result.message)


def test_doc105_a_weights_license_is_not_the_code_license(tmp_path: Path) -> None:
    weights_only = {
        **UNLICENSED,
        "LICENSE-weights": "Attribution-NonCommercial 4.0 International\n",
    }

    failed = audit(tmp_path / "weights", weights_only, "DOC105")

    assert failed.result == "fail"
    assert failed.message.startswith("no license for the code: LICENSE-weights is named for")
    with_code = audit(tmp_path / "both", {**weights_only, "MIT-LICENSE": MIT}, "DOC107")
    assert with_code.result == "pass"


RAW_RST = "Cell counter\n============\n\n.. raw:: html\n\n   <p align='center'>logo</p>\n"


def test_doc110_readme_renders_on_pypi(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "DOC110").result == "pass"
    rst = {**declaring_readme("README.rst"), "README.rst": RST_README}
    assert audit(tmp_path / "rst", rst, "DOC110").result == "pass"
    raw = {**declaring_readme("README.rst"), "README.rst": RAW_RST}

    failed = audit(tmp_path / "raw", raw, "DOC110")

    assert failed.result == "fail"
    assert failed.message == (
        'README.rst will not render on PyPI as text/x-rst (line 4: "raw" directive disabled.), '
        "so twine check --strict and ml-publish release fail; fix it, or declare it as plain "
        'text: readme = { file = "README.rst", content-type = "text/plain" }'
    )


def declaring_content_type(readme: str, content_type: str) -> Files:
    """GOOD with pyproject.toml naming ``readme`` with ``content_type`` in a table."""
    table = f'readme = {{ file = "{readme}", content-type = "{content_type}" }}'
    return {**GOOD, "pyproject.toml": GOOD_PYPROJECT.replace('readme = "README.md"', table)}


def test_doc110_follows_the_declared_content_type(tmp_path: Path) -> None:
    as_text = {**declaring_content_type("README.rst", "text/plain"), "README.rst": RAW_RST}
    assert audit(tmp_path / "plain", as_text, "DOC110").result == "pass"
    role = {**declaring_readme("README.rst"), "README.rst": "Title\n=====\n\nSee :ref:`setup`.\n"}
    unknown_role = audit(tmp_path / "role", role, "DOC110")
    assert unknown_role.result == "fail"
    assert '(line 4: Unknown interpreted text role "ref".)' in unknown_role.message
    html = audit(tmp_path / "html", declaring_content_type("README.md", "text/html"), "DOC110")
    assert html.result == "fail"
    assert "(PyPI accepts text/markdown, text/x-rst, text/plain, not text/html)" in html.message
