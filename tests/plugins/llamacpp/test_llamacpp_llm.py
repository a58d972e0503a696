"""``LlamaCppLLM`` behaviour beyond the conformance kit, on the embedded model."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from distilabel.embedded import EMBEDDED_MODEL
from distilabel.errors import DistilabelUserError
from distilabel.llms import LLM
from distilabel.typing import ChatType

pytest.importorskip("llama_cpp")

from distilabel_llamacpp import LlamaCppLLM

pytestmark = pytest.mark.slow

GREEDY = {"temperature": 0.0, "max_new_tokens": 12}


def chat(text: str) -> ChatType:
    return [{"role": "user", "content": text}]


def test_alias_resolves_to_the_embedded_gguf(embedded_gguf: str) -> None:
    llm = LlamaCppLLM(model_path=EMBEDDED_MODEL)
    assert llm.model_name == EMBEDDED_MODEL
    assert llm._llama_kwargs()["model_path"] == embedded_gguf


def test_a_path_works_like_the_alias(embedded_gguf: str, llamacpp_llm: Any) -> None:
    by_path = LlamaCppLLM(model_path=embedded_gguf, n_threads=1, n_ctx=1024)
    assert by_path.model_name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    by_path.load()
    try:
        question = [chat("Say hello.")]
        assert by_path.generate(question, **GREEDY) == llamacpp_llm.generate(question, **GREEDY)
    finally:
        by_path.unload()


def test_missing_model_file_is_a_clear_error(tmp_path: Any) -> None:
    llm = LlamaCppLLM(model_path=str(tmp_path / "nope.gguf"))
    with pytest.raises(DistilabelUserError, match=r"nope\.gguf.*is not a file.*smollm2"):
        llm.load()
    assert not llm.is_loaded


def test_batched_output_equals_unbatched_under_greedy(llamacpp_llm: Any) -> None:
    questions = [chat("What is 2 + 2?"), chat("Name a colour."), chat("Say hello.")]
    batched = llamacpp_llm.generate(questions, **GREEDY)
    alone = [llamacpp_llm.generate([q], **GREEDY)[0] for q in questions]
    assert batched == alone
    assert len({o["generations"][0] for o in batched}) > 1


def test_an_answer_does_not_depend_on_what_ran_before() -> None:
    """The shared chat-template prefix is reused, but never a previous prompt's tail."""
    from distilabel_llamacpp import LlamaCppLLM

    question = chat("Name a colour.")
    first = LlamaCppLLM(model_path=EMBEDDED_MODEL, n_threads=1, n_ctx=1024)
    first.load()
    try:
        fresh = first.generate([question], **GREEDY)[0]
        first.generate([chat("Name a colour of the sky."), chat("Say hello.")], **GREEDY)
        after_others = first.generate([question], **GREEDY)[0]
        prompt_tokens = fresh["statistics"]["input_tokens"]
    finally:
        first.unload()
    assert after_others == fresh
    assert prompt_tokens[0] > 0


def test_statistics_count_prompt_and_generated_tokens(llamacpp_llm: Any) -> None:
    out = llamacpp_llm.generate([chat("Say hello.")], max_new_tokens=5, temperature=0.0)[0]
    model = llamacpp_llm._model
    generated = model.tokenize(out["generations"][0].encode(), add_bos=False, special=False)
    assert out["statistics"]["output_tokens"][0] <= 5
    assert out["statistics"]["output_tokens"][0] >= len(generated) - 1 > 0
    assert out["statistics"]["input_tokens"][0] > 10  # the chat template adds tokens


def test_max_new_tokens_bounds_the_answer(llamacpp_llm: Any) -> None:
    out = llamacpp_llm.generate([chat("Write a long story about a dragon.")], max_new_tokens=4)
    assert out[0]["statistics"]["output_tokens"] == [4]


def test_stop_strings_end_the_answer(llamacpp_llm: Any) -> None:
    question = [chat("Count from 1 to 10, separated by commas.")]
    free = llamacpp_llm.generate(question, temperature=0.0, max_new_tokens=30)[0]
    text = free["generations"][0]
    assert "3" in text, text
    stopped = llamacpp_llm.generate(question, temperature=0.0, max_new_tokens=30, stop=["3"])[0]
    assert stopped["generations"][0] == text[: text.index("3")]


def test_seeded_sampling_is_reproducible_and_varies_across_generations(llamacpp_llm: Any) -> None:
    kwargs = {"temperature": 1.0, "max_new_tokens": 8, "seed": 7}
    first = llamacpp_llm.generate([chat("Invent a name.")], num_generations=2, **kwargs)
    second = llamacpp_llm.generate([chat("Invent a name.")], num_generations=2, **kwargs)
    assert first == second
    assert len(set(first[0]["generations"])) > 1


