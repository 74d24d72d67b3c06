"""The import rewrite: only the imports of moved modules change, everything else keeps its bytes."""

from __future__ import annotations

import json

import pytest

from ml_publish.adopt.imports import rewrite_cell, rewrite_notebook, rewrite_source
from tests.support.abandoned_repos import NOTEBOOK, TRAIN

RENAMES = {"utils": "whale_id.utils", "models": "whale_id.models"}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("import utils\n", "from whale_id import utils\n"),
        ("import utils as u\n", "from whale_id import utils as u\n"),
        (
            "from utils import seed, load  # both\n",
            "from whale_id.utils import seed, load  # both\n",
        ),
        ("from models.unet import Unet\n", "from whale_id.models.unet import Unet\n"),
        ("import os, utils\n", "import os\nfrom whale_id import utils\n"),
        ("import utils.io\n", "import whale_id.utils.io\nfrom whale_id import utils\n"),
        # `as` binds the submodule itself, so it must stay the submodule.
        ("import models.unet as unet\n", "import whale_id.models.unet as unet\n"),
        ("def f():\n    import models\n", "def f():\n    from whale_id import models\n"),
        ("from . import utils\n", "from . import utils\n"),
        ("import numpy as np\nimport utilities\n", "import numpy as np\nimport utilities\n"),
    ],
)
def test_bare_imports_become_package_imports(before: str, after: str) -> None:
    assert rewrite_source(before, RENAMES) == after


def test_a_subpackage_target_keeps_the_bound_name() -> None:
    assert rewrite_source("import utils\n", {"utils": "w.alice.utils"}) == (
        "from w.alice import utils\n"
    )


def test_everything_but_the_imports_keeps_its_bytes() -> None:
    rewritten = rewrite_source(TRAIN, RENAMES)

    changed = [
        (old, new)
        for old, new in zip(TRAIN.splitlines(), rewritten.splitlines(), strict=True)
        if old != new
    ]
    assert changed == [
        ("from models import Unet", "from whale_id.models import Unet"),
        (
            "from utils import load_images, seed_everything",
            "from whale_id.utils import load_images, seed_everything",
        ),
    ]


def test_notebook_cells_are_rewritten_and_magics_kept() -> None:
    cell = "%matplotlib inline\nimport utils\n!nvidia-smi\n"

    assert (
        rewrite_cell(cell, RENAMES)
        == "%matplotlib inline\nfrom whale_id import utils\n!nvidia-smi\n"
    )


def test_a_cell_full_of_ipython_syntax_has_only_its_python_imports_rewritten() -> None:
    cell = (
        "files = !ls\n"
        "for f in files:\n"
        "    !echo $f\n"
        "import os, utils\n"
        "utils.seed??\n"
        "!pip install \\\n"
        "    timm\n"
        "from models import Unet"
    )

    assert rewrite_cell(cell, RENAMES) == (
        "files = !ls\n"
        "for f in files:\n"
        "    !echo $f\n"
        "import os\n"
        "from whale_id import utils\n"
        "utils.seed??\n"
        "!pip install \\\n"
        "    timm\n"
        "from whale_id.models import Unet"
    )


def test_a_timed_cell_is_rewritten_below_its_magic() -> None:
    assert rewrite_cell("%%time\nimport utils\n", RENAMES) == (
        "%%time\nfrom whale_id import utils\n"
    )


@pytest.mark.parametrize(
    "cell",
    [
        "%%bash\nimport utils\n",
        "%%writefile run.py\nimport utils\n",
        "import utils\nprint 'python 2'\n",
        "if True:\nimport utils\n",
    ],
)
def test_a_cell_that_is_not_python_is_left_exactly_as_it_was(cell: str) -> None:
    assert rewrite_cell(cell, RENAMES) == cell


def test_notebooks_keep_their_cells_and_metadata() -> None:
    rewritten = json.loads(rewrite_notebook(NOTEBOOK, RENAMES))
    original = json.loads(NOTEBOOK)

    assert rewritten["metadata"] == original["metadata"]
    assert rewritten["cells"][0] == original["cells"][0]
    assert rewritten["cells"][1]["source"] == [
        "%matplotlib inline\n",
        "from whale_id.utils import load_images\n",
        "from whale_id import models\n",
        "images = load_images('/content/drive/MyDrive/data')",
    ]


def test_a_notebook_saved_on_windows_keeps_its_crlf_line_endings() -> None:
    rewritten = rewrite_notebook(NOTEBOOK.replace("\n", "\r\n"), RENAMES)

    assert rewritten.count("\n") == rewritten.count("\r\n") > 1
    assert json.loads(rewritten) == json.loads(rewrite_notebook(NOTEBOOK, RENAMES))


def test_nothing_to_rename_returns_the_source_untouched() -> None:
    assert rewrite_source("print 'py2'\n", {}) == "print 'py2'\n"
