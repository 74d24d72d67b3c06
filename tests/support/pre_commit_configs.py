"""A pre-commit configuration in the template's shape, for the hook-baseline tests."""

from __future__ import annotations

import yaml

from ml_publish.adopt.hook_baseline import TEMPLATE_HEADER

TEMPLATE_CONFIG = (
    f"{TEMPLATE_HEADER} of pyproject.toml.\n"
    "repos:\n"
    "  - repo: https://github.com/codespell-project/codespell\n"
    "    rev: v2.4.3\n"
    "    hooks:\n"
    "      - id: codespell\n"
    "        exclude: ^LICENSE$\n"
    "\n"
    "  - repo: https://github.com/pre-commit/pre-commit-hooks\n"
    "    rev: v6.0.0\n"
    "    hooks:\n"
    "      - id: trailing-whitespace\n"
    "      - id: end-of-file-fixer\n"
    "      - id: check-yaml\n"
    "      - id: debug-statements\n"
    "\n"
    "  - repo: https://github.com/hukkin/mdformat\n"
    "    rev: 1.0.0\n"
    "    hooks:\n"
    "      - id: mdformat\n"
    "        additional_dependencies: [mdformat-gfm==1.0.0]\n"
    "\n"
    "  - repo: https://github.com/pre-commit/pygrep-hooks\n"
    "    rev: v1.10.0\n"
    "    hooks:\n"
    "      - id: python-check-blanket-noqa\n"
    "\n"
    "  - repo: https://github.com/zizmorcore/zizmor-pre-commit\n"
    "    rev: v1.32.0\n"
    "    hooks:\n"
    "      - id: zizmor\n"
)


def hooks_of(text: str) -> dict[str, dict[str, object]]:
    document = yaml.safe_load(text)
    return {hook["id"]: hook for repo in document["repos"] for hook in repo["hooks"]}
