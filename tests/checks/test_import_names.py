"""Import names and the distributions that provide them."""

from __future__ import annotations

import pytest

from ml_publish.checks.import_names import (
    DeclaredNames,
    distribution_for,
    installed_top_levels,
    import_name,
    is_provided,
    provided_names,
)


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("cv2", "cv2"),
        ("sklearn.model_selection", "sklearn"),
        ("google.protobuf.text_format", "google.protobuf"),
        ("google.colab.drive", "google.colab"),
        ("google.genai", "google.genai"),
        ("ruamel.yaml.comments", "ruamel.yaml"),
        ("torch.nn.functional", "torch"),
    ],
)
def test_import_name(module: str, name: str) -> None:
    assert import_name(module) == name


@pytest.mark.parametrize(
    ("name", "distribution"),
    [
        ("cv2", "opencv-python"),
        ("sklearn", "scikit-learn"),
        ("PIL", "Pillow"),
        ("yaml", "PyYAML"),
        ("skimage", "scikit-image"),
        ("Crypto", "pycryptodome"),
        ("bs4", "beautifulsoup4"),
        ("google.protobuf", "protobuf"),
        ("tensorflow", "tensorflow"),
        ("pytorch_lightning", "pytorch-lightning"),
        ("segmentation_models_pytorch", "segmentation-models-pytorch"),
        # Not in the table and not installed: uncertain.
        ("clip", None),
        ("my_private_lib", None),
    ],
)
def test_distribution_for(name: str, distribution: str | None) -> None:
    assert distribution_for(name, {}) == distribution


def test_the_installed_environment_answers_for_what_the_table_lacks() -> None:
    installed = {"einx": ["einx"], "shared": ["one-dist", "other-dist"]}
    assert distribution_for("einx", installed) == "einx"
    assert distribution_for("shared", installed) is None


def test_provided_names() -> None:
    assert provided_names("opencv-python-headless") >= {"opencv_python_headless", "cv2"}
    assert provided_names("scikit-learn") >= {"scikit_learn", "sklearn"}
    assert provided_names("google-cloud-storage") >= {"google.cloud.storage"}


def test_a_distribution_named_after_another_does_not_provide_it() -> None:
    # A JAX paper declares tensorflow-datasets and imports tensorflow too: tensorflow is missing.
    declared = DeclaredNames(["tensorflow-datasets", "ml-collections"])
    assert [declared.provide("tensorflow_datasets"), declared.provide("ml_collections")] == [
        True,
        True,
    ]
    assert not declared.provide("tensorflow")
    assert not declared.provide("ml")


def test_installed_metadata_is_read_only_when_the_names_do_not_explain_an_import() -> None:
    # Installed here (ml-publish depends on them): their top-level names are in their metadata.
    assert installed_top_levels("PyYAML") == {"_yaml", "yaml"}
    assert installed_top_levels("no-such-distribution") == set()
    declared = DeclaredNames(["pyyaml", "typing-extensions"])
    assert [declared.provide("yaml"), declared.installed_read] == [True, False]
    assert [declared.provide("numpy_nowhere"), declared.installed_read] == [False, True]
    assert "_yaml" in declared.names


def test_is_provided() -> None:
    assert is_provided("sklearn.svm", {"sklearn"})
    assert is_provided("PIL.Image", {"pil"})
    assert is_provided("google.protobuf.message", {"google.protobuf"})
    assert not is_provided("google.colab", {"google.protobuf"})
    assert not is_provided("torchvision", {"torch"})
