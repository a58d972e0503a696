"""``distilabel llms list`` and ``distilabel llms info NAME``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from distilabel.errors import DistilabelUserError

__all__ = ["describe_llm_class", "register"]


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``llms`` command group to ``commands``."""
    llms = commands.add_parser("llms", help="Installed LLM backends.")
    sub = llms.add_subparsers(dest="llms_command", metavar="SUBCOMMAND")
    llms.set_defaults(handler=lambda _args: (llms.print_help(), 2)[1])

    list_cmd = sub.add_parser("list", help="List installed LLMs and broken plugins.")
    list_cmd.add_argument("--json", action="store_true", help="Print JSON.")
    list_cmd.set_defaults(handler=_list)

    info_cmd = sub.add_parser("info", help="Show an LLM's runtime parameters.")
    info_cmd.add_argument(
        "name", help="The LLM class name, e.g. OpenAILLM (case does not matter)."
    )
    info_cmd.add_argument("--json", action="store_true", help="Print JSON.")
    info_cmd.set_defaults(handler=_info)


def _list(args: argparse.Namespace) -> int:
    from distilabel.plugins import PLUGINS_ENV_VAR, get_registry

    registry = get_registry()
    llms: list[dict[str, Any]] = [
        {
            "name": entry.name,
            "kind": entry.kind,
            "class": f"{entry.cls.__module__}.{entry.cls.__qualname__}",
            "plugin": entry.plugin.name,
            "distribution": entry.plugin.distribution,
            "version": entry.plugin.version,
        }
        for entry in sorted(registry.llms.values(), key=lambda e: e.name.lower())
    ]
    broken = [
        {"plugin": b.plugin.name, "distribution": b.plugin.distribution,
         "version": b.plugin.version, "error": b.error}
        for b in registry.broken
    ]
    conflicts = [
        {"name": c.name, "distributions": [p.distribution for p in c.plugins],
         "error": c.message()}
        for c in registry.conflicts.values()
    ]
    skipped: list[dict[str, Any]] = [
        {"plugin": s.name, "distribution": s.distribution} for s in registry.skipped
    ]
    if args.json:
        print(json.dumps({"llms": llms, "broken": broken, "conflicts": conflicts,
                          "skipped": skipped}, indent=2))
        return 0
    if llms:
        _table(["NAME", "KIND", "PACKAGE", "VERSION"],
               [[e["name"], e["kind"], e["distribution"] or e["plugin"], e["version"] or ""]
                for e in llms])
    else:
        print("No LLM plugins installed. Install one, e.g. `pip install distilabel-openai`.")
    for b in broken:
        print(f"\nBROKEN plugin '{b['plugin']}' ({b['distribution']} {b['version']}): {b['error']}")
    for c in conflicts:
        print(f"\nCONFLICT: {c['error']}")
    if skipped:
        names = ", ".join(s["plugin"] for s in skipped)
        print(f"\nNot loaded ({PLUGINS_ENV_VAR}): {names}")
    return 0


def _info(args: argparse.Namespace) -> int:
    from distilabel.plugins import get_registry

    registry = get_registry()
    name = registry.resolve_name(args.name)  # `openaillm` finds OpenAILLM
    try:
        cls = registry.get_llm_class(name)
    except (ImportError, AttributeError) as exc:
        raise DistilabelUserError(str(exc)) from None
    entry = registry.llms[name]
    params = describe_llm_class(cls)
    if args.json:
        print(json.dumps({"name": entry.name, "kind": entry.kind,
                          "distribution": entry.plugin.distribution,
                          "version": entry.plugin.version,
                          "runtime_parameters": params}, indent=2, default=str))
        return 0
    print(f"{entry.name} ({entry.kind}) from {entry.plugin.label}")
    doc = (cls.__doc__ or "").strip().splitlines()
    if doc:
        print(f"  {doc[0]}")
    print("\nRuntime parameters:")
    _print_params(params, indent="  ")
    return 0


def describe_llm_class(cls: Any) -> list[dict[str, Any]]:
    """Runtime parameters of an LLM class, without building (or loading) an instance
    (``distilabel llms info`` and the docs' components gallery)."""
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
