"""The HTTP transport every adapter uses (GitHub's today, the Hugging Face Hub's and others
later): how a request leaves this machine, and what happens when it fails.

- ``network``: the proxy and CA certificates the environment names, and ``open_url`` for the
  one-off requests (downloads, the package index's pages) that go through ``urllib``.
- ``connections``: keep-alive connections through that proxy, and the zero-copy body sender.
- ``session``: ``HttpSession``, an API's requests retried with bounded exponential backoff,
  rate limits waited out, timeouts, and messages that never show the token.
- ``failures``: what the transport raises, for adapters to turn into their own errors.

The transport is ``http.client``, by hand, rather than urllib3 (which twine brings along): an
upload is ``sendfile(2)`` straight from the page cache to the socket on plain HTTP and 16 MiB
blocks through TLS, which keeps ``benchmarks/upload.py`` at curl's pace with one block of
memory, and proxies cost a few lines because ``http.client`` already speaks ``CONNECT``
(``set_tunnel``). With urllib3 the same needs would be its pool and proxy managers, its own
timeout, retry and body-streaming objects around a copy loop we would still tune, and
``NO_PROXY`` done by hand anyway (urllib3 reads no environment): more code, not less, for the
same behaviour.
"""
