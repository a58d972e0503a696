"""A pipeline's ``requirements``: packages it needs, checked before anything loads.

Each requirement is a PEP 508 string (``"openai>=1.0"``, ``"nltk"``); one whose package is
not installed, or whose installed version is outside the specifier, stops the run with an
error that lists them all and the ``pip install`` command that fixes it.
"""

from __future__ import annotations

import importlib.metadata
from typing import Iterable, Optional

from distilabel.errors import DistilabelUserError, MissingRequirementsError

__all__ = ["check_requirements", "parse_requirements"]


def parse_requirements(requirements: Optional[Iterable[str]], owner: str) -> list[str]:
    """``requirements`` as a list, each checked to be a valid PEP 508 requirement.

    Raises:
        DistilabelUserError: one is not a string or not a valid requirement.
    """
    from packaging.requirements import InvalidRequirement, Requirement

    parsed: list[str] = []
    for item in requirements or []:
        if not isinstance(item, str):
            raise DistilabelUserError(
                f"{owner}: requirements must be strings such as 'openai>=1.0', got {item!r}."
            )
        try:
            Requirement(item)
        except InvalidRequirement as exc:
            raise DistilabelUserError(
                f"{owner}: invalid requirement {item!r}: {exc}. Use pip's syntax, e.g."
                " 'openai>=1.0'."
            ) from None
        parsed.append(item)
    return parsed


def check_requirements(requirements: Iterable[str], owner: str) -> None:
    """Check every requirement is installed in a matching version.

    Raises:
        MissingRequirementsError: some are not (all are named, with the fix).
    """
    from packaging.requirements import Requirement

    problems: list[str] = []
    unmet: list[str] = []
    for item in requirements:
        requirement = Requirement(item)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        try:
            version = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(f"'{item}' (not installed)")
            unmet.append(item)
            continue
        if requirement.specifier and not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"'{item}' (installed: {version})")
            unmet.append(item)
    if problems:
        command = "pip install " + " ".join(f"'{item}'" for item in unmet)
        raise MissingRequirementsError(
            f"{owner} needs {', '.join(problems)}. Install with: {command}"
        )
