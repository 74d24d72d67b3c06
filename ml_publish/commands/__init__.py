"""One thin module per command: parsed options in, one engine call, print, an exit code.

Each module gives a parser its command's options (``register_arguments``, the capability's
settings class's) and runs the parsed namespace (``run``). This package is all ``cli`` imports:
it also names, for ``cli``, the version to show and the errors every command may raise (here,
not imported by ``cli`` itself, so that the contract in pyproject.toml can say cli imports only
commands). It imports nothing else: ``ml-publish --help`` imports it.
"""

from ml_publish import __version__ as __version__
from ml_publish.errors import MLPublishError as MLPublishError
from ml_publish.errors import ReportedError as ReportedError

__all__ = ["MLPublishError", "ReportedError", "__version__"]
