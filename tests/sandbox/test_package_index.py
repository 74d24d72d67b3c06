"""The pypiserver wrapper keeps pypiserver in a process of its own: whoever starts it (ml-publish,
a test session) never imports pypiserver or its bundled bottle, whose import hook would stay on
``sys.meta_path`` for the rest of the process."""

from __future__ import annotations

import sys

from tests.support.processes import run

PROBE = """
import sys, urllib.request
from ml_publish.sandbox.package_index import PackageIndex

meta_path = list(sys.meta_path)
with PackageIndex() as index:
    with urllib.request.urlopen(index.simple_url, timeout=300) as page:
        status = page.status
imported = [name for name in sys.modules if name.partition(".")[0] in ("pypiserver", "bottle")]
print(status, imported, sys.meta_path == meta_path)
"""


def test_the_index_answers_and_this_process_never_imports_pypiserver() -> None:
    result = run([sys.executable, "-c", PROBE])

    assert result.stdout.split("\n")[0] == "200 [] True"