RATING_SCHEMA = {
    "type": "object",
    "properties": {
        "rating": {"type": "integer", "enum": [1, 2, 3, 4, 5]},
        "verdict": {"type": "string", "enum": ["good", "bad"]},
    },
    "required": ["rating", "verdict"],
}


def test_structured_output_follows_the_schema_of_each_input(llamacpp_llm: Any) -> None:
    question = chat("Rate the answer '4' to 'What is 2 + 2?' from 1 to 5.")
    outs = llamacpp_llm.generate([(question, RATING_SCHEMA), question], **GREEDY | {
        "max_new_tokens": 40
    })
    parsed = json.loads(outs[0]["generations"][0])
    assert parsed["rating"] in range(1, 6) and parsed["verdict"] in ("good", "bad")
    assert set(parsed) == {"rating", "verdict"}
    with pytest.raises(json.JSONDecodeError):
        json.loads(outs[1]["generations"][0])  # the plain input is free text


def test_response_format_applies_to_every_input(llamacpp_llm: Any) -> None:
    openai_style = {"type": "json_schema", "json_schema": {"schema": RATING_SCHEMA}}
    outs = llamacpp_llm.generate(
        [chat("Rate 'hello' from 1 to 5."), chat("Rate 'bye' from 1 to 5.")],
        temperature=0.0, max_new_tokens=40, response_format=openai_style,
    )
    for out in outs:
        assert set(json.loads(out["generations"][0])) == {"rating", "verdict"}


def test_response_format_set_through_generation_kwargs_runtime_parameter() -> None:
    llm = LlamaCppLLM(model_path=EMBEDDED_MODEL)
    llm.set_runtime_parameters(
        {"generation_kwargs": {"response_format": json.dumps(RATING_SCHEMA), "top_k": "10"}}
    )
    assert llm.generation_kwargs == {
        "response_format": {"format": "json", "schema": RATING_SCHEMA}, "top_k": 10
    }


def test_hidden_states_are_per_token_and_deterministic(llamacpp_llm: Any) -> None:
    short, longer = chat("Hi"), chat("Hi, how are you doing today?")
    states = llamacpp_llm.get_last_hidden_state([short, longer, short])
    assert states[0].shape[1] == states[1].shape[1] == 576
    assert states[1].shape[0] > states[0].shape[0]
    np.testing.assert_allclose(states[0], states[2], rtol=1e-5, atol=1e-5)
    # causal model: the shared prefix ("<|im_start|>system ... Hi") has the same activations
    prefix = 5
    np.testing.assert_allclose(states[0][:prefix], states[1][:prefix], rtol=1e-3, atol=1e-3)
    assert not np.allclose(states[0][-1], states[1][-1], atol=1e-2)


def test_hidden_state_token_count_matches_the_generation_prompt(llamacpp_llm: Any) -> None:
    question = chat("What is 2 + 2?")
    state = llamacpp_llm.get_last_hidden_state([question])[0]
    stats = llamacpp_llm.generate([question], max_new_tokens=1)[0]["statistics"]
    assert state.shape[0] == stats["input_tokens"][0]


def test_registered_and_round_trips_through_dump() -> None:
    from distilabel.llms import LlamaCppLLM as Registered

    assert Registered is LlamaCppLLM
    llm = LlamaCppLLM(model_path=EMBEDDED_MODEL, n_threads=2, extra_kwargs={"flash_attn": False})
    rebuilt = LLM.from_dict(json.loads(json.dumps(llm.dump())))
    assert isinstance(rebuilt, LlamaCppLLM)
    assert rebuilt.n_threads == 2 and rebuilt.extra_kwargs == {"flash_attn": False}


