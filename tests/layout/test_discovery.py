"""Each backend's rule for choosing packages, on tiny trees; and which package is *the* one."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml_publish.errors import UsageError
from ml_publish.layout.discovery import discover_packages, no_package_message, the_package
from tests.support.tiny_repos import Files, write_repository

INIT = "__init__.py"


def backend(name: str, project: str = 'name = "leaf-seg"', extra: str = "") -> str:
    return (
        f'[build-system]\nrequires = []\nbuild-backend = "{name}"\n\n[project]\n{project}\n{extra}'
    )


HATCH = "hatchling.build"
SETUPTOOLS = "setuptools.build_meta"


def names(tmp_path: Path, files: Files) -> list[str]:
    return discover_packages(write_repository(tmp_path, files)).names


def test_hatchling_default_is_the_project_name_in_the_root_or_src(tmp_path: Path) -> None:
    src: Files = {"pyproject.toml": backend(HATCH), f"src/leaf_seg/{INIT}": "", f"tests/{INIT}": ""}
    assert names(tmp_path / "src", src) == ["leaf_seg"]
    flat: Files = {"pyproject.toml": backend(HATCH), f"leaf_seg/{INIT}": "", f"other/{INIT}": ""}
    assert names(tmp_path / "flat", flat) == ["leaf_seg"]
    namespace: Files = {"pyproject.toml": backend(HATCH), f"acme/leaf_seg/{INIT}": ""}
    assert names(tmp_path / "namespace", namespace) == ["acme.leaf_seg"]
    other = write_repository(
        tmp_path / "other", {"pyproject.toml": backend(HATCH), "x/" + INIT: ""}
    )
    layout = discover_packages(other)
    assert layout.names == []
    assert "leaf_seg/__init__.py, src/leaf_seg/__init__.py" in no_package_message(layout)
    assert "[tool.hatch.build.targets.wheel] packages" in no_package_message(layout)


def test_hatchling_packages_and_only_include_name_the_paths(tmp_path: Path) -> None:
    wheel = '[tool.hatch.build.targets.wheel]\npackages = ["src/cell", "lib/tools"]\n'
    files: Files = {
        "pyproject.toml": backend(HATCH, extra=wheel),
        f"src/cell/{INIT}": "",
        f"lib/tools/{INIT}": "",
        f"leaf_seg/{INIT}": "",
    }
    assert names(tmp_path / "packages", files) == ["cell", "tools"]
    only = '[tool.hatch.build.targets.wheel]\nonly-include = ["src/cell"]\nsources = ["src"]\n'
    files["pyproject.toml"] = backend(HATCH, extra=only)
    assert names(tmp_path / "only", files) == ["cell"]
    include = '[tool.hatch.build]\ninclude = ["/lib/tools", "*.md"]\nsources = ["lib"]\n'
    files["pyproject.toml"] = backend(HATCH, extra=include)
    assert names(tmp_path / "include", files) == ["tools"]


def test_setuptools_find_with_where_include_and_exclude(tmp_path: Path) -> None:
    find = '[tool.setuptools.packages.find]\nwhere = ["src"]\nexclude = ["leaf_seg.experiments*"]\n'
    files: Files = {
        "pyproject.toml": backend(SETUPTOOLS, extra=find),
        f"src/leaf_seg/{INIT}": "",
        f"src/leaf_seg/nets/{INIT}": "",
        f"src/acme/vision/{INIT}": "",
        f"tests/{INIT}": "",
    }
    # Namespaces are on by default there: acme is a namespace holding acme.vision.
    assert names(tmp_path / "src", files) == ["acme.vision", "leaf_seg"]
    include = '[tool.setuptools.packages.find]\ninclude = ["leaf*"]\nnamespaces = false\n'
    flat: Files = {
        "pyproject.toml": backend(SETUPTOOLS, extra=include),
        f"leaf_seg/{INIT}": "",
        f"data/{INIT}": "",
    }
    assert names(tmp_path / "flat", flat) == ["leaf_seg"]


def test_setuptools_lists_with_package_dir(tmp_path: Path) -> None:
    listed = (
        '[tool.setuptools]\npackages = ["leaf_seg", "leaf_seg.nets"]\npackage-dir = {"" = "lib"}\n'
    )
    files: Files = {"pyproject.toml": backend(SETUPTOOLS, extra=listed), f"lib/leaf_seg/{INIT}": ""}
    layout = discover_packages(write_repository(tmp_path, files))
    assert layout.names == ["leaf_seg"] and layout.declared
    assert layout.packages[0].path == tmp_path / "lib" / "leaf_seg"


def test_setup_py_is_read_not_run(tmp_path: Path) -> None:
    def setup_py(arguments: str) -> Files:
        return {
            "setup.py": f"from setuptools import setup, find_packages\nsetup({arguments})\n",
            f"src/leaf_seg/{INIT}": "",
            f"leaf_tools/{INIT}": "",
            f"tests/{INIT}": "",
        }

    found = names(
        tmp_path / "find", setup_py('packages=find_packages("src"), package_dir={"": "src"}')
    )
    assert found == ["leaf_seg"]
    listed = names(tmp_path / "list", setup_py('packages=["leaf_tools"]'))
    assert listed == ["leaf_tools"]
    excluded = names(tmp_path / "exclude", setup_py('packages=find_packages(exclude=["tests"])'))
    assert excluded == ["leaf_tools"]
    computed = discover_packages(write_repository(tmp_path / "computed", setup_py("packages=PKGS")))
    assert computed.names == ["leaf_seg"] and not computed.declared
    assert "setup.py computes packages=" in computed.looked_for


def test_setup_cfg_find_with_package_dir(tmp_path: Path) -> None:
    cfg = "[options]\npackages = find:\npackage_dir =\n    = src\n"
    files: Files = {"setup.cfg": cfg, f"src/leaf_seg/{INIT}": "", f"tests/{INIT}": ""}
    assert names(tmp_path, files) == ["leaf_seg"]


def test_setuptools_automatic_discovery(tmp_path: Path) -> None:
    src: Files = {"pyproject.toml": backend(SETUPTOOLS), f"src/leaf_seg/{INIT}": ""}
    assert names(tmp_path / "src", src) == ["leaf_seg"]
    flat: Files = {"pyproject.toml": backend(SETUPTOOLS), f"leaf_seg/{INIT}": "", "docs/a.md": ""}
    assert names(tmp_path / "flat", flat) == ["leaf_seg"]
    several = {**flat, "notebooks/a.ipynb": "{}"}
    layout = discover_packages(write_repository(tmp_path / "several", several))
    assert layout.names == []
    assert "several top-level directories (leaf_seg, notebooks)" in no_package_message(layout)


def test_flit_module_in_the_root_or_src(tmp_path: Path) -> None:
    flit = "flit_core.buildapi"
    assert names(
        tmp_path / "src", {"pyproject.toml": backend(flit), f"src/leaf_seg/{INIT}": ""}
    ) == ["leaf_seg"]
    module = '[tool.flit.module]\nname = "acme.vision"\n'
    files: Files = {"pyproject.toml": backend(flit, extra=module), f"acme/vision/{INIT}": ""}
    assert names(tmp_path / "named", files) == ["acme.vision"]
    single = discover_packages(
        write_repository(tmp_path / "module", {"pyproject.toml": backend(flit), "leaf_seg.py": ""})
    )
    assert single.names == [] and single.modules == ("leaf_seg.py",)
    assert no_package_message(single).startswith("the wheel ships the module leaf_seg.py")


def test_uv_build_module_name_and_root(tmp_path: Path) -> None:
    uv = "uv_build"
    assert names(tmp_path / "src", {"pyproject.toml": backend(uv), f"src/leaf_seg/{INIT}": ""}) == [
        "leaf_seg"
    ]
    flat = '[tool.uv.build-backend]\nmodule-root = ""\nmodule-name = "acme.vision"\n'
    files: Files = {"pyproject.toml": backend(uv, extra=flat), f"acme/vision/{INIT}": ""}
    assert names(tmp_path / "flat", files) == ["acme.vision"]
    wrong = '[tool.uv.build-backend]\nmodule-name = "leafseg"\n'
    layout = discover_packages(
        write_repository(
            tmp_path / "wrong",
            {"pyproject.toml": backend(uv, extra=wrong), f"src/leaf_seg/{INIT}": ""},
        )
    )
    assert layout.names == [] and "src/leafseg/__init__.py" in no_package_message(layout)


def test_pdm_backend_default_and_includes(tmp_path: Path) -> None:
    pdm = "pdm.backend"
    flat: Files = {"pyproject.toml": backend(pdm), f"leaf_seg/{INIT}": "", f"tests/{INIT}": ""}
    assert names(tmp_path / "flat", flat) == ["leaf_seg"]
    src: Files = {"pyproject.toml": backend(pdm), f"src/leaf_seg/{INIT}": "", f"tools/{INIT}": ""}
    assert names(tmp_path / "src", src) == ["leaf_seg"]
    includes = '[tool.pdm.build]\nincludes = ["tools"]\n'
    assert names(
        tmp_path / "includes", {**src, "pyproject.toml": backend(pdm, extra=includes)}
    ) == ["tools"]


def test_poetry_packages(tmp_path: Path) -> None:
    poetry = '[tool.poetry]\npackages = [{ include = "leaf_seg", from = "src" }]\n'
    files: Files = {
        "pyproject.toml": backend("poetry.core.masonry.api", extra=poetry),
        f"src/leaf_seg/{INIT}": "",
    }
    assert names(tmp_path, files) == ["leaf_seg"]


def test_another_backend_is_taken_at_what_the_tree_shows(tmp_path: Path) -> None:
    files: Files = {"pyproject.toml": backend("mesonpy"), f"src/leaf_seg/{INIT}": ""}
    layout = discover_packages(write_repository(tmp_path, files))
    assert layout.names == ["leaf_seg"] and "mesonpy chooses its own files" in layout.looked_for


def test_the_package_is_asked_for_the_only_one_or_named_like_the_distribution(
    tmp_path: Path,
) -> None:
    wheel = '[tool.hatch.build.targets.wheel]\npackages = ["src/leaf_seg", "src/leaf_tools"]\n'
    files: Files = {
        "pyproject.toml": backend(HATCH, extra=wheel),
        f"src/leaf_seg/{INIT}": "",
        f"src/leaf_tools/{INIT}": "",
    }
    layout = discover_packages(write_repository(tmp_path, files))
    assert the_package(layout, distribution="Leaf-Seg").name == "leaf_seg"
    assert the_package(layout, "leaf_tools").name == "leaf_tools"
    with pytest.raises(
        UsageError, match=r"several packages \(leaf_seg, leaf_tools\); pass --package"
    ):
        the_package(layout, distribution="something-else")
    with pytest.raises(
        UsageError, match="no package 'nets' in the wheel; it ships leaf_seg, leaf_tools"
    ):
        the_package(layout, "nets")
