"""Notebook cells: IPython's own syntax told apart from Python by IPython's rules, and masked."""

from __future__ import annotations

import ast
from typing import Any

import pytest
from IPython.core.inputtransformer2 import TransformerManager

from ml_publish.repository_analysis.notebook_cells import masked_cell

MAGIC = "pass  # ml-publish-magic-{}"


@pytest.mark.parametrize(
    ("cell", "python"),
    [
        # Line magics and shell escapes, at the top and indented in a block.
        (
            "!mkdir -p subs\n%matplotlib inline\nimport utils",
            f"{MAGIC.format(0)}\n{MAGIC.format(1)}\nimport utils",
        ),
        (
            "for f in files:\n    !echo $f\n    print(f)",
            f"for f in files:\n    {MAGIC.format(1)}\n    print(f)",
        ),
        # Assignments from the shell and from a magic.
        ("files = !ls\nx = %sx echo hi\ny = 1", f"{MAGIC.format(0)}\n{MAGIC.format(1)}\ny = 1"),
        # Help, before and after the name; `!=` and `x = -1` are Python.
        ("?utils\nutils.seed??\nx = a != b", f"{MAGIC.format(0)}\n{MAGIC.format(1)}\nx = a != b"),
        ("x = -1  # sure?\ny = '?'", "x = -1  # sure?\ny = '?'"),
        # The assignment is the first `=` outside strings and brackets, as IPython finds it.
        ('d["a = b"] = !ls\nprint("x = !y")', f'{MAGIC.format(0)}\nprint("x = !y")'),
        ("f(a=1) == 2\nx += 1", "f(a=1) == 2\nx += 1"),
        # A shell command over a continuation line, and a magic with brackets left open.
        (
            "!pip install \\\n    timm\nimport utils",
            f"{MAGIC.format(0)}\n{MAGIC.format(1)}\nimport utils",
        ),
        (
            "%time f(1,\n        2)\nimport utils",
            f"{MAGIC.format(0)}\n{MAGIC.format(1)}\nimport utils",
        ),
        # Inside a string that spans lines, or inside brackets, a `!` or `%` starts nothing.
        ('s = """\n!not a command\n"""', 's = """\n!not a command\n"""'),
        # A cell magic that runs its body as Python: only its first line is the magic.
        (
            "\n%%time\nfrom utils import seed\nseed()",
            f"\n{MAGIC.format(1)}\nfrom utils import seed\nseed()",
        ),
    ],
)
def test_each_line_of_ipython_syntax_is_masked_at_its_indentation(cell: str, python: str) -> None:
    masked = masked_cell(cell)

    assert masked.python == python
    assert masked.unmasked(python) == cell


@pytest.mark.parametrize(
    "cell", ["%%bash\nls\nimport utils", "%%writefile a.py\nimport utils", "%%html\n<b>x</b>"]
)
def test_a_cell_magic_whose_body_is_not_python_is_not_python(cell: str) -> None:
    assert masked_cell(cell).python is None


def test_unmasking_puts_the_magic_lines_back_around_a_changed_import() -> None:
    masked = masked_cell("%load_ext autoreload\nimport os, utils\n!ls")

    changed = str(masked.python).replace("import os, utils", "import os\nfrom pkg import utils")

    assert masked.unmasked(changed) == "%load_ext autoreload\nimport os\nfrom pkg import utils\n!ls"


CELLS_WITHOUT_CELL_MAGICS = [
    "!mkdir -p subs\n%matplotlib inline\n%load_ext autoreload\n%autoreload 2\nimport os",
    "files = !ls\nx = %sx echo hi\nfrom utils import seed\nseed?\nos.path??\n?os",
    "for f in ['a']:\n    !echo $f\n    import json\n",
    "!pip install \\\n    timm\nfrom models.unet import UNet\n",
    'doc = """\n!not a command\n%not a magic\n"""\nimport re\n',
    "if True:\n    %time import math\nimport sys",
    'd["a = b"], e = !ls\nprint("x = !y")\nimport csv\n',
]


@pytest.mark.parametrize("cell", CELLS_WITHOUT_CELL_MAGICS)
def test_the_masked_cell_imports_what_ipython_runs_of_it(cell: str) -> None:
    """IPython's own transformer is the reference: what it makes of the cell imports the same
    modules as the masked cell (`%time import math` runs the import inside the magic)."""

    def imported(source: str) -> list[str]:
        return [
            alias.name if isinstance(node, ast.Import) else f"{node.module}.{alias.name}"
            for node in ast.walk(ast.parse(source))
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in node.names
        ]

    # IPython is not annotated: its transformer is used as it is documented.
    ipython: Any = TransformerManager()  # type: ignore[no-untyped-call]
    python = ipython.transform_cell(cell)

    masked = masked_cell(cell).python
    assert masked is not None
    assert imported(masked) == imported(python)
