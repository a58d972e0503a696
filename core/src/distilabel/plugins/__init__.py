"""The plugin registry: which LLM backends are installed, and where each name comes from.

>>> from distilabel.plugins import get_registry
>>> registry = get_registry()
>>> sorted(registry.llms)          # names usable as `from distilabel.llms import Name`
>>> registry.broken                # plugins that failed to import, with their errors
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel._lazy import lazy_attributes

if TYPE_CHECKING:
    from distilabel.plugins._known import (
        KNOWN_LLMS,
        KNOWN_PLUGIN_DIRS,
        PLUGINS_ENV_VAR,
        install_hint,
    )
    from distilabel.plugins._manager import (
        ENTRY_POINT_GROUP,
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

# Resolved on first access, so that ``distilabel.plugins._listing`` (a cached
# ``distilabel llms list``) does not import the plugin manager and pluggy.
_LAZY = {
    **dict.fromkeys(["KNOWN_LLMS", "KNOWN_PLUGIN_DIRS", "PLUGINS_ENV_VAR", "install_hint"],
                    "distilabel.plugins._known"),
    **dict.fromkeys(["ENTRY_POINT_GROUP", "BrokenPlugin", "LLMEntry", "NameConflict",
                     "PluginInfo", "PluginRegistry", "get_registry", "reset_registry"],
                    "distilabel.plugins._manager"),
}

__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
