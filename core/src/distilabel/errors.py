"""Exceptions raised by distilabel.

Every error names the thing that is wrong, where it is, and what to do about it.
"""

from __future__ import annotations

__all__ = [
    "DistilabelError",
    "DistilabelUserError",
    "LLMCapabilityError",
    "LLMNotLoadedError",
    "PluginConflictError",
    "PluginNotAvailableError",
    "RuntimeParameterError",
    "UnknownRuntimeParameterError",
]


class DistilabelError(Exception):
    """Base class of every exception raised by distilabel itself."""


class DistilabelUserError(DistilabelError, ValueError):
    """Raised when user input (parameters, configuration, data) is invalid."""


class LLMNotLoadedError(DistilabelError, RuntimeError):
    """Raised when an LLM is used before its ``load()`` method was called."""


class LLMCapabilityError(DistilabelUserError):
    """Raised when an LLM is asked for something its backend cannot do (raw prompts, a
    structured-output format); the message names the LLM and what to use instead."""


class RuntimeParameterError(DistilabelUserError):
    """Raised when a runtime parameter value is invalid or a required one is missing."""


class UnknownRuntimeParameterError(RuntimeParameterError, KeyError):
    """Raised when a runtime parameter name is not accepted by the step or LLM."""

    def __str__(self) -> str:  # KeyError would otherwise quote the whole message
        return str(self.args[0]) if self.args else ""


class PluginNotAvailableError(DistilabelError, ImportError):
    """Raised when an LLM name cannot be resolved to an installed, working plugin."""


class PluginConflictError(PluginNotAvailableError):
    """Raised when two installed plugins register an LLM under the same name."""
