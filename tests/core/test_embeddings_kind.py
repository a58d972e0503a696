"""Embedding models as a plugin kind: the ``distilabel.embeddings`` registry (through the
entry points of the installed first-party plugins), the CLI, and the ``Embeddings`` base."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from distilabel.embeddings import Embeddings
from distilabel.errors import LLMNotLoadedError, PluginNotAvailableError
from distilabel.plugins import get_registry


class CountEmbeddings(Embeddings):
    """Letter counts of a..h; fails on texts containing 'boom'."""

    @property
    def model_name(self) -> str:
        return "count-8"

    def encode(self, inputs: list[str]) -> list[list[float]]:
        if any("boom" in text for text in inputs):
            raise ValueError("boom")
        return [[float(text.count(c)) for c in "abcdefgh"] for text in inputs]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "distilabel", *args], capture_output=True,
                          text=True, timeout=120, check=False)


def test_first_party_plugins_register_embeddings_beside_their_llms() -> None:
    embeddings = get_registry("embeddings")
    assert {"LlamaCppEmbeddings", "OpenAIEmbeddings", "SentenceTransformerEmbeddings"} <= set(
        embeddings.models
    )
    assert "LlamaCppLLM" not in embeddings.models
    assert "LlamaCppEmbeddings" not in get_registry().llms
    from distilabel.embeddings import LlamaCppEmbeddings
    from distilabel_llamacpp import LlamaCppEmbeddings as direct

    assert LlamaCppEmbeddings is direct and issubclass(direct, Embeddings)


def test_a_known_name_without_its_plugin_says_what_to_install() -> None:
    with pytest.raises(PluginNotAvailableError, match=r"pip install \./plugins/vllm"):
        get_registry("embeddings").get_class("vLLMEmbeddings")


def test_an_unknown_name_suggests_and_lists_what_is_installed() -> None:
    with pytest.raises(ImportError, match=r"LlamaCppEmbeddings.*distilabel embeddings list"):
        from distilabel.embeddings import LlamaCpEmbeddings  # noqa: F401


def test_an_unknown_kind_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="the kinds are llms, embeddings"):
        get_registry("rerankers")


def test_encode_before_load_is_an_error_and_isolation_fails_only_the_bad_text() -> None:
    model = CountEmbeddings()
    with pytest.raises(LLMNotLoadedError):
        model.encode(["abc"])
    model.load()
    results = model.encode_isolated(["aab", "boom", "hh"])
    assert results[0] == [2.0, 1.0, 0, 0, 0, 0, 0, 0]
    assert isinstance(results[1], ValueError)
    assert results[2][-1] == 2.0


def test_embeddings_list_and_info_on_the_command_line() -> None:
    listed = _cli("embeddings", "list")
    assert listed.returncode == 0, listed.stderr
    header, *rows = [line.split() for line in listed.stdout.splitlines() if line.strip()]
    assert header == ["NAME", "PACKAGE", "VERSION"]
    assert ["LlamaCppEmbeddings", "distilabel-llamacpp", "0.1.0"] in rows
    data = json.loads(_cli("embeddings", "list", "--json").stdout)
    assert {e["name"] for e in data["embeddings"]} >= {"LlamaCppEmbeddings", "OpenAIEmbeddings"}
    info = json.loads(_cli("embeddings", "info", "openaiembeddings", "--json").stdout)
    params = {p["name"] for p in info["runtime_parameters"]}
    assert {"base_url", "api_key", "batch_size", "dimensions"} <= params
    missing = _cli("embeddings", "info", "vllmembeddings")
    assert missing.returncode == 1
    assert "pip install ./plugins/vllm" in missing.stderr
