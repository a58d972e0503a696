"""``OpenAIEmbeddings`` against llama-cpp-python's real OpenAI-compatible server in
embedding mode (the official ``openai`` SDK on the wire), through the conformance kit."""

from __future__ import annotations

import logging
import subprocess
import sys
from typing import Any

import pytest

from distilabel.errors import RuntimeParameterError
from distilabel.testing import EmbeddingsConformanceTests
from distilabel_openai import OpenAIEmbeddings

pytestmark = pytest.mark.slow


class TestOpenAIEmbeddingsConformance(EmbeddingsConformanceTests):
    embeddings_class = OpenAIEmbeddings
    dimensions = 576
    registered_name = "OpenAIEmbeddings"

    @pytest.fixture(scope="class")
    @classmethod
    def embeddings_kwargs(cls, llama_embedding_server: str, api_key: str) -> dict[str, Any]:
        return {"model": "smollm2", "base_url": llama_embedding_server, "api_key": api_key,
                "batch_size": 2}


def test_per_token_answers_are_mean_pooled_and_logged_once(
    llama_embedding_server: str, api_key: str, caplog: pytest.LogCaptureFixture
) -> None:
    embeddings = OpenAIEmbeddings(model="smollm2", base_url=llama_embedding_server,
                                  api_key=api_key, batch_size=1)
    embeddings.load()
    with caplog.at_level(logging.INFO):
        vectors = embeddings.encode(["one text", "another text", "a third"])
    embeddings.unload()
    assert len(vectors) == 3 and {len(v) for v in vectors} == {576}
    pooled = [r for r in caplog.records if "mean-pooling" in r.getMessage()]
    assert len(pooled) == 1
    assert api_key not in caplog.text


def test_no_api_key_is_a_clear_error(
    no_provider_env: None, llama_embedding_server: str
) -> None:
    embeddings = OpenAIEmbeddings(model="smollm2", base_url=llama_embedding_server)
    with pytest.raises(RuntimeParameterError, match=r"OPENAI_API_KEY.*api_key='EMPTY'"):
        embeddings.load()


LOAD_PROBE = """
import sys
from distilabel_openai import OpenAIEmbeddings
embeddings = OpenAIEmbeddings(model="smollm2", base_url=sys.argv[1], api_key=sys.argv[2])
embeddings.load()
print("openai imported at load:", "openai" in sys.modules)
vectors = embeddings.encode(["one text", "another"])
assert len(vectors) == 2 and {len(v) for v in vectors} == {576}, vectors
embeddings.unload()
print("openai imported at all:", "openai" in sys.modules)
"""


def test_load_and_requests_never_import_the_openai_sdk(
    llama_embedding_server: str, api_key: str
) -> None:
    """``load()`` builds the endpoint itself (``import openai`` costs about 0.6 s), as
    ``OpenAILLM`` does; requests go out without the SDK too."""
    out = subprocess.run([sys.executable, "-c", LOAD_PROBE, llama_embedding_server, api_key],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "openai imported at load: False", "openai imported at all: False"
    ], out.stdout
