"""pypiserver in a process of its own: ``python -m ml_publish.sandbox.pypiserver_process ROOT``.

``PackageIndex`` starts it, so neither ml-publish nor a test process ever imports pypiserver
(whose bundled bottle leaves an import hook on ``sys.meta_path`` for good). It serves
``ROOT/packages`` with uploads authenticated against ``ROOT/htpasswd``, made here from the user
name and password read from the first line of stdin, on 127.0.0.1 and a port the OS picks, which
it prints as one line. It ends when stdin closes: when ``PackageIndex`` closes it, or when the
process that started it is gone, however it ended. Ctrl-C at a terminal is for that process.
"""

from __future__ import annotations

import signal
import sys
import threading
import warnings
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def pypiserver_app(root: Path, username: str, password: str) -> Any:
    """pypiserver's WSGI app for ``root``, as ``pypi-server run -P htpasswd -a update`` makes it."""
    with warnings.catch_warnings():
        # pypiserver's bundled bottle imports cgi and installs an old-style import hook:
        # both warn on current Pythons, and neither is ours to fix.
        warnings.simplefilter("ignore")
        import pypiserver
        from passlib.apache import HtpasswdFile

        htpasswd = HtpasswdFile(str(root / "htpasswd"), new=True)
        htpasswd.set_password(username, password)
        htpasswd.save()
        return pypiserver.app(
            roots=[str(root / "packages")],
            password_file=str(root / "htpasswd"),
            authenticate=["update"],
            # Never redirect a missing project to pypi.org: a sandbox answers for itself.
            disable_fallback=True,
        )


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    username, _, password = sys.stdin.readline().rstrip("\n").partition(":")
    app = pypiserver_app(Path(sys.argv[1]), username, password)
    server = make_server(
        "127.0.0.1", 0, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
    )
    serving = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    serving.start()
    print(server.server_port, flush=True)
    sys.stdin.read()  # until the starter closes it, or is gone
    server.shutdown()
    server.server_close()


if __name__ == "__main__":
    main()
