"""Paper repositories built on a framework's tool layout, where adopt's trials found bugs: an
OpenMMLab-style one (``tools/train.py`` and
``tools/dist_train.sh``, Python configs in ``configs/_base_/``, a ``<name>_custom`` package
registering its classes with decorators and re-exporting ``__version__`` from its
``version.py``, ``requirements/`` with several files, a setup.py declaring a C++/CUDA
extension), and a JAX one (``main.py`` with absl flags and ``def main(argv)``, ml_collections
configs in ``configs/*.py`` with ``get_config()``, one importing another, a Makefile naming them
by path, a flit ``pyproject.toml`` with a dynamic description and a license table).

Our own small files, shaped like what such repositories hold (no code taken from them). The
OpenMMLab one imports only the standard library, so the whole adopt path runs on it
(OPENMMLAB_SHAPES is merged into SHAPES by tests/support/abandoned_repos.py); the JAX one names
absl, jax and ml_collections, which are not installed, so tests/adopt/test_paper_repos.py reads
its plan.
"""

from __future__ import annotations

from tests.support.abandoned_commands import cli_script

REGISTRY = '''\
"""A registry of lane heads, filled by the decorator."""

HEADS = {}


def register_head(cls):
    HEADS[cls.__name__] = cls
    return cls
'''
LANE_HEAD = '''\
from ..builder import register_head


@register_head
class RowAnchorHead(object):
    """Predicts a row anchor per lane."""

    def __init__(self, in_channels=64, num_rows=72):
        self.in_channels = in_channels
        self.num_rows = num_rows
'''
SETUP_PY = """\
import os
from setuptools import find_packages, setup

from torch.utils.cpp_extension import BuildExtension, CUDAExtension

version_file = 'rowlane_custom/version.py'


def get_version():
    with open(version_file, 'r') as f:
        exec(compile(f.read(), version_file, 'exec'))
    return locals()['__version__']


def parse_requirements(fname):
    with open(fname) as f:
        return [line.strip() for line in f if line.strip() and not line.startswith('-r')]


if __name__ == '__main__':
    setup(
        name='rowlane',
        version=get_version(),
        description='Lane detection with row anchors',
        author='Wei Zhang',
        packages=find_packages(exclude=('configs', 'tools', 'demo')),
        install_requires=parse_requirements('requirements/runtime.txt'),
        ext_modules=[
            CUDAExtension('rowlane_custom.ops.row_nms_ext', [
                os.path.join('rowlane_custom', 'ops', 'csrc', 'row_nms.cpp'),
                os.path.join('rowlane_custom', 'ops', 'csrc', 'row_nms_kernel.cu'),
            ]),
        ],
        cmdclass={'build_ext': BuildExtension},
        zip_safe=False)
"""
OPENMMLAB_PAPER = {
    "README.md": (
        "# RowLane\n\nOfficial code of *RowLane*.\n\n## Training\n\n```shell\n"
        "python tools/train.py configs/rowlane/rowlane_r50_culane.py --work-dir work_dirs/r50\n"
        "bash tools/dist_train.sh configs/rowlane/rowlane_r50_culane.py 8\n```\n"
    ),
    "setup.py": SETUP_PY,
    "requirements.txt": "-r requirements/build.txt\n-r requirements/runtime.txt\n",
    "requirements/build.txt": "cython\n",
    "requirements/runtime.txt": "numpy\n",
    "requirements/docs.txt": "sphinx==4.0.2\n",
    "rowlane_custom/__init__.py": (
        "from .version import __version__, short_version\n"
        "from .models import *  # noqa: F401,F403\n\n"
        "__all__ = ['__version__', 'short_version']\n"
    ),
    "rowlane_custom/version.py": "__version__ = '0.3.1'\nshort_version = __version__\n",
    "rowlane_custom/builder.py": REGISTRY,
    "rowlane_custom/models/__init__.py": "from .row_anchor_head import RowAnchorHead\n",
    "rowlane_custom/models/row_anchor_head.py": LANE_HEAD,
    "rowlane_custom/ops/csrc/row_nms.cpp": "#include <torch/extension.h>\n",
    "rowlane_custom/ops/csrc/row_nms_kernel.cu": "__global__ void row_nms_kernel() {}\n",
    "configs/_base_/models/rowlane_r50.py": (
        "model = dict(type='RowLane', head=dict(type='RowAnchorHead', num_rows=72))\n"
    ),
    "configs/_base_/default_runtime.py": (
        "custom_imports = dict(imports=['rowlane_custom'], allow_failed_imports=False)\n"
    ),
    "configs/rowlane/rowlane_r50_culane.py": (
        "_base_ = ['../_base_/models/rowlane_r50.py', '../_base_/default_runtime.py']\n"
        "model = dict(head=dict(num_rows=56))\n"
    ),
    "tools/train.py": cli_script(
        "Train a lane detector.",
        "config --work-dir --launcher --local_rank",
        "print(HEADS, args.config)",
        "\nfrom rowlane_custom.builder import HEADS\n",
    ),
    "tools/dist_train.sh": (
        "#!/usr/bin/env bash\n\nCONFIG=$1\nGPUS=$2\nPORT=${PORT:-29500}\n\n"
        'PYTHONPATH="$(dirname $0)/..":$PYTHONPATH \\\n'
        "python -m torch.distributed.launch --nproc_per_node=$GPUS --master_port=$PORT \\\n"
        '    $(dirname "$0")/train.py $CONFIG --launcher pytorch ${@:3}\n'
    ),
}
OPENMMLAB_SHAPES = {"paper-openmmlab-tools": OPENMMLAB_PAPER}
OPENMMLAB_PACKAGES = {"paper-openmmlab-tools": "rowlane_custom"}

