"""The ``distilabel`` command: ``--version``, ``llms list`` and ``llms info NAME``."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

import distilabel
from distilabel.cli import main
from distilabel.plugins import reset_registry

if TYPE_CHECKING:
    from conftest import Sites


@pytest.fixture
def echo_installed(sites: Sites, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """distilabel-echo visible to this process, and the only plugin selected."""
    monkeypatch.syspath_prepend(str(sites.paths["distilabel-echo"]))
    monkeypatch.setenv("DISTILABEL_PLUGINS", "echo")
    reset_registry()
    yield
    reset_registry()


def test_version_console_script(sites: Sites) -> None:
    result = sites.cli(["--version"])
    assert result.stdout.strip() == f"distilabel {distilabel.__version__}"


def test_version_python_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "distilabel", "--version"], capture_output=True, text=True,
        check=True, timeout=60,
    )
    assert result.stdout.strip() == f"distilabel {distilabel.__version__}"


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "llms" in capsys.readouterr().out
    assert main(["llms"]) == 2


@pytest.mark.usefixtures("echo_installed")
def test_llms_list_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["llms", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["NAME", "KIND", "PACKAGE", "VERSION"]
    assert lines[1].split() == ["AsyncEchoLLM", "async", "distilabel-echo", "0.1.0"]
    assert lines[2].split() == ["EchoLLM", "sync", "distilabel-echo", "0.1.0"]


@pytest.mark.usefixtures("echo_installed")
def test_llms_list_json_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["llms", "list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(e["name"], e["kind"], e["distribution"], e["version"]) for e in data["llms"]] == [
        ("AsyncEchoLLM", "async", "distilabel-echo", "0.1.0"),
        ("EchoLLM", "sync", "distilabel-echo", "0.1.0"),
    ]
    assert data["broken"] == [] and data["conflicts"] == []


def test_llms_list_with_nothing_selected(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISTILABEL_PLUGINS", "none")
    reset_registry()
    try:
        assert main(["llms", "list"]) == 0
    finally:
        reset_registry()
    out = capsys.readouterr().out
    assert "No LLM plugins installed" in out


@pytest.mark.usefixtures("echo_installed")
def test_llms_info_shows_runtime_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["llms", "info", "EchoLLM"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("EchoLLM (sync) from distilabel-echo 0.1.0\n")
    assert "Answers with the words of the last user message" in out  # first docstring line
    for line in [
        "Runtime parameters:",
        "  generation_kwargs: Optional[dict[str, Any]] (default {})",
        "      max_new_tokens: int (default 64)",
        "          the most words in an answer.",
        "      reverse: bool (default False)",
        "          answer with the words in reverse order.",
        "  seed: int (default 0)",
        "      Seed of the hidden states (answers do not depend on it).",
    ]:
        assert line in out.splitlines(), f"missing line {line!r} in:\n{out}"


@pytest.mark.usefixtures("echo_installed")
def test_llms_info_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["llms", "info", "AsyncEchoLLM", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["name"], data["kind"], data["distribution"], data["version"]) == (
        "AsyncEchoLLM", "async", "distilabel-echo", "0.1.0"
    )
    params = {p["name"]: p for p in data["runtime_parameters"]}
    assert params["max_concurrency"]["type"] == "int"
    assert params["max_concurrency"]["default"] == 64
    assert params["api_key"]["type"] == "Optional[SecretStr]"
    assert params["api_key"]["required"] is False
    keys = {k["name"]: k for k in params["generation_kwargs"]["keys"]}
    assert keys["max_new_tokens"] == {
        "name": "max_new_tokens", "type": "int", "default": 64, "required": False,
        "optional": True, "description": "the most words in an answer.",
    }


@pytest.mark.usefixtures("echo_installed")
def test_llms_info_unknown_name_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["llms", "info", "NoSuchLLM"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: No LLM named 'NoSuchLLM' is installed")
    assert "EchoLLM" in err


@pytest.mark.usefixtures("echo_installed")
def test_llms_info_known_missing_says_what_to_install(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["llms", "info", "VertexAILLM"]) == 1
    err = capsys.readouterr().err
    assert "distilabel-vertexai" in err


def test_llms_info_via_console_script(sites: Sites) -> None:
    result = sites.cli(["llms", "info", "EchoLLM"], "distilabel-echo")
    assert "max_new_tokens: int (default 64)" in result.stdout
    failed = sites.cli(["llms", "info", "NoSuchLLM"], "distilabel-echo", check=False)
    assert failed.returncode == 1
    assert "has no attribute 'NoSuchLLM'" in failed.stderr
    assert "Traceback" not in failed.stderr


@pytest.mark.parametrize("argv", [["llms", "list"], ["llms", "info", "OpenAILLM"]])
def test_a_reader_that_stops_early_gets_no_traceback(argv: list[str]) -> None:
    """``distilabel llms info OpenAILLM | head -1``."""
    result = subprocess.run(
        f"{sys.executable} -m distilabel {' '.join(argv)} | head -1", shell=True,
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 1
    assert result.stderr == ""


def test_info_finds_a_name_whatever_its_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["llms", "info", "openaillm"]) == 0
    assert capsys.readouterr().out.startswith("OpenAILLM (async) from distilabel-openai")


def test_info_suggests_the_closest_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["llms", "info", "OpenAILMM"]) == 1
    assert "No LLM named 'OpenAILMM' is installed" in capsys.readouterr().err
    assert main(["llms", "info", "OpenAILMM"]) == 1
    assert "did you mean 'OpenAILLM'?" in capsys.readouterr().err


def test_the_import_suggests_the_closest_name() -> None:
    with pytest.raises(ImportError, match="did you mean 'OpenAILLM'"):
        from distilabel.llms import OpenAILMM  # type: ignore[attr-defined]  # noqa: F401
    import distilabel.llms

    assert not hasattr(distilabel.llms, "OpenAILMM")  # getattr keeps AttributeError


def test_log_level_goes_before_or_after_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    import logging

    assert main(["--log-level", "debug", "llms", "list"]) == 0
    assert logging.getLogger("distilabel").level == logging.DEBUG
    assert main(["llms", "list", "--log-level", "WARNING"]) == 0
    assert logging.getLogger("distilabel").level == logging.WARNING
    with pytest.raises(SystemExit):
        main(["llms", "list", "--log-level", "loud"])
    assert "Unknown log level 'loud'" in capsys.readouterr().err
    main(["--log-level", "INFO", "llms", "list"])
