"""The budget of every property-based test, and the inputs people edit by hand.

A fixed number of examples, the same ones on every run (derandomized, no example database), so
the suite takes the same time and gives the same answer each time it runs.
"""

from __future__ import annotations

import string
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from ml_publish.weights.registry import WeightEntry

EXAMPLES = 200

fuzzed = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    # Examples share the test's temporary directory and rewrite what they use in it.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text as hand edits make it: non-ASCII, control characters, path separators, Markdown and
# reStructuredText syntax, the table's own markers.
TRICKY = [
    "../../etc/passwd", "a/b", "C:\\weights", "..", ".", "", " ", "\n", "\t", "\x00", "\x1b[31m",
    "|", "||", "\\|", "<!-- weights-table:end -->", ".. weights-table:end", "`", "*", "_", "&#124;",
    "é", "模型", "\u202e", "\ufeff", "🦜", "a" * 300,
]  # fmt: skip
tricky_text = st.one_of(st.sampled_from(TRICKY), st.text(max_size=40))
safe_name = st.text(string.ascii_letters + string.digits + "._-", min_size=1, max_size=30).filter(
    lambda name: name not in (".", "..")
)
sha256 = st.text("0123456789abcdef", min_size=64, max_size=64)

# Any JSON value, as a hand-edited weights.json can hold.
json_values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**63 - 2, max_value=2**200)
    | st.floats()
    | tricky_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(tricky_text, inner, max_size=4),
    max_leaves=12,
)

# Any value a TOML document can hold (no dates).
toml_values: st.SearchStrategy[Any] = st.recursive(
    st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats()
    | tricky_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(tricky_text, inner, max_size=4),
    max_leaves=10,
)

# Registry entries as ml-publish reads them, free text where the registry allows any: a URL
# with characters Markdown treats specially, data files as well as weights.
weight_entries = st.builds(
    lambda name, sha, size, arch, dataset, status, kind, query: WeightEntry(
        name=name,
        url=f"https://github.com/o/r/releases/download/v1/{name}-{sha[:10]}.pth{query}",
        sha256=sha,
        size=size,
        file_name=f"{name}-{sha[:10]}.pth",
        status=status,
        arch=arch,
        meta={"dataset": dataset, **kind},
    ),
    safe_name,
    sha256,
    st.integers(min_value=0, max_value=2**63 - 1),
    tricky_text,
    tricky_text,
    st.sampled_from(["pending", "uploaded"]),
    st.sampled_from([{}, {"kind": "data"}]),
    st.sampled_from(["", "?a=|b", "?x=(1)", "#<end>"]),
)
