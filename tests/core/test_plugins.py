"""The plugin registry, through real installed distributions and fresh interpreters.

The distributions (``distilabel-acme``, ``distilabel-cohere`` (broken),
``distilabel-clash``, ``distilabel-echo``) are built by the ``sites`` fixture in
conftest.py; each check picks which of them the interpreter sees.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import tomllib

from distilabel.plugins import KNOWN_LLMS, KNOWN_PLUGIN_DIRS, install_hint

if TYPE_CHECKING:
    from conftest import Sites

pytestmark = pytest.mark.slow


def test_import_resolves_a_plugin_llm(sites: Sites) -> None:
    facts = sites.python_json(
        """
        import json
        from distilabel.llms import AcmeAsyncLLM, AcmeLLM, LLM, AsyncLLM

        llm = AcmeLLM()
        llm.load()
        sync_out = llm.generate([[{"role": "user", "content": "hi"}]], num_generations=2)
        allm = AcmeAsyncLLM()
        allm.load()
        async_out = allm.generate([[{"role": "user", "content": "yo"}]])
        allm.unload()
        print(json.dumps({
            "module": AcmeLLM.__module__,
            "subclasses": [issubclass(AcmeLLM, LLM), issubclass(AcmeAsyncLLM, AsyncLLM)],
            "sync": sync_out, "async": async_out,
        }))
        """,
        "distilabel-acme",
    )
    assert facts == {
        "module": "distilabel_acme._llm",
        "subclasses": [True, True],
        "sync": [["acme:hi:0.5", "acme:hi:0.5"]],
        "async": [["acme:yo:1.0"]],
    }


def test_llms_list_shows_name_kind_distribution_and_version(sites: Sites) -> None:
    out = sites.cli(["llms", "list"], "distilabel-acme", "distilabel-echo").stdout
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.strip()}
    assert rows["NAME"] == ["KIND", "PACKAGE", "VERSION"]
    assert rows["AcmeLLM"] == ["sync", "distilabel-acme", "1.2.3"]
    assert rows["AcmeAsyncLLM"] == ["async", "distilabel-acme", "1.2.3"]
    assert rows["EchoLLM"] == ["sync", "distilabel-echo", "0.1.0"]


def test_llms_list_json(sites: Sites) -> None:
    data = json.loads(sites.cli(["llms", "list", "--json"], "distilabel-acme").stdout)
    acme = {e["name"]: e for e in data["llms"] if e["distribution"] == "distilabel-acme"}
    assert acme["AcmeLLM"] == {
        "name": "AcmeLLM", "kind": "sync", "class": "distilabel_acme._llm.AcmeLLM",
        "plugin": "acme", "distribution": "distilabel-acme", "version": "1.2.3",
    }
    assert acme["AcmeAsyncLLM"]["kind"] == "async"
    assert data["broken"] == [] or all(
        b["distribution"] != "distilabel-acme" for b in data["broken"]
    )


def test_import_of_distilabel_llms_does_not_discover(sites: Sites) -> None:
    facts = sites.python_json(
        """
        import json, sys
        import distilabel, distilabel.llms
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in
                                ("distilabel_acme", "acme_sdk"))))
        """,
        "distilabel-acme",
    )
    assert facts == []


def test_discovery_imports_the_plugin_but_not_its_sdk(sites: Sites) -> None:
    facts = sites.python_json(
        """
        import json, sys
        steps = {}
        from distilabel.llms import AcmeLLM
        steps["discovered"] = ["distilabel_acme" in sys.modules, "acme_sdk" in sys.modules]
        llm = AcmeLLM()
        steps["built"] = "acme_sdk" in sys.modules
        llm.load()
        steps["loaded"] = "acme_sdk" in sys.modules
        print(json.dumps(steps))
        """,
        "distilabel-acme",
    )
    assert facts == {"discovered": [True, False], "built": False, "loaded": True}


def test_llms_list_does_not_import_the_sdk(sites: Sites) -> None:
    facts = sites.python_json(
        """
        import contextlib, io, json, sys
        from distilabel.cli import main
        with contextlib.redirect_stdout(io.StringIO()) as out:
            code = main(["llms", "list"])
        print(json.dumps([code, "AcmeLLM" in out.getvalue(), "acme_sdk" in sys.modules]))
        """,
        "distilabel-acme",
    )
    assert facts == [0, True, False]


def test_broken_plugin_is_recorded_and_the_others_work(sites: Sites) -> None:
    facts = sites.python_json(
        """
        import json
        from distilabel.plugins import get_registry
        registry = get_registry()
        from distilabel.llms import AcmeLLM
        llm = AcmeLLM(); llm.load()
        print(json.dumps({
            "broken": {b.plugin.name: [b.plugin.distribution, b.error] for b in registry.broken},
            "works": llm.generate([[{"role": "user", "content": "x"}]]),
        }))
        """,
        "distilabel-acme", "distilabel-cohere",
    )
    assert facts["works"] == [["acme:x:0.5"]]
    broken = facts["broken"]
    assert broken["cohere"] == [
        "distilabel-cohere", "RuntimeError: distilabel_cohere fails to import on purpose"
    ]
    distribution, error = broken["cohere-nohook"]
    assert distribution == "distilabel-cohere"
    assert "implements no distilabel hook" in error and "hookimpl" in error


def test_llms_list_reports_broken_plugins(sites: Sites) -> None:
    result = sites.cli(["llms", "list"], "distilabel-acme", "distilabel-cohere")
    assert result.returncode == 0
    assert "AcmeLLM" in result.stdout
    assert (
        "BROKEN plugin 'cohere' (distilabel-cohere 0.0.1): "
        "RuntimeError: distilabel_cohere fails to import on purpose"
    ) in result.stdout
    data = json.loads(
        sites.cli(["llms", "list", "--json"], "distilabel-acme", "distilabel-cohere").stdout
    )
    assert {b["plugin"] for b in data["broken"]} >= {"cohere", "cohere-nohook"}


def test_known_name_of_a_broken_plugin_says_it_failed_to_load(sites: Sites) -> None:
    message = sites.python_json(
        """
        import json
        try:
            from distilabel.llms import CohereLLM
        except ImportError as exc:
            print(json.dumps(str(exc)))
        """,
        "distilabel-cohere",
    )
    assert isinstance(message, str)
    assert "distilabel-cohere 0.0.1" in message
    assert "failed to load" in message and "fails to import on purpose" in message


def test_name_clash_names_both_distributions(sites: Sites) -> None:
    facts = sites.python_json(
        """
        import json
        from distilabel.errors import PluginConflictError
        try:
            from distilabel.llms import AcmeLLM
        except PluginConflictError as exc:
            error = [type(exc).__name__, str(exc), isinstance(exc, ImportError)]
        from distilabel.llms import AcmeAsyncLLM
        print(json.dumps({"error": error, "other": AcmeAsyncLLM.__name__}))
        """,
        "distilabel-acme", "distilabel-clash",
    )
    name, message, is_import_error = facts["error"]
    assert name == "PluginConflictError" and is_import_error
    assert "'AcmeLLM'" in message
    assert "distilabel-acme 1.2.3" in message and "distilabel-clash 2.0.0" in message
    assert "DISTILABEL_PLUGINS" in message
    assert facts["other"] == "AcmeAsyncLLM"


def test_llms_list_reports_the_conflict(sites: Sites) -> None:
    data = json.loads(
        sites.cli(["llms", "list", "--json"], "distilabel-acme", "distilabel-clash").stdout
    )
    assert [c["name"] for c in data["conflicts"]] == ["AcmeLLM"]
    assert sorted(data["conflicts"][0]["distributions"]) == [
        "distilabel-acme", "distilabel-clash"
    ]
    assert "AcmeLLM" not in {e["name"] for e in data["llms"]}


_REGISTRY_FACTS = """
import json
from distilabel.plugins import get_registry
r = get_registry()
print(json.dumps({
    "llms": {n: e.plugin.distribution for n, e in r.llms.items()},
    "skipped": sorted(p.distribution for p in r.skipped),
    "conflicts": sorted(r.conflicts),
}))
"""

_ALL = ("distilabel-acme", "distilabel-clash", "distilabel-echo")


@pytest.mark.parametrize(
    ("selection", "expected", "conflicts"),
    [
        ("all", {"AcmeAsyncLLM": "distilabel-acme", "EchoLLM": "distilabel-echo"}, ["AcmeLLM"]),
        ("acme", {"AcmeLLM": "distilabel-acme", "AcmeAsyncLLM": "distilabel-acme"}, []),
        ("distilabel-clash", {"AcmeLLM": "distilabel-clash"}, []),
        (" Clash , echo ", {"AcmeLLM": "distilabel-clash", "EchoLLM": "distilabel-echo"}, []),
        ("none", {}, []),
    ],
)
def test_environment_selects_plugins(
    sites: Sites, selection: str, expected: dict[str, str], conflicts: list[str]
) -> None:
    facts = sites.python_json(_REGISTRY_FACTS, *_ALL, DISTILABEL_PLUGINS=selection)
    assert isinstance(facts, dict)
    ours = {n: d for n, d in facts["llms"].items() if d in _ALL}
    for name, distribution in expected.items():
        assert ours.get(name) == distribution
    unexpected = set(ours) - set(expected) - ({"AsyncEchoLLM"} if "EchoLLM" in expected else set())
    assert not unexpected
    assert facts["conflicts"] == conflicts
    loaded = set(ours.values())
    assert not loaded & set(facts["skipped"])
    if selection == "none":
        assert set(facts["skipped"]) >= set(_ALL)


def test_deselected_known_backend_says_how_to_select_it(sites: Sites) -> None:
    message = sites.python_json(
        """
        import json
        try:
            from distilabel.llms import CohereLLM
        except ImportError as exc:
            print(json.dumps(str(exc)))
        """,
        "distilabel-cohere", DISTILABEL_PLUGINS="none",
    )
    assert isinstance(message, str)
    assert "not selected by DISTILABEL_PLUGINS='none'" in message
    assert "'cohere'" in message


def test_known_but_missing_names_say_which_package_to_install(sites: Sites) -> None:
    facts = sites.python_json(
        """
        import json
        import distilabel.llms
        from distilabel.plugins import KNOWN_LLMS
        out = {}
        for name in KNOWN_LLMS:
            try:
                exec(f"from distilabel.llms import {name}")
            except ImportError as exc:
                out[name] = [type(exc).__name__, str(exc)]
        print(json.dumps(out))
        """,
        DISTILABEL_PLUGINS="none",
    )
    assert isinstance(facts, dict)
    assert set(facts) == set(KNOWN_LLMS)
    for name, (kind, message) in facts.items():
        assert kind == "PluginNotAvailableError"
        assert KNOWN_LLMS[name] in message, message
        # not installed: the command that installs it from this repository; installed but
        # deselected: how to select it. Never `pip install distilabel-x` from an index.
        assert install_hint(KNOWN_LLMS[name]) in message or "DISTILABEL_PLUGINS" in message
        assert f"pip install {KNOWN_LLMS[name]}" not in message


def test_every_known_distribution_is_a_plugin_of_this_repository() -> None:
    """The table names only plugins built here: each directory exists and its pyproject
    declares that distribution with a ``distilabel.llms`` entry point."""
    root = Path(__file__).resolve().parents[2]
    assert set(KNOWN_LLMS.values()) == set(KNOWN_PLUGIN_DIRS)
    for distribution, directory in KNOWN_PLUGIN_DIRS.items():
        project = root / directory / "pyproject.toml"
        assert project.is_file(), f"{distribution}: no {directory}/pyproject.toml"
        data = tomllib.loads(project.read_text())
        assert data["project"]["name"] == distribution, project
        assert data["project"]["entry-points"]["distilabel.llms"], project
        assert f"pip install ./{directory} " in install_hint(distribution)


def test_every_known_name_is_registered_by_its_distribution() -> None:
    """In the development environment (every plugin installed) each known name resolves,
    and comes from the distribution the table names."""
    from distilabel.plugins import PluginRegistry

    registry = PluginRegistry(selection="all").discover()
    wrong = {
        name: (registry.llms[name].plugin.distribution if name in registry.llms else None)
        for name, distribution in KNOWN_LLMS.items()
        if name not in registry.llms or registry.llms[name].plugin.distribution != distribution
    }
    assert wrong == {}, f"known names not registered by their distribution: {wrong}"


def test_the_issue_lists_known_names() -> None:
    assert set(KNOWN_LLMS) >= {
        "OpenAILLM", "AzureOpenAILLM", "TransformersLLM", "LlamaCppLLM", "vLLM",
        "AnthropicLLM", "MistralLLM", "CohereLLM", "GroqLLM", "OllamaLLM", "LiteLLM",
        "InferenceEndpointsLLM", "VertexAILLM", "TogetherLLM", "AnyscaleLLM",
    }
    assert KNOWN_LLMS["OpenAILLM"] == "distilabel-openai"


def test_missing_package_message_has_the_install_command(sites: Sites) -> None:
    message = sites.python_json(
        """
        import json
        from distilabel.plugins import PluginRegistry
        registry = PluginRegistry(group="distilabel.nothing-here")
        try:
            registry.get_llm_class("OpenAILLM")
        except ImportError as exc:
            print(json.dumps(str(exc)))
        """,
    )
    assert message == (
        "OpenAILLM is provided by the 'distilabel-openai' package, which is not installed."
        " Install it with: pip install ./plugins/openai (run in a checkout of the distilabel"
        " repository; the package is built from its plugins/openai directory and is not"
        " published on a package index)"
    )


def test_unknown_name_is_an_attribute_error(sites: Sites) -> None:
    facts = sites.python_json(
        """
        import json
        import distilabel.llms
        out = {}
        try:
            distilabel.llms.NoSuchLLM
        except AttributeError as exc:
            out["getattr"] = str(exc)
        try:
            from distilabel.llms import NoSuchLLM
        except ImportError as exc:
            out["from_import"] = type(exc).__name__
        out["hasattr"] = hasattr(distilabel.llms, "NoSuchLLM")
        out["private"] = hasattr(distilabel.llms, "_no_such")
        print(json.dumps(out))
        """,
        "distilabel-acme",
    )
    assert isinstance(facts, dict)
    assert "has no attribute 'NoSuchLLM'" in facts["getattr"]
    assert "AcmeLLM" in facts["getattr"]  # the message lists what is installed
    assert facts["from_import"] == "ImportError"
    assert facts["hasattr"] is False and facts["private"] is False


def test_discovery_is_cached_per_process(sites: Sites) -> None:
    facts = sites.python_json(
        """
        import json
        from distilabel.plugins import get_registry, reset_registry
        first = get_registry()
        same = get_registry() is first
        reset_registry()
        fresh = get_registry()
        print(json.dumps([same, fresh is not first, "AcmeLLM" in fresh.llms]))
        """,
        "distilabel-acme",
    )
    assert facts == [True, True, True]


def test_dir_lists_plugin_llms(sites: Sites) -> None:
    names = sites.python_json(
        "import json, distilabel.llms; print(json.dumps(dir(distilabel.llms)))",
        "distilabel-acme",
    )
    assert isinstance(names, list)
    assert {"LLM", "AsyncLLM", "AcmeLLM", "AcmeAsyncLLM"} <= set(names)
