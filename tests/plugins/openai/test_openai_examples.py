"""The example scripts run against the local llama.cpp server, configured only by the
environment variables their docs name; the key shows up in no output and no cache file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

_CLEARED = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT",
            "OPENAI_API_VERSION", "TOGETHER_API_KEY", "TOGETHER_BASE_URL", "ANYSCALE_API_KEY",
            "ANYSCALE_BASE_URL")


def _run(script: str, env: dict[str, str], cache: Path) -> str:
    base = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / script), "--max-new-tokens", "6"],
        env={**base, **env, "DISTILABEL_CACHE_DIR": str(cache), "HF_HUB_OFFLINE": "1"},
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def _files_mentioning(root: Path, secret: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_openai_example(llama_server: str, api_key: str, tmp_path: Path) -> None:
    output = _run("openai_llm.py", {"OPENAI_BASE_URL": llama_server, "OPENAI_API_KEY": api_key,
                                    "OPENAI_MODEL": "smollm2"}, tmp_path)
    assert "generations: 2" in output
    assert "structured: name=" in output
    assert sum(line.startswith("pipeline: ") for line in output.splitlines()) == 3
    assert api_key not in output
    assert any(tmp_path.rglob("*")), "the pipeline wrote nothing to its cache directory"
    assert _files_mentioning(tmp_path, api_key) == []


def test_azure_example(azure_front: str, api_key: str, tmp_path: Path) -> None:
    output = _run("azure_openai_llm.py", {
        "AZURE_OPENAI_ENDPOINT": azure_front, "AZURE_OPENAI_API_KEY": api_key,
        "AZURE_OPENAI_DEPLOYMENT": "smollm2",
    }, tmp_path)
    assert output.count("generation: ") == 2
    assert "'output_tokens': [6]" in output
    assert api_key not in output


@pytest.mark.parametrize(("script", "prefix"), [("together_llm.py", "TOGETHER"),
                                                ("anyscale_llm.py", "ANYSCALE")])
def test_provider_examples(
    script: str, prefix: str, llama_server: str, api_key: str, tmp_path: Path
) -> None:
    output = _run(script, {f"{prefix}_BASE_URL": llama_server, f"{prefix}_API_KEY": api_key,
                           f"{prefix}_MODEL": "smollm2"}, tmp_path)
    assert output.count("generation: ") == 2
    assert api_key not in output
