"""The machines a bundle is made for: Kaggle's notebook image by default, and its limits.

Kaggle builds its Python image (github.com/Kaggle/docker-python) on Colab's, which runs Python
3.11 on x86-64 Linux (Kaggle/docker-python pull request 1480: "the latest colab image is now
python 3.11"); its wheels are manylinux ones. ``KAGGLE_PREINSTALLED`` lists distributions that
image ships (the Colab base's frameworks, which its Dockerfile keeps, and its own
``kaggle_requirements.txt``): a bundle made with ``--exclude-preinstalled`` leaves them, and
whatever only they need, out of the wheelhouse.
"""

from __future__ import annotations

import platform
import re
import sys
from dataclasses import dataclass

from ml_publish.errors import UsageError

KAGGLE_PYTHON = "3.11"
KAGGLE_PLATFORM = "manylinux2014_x86_64"
# The value of --python / --platform that means "the Python that verifies the bundle".
CURRENT = "current"
# The per-dataset limit of Kaggle's datasets documentation (kaggle.com/docs/datasets); --size-limit
# overrides it (the README says why).
KAGGLE_SIZE_LIMIT_GB = 200.0
GB = 1000**3
DATASET_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*/[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$")
# The word of --exclude-preinstalled that stands for the list below.
KAGGLE_LIST = "kaggle"
# Written in canonical form (PEP 503), as the names they are compared with.
KAGGLE_PREINSTALLED = tuple(
    name
    for name in (
        "torch torchvision torchaudio tensorflow keras jax jaxlib lightgbm xgboost catboost "
        "numpy scipy pandas scikit-learn matplotlib seaborn pillow opencv-python "
        "transformers datasets safetensors huggingface-hub tokenizers timm "
        "pytorch-lightning torchmetrics kornia requests tqdm pyyaml"
    ).split()
)


@dataclass(frozen=True)
class Target:
    """The Python version and wheel platform tag a bundle's wheels are chosen for."""

    python: str = KAGGLE_PYTHON
    platform: str = KAGGLE_PLATFORM

    def pip_options(self) -> list[str]:
        """pip's options choosing wheels for this target (none for the current machine)."""
        options = []
        if self.python != CURRENT:
            options += ["--python-version", self.python]
        if self.platform != CURRENT:
            options += ["--platform", self.platform]
        return options

    def describe(self) -> str:
        python = self.python if self.python != CURRENT else "%d.%d" % sys.version_info[:2]
        machine = self.platform if self.platform != CURRENT else this_platform()
        return f"Python {python} on {machine}"


def this_platform() -> str:
    return f"{sys.platform}_{platform.machine()}"


def preinstalled_names(words: list[str] | None) -> frozenset[str]:
    """The distributions ``--exclude-preinstalled`` leaves out: none when it was not given,
    Kaggle's list when it was given bare, else the names given (``kaggle`` among them adds
    Kaggle's list)."""
    if words is None:
        return frozenset()
    # packaging costs start-up time; here only when names were given.
    from packaging.utils import canonicalize_name

    if not words:
        return frozenset(KAGGLE_PREINSTALLED)
    names = {canonicalize_name(word) for word in words if word != KAGGLE_LIST}
    return frozenset(names | (set(KAGGLE_PREINSTALLED) if KAGGLE_LIST in words else set()))


def check_dataset_id(dataset_id: str) -> str:
    """A Kaggle dataset id, ``owner/slug``, as the kaggle CLI's metadata takes it."""
    if not DATASET_ID.match(dataset_id):
        raise UsageError(
            f"--kaggle {dataset_id!r} is not a Kaggle dataset id; write it as OWNER/SLUG, the "
            "slug 3 to 50 lower-case letters, digits and hyphens"
        )
    return dataset_id
