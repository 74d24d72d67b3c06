"""``notebook.py``: the cell a competitor pastes into a Kaggle notebook with the bundle attached.

Its two working lines are the install from the bundle's wheels (``pip install --no-index
--find-links``) and the load (``get_model(ARCH, weights=NAME)`` for a PyTorch package, else
``download_weights(NAME)``), with the loader pointed at the bundle's weights in between.
It is plain Python (pip runs through ``subprocess``), so it also runs as a script.
"""

from __future__ import annotations

from ml_publish.bundle.kaggle import KAGGLE_INPUT, weights_variable
from ml_publish.weights.registry import WeightEntry

CELL = '''"""Install {name} {version} and load its weights offline, from this bundle.

Attach the dataset to the notebook (Add Input), then run this cell; the two lines that matter:
    !pip install --no-index --find-links {input}/wheels {name}=={version}
    {load}
"""

import os
import subprocess
import sys

BUNDLE = "{input}"
subprocess.run(
    [sys.executable, "-m", "pip", "install", "--no-index", "--find-links",
     BUNDLE + "/wheels", "{name}=={version}"],
    check=True,
)
# The package's loader finds its weight files here before any network source.
os.environ["{variable}"] = BUNDLE + "/weights"

{import_line}
{assignment}
'''


def notebook_text(
    name: str, version: str, package: str, slug: str, entries: list[WeightEntry], torch: bool
) -> str:
    """The cell for the package ``name`` (imported as ``package``) in the dataset ``slug``."""
    shown = next((entry for entry in entries if entry.arch), None) if torch else None
    if shown is not None:
        import_line = f"from {package}.model import get_model"
        load = f'model = get_model("{shown.arch}", weights="{shown.name}")'
    elif entries:
        import_line = f"from {package}.pretrained import download_weights"
        load = f'path = download_weights("{entries[0].name}")'
    else:
        import_line, load = f"import {package}", f"print({package}.__name__)"
    return CELL.format(
        name=name,
        version=version,
        input=f"{KAGGLE_INPUT}/{slug}",
        load=load,
        variable=weights_variable(package),
        import_line=import_line,
        assignment=load,
    )
