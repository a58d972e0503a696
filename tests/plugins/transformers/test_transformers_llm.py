"""``TransformersLLM`` behaviour beyond the conformance kit, on the embedded model."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import weakref
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from distilabel.embedded import EMBEDDED_MODEL, embedded_model_path
from distilabel.errors import DistilabelUserError
from distilabel.llms import LLM
from distilabel.typing import ChatType

torch = pytest.importorskip("torch")

from distilabel_transformers import TransformersLLM, converted_model_dir  # noqa: E402

pytestmark = pytest.mark.slow

GREEDY = {"do_sample": False, "max_new_tokens": 12}


def chat(text: str) -> ChatType:
    return [{"role": "user", "content": text}]


QUESTIONS = [
    chat("What is 2 + 2?"),
    chat("Name a colour."),
    chat("Write one sentence about the sea and the wind and the boats."),
]


def test_batched_output_equals_unbatched_under_greedy(transformers_llm: Any) -> None:
    batched = transformers_llm.generate(QUESTIONS, **GREEDY)
    alone = [transformers_llm.generate([q], **GREEDY)[0] for q in QUESTIONS]
    assert batched == alone
    prompt_lengths = {o["statistics"]["input_tokens"][0] for o in batched}
    assert len(prompt_lengths) == 3, "prompts of different lengths exercise left padding"


def test_statistics_count_prompt_and_answer_tokens(transformers_llm: Any) -> None:
    out = transformers_llm.generate([QUESTIONS[0]], **GREEDY)[0]
    tokenizer = transformers_llm._tokenizer
    prompt = tokenizer.apply_chat_template(QUESTIONS[0], tokenize=False, add_generation_prompt=True)
    assert out["statistics"]["input_tokens"] == [len(tokenizer(prompt)["input_ids"])]
    answer_ids = tokenizer(out["generations"][0], add_special_tokens=False)["input_ids"]
    assert out["statistics"]["output_tokens"][0] == len(answer_ids)


def test_max_new_tokens_bounds_the_answer(transformers_llm: Any) -> None:
    out = transformers_llm.generate([chat("Write a long story about a dragon.")], max_new_tokens=3)
    assert out[0]["statistics"]["output_tokens"] == [3]


def test_stop_strings_end_the_answer_before_the_stop(transformers_llm: Any) -> None:
    question = [chat("Count from 1 to 10, separated by commas.")]
    text = transformers_llm.generate(question, do_sample=False, max_new_tokens=30)[0][
        "generations"
    ][0]
    assert "3" in text, text
    stopped = transformers_llm.generate(
        question, do_sample=False, max_new_tokens=30, stop_strings=["3"]
    )[0]
    assert stopped["generations"][0] == text[: text.index("3")]
    assert stopped["statistics"]["output_tokens"][0] < 30


def test_sampling_gives_several_different_answers(transformers_llm: Any) -> None:
    torch.manual_seed(0)
    out = transformers_llm.generate(
        [chat("Invent a name.")], num_generations=3, max_new_tokens=12, temperature=1.0
    )[0]
    assert len(out["generations"]) == 3 and len(set(out["generations"])) > 1


def test_structured_output_is_constrained_to_the_schema(transformers_llm: Any) -> None:
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string", "maxLength": 20}},
        "required": ["city"],
        "additionalProperties": False,
    }
    [output] = transformers_llm.generate_outputs(
        [(QUESTIONS[0], {"format": "json", "schema": schema})], do_sample=False,
        max_new_tokens=40,
    )
    assert isinstance(json.loads(output["generations"][0])["city"], str)


def test_a_regex_request_is_followed(transformers_llm: Any) -> None:
    [output] = transformers_llm.generate_outputs(
        [(QUESTIONS[0], {"format": "regex", "schema": "(yes|no)"})], do_sample=False,
        max_new_tokens=5,
    )
    assert output["generations"][0] in ("yes", "no")


def test_hidden_states_ignore_padding(transformers_llm: Any) -> None:
    states = transformers_llm.get_last_hidden_state(QUESTIONS)
    alone = [transformers_llm.get_last_hidden_state([q])[0] for q in QUESTIONS]
    for batched, single in zip(states, alone, strict=True):
        assert batched.shape == single.shape and batched.shape[1] == 576
        assert batched.dtype == np.float32
        np.testing.assert_allclose(batched, single, rtol=1e-4, atol=1e-4)


def test_hidden_state_token_count_matches_the_prompt(transformers_llm: Any) -> None:
    state = transformers_llm.get_last_hidden_state([QUESTIONS[1]])[0]
    stats = transformers_llm.generate([QUESTIONS[1]], max_new_tokens=1)[0]["statistics"]
    assert state.shape[0] == stats["input_tokens"][0]


def test_gguf_conversion_is_cached_and_reused(transformers_llm: Any) -> None:
    cached = converted_model_dir(embedded_model_path())
    weights = cached / "model.safetensors"
    assert weights.is_file() and (cached / "tokenizer.json").is_file()
    before = weights.stat().st_mtime_ns
    second = TransformersLLM(model=str(embedded_model_path()), device="cpu")
    second.load()
    try:
        assert weights.stat().st_mtime_ns == before, "the second load converted again"
        assert second.generate([QUESTIONS[0]], **GREEDY) == transformers_llm.generate(
            [QUESTIONS[0]], **GREEDY
        )
    finally:
        second.unload()


def test_converted_models_stay_local_when_the_cache_dir_is_a_url(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from distilabel_transformers._gguf_cache import models_cache_dir

    monkeypatch.setenv("DISTILABEL_CACHE_DIR", str(tmp_path / "cache"))
    assert models_cache_dir() == tmp_path / "cache" / "models"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for url in ("s3://bucket/runs", "file:///shared/runs", "simplecache::s3://bucket/runs"):
        monkeypatch.setenv("DISTILABEL_CACHE_DIR", url)
        assert models_cache_dir() == tmp_path / "home" / ".cache" / "distilabel" / "models"


def test_a_directory_with_gguf_file_resolves_to_the_same_model(transformers_llm: Any) -> None:
    gguf = embedded_model_path()
    llm = TransformersLLM(model=str(gguf.parent), gguf_file=gguf.name, device="cpu")
    llm.load()
    try:
        assert llm.generate([QUESTIONS[1]], **GREEDY) == transformers_llm.generate(
            [QUESTIONS[1]], **GREEDY
        )
    finally:
        llm.unload()


def test_converted_directory_loads_as_a_plain_checkpoint(transformers_llm: Any) -> None:
    llm = TransformersLLM(model=str(converted_model_dir(embedded_model_path())), device="cpu")
    llm.load()
    try:
        assert llm.generate([QUESTIONS[0]], **GREEDY) == transformers_llm.generate(
            [QUESTIONS[0]], **GREEDY
        )
    finally:
        llm.unload()


def test_missing_gguf_file_is_a_clear_error(tmp_path: Path) -> None:
    llm = TransformersLLM(model=str(tmp_path), gguf_file="model.Q4.gguf")
    with pytest.raises(DistilabelUserError, match=r"gguf_file 'model\.Q4\.gguf' is not in"):
        llm.load()


def test_chat_template_override_changes_the_prompt(transformers_llm: Any) -> None:
    llm = TransformersLLM(
        model=EMBEDDED_MODEL,
        device="cpu",
        chat_template="{% for m in messages %}Q: {{ m['content'] }}\n{% endfor %}A:",
    )
    llm.load()
    try:
        out = llm.generate([QUESTIONS[0]], max_new_tokens=1)[0]
        tokens = llm._tokenizer("Q: What is 2 + 2?\nA:", add_special_tokens=False)["input_ids"]
        assert out["statistics"]["input_tokens"] == [len(tokens)]
    finally:
        llm.unload()


def test_unload_frees_the_model() -> None:
    llm = TransformersLLM(model=EMBEDDED_MODEL, device="cpu")
    llm.load()
    ref = weakref.ref(llm._model)
    llm.unload()
    gc.collect()
    assert ref() is None, "the model is still referenced after unload()"


def test_importing_the_plugin_does_not_import_torch() -> None:
    code = (
        "import sys, distilabel_transformers, distilabel.llms as l; l.TransformersLLM;"
        " assert 'torch' not in sys.modules and 'transformers' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_registered_and_round_trips_through_dump() -> None:
    from distilabel.llms import TransformersLLM as Registered

    assert Registered is TransformersLLM
    llm = TransformersLLM(model=EMBEDDED_MODEL, torch_dtype="float32", model_kwargs={"a": 1})
    rebuilt = LLM.from_dict(json.loads(json.dumps(llm.dump())))
    assert isinstance(rebuilt, TransformersLLM)
    assert rebuilt.dump() == llm.dump()


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_generates_on_the_gpu_and_frees_its_memory(transformers_llm: Any) -> None:
    llm = TransformersLLM(model=EMBEDDED_MODEL, device="cuda")
    llm.load()
    try:
        assert llm._model.device.type == "cuda"
        assert torch.cuda.memory_allocated() > 0
        outputs = llm.generate(QUESTIONS, **GREEDY)
        assert [len(o["generations"]) for o in outputs] == [1, 1, 1]
        assert all(o["statistics"]["output_tokens"][0] > 0 for o in outputs)
        states = llm.get_last_hidden_state([QUESTIONS[0]])
        cpu_state = transformers_llm.get_last_hidden_state([QUESTIONS[0]])[0]
        np.testing.assert_allclose(states[0], cpu_state, rtol=5e-2, atol=5e-2)
    finally:
        llm.unload()
    gc.collect()
    assert torch.cuda.memory_allocated() == 0


def test_hidden_states_match_llamacpp_on_the_same_weights(transformers_llm: Any) -> None:
    """Both backends return the final layer after the output norm, token for token."""
    llama_cpp_plugin = pytest.importorskip("distilabel_llamacpp")
    other = llama_cpp_plugin.LlamaCppLLM(model_path=EMBEDDED_MODEL, n_threads=1, n_ctx=512)
    other.load()
    try:
        ours = transformers_llm.get_last_hidden_state([QUESTIONS[0]])[0]
        theirs = other.get_last_hidden_state([QUESTIONS[0]])[0]
    finally:
        other.unload()
    assert ours.shape == theirs.shape
    cosine = (ours * theirs).sum(1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(theirs, axis=1)
    assert cosine.min() > 0.98, cosine


def test_greedy_num_generations_repeats_the_single_answer(transformers_llm: Any) -> None:
    out = transformers_llm.generate([QUESTIONS[0]], num_generations=3, **GREEDY)[0]
    single = transformers_llm.generate([QUESTIONS[0]], **GREEDY)[0]
    assert out["generations"] == single["generations"] * 3
    assert out["statistics"]["output_tokens"] == single["statistics"]["output_tokens"] * 3


def test_no_inputs_no_work(transformers_llm: Any) -> None:
    assert transformers_llm.generate([], **GREEDY) == []
    assert transformers_llm.get_last_hidden_state([]) == []


COOKING = [{"role": "system", "content": "You are a chef who answers cooking questions."}]


def test_magpie_pre_query_template_makes_the_model_write_the_user_turn(
    transformers_llm: Any,
) -> None:
    """Magpie (arXiv:2406.08464): the tokenizer's template stops at an open user turn, so
    the model writes a user's request, and ends the turn itself."""
    transformers_llm.use_magpie_template = True
    try:
        outs = transformers_llm.generate([COOKING, []], do_sample=False, max_new_tokens=60)
    finally:
        transformers_llm.use_magpie_template = False
    for out in outs:
        text = out["generations"][0]
        assert text.strip() and "<|im_" not in text and "?" in text, text  # a request
        assert out["statistics"]["output_tokens"][0] < 60  # the turn ended by itself
