"""The plugin registry: which LLM backends are installed, and where each name comes from.

>>> from distilabel.plugins import get_registry
>>> registry = get_registry()
>>> sorted(registry.llms)          # names usable as `from distilabel.llms import Name`
>>> registry.broken                # plugins that failed to import, with their errors
"""

from distilabel.plugins._known import KNOWN_LLMS, KNOWN_PLUGIN_DIRS, install_hint
from distilabel.plugins._manager import (
    ENTRY_POINT_GROUP,
    PLUGINS_ENV_VAR,
    BrokenPlugin,
    LLMEntry,
    NameConflict,
    PluginInfo,
    PluginRegistry,
    get_registry,
    reset_registry,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "KNOWN_LLMS",
    "KNOWN_PLUGIN_DIRS",
    "PLUGINS_ENV_VAR",
    "BrokenPlugin",
    "LLMEntry",
    "NameConflict",
    "PluginInfo",
    "PluginRegistry",
    "get_registry",
    "install_hint",
    "reset_registry",
]
