"""The plugin-author guide's example package, built and installed for real, passes the kit."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Sites

pytestmark = pytest.mark.slow


def test_example_is_installed_from_its_distribution(sites: Sites) -> None:
    site = sites.paths["distilabel-echo"]
    facts = sites.python_json(
        """
        import importlib.metadata, json, sys
        import distilabel_echo
        dist = importlib.metadata.distribution("distilabel-echo")
        eps = [(e.group, e.name, e.value) for e in dist.entry_points]
        print(json.dumps([distilabel_echo.__file__, dist.version, eps]))
        """,
        "distilabel-echo",
    )
    assert isinstance(facts, list)
    module_file, version, entry_points = facts
    assert module_file.startswith(str(site))
    assert version == "0.1.0"
    assert entry_points == [["distilabel.llms", "echo", "distilabel_echo"]]


def test_example_llm_works_through_the_registry(sites: Sites) -> None:
    facts = sites.python_json(
        """
        import json, sys
        from distilabel.llms import EchoLLM, AsyncEchoLLM
        lazy = "echo_engine" not in sys.modules
        llm = EchoLLM()
        llm.load()
        out = llm.generate_outputs([[{"role": "user", "content": "one two three"}]],
                                   reverse=True, max_new_tokens=2)
        allm = AsyncEchoLLM(api_key="k")
        allm.load()
        aout = allm.generate([[{"role": "user", "content": "hello there"}]], 2)
        allm.unload()
        print(json.dumps([lazy, out, aout]))
        """,
        "distilabel-echo",
    )
    assert facts == [
        True,
        [{"generations": ["three two"],
          "statistics": {"input_tokens": [3], "output_tokens": [2]}}],
        [{"generations": ["hello there", "hello there"],
          "statistics": {"input_tokens": [2, 2], "output_tokens": [2, 2]}}],
    ]


def test_example_conformance_tests_pass(sites: Sites) -> None:
    """Run the example's own tests/test_conformance.py against the installed package."""
    source = sites.sources["distilabel-echo"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
         "tests/test_conformance.py"],
        cwd=source, env=sites.env("distilabel-echo"), capture_output=True, text=True,
        timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    # Both classes run every check; only the two that do not apply are skipped.
    assert " failed" not in summary and "error" not in summary, summary
    passed = int(summary.split(" passed")[0].split()[-1])
    assert passed >= 20, summary
    assert "synchronous LLM" in result.stdout  # EchoLLM skips the async-only check
    assert "does not expose hidden states" in result.stdout  # AsyncEchoLLM skips hidden states
