"""What the person adopting a repository decides: the choices adopt plans with.

They come from the command line (``--package``, ``--modernize``, ``KEY=VALUE``, ``--yes``) and
from the questions adopt asks on a terminal. The plan is a function of the one analysis of the
repository and these choices (``adoption.plan_for``): an answer makes a new plan from the same
analysis, never a second reading of the repository.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class AdoptChoices:
    """The choices one plan is made with."""

    # The package to publish (--package, or the answer to "which package?"); None: adopt's.
    package: str | None = None
    # The template's answers, as KEY=VALUE gives them (license=MIT, ...).
    answers: dict[str, str] = field(default_factory=dict)
    # Convert the files that are not Python 3 first (--modernize, or the offer's answer).
    modernize: bool = False
    # With several candidate packages, take the default instead of asking (--yes, no terminal).
    take_default_package: bool = False
    # Register the pickled PyTorch weights adopt untracks as safetensors (the offer's answer).
    safetensors: bool = False

    def answering(self, key: str, value: str) -> AdoptChoices:
        """These choices with the template's answer ``key`` set to ``value``."""
        return replace(self, answers={**self.answers, key: value})
