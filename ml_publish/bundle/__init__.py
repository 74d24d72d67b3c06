"""Offline bundles: the package, its dependencies for a target and its verified weights in one
directory that installs and loads with no network (a Kaggle dataset, an air-gapped cluster).

``builder`` makes one from ``BundleSettings``: ``wheelhouse`` resolves and downloads the
dependencies with pip, ``bundled_weights`` gathers the weights, ``manifest`` records and sizes every
file, ``kaggle`` writes the dataset metadata and ``notebook.py``, and ``offline_check`` installs
and loads the bundle in a fresh venv that cannot reach any network.
"""

# The file that makes a directory a bundle (``manifest`` writes it; ``builder`` looks for it
# before it replaces a directory, without importing ``manifest`` before pip starts).
MANIFEST_FILE = "bundle-manifest.json"