ABSL_MAIN = """\
from absl import app
from absl import flags
from ml_collections import config_flags

import train

FLAGS = flags.FLAGS
flags.DEFINE_string('workdir', None, 'Directory to store model data.')
config_flags.DEFINE_config_file('config', None, 'Training configuration.')


def main(argv):
  if len(argv) > 1:
    raise app.UsageError('Too many command-line arguments.')
  train.train_and_evaluate(FLAGS.config, FLAGS.workdir)


if __name__ == '__main__':
  app.run(main)
"""
JAX_PAPER = {
    "main.py": ABSL_MAIN,
    "train.py": (
        "import jax\n\nfrom mixer import models\n\n\ndef train_and_evaluate(config, workdir):\n"
        "  return models.Mixer(config.num_classes), workdir, jax.devices()\n"
    ),
    "mixer/__init__.py": '"""Token mixing with sparse routing."""\n\n__version__ = "0.1.0"\n',
    "mixer/models.py": (
        "class Mixer:\n  def __init__(self, num_classes):\n    self.n = num_classes\n"
    ),
    "configs/default.py": (
        "import ml_collections\n\n\ndef get_config():\n  config = ml_collections.ConfigDict()\n"
        "  config.num_classes = 1000\n  return config\n"
    ),
    "configs/b16.py": (
        "from configs import default as default_lib\n\n\ndef get_config():\n"
        "  config = default_lib.get_config()\n  config.num_classes = 10\n  return config\n"
    ),
    "Makefile": (
        "CONFIG ?= configs/default.py\n\ntrain:\n"
        "\tpython main.py --workdir=/tmp/mixer --config=$(CONFIG)\n"
    ),
    "pyproject.toml": (
        '[build-system]\nrequires = ["flit_core >=3.2,<4"]\nbuild-backend = "flit_core.buildapi"\n'
        '\n[project]\nname = "mixer"\nauthors = [{name = "Ana Ruiz"}]\nreadme = "README.md"\n'
        'license = {file = "LICENSE"}\ndynamic = ["version", "description"]\n'
        'classifiers = ["License :: OSI Approved :: MIT License", "Framework :: Flax"]\n'
        'dependencies = ["absl-py", "jax", "ml_collections"]\n'
        "\n[tool.pyink]\nline-length = 80\npyink-indentation = 2\n"
    ),
    "README.md": "# Mixer\n\n    python main.py --workdir=/tmp/mixer --config=configs/b16.py\n",
}
