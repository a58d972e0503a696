"""Discovery of model plugins through their entry-point groups.

LLM plugins declare entry points in ``distilabel.llms``, embedding-model plugins in
``distilabel.embeddings`` (see :mod:`distilabel.plugins._kinds`); one registry per kind,
built by the same code. Each entry point is loaded on its own: one that fails to import,
or whose hook raises, is recorded as a ``BrokenPlugin`` and the others still work. Two
plugins registering the same model name make that name a ``NameConflict`` (using it
raises an error naming both distributions). ``DISTILABEL_PLUGINS`` selects what loads:
``all`` (default), ``none``, or a comma-separated list of entry-point or distribution
names. Discovery runs once per process and imports plugin modules only, never backend SDKs.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import os
import threading
import traceback
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Optional

import pluggy

from distilabel import hookspecs
from distilabel._installation import warn_if_conflicting
from distilabel._suggest import did_you_mean
from distilabel.errors import PluginConflictError, PluginNotAvailableError
from distilabel.plugins._kinds import LLMS, ModelKind, get_kind
from distilabel.plugins._known import PLUGINS_ENV_VAR, install_hint

if TYPE_CHECKING:
    from distilabel.llms._base import LLM

__all__ = [
    "ENTRY_POINT_GROUP",
    "PLUGINS_ENV_VAR",
    "BrokenPlugin",
    "LLMEntry",
    "ModelEntry",
    "NameConflict",
    "PluginInfo",
    "PluginRegistry",
    "get_registry",
    "reset_registry",
]

ENTRY_POINT_GROUP = LLMS.group


@dataclass(frozen=True)
class PluginInfo:
    """A plugin entry point and the distribution declaring it."""

    name: str
    value: str
    distribution: Optional[str]
    version: Optional[str]

    @property
    def label(self) -> str:
        """``distribution version`` (or the entry point when no distribution is known)."""
        if self.distribution:
            return f"{self.distribution} {self.version or ''}".strip()
        return f"entry point '{self.name}' ({self.value})"


@dataclass(frozen=True)
class BrokenPlugin:
    """A plugin that could not be loaded, with its error."""

    plugin: PluginInfo
    error: str
    traceback: str = field(repr=False, default="")


@dataclass(frozen=True)
class ModelEntry:
    """A model class (an LLM, an embedding model) registered by a plugin."""

    name: str
    cls: type[Any]
    plugin: PluginInfo


@dataclass(frozen=True)
class LLMEntry(ModelEntry):
    """An LLM class registered by a plugin."""

    cls: type[LLM]

    @property
    def kind(self) -> Literal["sync", "async"]:
        """``async`` for ``AsyncLLM`` subclasses, ``sync`` otherwise."""
        from distilabel.llms._base import AsyncLLM

        return "async" if issubclass(self.cls, AsyncLLM) else "sync"


@dataclass(frozen=True)
class NameConflict:
    """One model name registered by several plugins; unusable until resolved."""

    name: str
    plugins: tuple[PluginInfo, ...]
    noun: str = "LLM"

    def message(self) -> str:
        """An explanation naming every distribution involved and how to resolve it."""
        who = " and ".join(f"'{p.label}'" for p in self.plugins)
        names = ",".join(p.name for p in self.plugins[1:])
        return (
            f"{self.noun} name '{self.name}' is registered by more than one plugin: {who}."
            f" Uninstall one of them, or choose which load with {PLUGINS_ENV_VAR} (e.g."
            f" {PLUGINS_ENV_VAR}=<all the others but {names}>)."
        )


class _ClassPlugin:
    """Adapter for an entry point whose value is an LLM class rather than a hook module."""

    def __init__(self, cls: type[Any]) -> None:
        self._cls = cls

    @hookspecs.hookimpl
    def distilabel_register_llms(self) -> list[type[Any]]:
        return [self._cls]


class _EmbeddingsClassPlugin(_ClassPlugin):
    """Adapter for an entry point whose value is an embedding-model class."""

    distilabel_register_llms = None  # type: ignore[assignment]

    @hookspecs.hookimpl
    def distilabel_register_embeddings(self) -> list[type[Any]]:
        return [self._cls]


_CLASS_PLUGINS: dict[str, type[_ClassPlugin]] = {
    "llms": _ClassPlugin, "embeddings": _EmbeddingsClassPlugin,
}


class PluginRegistry:
    """Loads the plugins of one entry-point group and indexes the models they register.

    Args:
        group: the entry-point group to read (default: the kind's, ``distilabel.llms``).
        selection: which plugins to load; defaults to ``$DISTILABEL_PLUGINS`` or ``all``.
        kind: the model kind, ``"llms"`` (default) or ``"embeddings"``.
    """

    def __init__(
        self, group: Optional[str] = None, selection: Optional[str] = None,
        kind: str = "llms",
    ) -> None:
        self.kind: ModelKind = get_kind(kind)
        self.group = group or self.kind.group
        self.selection = os.environ.get(PLUGINS_ENV_VAR, "all") if selection is None else selection
        self.manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.manager.add_hookspecs(hookspecs)
        self.plugins: list[PluginInfo] = []
        self.skipped: list[PluginInfo] = []
        self.broken: list[BrokenPlugin] = []
        self.models: dict[str, ModelEntry] = {}
        self.conflicts: dict[str, NameConflict] = {}
        self._discovered = False
        self._lock = threading.RLock()

    # -- discovery -------------------------------------------------------------------------

    def _selected(self, plugin: PluginInfo) -> bool:
        choice = self.selection.strip().lower()
        if choice in ("", "all", "*"):
            return True
        if choice == "none":
            return False
        wanted = {part.strip().lower() for part in choice.split(",") if part.strip()}
        return plugin.name.lower() in wanted or (plugin.distribution or "").lower() in wanted

    def _entry_points(self) -> list[tuple[importlib.metadata.EntryPoint, PluginInfo]]:
        seen: set[tuple[str, str, Optional[str]]] = set()
        found = []
        for ep in importlib.metadata.entry_points(group=self.group):
            dist = getattr(ep, "dist", None)
            dist_name = dist.metadata["Name"] if dist is not None else None
            key = (ep.name, ep.value, dist_name)
            if key in seen:
                continue
            seen.add(key)
            info = PluginInfo(ep.name, ep.value, dist_name, dist.version if dist else None)
            found.append((ep, info))
        return found

    def discover(self) -> PluginRegistry:
        """Load every selected plugin once; later calls return immediately."""
        with self._lock:
            if self._discovered:
                return self
            warn_if_conflicting()
            claims: dict[str, list[ModelEntry]] = {}
            for ep, info in self._entry_points():
                if not self._selected(info):
                    self.skipped.append(info)
                    continue
                entries = self._load_plugin(ep, info)
                if entries is None:
                    continue
                self.plugins.append(info)
                for entry in entries:
                    claims.setdefault(entry.name, []).append(entry)
            for name, entries in claims.items():
                owners = {(e.plugin.name, e.plugin.distribution) for e in entries}
                if len(owners) > 1:
                    self.conflicts[name] = NameConflict(
                        name, tuple(e.plugin for e in entries), self.kind.noun
                    )
                else:
                    self.models[name] = entries[0]
            self._discovered = True
            return self

    def _load_plugin(
        self, ep: importlib.metadata.EntryPoint, info: PluginInfo
    ) -> Optional[list[ModelEntry]]:
        kind = self.kind
        base = kind.base_class()
        plugin: Any = None
        try:
            obj: Any = ep.load()
            if inspect.isclass(obj) and not issubclass(obj, base):
                raise TypeError(
                    f"entry point value {ep.value!r} is a class but not {_a(kind.noun)}"
                    f" ({base.__name__} subclass)"
                )
            plugin = _CLASS_PLUGINS[kind.name](obj) if isinstance(obj, type) else obj
            self.manager.register(plugin, name=f"{info.name}:{info.distribution}")
            impls = [
                impl for impl in getattr(self.manager.hook, kind.hook).get_hookimpls()
                if impl.plugin is plugin
            ]
            if not impls:
                raise TypeError(
                    f"{ep.value!r} implements no distilabel hook; decorate a function named"
                    f" `{kind.hook}` with `distilabel.hookspecs.hookimpl`"
                )
            classes: list[Any] = []  # filled from each hook implementation
            for impl in impls:
                returned: Any = impl.function()
                classes.extend(returned or [])
            entries: list[ModelEntry] = []
            entry_type: type[ModelEntry] = LLMEntry if kind.name == "llms" else ModelEntry
            for cls in classes:
                if not (inspect.isclass(cls) and issubclass(cls, base)):
                    raise TypeError(
                        f"{kind.hook} returned {cls!r}, which is not a {base.__name__}"
                        " subclass"
                    )
                entries.append(entry_type(cls.__name__, cls, info))
            return entries
        except Exception as exc:
            if plugin is not None and self.manager.is_registered(plugin):
                self.manager.unregister(plugin)
            self.broken.append(
                BrokenPlugin(info, f"{type(exc).__name__}: {exc}", traceback.format_exc())
            )
            return None

    # -- lookup ----------------------------------------------------------------------------

    @property
    def llms(self) -> dict[str, ModelEntry]:
        """The registered classes by name (this registry's kind; named for the LLM kind,
        which is what ``get_registry()`` gives)."""
        return self.models

    def get_llm_class(self, name: str) -> type[LLM]:
        """Return the LLM class registered as ``name`` (see :meth:`get_class`)."""
        return self.get_class(name)

    def get_class(self, name: str) -> type[Any]:
        """Return the model class registered as ``name``.

        Raises:
            PluginConflictError: two plugins register ``name``.
            PluginNotAvailableError: ``name`` is a known backend whose plugin is not
                installed, is broken, or is deselected by ``DISTILABEL_PLUGINS``; the
                message says what to do.
            AttributeError: ``name`` is not a model of this kind anyone provides.
        """
        self.discover()
        entry = self.models.get(name)
        if entry is not None:
            return entry.cls
        if name in self.conflicts:
            raise PluginConflictError(self.conflicts[name].message(), name=name)
        known = self.kind.known
        distribution = known.get(name)
        if distribution is not None:
            raise PluginNotAvailableError(self._missing_message(name, distribution), name=name)
        hint = did_you_mean(name, [*self.models, *self.conflicts, *known])
        noun, module = self.kind.noun, self.kind.module
        message = (
            f"No {noun} named '{name}' is installed (module '{module}' has no attribute"
            f" '{name}'){hint} Installed {noun}s: {', '.join(sorted(self.models)) or 'none'}"
        )
        if self.skipped:
            message += (
                f"; not loaded because of {PLUGINS_ENV_VAR}={self.selection!r}:"
                f" {', '.join(p.name for p in self.skipped)}"
            )
        if self.broken:
            message += f"; broken plugins: {', '.join(b.plugin.name for b in self.broken)}"
        raise AttributeError(message + f" (see `distilabel {self.kind.name} list`).")

    def resolve_name(self, name: str) -> str:
        """The registered (or known) model name that ``name`` spells, ignoring case:
        ``openaillm`` -> ``OpenAILLM``; ``name`` itself when nothing matches."""
        self.discover()
        known = self.kind.known
        if name in self.models or name in self.conflicts or name in known:
            return name
        by_case = {n.lower(): n for n in [*known, *self.conflicts, *self.models]}
        return by_case.get(name.lower(), name)

    def _missing_message(self, name: str, distribution: str) -> str:
        normalized = distribution.lower().replace("_", "-")
        for broken in self.broken:
            if (broken.plugin.distribution or "").lower().replace("_", "-") == normalized:
                return (
                    f"{name} is provided by '{broken.plugin.label}', which is installed but"
                    f" failed to load: {broken.error}. Fix or reinstall it (add"
                    f" --force-reinstall to: {install_hint(distribution)})."
                )
        for skipped in self.skipped:
            if (skipped.distribution or "").lower().replace("_", "-") == normalized:
                return (
                    f"{name} is provided by '{skipped.label}', which is installed but not"
                    f" selected by {PLUGINS_ENV_VAR}={self.selection!r}. Add"
                    f" '{skipped.name}' to {PLUGINS_ENV_VAR} or unset it."
                )
        return (
            f"{name} is provided by the '{distribution}' package, which is not installed."
            f" Install it with: {install_hint(distribution)}"
        )


_registries: dict[str, PluginRegistry] = {}
_registry_lock = threading.Lock()


def get_registry(kind: str = "llms") -> PluginRegistry:
    """The process-wide registry of ``kind`` (``"llms"``, ``"embeddings"``), discovered
    on first use.

    Raises:
        ValueError: ``kind`` is not a model kind.
    """
    registry = _registries.get(kind)
    if registry is None:
        with _registry_lock:
            registry = _registries.get(kind)
            if registry is None:
                registry = _registries[kind] = PluginRegistry(kind=kind)
    return registry.discover()


def reset_registry() -> None:
    """Forget the process-wide registries (tests, or after installing a plugin at run time)."""
    with _registry_lock:
        _registries.clear()
    importlib.invalidate_caches()


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1].lower() in "aeiou" or noun.startswith("LLM") else f"a {noun}"

