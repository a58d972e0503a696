"""Secrets stay secret: not in a pickle (what the Ray engine ships), not echoed by a
validation error, not in a dumped pipeline's URLs, and a short placeholder key does not
turn every matching letter of a message into ``***``."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from distilabel.errors import RuntimeParameterError
from distilabel_openai import OpenAILLM
from distilabel_openai.testing import FakeOpenAIServer


def chat(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def test_a_pickled_llm_does_not_hold_its_api_key(api_key: str) -> None:
    llm = OpenAILLM(model="m", api_key=api_key)
    data = pickle.dumps(llm)
    assert api_key.encode() not in data
    loaded = OpenAILLM(model="m", api_key=api_key)
    loaded.load()
    try:
        assert api_key.encode() not in pickle.dumps(loaded)  # nor its client's headers
    finally:
        loaded.unload()


def test_a_pickle_round_trip_in_the_same_process_keeps_working(
    server: FakeOpenAIServer, api_key: str
) -> None:
    copy = pickle.loads(pickle.dumps(OpenAILLM(model="echo", base_url=server.base_url,
                                               api_key=api_key)))
    copy.load()
    try:
        assert copy.generate_outputs([chat("again")])[0]["generations"] == ["Echo 0: again"]
    finally:
        copy.unload()


_WORKER = textwrap.dedent("""
    import pickle, sys
    llm = pickle.loads(sys.stdin.buffer.read())
    try:
        llm.load()
    except Exception as exc:
        print("ERROR", type(exc).__name__, exc)
        raise SystemExit(0)
    print("OK", llm.generate_outputs([[{"role": "user", "content": "worker"}]])[0]
          ["generations"][0])
    llm.unload()
""")


def _in_worker(data: bytes, env: dict[str, str]) -> str:
    """Unpickle ``data`` in a fresh process with environment ``env``: a Ray worker's view."""
    out = subprocess.run([sys.executable, "-c", _WORKER], input=data, capture_output=True,
                         env=env, timeout=60)
    assert out.returncode == 0, out.stderr.decode()
    return out.stdout.decode().strip()


def _worker_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    return {**env, **extra}


def test_a_worker_reads_the_key_from_its_environment(
    server: FakeOpenAIServer, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", api_key)
    data = pickle.dumps(OpenAILLM(model="echo", base_url=server.base_url))
    assert api_key.encode() not in data
    assert _in_worker(data, _worker_env(OPENAI_API_KEY=api_key)) == "OK Echo 0: worker"


def test_a_worker_without_the_variable_fails_at_load_saying_what_to_export(
    server: FakeOpenAIServer, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", api_key)
    data = pickle.dumps(OpenAILLM(model="echo", base_url=server.base_url))
    answer = _in_worker(data, _worker_env())
    assert answer.startswith("ERROR RuntimeParameterError")
    assert "export OPENAI_API_KEY" in answer and "never carry secrets" in answer
    assert server.stats.requests == 0


def test_a_worker_with_another_key_in_the_variable_is_not_silently_switched(
    server: FakeOpenAIServer, api_key: str
) -> None:
    data = pickle.dumps(OpenAILLM(model="echo", base_url=server.base_url, api_key=api_key))
    answer = _in_worker(data, _worker_env(OPENAI_API_KEY="sk-some-other-key-entirely"))
    assert answer.startswith("ERROR") and "another key" in answer


def test_the_ray_engine_pickle_of_a_task_round_trips(
    server: FakeOpenAIServer, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Ray engine ships steps with ``dumps_step`` (cloudpickle); the task's LLM inside
    travels without its key and gets it back from the worker's environment."""
    pytest.importorskip("ray")
    from distilabel.pipeline.ray._pickle import dumps_step
    from distilabel.steps.tasks import TextGeneration

    monkeypatch.setenv("OPENAI_API_KEY", api_key)
    task = TextGeneration(name="gen", llm=OpenAILLM(model="echo", base_url=server.base_url))
    data = dumps_step(task)
    assert api_key.encode() not in data
    script = textwrap.dedent("""
        import sys
        from distilabel.pipeline.ray._pickle import loads_step
        step = loads_step(sys.stdin.buffer.read())
        try:
            step.load()
        except Exception as exc:
            print("ERROR", exc); raise SystemExit(0)
        print("OK", step.llm.generate_outputs([[{"role": "user", "content": "ray"}]])[0]
              ["generations"][0])
        step.unload()
    """)
    for env, expected in ((_worker_env(OPENAI_API_KEY=api_key), "OK Echo 0: ray"),
                          (_worker_env(), "ERROR")):
        out = subprocess.run([sys.executable, "-c", script], input=data, capture_output=True,
                             env=env, timeout=120)
        assert out.returncode == 0, out.stderr.decode()
        assert out.stdout.decode().startswith(expected), out.stdout.decode()


@pytest.mark.parametrize("value", [123456789, ["sk-in-a-list-0042"], {"k": "sk-in-a-dict"}])
def test_an_api_key_of_the_wrong_type_is_not_echoed(value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        OpenAILLM(model="m", api_key=value)
    text = str(info.value)
    assert "api_key" in text and str(value) not in text
    assert "123456789" not in text and "sk-in-a" not in text


def test_an_api_key_of_the_wrong_type_at_run_time_is_not_echoed() -> None:
    llm = OpenAILLM(model="m", api_key="k")
    with pytest.raises(RuntimeParameterError) as info:
        llm.set_runtime_parameters({"api_key": 987654321})
    assert "987654321" not in str(info.value) and "api_key" in str(info.value)


def test_user_and_password_in_base_url_are_not_dumped(tmp_path: Path) -> None:
    from distilabel.pipeline import Pipeline
    from distilabel.steps import LoadDataFromDicts
    from distilabel.steps.tasks import TextGeneration

    url = "http://alice:s3cr3t-pw@127.0.0.1:9/v1"
    with Pipeline(name="dump-urls", cache_dir=tmp_path) as pipeline:
        load = LoadDataFromDicts(data=[{"instruction": "hi"}])
        load >> TextGeneration(name="gen", llm=OpenAILLM(model="m", base_url=url,
                                                         api_key="EMPTY"))
    text = pipeline.save(tmp_path / "pipeline.yaml").read_text()
    assert "s3cr3t-pw" not in text and "alice" not in text
    assert "http://127.0.0.1:9/v1" in text


@pytest.mark.parametrize("key", ["x", "EMPTY", "e"])
def test_a_short_placeholder_key_masks_only_itself(
    make_llm: Any, key: str
) -> None:
    """With ``api_key="x"`` the scrubber turned every x of a message into ``***``."""
    llm = make_llm("fault:400:*:max_tokens exceeds the context; EMPTY_CONTEXT", api_key=key)
    [error] = llm.generate_outputs_isolated([chat("hello")])
    message = str(error)
    assert "max_tokens exceeds the context; EMPTY_CONTEXT" in message
    assert "***" not in message
