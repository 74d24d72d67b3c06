"""``hubconf.py`` for PyTorch Hub, generated from the weights registry.

One entry point per registered weight file; helpers are imported under leading underscores so
``torch.hub.list`` shows only models. The text stays within 79 columns and in black's style at
any line length, so the project's own lint accepts it whatever line length it chose.
"""

from __future__ import annotations

import keyword
import re
import textwrap

from ml_publish.weights.table import human_size

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ml_publish.weights.registry import WeightEntry

HUBCONF_FILE = "hubconf.py"

HEADER = '''\
"""PyTorch Hub entry points, one per set of pretrained weights.

    model = torch.hub.load("{repository}", NAME)

Written by ml-publish from the weights registry,
{package}/weights.json: change that with ``ml-publish weights add``,
not this file.
"""
'''

IMPORTS = """
from typing import Any as _Any

from torch import nn as _nn

from {package}.model import get_model as _get_model
"""

DEPENDENCIES = """
dependencies = ["torch"]
"""

ENTRY_POINT = """

def {function}(**kwargs: _Any) -> _nn.Module:
{docstring}
    return _get_model("{name}", **kwargs)
"""


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
    metrics = entry.meta.get("metrics")
    if isinstance(metrics, dict) and metrics:
        facts.append("Metrics: " + ", ".join(f"{k} {v}" for k, v in metrics.items()) + ".")
    facts.append(f"Weights: {entry.file_name} ({human_size(entry.size)}).")
    facts.append("Keyword arguments go to get_model (device, progress).")
    lines = textwrap.wrap(" ".join(facts), width=68, break_on_hyphens=False)
    body = "\n".join(f"    {line}" for line in lines)
    return f'    """\n{body}\n    """'


def render_hubconf(package: str, repository: str, entries: list[WeightEntry]) -> str:
    """The whole file; with no weights yet, no imports (they would be unused)."""
    text = HEADER.format(package=package, repository=repository)
    if entries:
        text += IMPORTS.format(package=package)
    text += DEPENDENCIES
    for entry in sorted(entries, key=lambda e: e.name):
        text += ENTRY_POINT.format(
            function=entry_point_name(entry.name), docstring=describe(entry), name=entry.name
        )
    return text
