"""mkdocs hooks: pages generated from the code, so the docs cannot drift from it.

- ``reference/<module>.md`` for every public module of the core and of every plugin
  under ``plugins/`` (a module is public when no part of its dotted name starts with
  ``_``), rendered by mkdocstrings from the docstrings; 1.x alias modules get their
  docstring and what they re-export, not a copy of the real objects' pages.
- ``components.md``: a gallery built from what is installed: every LLM the plugin
  registry finds, with its runtime parameters, and every step and task that
  ``distilabel.steps`` and ``distilabel.steps.tasks`` export, with inputs and outputs.

Both are listed in the navigation; nothing here is written to ``docs/``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

_BASE_CLASSES = frozenset({
    "Step", "GeneratorStep", "GlobalStep", "Task", "GeneratorTask", "GlobalTask", "MultiCallTask",
})

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = "reference"
GALLERY = "components.md"


def public_modules() -> list[str]:
    """Every public module of ``distilabel`` and of each plugin package, sorted."""
    roots = ["distilabel"]
    for source in sorted((ROOT / "plugins").glob("*/src/*/__init__.py")):
        roots.append(source.parent.name)
    found: list[str] = []
    for root in roots:
        package = importlib.import_module(root)
        found.append(root)
        for info in pkgutil.walk_packages(package.__path__, f"{root}."):
            if not any(part.startswith("_") for part in info.name.split(".")):
                found.append(info.name)
    return sorted(set(found))


def is_alias_module(name: str) -> bool:
    """A 1.x import path kept as an alias (its docstring says so)."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return False
    import ast

    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree) or ""
    return "(an alias" in doc.split("\n\n", 1)[0]


def reference_page(name: str) -> str:
    if is_alias_module(name):
        module = importlib.import_module(name)
        exported = ", ".join(f"`{n}`" for n in getattr(module, "__all__", []))
        return (
            f"# `{name}`\n\n::: {name}\n    options:\n      members: false\n"
            f"      show_root_heading: false\n\nRe-exports: {exported or 'nothing'}.\n"
        )
    return f"# `{name}`\n\n::: {name}\n    options:\n      show_root_heading: false\n"


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _summary(obj: Any) -> str:
    doc = inspect.getdoc(obj) or ""
    return _cell(doc.split("\n\n", 1)[0]) if doc else ""


def _params_table(params: list[dict[str, Any]], prefix: str = "") -> list[str]:
    rows: list[str] = []
    for p in params:
        flag = "required" if p.get("required") else f"`{p.get('default')!r}`"
        rows.append(f"| `{prefix}{p['name']}` | `{_cell(p.get('type', ''))}` | {flag} |"
                    f" {_cell(p.get('description') or '')} |")
        for key in p.get("keys") or []:
            rows.append(f"| `{prefix}{p['name']}.{key['name']}` | `{_cell(key.get('type', ''))}`"
                        f" | `{key.get('default')!r}` | {_cell(key.get('description') or '')} |")
    return rows


def _columns(step_cls: Any, which: str) -> str:
    """A step's input or output columns, read from a prototype built without
    validation; ``from its arguments`` when they depend on how it is configured."""
    try:
        proto = step_cls.model_construct()
        columns = getattr(proto, which)
    except Exception:
        return "from its arguments"
    if isinstance(columns, dict):
        names = [f"`{c}`" + ("" if required else " (optional)") for c, required in columns.items()]
    else:
        names = [f"`{c}`" for c in columns]
    return ", ".join(names) or "none"


def _model_sections(registry: Any, module: str) -> list[str]:
    """A gallery section per model class of ``registry`` (one kind), then its broken plugins."""
    from distilabel.cli._models import describe_model_class

    lines: list[str] = []
    for entry in sorted(registry.models.values(), key=lambda e: e.name.lower()):
        kind = f" ({entry.kind})" if hasattr(entry, "kind") else ""
        lines += [
            f"### `{entry.name}`",
            "",
            f"{_summary(entry.cls)}",
            "",
            f"From `{entry.plugin.label}`{kind}; `from {module} import {entry.name}`.",
            "",
            "| runtime parameter | type | default | description |",
            "| --- | --- | --- | --- |",
            *_params_table(describe_model_class(entry.cls)),
            "",
        ]
    for broken in registry.broken:
        lines += [f"- Broken plugin `{broken.plugin.label}`: {_cell(broken.error)}", ""]
    return lines


def gallery() -> str:
    from distilabel.plugins import get_registry
    from distilabel.steps._base import _Step

    registry = get_registry()
    lines = [
        "# Components",
        "",
        "Generated from what is installed when the docs are built: every LLM and embedding",
        "model the plugin registry finds (`distilabel llms list`, `distilabel embeddings",
        "list`), and every step and task that",
        "`distilabel.steps` and `distilabel.steps.tasks` export. Install a plugin and",
        "rebuild the docs to see it here.",
        "",
        "## LLMs",
        "",
    ]
    lines += _model_sections(registry, "distilabel.llms")
    lines += ["## Embedding models", ""]
    lines += _model_sections(get_registry("embeddings"), "distilabel.embeddings")
    for title, module_name in (("Steps", "distilabel.steps"), ("Tasks", "distilabel.steps.tasks")):
        module = importlib.import_module(module_name)
        lines += [f"## {title}", ""]
        for name in sorted(module.__all__):
            obj = getattr(module, name)
            if not (inspect.isclass(obj) and issubclass(obj, _Step)) or inspect.isabstract(obj):
                continue
            if name in _BASE_CLASSES:
                continue  # the base classes, documented in the API reference
            params = [
                dict(obj.describe_runtime_parameter(field, info.get_default(
                    call_default_factory=True)))
                for field, (info, _) in obj.runtime_parameter_fields().items()
            ]
            lines += [
                f"### `{name}`",
                "",
                _summary(obj),
                "",
                f"`from {module_name} import {name}`",
                "",
                f"- inputs: {_columns(obj, 'inputs')}",
                f"- outputs: {_columns(obj, 'outputs')}",
                "",
            ]
            if params:
                lines += ["| runtime parameter | type | default | description |",
                          "| --- | --- | --- | --- |", *_params_table(params), ""]
    return "\n".join(lines) + "\n"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    modules = public_modules()
    reference: list[Any] = [{name: f"{REFERENCE}/{name}.md"} for name in modules]
    nav = config.nav or []
    nav.append({"Components": GALLERY})
    nav.append({"API reference": reference})
    config.nav = nav
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for name in public_modules():
        files.append(File.generated(config, f"{REFERENCE}/{name}.md",
                                    content=reference_page(name)))
    files.append(File.generated(config, GALLERY, content=gallery()))
    return files
