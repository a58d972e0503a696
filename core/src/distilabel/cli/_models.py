"""``distilabel llms list|info NAME`` and ``distilabel embeddings list|info NAME``.

One command group per model kind (see :mod:`distilabel.plugins._kinds`), built by the same
code: the two kinds are imported differently (``distilabel.llms`` vs
``distilabel.embeddings``), so each gets the command named like its package.
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial
from typing import Any

from distilabel.errors import DistilabelUserError

__all__ = ["describe_model_class", "register"]


_EXAMPLES = {"llms": "OpenAILLM", "embeddings": "SentenceTransformerEmbeddings"}
_INSTALL = {"llms": "./plugins/openai", "embeddings": "distilabel-sentence-transformers"}


def register(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    kind: str = "llms",
) -> None:
    """Add the command group of model ``kind`` (``llms``, ``embeddings``) to ``commands``."""
    from distilabel.plugins._kinds import get_kind

    noun = get_kind(kind).noun
    group = commands.add_parser(kind, help=f"Installed {noun} backends.")
    sub = group.add_subparsers(dest=f"{kind}_command", metavar="SUBCOMMAND")
    group.set_defaults(handler=lambda _args: (group.print_help(), 2)[1])

    list_cmd = sub.add_parser("list", help=f"List installed {noun}s and broken plugins.")
    list_cmd.add_argument("--json", action="store_true", help="Print JSON.")
    list_cmd.add_argument(
        "--refresh", action="store_true",
        help="Import every plugin again instead of reading the cached listing (which is"
        " refreshed anyway whenever an installed file changes).",
    )
    list_cmd.set_defaults(handler=partial(_list, kind))

    info_cmd = sub.add_parser("info", help=f"Show {_a(noun)}'s runtime parameters.")
    info_cmd.add_argument(
        "name", help=f"The class name, e.g. {_EXAMPLES[kind]} (case does not matter)."
    )
    info_cmd.add_argument("--json", action="store_true", help="Print JSON.")
    info_cmd.set_defaults(handler=partial(_info, kind))


def _a(noun: str) -> str:
    return f"an {noun}" if noun == "LLM" else f"a {noun}"


def _entry_kind(entry: Any) -> str:
    return str(getattr(entry, "kind", "embeddings"))


def _list(kind: str, args: argparse.Namespace) -> int:
    from distilabel.plugins._kinds import get_kind
    from distilabel.plugins._known import PLUGINS_ENV_VAR
    from distilabel.plugins._listing import cached_listing

    model_kind = get_kind(kind)
    listing = cached_listing(kind, model_kind.group, partial(_discover_listing, kind),
                             refresh=args.refresh)
    llms, broken = listing["models"], listing["broken"]
    conflicts, skipped = listing["conflicts"], listing["skipped"]
    if args.json:
        print(json.dumps({kind: llms, "broken": broken, "conflicts": conflicts,
                          "skipped": skipped}, indent=2))
        return 0
    if llms:
        # Only LLMs come in two kinds (sync/async); embedding models have one.
        with_kind = kind == "llms"
        _table(["NAME", *(["KIND"] if with_kind else []), "PACKAGE", "VERSION"],
               [[e["name"], *([e["kind"]] if with_kind else []),
                 e["distribution"] or e["plugin"], e["version"] or ""]
                for e in llms])
    else:
        noun = model_kind.noun
        print(f"No {noun} plugins installed. Install one, e.g. `pip install {_INSTALL[kind]}`.")
    for b in broken:
        print(f"\nBROKEN plugin '{b['plugin']}' ({b['distribution']} {b['version']}): {b['error']}")
    for c in conflicts:
        print(f"\nCONFLICT: {c['error']}")
    if skipped:
        names = ", ".join(s["plugin"] for s in skipped)
        print(f"\nNot loaded ({PLUGINS_ENV_VAR}): {names}")
    return 0


def _discover_listing(kind: str) -> dict[str, Any]:
    """What ``list`` shows, from a real discovery (which imports every plugin)."""
    from distilabel.plugins import get_registry

    registry = get_registry(kind)
    return {
        "models": [
            {
                "name": entry.name,
                "kind": _entry_kind(entry),
                "class": f"{entry.cls.__module__}.{entry.cls.__qualname__}",
                "plugin": entry.plugin.name,
                "distribution": entry.plugin.distribution,
                "version": entry.plugin.version,
            }
            for entry in sorted(registry.models.values(), key=lambda e: e.name.lower())
        ],
        "broken": [
            {"plugin": b.plugin.name, "distribution": b.plugin.distribution,
             "version": b.plugin.version, "error": b.error}
            for b in registry.broken
        ],
        "conflicts": [
            {"name": c.name, "distributions": [p.distribution for p in c.plugins],
             "error": c.message()}
            for c in registry.conflicts.values()
        ],
        "skipped": [{"plugin": s.name, "distribution": s.distribution}
                    for s in registry.skipped],
    }


def _info(kind: str, args: argparse.Namespace) -> int:
    from distilabel.plugins import get_registry

    registry = get_registry(kind)
    name = registry.resolve_name(args.name)  # `openaillm` finds OpenAILLM
    try:
        cls = registry.get_class(name)
    except (ImportError, AttributeError) as exc:
        raise DistilabelUserError(str(exc)) from None
    entry = registry.models[name]
    params = describe_model_class(cls)
    if args.json:
        print(json.dumps({"name": entry.name, "kind": _entry_kind(entry),
                          "distribution": entry.plugin.distribution,
                          "version": entry.plugin.version,
                          "runtime_parameters": params}, indent=2, default=str))
        return 0
    print(f"{entry.name} ({_entry_kind(entry)}) from {entry.plugin.label}")
    doc = (cls.__doc__ or "").strip().splitlines()
    if doc:
        print(f"  {doc[0]}")
    print("\nRuntime parameters:")
    _print_params(params, indent="  ")
    return 0


def describe_model_class(cls: Any) -> list[dict[str, Any]]:
    """Runtime parameters of a model class (LLM or embedding model), without building (or
    loading) an instance (``distilabel llms|embeddings info`` and the docs' components
    gallery)."""
    return [
        dict(cls.describe_runtime_parameter(name, default))
        for name, (info, _) in cls.runtime_parameter_fields().items()
        for default in [info.get_default(call_default_factory=True)]
    ]


def _print_params(params: list[dict[str, Any]], indent: str) -> None:
    for p in params:
        flag = "required" if p.get("required") else f"default {p.get('default')!r}"
        print(f"{indent}{p['name']}: {p.get('type', '')} ({flag})")
        if p.get("description"):
            print(f"{indent}    {p['description']}")
        if p.get("keys"):
            _print_params(p["keys"], indent + "    ")


def _table(headers: list[str], rows: list[list[Any]]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]
    for row in [headers, *rows]:
        line = "  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=False))
        sys.stdout.write(line.rstrip() + "\n")