def test_concurrent_loads_leave_stdout_and_stderr_alone() -> None:
    """llama.cpp silences loading by swapping fds 1 and 2; overlapping loads in a pipeline's
    threads must not leave the process writing to /dev/null."""
    import os
    import sys
    import threading

    def identity() -> list[tuple[int, int]]:
        return [(os.fstat(fd).st_dev, os.fstat(fd).st_ino) for fd in (1, 2)]

    before, out, err = identity(), sys.stdout, sys.stderr
    llms = [LlamaCppLLM(model_path=EMBEDDED_MODEL, n_ctx=256, n_threads=1) for _ in range(6)]
    threads = [threading.Thread(target=llm.load) for llm in llms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert all(llm.is_loaded for llm in llms)
        assert identity() == before
        assert sys.stdout is out and sys.stderr is err
    finally:
        for llm in llms:
            llm.unload()


def test_generate_embeddings_task_runs_on_llamacpp(llamacpp_llm: Any) -> None:
    from distilabel.steps.tasks.generate_embeddings import GenerateEmbeddings

    task = GenerateEmbeddings(name="embed", llm=llamacpp_llm)
    rows = next(task.process([{"text": "The cat sleeps."}, {"text": "Markets fell."}]))
    for row in rows:
        assert len(row["embedding"]) == 576
        assert abs(float(np.linalg.norm(row["embedding"])) - 1.0) < 1e-6


def test_the_grammar_shortlist_picks_what_the_native_grammar_sampler_picks(
    llamacpp_llm: Any,
) -> None:
    from distilabel.llms import StructuredOutput
    from distilabel_llamacpp._grammar import gbnf_for, grammar_for

    for request in (RATING_SCHEMA, {"format": "regex", "schema": r"(yes|no), because \w+"}):
        spec = StructuredOutput.of(request, "test")
        assert spec is not None
        prepared = llamacpp_llm.prepare_input(chat("Is 2 + 2 = 4? Rate it from 1 to 5."))
        kwargs = {"max_tokens": 30, "temperature": 0.0, "top_k": 40, "stop": []}
        native = llamacpp_llm._complete(prepared, grammar_for(spec), **kwargs)
        fast = llamacpp_llm._complete(
            prepared, grammar_for(spec), shortlist=gbnf_for(spec), need=1, **kwargs
        )
        assert fast == native


def test_a_schema_grammar_lets_no_raw_control_character_into_a_string(
    llamacpp_llm: Any,
) -> None:
    """JSON strings cannot hold a raw newline: under the grammar, after ``{"feedback": "x``
    the model may write ``\\n`` (escaped) or close the string, never a newline itself
    (llama-cpp-python's schema converter allowed it, and the embedded judge looped on
    newlines inside its feedback until the JSON was invalid)."""
    import llama_cpp

    from distilabel.llms import StructuredOutput
    from distilabel_llamacpp._grammar import gbnf_for
    from distilabel_llamacpp._shortlist import GrammarShortlist

    spec = StructuredOutput.of({
        "type": "object", "properties": {"feedback": {"type": "string", "maxLength": 600}},
        "required": ["feedback"],
    }, "test")
    assert spec is not None
    model = llamacpp_llm._model

    def allowed_after(text: str) -> set[str]:
        processor = GrammarShortlist(llama_cpp, model._model.vocab, gbnf_for(spec),
                                     model.n_vocab(), need=0)
        try:
            ids = np.asarray(model.tokenize(text.encode(), add_bos=False, special=False))
            processor(ids[:0], np.zeros(model.n_vocab(), dtype=np.float32))
            scores = processor(ids, np.zeros(model.n_vocab(), dtype=np.float32))
        finally:
            processor.close()
        return {model.detokenize([int(t)]).decode("utf-8", "replace")
                for t in np.flatnonzero(np.isfinite(scores))}

    allowed = allowed_after('{"feedback": "x')
    assert '"' in allowed and "\\" in allowed and "a" in allowed
    assert not any(ch in token for token in allowed for ch in "\n\t\r")


def test_sampling_under_a_grammar_with_top_k_stays_valid(llamacpp_llm: Any) -> None:
    outs = llamacpp_llm.generate(
        [(chat("Rate 'hello' from 1 to 5."), RATING_SCHEMA)],
        num_generations=3, temperature=1.0, top_k=5, max_new_tokens=40, seed=3,
    )
    for text in outs[0]["generations"]:
        assert set(json.loads(text)) == {"rating", "verdict"}


COOKING = [{"role": "system", "content": "You are a chef who answers cooking questions."}]


def test_magpie_pre_query_template_makes_the_model_write_the_user_turn(
    llamacpp_llm: Any,
) -> None:
    """Magpie (arXiv:2406.08464): the GGUF's template stops at an open user turn, so the
    model writes a user's request, and ends the turn itself."""
    llamacpp_llm.use_magpie_template = True
    try:
        prompt = llamacpp_llm.prepare_input(COOKING).text(llamacpp_llm._render)
        outs = llamacpp_llm.generate([COOKING, []], temperature=0.0, max_new_tokens=60)
    finally:
        llamacpp_llm.use_magpie_template = False
    assert prompt.endswith("<|im_start|>user\n")
    for out in outs:
        text = out["generations"][0]
        assert text.strip() and "<|im_" not in text and "?" in text, text  # a request
        assert out["statistics"]["output_tokens"][0] < 60  # the turn ended by itself


def test_magpie_user_turns_after_no_messages_are_written_each_time() -> None:
    """Magpie's first user turn is exactly the chat-template prefix: every call writes one
    (it was empty after the first: llama.cpp sampled the previous answer's last logits)."""
    llm = LlamaCppLLM(
        model_path=EMBEDDED_MODEL, n_threads=1, n_ctx=1024, use_magpie_template=True,
        generation_kwargs={"max_new_tokens": 24, "temperature": 1.0},
    )
    llm.load()
    try:
        turns = [o["generations"][0] for o in llm.generate([[], [], []], seed=None)]
        answer = llm.generate([[{"role": "user", "content": "Say hello."}]])[0]
    finally:
        llm.unload()
    assert all(t and t.strip() for t in turns), turns
    assert answer["generations"][0]
