"""The independent check ``nothing_lost`` runs on every adopted file (tests/support/same_code.py)
passes adopt's kind of rewrite and catches what a wrong rewrite would do."""

from __future__ import annotations

import pytest

from tests.support.same_code import ModuleMoves, differences

MOVES = ModuleMoves.of(
    {
        "utils.py": "whale_id/utils.py",
        "models/__init__.py": "whale_id/models/__init__.py",
        "models/unet.py": "whale_id/models/unet.py",
        "src/inpaint/ops.py": "inpaint/ops.py",
    }
)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("import utils\nx = utils.f( 1 )\n", "from whale_id import utils\n\nx = utils.f(1)\n"),
        ("import os, utils\n", "import os\nfrom whale_id import utils\n"),
        ("import models.unet\n", "import whale_id.models.unet\nfrom whale_id import models\n"),
        ("import models.unet as u\n", "import whale_id.models.unet as u\n"),
        ("def f():\n    import models\n", "def f():\n    from whale_id import models\n"),
        ("from utils import a, b  # both\n", "from whale_id.utils import a, b  # both\n"),
        ("import io\nimport numpy as np\n", "import io\nimport numpy as np\n"),
        ('def f():\n    """One.\n       Two.  """\n', 'def f():\n    """One.\n    Two."""\n'),
    ],
)
def test_a_rewrite_of_the_imports_alone_is_the_same_program(before: str, after: str) -> None:
    assert list(differences(before, after, MOVES, ("train.py", "train.py"))) == []


@pytest.mark.parametrize(
    ("before", "after", "problem"),
    [
        ("import utils\n", "import utils\n", "utils in scope '': utils became utils"),
        ("from utils import a, b\n", "from whale_id.utils import a\n", "utils.b became None"),
        ("import utils\n", "from whale_id.models import utils\n", "became whale_id.models"),
        ("import utils\nx = 1\n", "from whale_id import utils\nx = 2\n", "no import changed"),
        ("import models.unet\n", "from whale_id import models\n", "no longer loads it"),
        ("x = 1\n", "import os\nx = 1\n", "os in scope '' is bound to os"),
        ("x = 1\n", "x = (\n", "no longer parses"),
    ],
)
def test_a_wrong_rewrite_is_told(before: str, after: str, problem: str) -> None:
    found = list(differences(before, after, MOVES, ("train.py", "train.py")))

    assert any(problem in line for line in found), found


def test_relative_imports_resolve_from_each_files_package() -> None:
    before = "from .ops import blur\n"
    paths = ("src/inpaint/__init__.py", "inpaint/__init__.py")

    assert list(differences(before, before, MOVES, paths)) == []
    assert list(differences(before, "from ops import blur\n", MOVES, paths)) != []
