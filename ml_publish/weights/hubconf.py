"""``hubconf.py`` for PyTorch Hub, generated from the weights registry.

One entry point per registered weight file (data files get none: ``torch.hub.load`` could not
build a model from them); helpers are imported under leading underscores so ``torch.hub.list``
shows only models. The text stays within 79 columns and in black's style at any line length, so
the project's own lint accepts it whatever line length it chose: a statement too long for one
line is written split, with the trailing comma that keeps black from joining it again; the
repository and the registry each have a docstring line to themselves.
"""

from __future__ import annotations

import json
import keyword
import re
import textwrap

from ml_publish.weights.naming import is_data
from ml_publish.weights.table import human_size, metrics_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ml_publish.weights.registry import WeightEntry

HUBCONF_FILE = "hubconf.py"
# The line every hubconf.py ml-publish writes has had; a file without it is the author's own.
GENERATED_MARK = "Written by ml-publish from the weights registry"

HEADER = '''\
"""PyTorch Hub entry points, one per set of pretrained weights.

    model = torch.hub.load(
        "{repository}",
        NAME,
    )

Written by ml-publish from the weights registry,
{registry}:
change that with ``ml-publish weights add``, not this file.
"""
'''
# Beyond this, black at a project's shortest line length (79) would split a line.
MAX_COLUMNS = 79

IMPORTS = """
from typing import Any as _Any

from torch import nn as _nn

{import_get_model}
"""
IMPORT_GET_MODEL = "from {package}.model import get_model as _get_model"
IMPORT_GET_MODEL_SPLIT = """\
from {package}.model import (
    get_model as _get_model,
)"""

# A package in src/ (or another source directory): torch.hub puts only the repository's root on
# sys.path, so hubconf.py adds the source directory and imports the package from there.
SOURCE_IMPORTS = """
import sys as _sys
from importlib import import_module as _import_module
from pathlib import Path as _Path
from typing import Any as _Any

from torch import nn as _nn

_sys.path.insert(0, str(_Path(__file__).resolve().parent / {source}))
{get_model}
"""
GET_MODEL = "_get_model = _import_module({module}).get_model"
GET_MODEL_SPLIT = """\
_get_model = _import_module(
    {module},
).get_model"""

DEPENDENCIES = """
dependencies = ["torch"]
"""

ENTRY_POINT = """

{signature}
{docstring}
{call}
"""
SIGNATURE = "def {function}(**kwargs: _Any) -> _nn.Module:"
SIGNATURE_SPLIT = """\
def {function}(
    **kwargs: _Any,
) -> _nn.Module:"""
CALL = '    return _get_model("{name}", **kwargs)'
CALL_SPLIT = """\
    return _get_model(
        "{name}",
        **kwargs,
    )"""


def entry_point_name(weight_name: str) -> str:
    """A Python identifier for a weight name (``unet-r34.v2`` → ``unet_r34_v2``)."""
    name = re.sub(r"\W", "_", weight_name)
    if name[0].isdigit() or keyword.iskeyword(name):
        name = "model_" + name
    return name


def describe(entry: WeightEntry) -> str:
    """What ``torch.hub.help`` shows: what the weights are and what they were trained on."""
    facts = [f"{entry.arch or 'Model'} with pretrained weights {entry.name!r}."]
    if "dataset" in entry.meta:
        facts.append(f"Trained on {entry.meta['dataset']}.")
    if metrics := metrics_text(entry.meta):
        facts.append(f"Metrics: {metrics}.")
    facts.append(f"Weights: {entry.file_name} ({human_size(entry.size)}).")
    facts.append("Keyword arguments go to get_model (device, progress).")
    lines = textwrap.wrap(" ".join(facts), width=68, break_on_hyphens=False)
    body = "\n".join(f"    {line}" for line in lines)
    return f'    """\n{body}\n    """'


def fitted(one_line: str, split: str, **values: str) -> str:
    """``one_line`` filled in, or ``split`` when that would be longer than ``MAX_COLUMNS``."""
    line = one_line.format(**values)
    return line if len(line) <= MAX_COLUMNS else split.format(**values)


def is_generated_hubconf(text: str) -> bool:
    """Whether ``text`` is a hubconf.py ml-publish wrote, and so may write again: an author's
    own (YOLOv5's ``custom`` and ``_create``, say) is never replaced by the registry's."""
    return GENERATED_MARK in text


def render_hubconf(
    package: str, repository: str, entries: list[WeightEntry], source_dir: str = ""
) -> str:
    """The whole file; with no weights yet, no imports (they would be unused). ``source_dir``
    is where the package's top-level directory is, relative to the root (``src``), if not
    there."""
    models = sorted((e for e in entries if not is_data(e.meta)), key=lambda e: e.name)
    registry = "/".join(filter(None, [source_dir, package.replace(".", "/"), "weights.json"]))
    text = HEADER.format(registry=registry, repository=repository)
    if models and source_dir:
        module = json.dumps(f"{package}.model")
        get_model = fitted(GET_MODEL, GET_MODEL_SPLIT, module=module)
        text += SOURCE_IMPORTS.format(source=json.dumps(source_dir), get_model=get_model)
    elif models:
        import_line = fitted(IMPORT_GET_MODEL, IMPORT_GET_MODEL_SPLIT, package=package)
        text += IMPORTS.format(import_get_model=import_line)
    text += DEPENDENCIES
    for entry in models:
        function = entry_point_name(entry.name)
        text += ENTRY_POINT.format(
            signature=fitted(SIGNATURE, SIGNATURE_SPLIT, function=function),
            docstring=describe(entry),
            call=fitted(CALL, CALL_SPLIT, name=entry.name),
        )
    return text
