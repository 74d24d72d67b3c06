"""``ml-publish bundle`` for Kaggle's image, with real pip: what the bundle holds, its manifest and
Kaggle files, its offline check, and each refusal in one line with nothing written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ml_publish.bundle.offline_check import OfflineCheck, verify_offline
from ml_publish.errors import OperationFailed
from tests.bundle.conftest import KaggleBundle
from tests.support.bundles import (
    REQUESTS_FAMILY,
    add_dependencies,
    bundle,
    manifest_of,
    plain_project_to_bundle,
    sha256_of_file,
)

WEIGHTS_SIZES = {"leaf": 60_000, "bark": 20_000}


def test_the_bundle_holds_the_wheels_for_kaggle_and_the_weights(
    kaggle_bundle: KaggleBundle,
) -> None:
    wheels = sorted(path.name for path in (kaggle_bundle.directory / "wheels").iterdir())
    assert len(wheels) == 3 and wheels[1] == "leaf_counter-0.1.0-py3-none-any.whl"
    assert wheels[0].startswith("filelock-")
    # Kaggle's Python and platform, whatever this machine's are.
    assert wheels[2].startswith("markupsafe-") and "-cp311-cp311-" in wheels[2]
    assert "manylinux2014_x86_64" in wheels[2]
    staged = kaggle_bundle.project / ".ml-publish" / "weights"
    bundled = sorted((kaggle_bundle.directory / "weights").iterdir())
    assert sorted(path.stat().st_size for path in bundled) == sorted(WEIGHTS_SIZES.values())
    for path in bundled:
        assert path.read_bytes() == (staged / path.name).read_bytes()


def test_the_manifest_lists_every_file_with_its_hash(kaggle_bundle: KaggleBundle) -> None:
    manifest = manifest_of(kaggle_bundle.directory)
    assert manifest["target"] == {"python": "3.11", "platform": "manylinux2014_x86_64"}
    assert manifest["package"] == {"name": "leaf-counter", "version": "0.1.0"}
    assert set(manifest["left_out_as_preinstalled"]) == set(REQUESTS_FAMILY)
    files = manifest["files"]
    assert isinstance(files, list)
    listed = {entry["path"] for entry in files}
    on_disk = {
        path.relative_to(kaggle_bundle.directory).as_posix()
        for folder in ("wheels", "weights")
        for path in (kaggle_bundle.directory / folder).iterdir()
    }
    assert listed == on_disk
    for entry in files:
        path = kaggle_bundle.directory / entry["path"]
        assert entry["sha256"] == sha256_of_file(path) and entry["size"] == path.stat().st_size


def test_the_command_loaded_every_weight_offline(kaggle_bundle: KaggleBundle) -> None:
    out = kaggle_bundle.result.stdout
    for name in WEIGHTS_SIZES:
        assert f"verified offline: {name} loaded from the bundle by download_weights" in out
    assert "left out as preinstalled on the target: certifi, charset-normalizer" in out
    assert f"kaggle datasets create -p {kaggle_bundle.directory}" in out


def test_kaggle_metadata_and_notebook(kaggle_bundle: KaggleBundle) -> None:
    metadata = json.loads((kaggle_bundle.directory / "dataset-metadata.json").read_text())
    assert metadata["id"] == "octo-org/leaf-counter-offline"
    assert metadata["title"] == "leaf-counter 0.1.0 offline"
    assert metadata["licenses"] == [{"name": "other"}]  # MIT is not among Kaggle's names
    assert metadata["description"].startswith("Code and pretrained weights for leaf counter.\n")
    assert "Code license: MIT." in metadata["description"]
    notebook = (kaggle_bundle.directory / "notebook.py").read_text()
    compile(notebook, "notebook.py", "exec")
    line = "!pip install --no-index --find-links /kaggle/input/leaf-counter-offline/wheels"
    assert f"{line} leaf-counter==0.1.0\n" in notebook
    assert 'os.environ["LEAF_COUNTER_WEIGHTS_DIR"] = BUNDLE + "/weights"' in notebook
    assert 'path = download_weights("leaf")' in notebook


def test_a_weight_changed_inside_the_bundle_is_refused_by_the_loader(
    kaggle_bundle: KaggleBundle, tmp_path: Path
) -> None:
    copy = Path(shutil.copytree(kaggle_bundle.directory, tmp_path / "bundle"))
    (changed,) = (copy / "weights").glob("leaf-*")
    data = bytearray(changed.read_bytes())
    data[100] ^= 0xFF
    changed.write_bytes(bytes(data))
    check = OfflineCheck(
        bundle=copy,
        requirement="leaf-counter==0.1.0",
        package="leaf_counter",
        weights=[("leaf", "")],
        preinstalled=list(REQUESTS_FAMILY),
        required_preinstalled=["requests"],
    )
    with pytest.raises(OperationFailed) as refused:
        verify_offline(check)
    message = str(refused.value)
    assert f"{changed} (in LEAF_COUNTER_WEIGHTS_DIR) is not the registered file of leaf" in message
    assert "\n" not in message


def test_a_dependency_without_a_wheel_for_the_target_is_named(
    plain_project: Path, tmp_path: Path
) -> None:
    project = plain_project_to_bundle(plain_project, tmp_path)
    add_dependencies(project, "docopt")  # published as an sdist only
    result = bundle(project, "--no-verify", expect_success=False)
    assert result.returncode == 2
    assert result.stderr.startswith(
        "ml-publish: error: docopt has no wheel for Python 3.11 on manylinux2014_x86_64"
    )
    assert "pip wheel --no-deps -w wheels 'docopt'" in result.stderr
    assert "--exclude-preinstalled" not in result.stderr  # leaving it out would not help
    assert len(result.stderr.splitlines()) == 1
    assert_nothing_written(project)

    # Tried anyway: pip resolves what is left out too, and the line says so.
    result = bundle(
        project, "--no-verify", "--exclude-preinstalled", "docopt", expect_success=False
    )
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert (
        "docopt has no wheel for Python 3.11 on manylinux2014_x86_64 on the indexes pip "
        "uses (left out as preinstalled, it is still resolved" in result.stderr
    )
    assert_nothing_written(project)


def test_a_bundle_above_the_size_limit_is_refused_with_the_numbers(
    plain_project: Path, tmp_path: Path
) -> None:
    project = plain_project_to_bundle(plain_project, tmp_path)
    result = bundle(project, "--size-limit", "0.00005", expect_success=False)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert "weights 80.0 kB), above the 50.0 kB a Kaggle dataset may hold" in result.stderr
    assert_nothing_written(project)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kaggle", "octo-org/Leaf Counter"], "is not a Kaggle dataset id"),
        (["--weights", "trunk"], "no registered weight trunk (registered: leaf, bark)"),
        (["--size-limit", "0"], "--size-limit 0 must be above 0 GB"),
    ],
)
def test_bad_options_are_refused_before_anything(
    plain_project: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    project = plain_project_to_bundle(plain_project, tmp_path)
    result = bundle(project, *args, expect_success=False)
    assert result.returncode == 2 and message in result.stderr
    assert_nothing_written(project)


def test_a_directory_holding_other_files_is_never_touched(
    plain_project: Path, tmp_path: Path
) -> None:
    project = plain_project_to_bundle(plain_project, tmp_path)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "todo.txt").write_text("mine")
    result = bundle(project, notes, expect_success=False)
    assert result.returncode == 2 and "holds files that are not a bundle" in result.stderr
    assert [path.name for path in notes.iterdir()] == ["todo.txt"]


def test_chosen_weights_for_this_machine_without_the_check(
    plain_project: Path, tmp_path: Path
) -> None:
    project = plain_project_to_bundle(plain_project, tmp_path)
    bundle(
        project, "--weights", "bark", "--python", "current", "--platform", "current", "--no-verify"
    )
    directory = project / ".ml-publish" / "bundle"
    assert [path.name.partition("-")[0] for path in (directory / "weights").iterdir()] == ["bark"]
    assert manifest_of(directory)["target"] == {"python": "current", "platform": "current"}
    # A second run replaces the bundle it made.
    bundle(project, "--python", "current", "--platform", "current", "--no-verify")
    assert len(list((directory / "weights").iterdir())) == 2


def assert_nothing_written(project: Path) -> None:
    """No bundle, whole or partial, in the project's .ml-publish (which holds its weights)."""
    assert sorted(path.name for path in (project / ".ml-publish").iterdir()) == [
        ".gitignore",
        "weights",
    ]


def test_a_bundle_for_another_machine_has_its_wheels_and_says_what_cannot_run_here(
    plain_project: Path, tmp_path: Path
) -> None:
    project = plain_project_to_bundle(plain_project, tmp_path, "markupsafe")
    target = ["--python", "3.12", "--platform", "manylinux2014_aarch64"]
    result = bundle(project, *target, expect_success=False)
    directory = project / ".ml-publish" / "bundle"
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1
    assert "the bundle does not install offline with this Python" in result.stderr
    assert result.stderr.rstrip().endswith(f"the bundle in {directory} is not verified")
    (markupsafe,) = (directory / "wheels").glob("markupsafe-*.whl")
    assert "-cp312-cp312-" in markupsafe.name and "manylinux2014_aarch64" in markupsafe.name
    assert manifest_of(directory)["target"] == {
        "python": "3.12",
        "platform": "manylinux2014_aarch64",
    }
