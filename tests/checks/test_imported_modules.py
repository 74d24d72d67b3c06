"""The imports a Python file needs, read statically."""

from __future__ import annotations

import pytest

from ml_publish.checks.imported_modules import required_imports

SOURCE = """\
from __future__ import annotations

import os, numpy as np
from typing import TYPE_CHECKING
from . import sibling
from .models import Net
from google import genai

import typing

try:
    import ujson as json
except ImportError:
    import json

try:
    import wandb
except (ValueError, ModuleNotFoundError):
    wandb = None

from contextlib import suppress

with suppress(ImportError):
    import rich

if TYPE_CHECKING:
    import pandas
else:
    import polars

if typing.TYPE_CHECKING:
    import torch


class Model:
    import timm


def lazy():
    import cv2


def optional():
    import importlib.util

    if importlib.util.find_spec("safetensors"):
        import safetensors


if __name__ == "__main__":
    import matplotlib
"""


def test_what_a_file_needs_and_what_it_can_do_without() -> None:
    assert required_imports(SOURCE) == [
        (3, "os"),
        (3, "numpy"),
        (4, "typing"),
        (7, "google.genai"),
        (9, "typing"),
        (21, "contextlib"),
        (29, "polars"),
        (36, "timm"),
        (40, "cv2"),
    ]


def test_a_file_that_does_not_parse_raises() -> None:
    with pytest.raises(SyntaxError):
        required_imports('print "python 2"\n')
