"""Which constrained-decoding library TransformersLLM uses: xgrammar, llguidance or outlines.

Runs the embedded model (SmolLM2-135M-Instruct) through ``transformers.generate`` with
greedy decoding, unconstrained and then constrained to a pydantic schema by each library
through the same logits processor shape (one matcher per batch row: accept the sampled
token, fill the row of a token bitmask, mask the logits). Prints, per library: the time
to build its tokenizer index (once per model) and to compile the schema, the time its
masking takes per decoding step of the batch (accept, fill, apply), tokens/s of the
constrained batch and the time of one decoding step of the batch (the fair measure: a
batch runs until its longest answer) as a multiple of the unconstrained one measured in
the same run, and how many of the answers validate.

    python benchmarks/bench_structured_libs.py [--rounds 3] [--batch 8] [--max-new-tokens 64]

The libraries are optional here: ``pip install xgrammar llguidance outlines`` first (a
missing one is reported and skipped). docs/prompts-and-structured-output.md records a run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from typing import Any, Callable, Literal, Optional

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from pydantic import BaseModel, Field, ValidationError


class Character(BaseModel):
    name: str = Field(max_length=24)
    age: int = Field(ge=0, le=120)
    role: Literal["warrior", "mage", "thief", "healer"]


PROMPTS = [
    "Invent a fantasy character and describe it as JSON with name, age and role.",
    "Give me a character for my story as JSON (name, age, role).",
    "Describe a hero as a JSON object with the keys name, age and role.",
    "Create a villain. Answer in JSON with name, age and role.",
    "A character for a tabletop game, as JSON: name, age, role.",
    "Make up an old wizard and return name, age and role as JSON.",
    "Return a JSON object describing a young thief (name, age, role).",
    "Describe a healer from a mountain village as JSON with name, age, role.",
]


class _Matchers:
    """One library's matchers for a batch, behind one small interface."""

    def __init__(self, lib: Any, batch: int) -> None:
        self.lib = lib
        self.items = [lib.new_matcher() for _ in range(batch)]
        self.bitmask = lib.allocate(batch)


class Processor:
    """A transformers logits processor driving one matcher per batch row."""

    def __init__(self, lib: Any, batch: int) -> None:
        self.lib = lib
        self.matchers: Optional[_Matchers] = None
        self.batch = batch
        self.seconds = 0.0
        self.calls = 0

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        started = time.perf_counter()
        scores = self._mask(input_ids, scores)
        self.seconds += time.perf_counter() - started
        self.calls += 1
        return scores

    def _mask(self, input_ids: Any, scores: Any) -> Any:
        lib = self.lib
        if self.matchers is None:
            self.matchers = _Matchers(lib, self.batch)
        else:
            last = input_ids[:, -1].tolist()
            for matcher, token in zip(self.matchers.items, last, strict=True):
                lib.accept(matcher, token)
        for index, matcher in enumerate(self.matchers.items):
            lib.fill(matcher, self.matchers.bitmask, index)
        lib.apply(scores, self.matchers.bitmask)
        return scores


class XGrammarLib:
    name = "xgrammar"

    def __init__(self, tokenizer: Any, vocab_size: int, schema: str) -> None:
        import xgrammar as xgr

        self.xgr = xgr
        started = time.perf_counter()
        info = xgr.TokenizerInfo.from_huggingface(tokenizer, vocab_size=vocab_size)
        self.compiler = xgr.GrammarCompiler(info)
        self.index_seconds = time.perf_counter() - started
        started = time.perf_counter()
        self.compiled = self.compiler.compile_json_schema(schema)
        self.compile_seconds = time.perf_counter() - started
        self.vocab_size = vocab_size

    def new_matcher(self) -> Any:
        return self.xgr.GrammarMatcher(self.compiled)

    def allocate(self, batch: int) -> Any:
        return self.xgr.allocate_token_bitmask(batch, self.vocab_size)

    def accept(self, matcher: Any, token: int) -> None:
        if not matcher.is_terminated():
            matcher.accept_token(token)

    def fill(self, matcher: Any, bitmask: Any, index: int) -> None:
        if not matcher.is_terminated():
            matcher.fill_next_token_bitmask(bitmask, index)

    def apply(self, scores: Any, bitmask: Any) -> None:
        self.xgr.apply_token_bitmask_inplace(scores, bitmask)


class LLGuidanceLib:
    name = "llguidance"

    def __init__(self, tokenizer: Any, vocab_size: int, schema: str) -> None:
        import llguidance
        import llguidance.hf
        import llguidance.numpy

        self.llg = llguidance
        self.np_kernels = llguidance.numpy
        started = time.perf_counter()
        self.tokenizer = llguidance.hf.from_tokenizer(tokenizer, n_vocab=vocab_size)
        self.index_seconds = time.perf_counter() - started
        started = time.perf_counter()
        self.grammar = llguidance.LLMatcher.grammar_from_json_schema(schema)
        error = llguidance.LLMatcher.validate_grammar(self.grammar, self.tokenizer)
        if error:
            raise RuntimeError(error)
        self.compile_seconds = time.perf_counter() - started
        self.vocab_size = vocab_size

    def new_matcher(self) -> Any:
        return self.llg.LLMatcher(self.tokenizer, self.grammar)

    def allocate(self, batch: int) -> Any:
        return self.np_kernels.allocate_token_bitmask(batch, self.vocab_size)

    def accept(self, matcher: Any, token: int) -> None:
        if not matcher.is_stopped():
            matcher.consume_token(token)

    def fill(self, matcher: Any, bitmask: Any, index: int) -> None:
        self.np_kernels.fill_next_token_bitmask(matcher, bitmask, index)

    def apply(self, scores: Any, bitmask: Any) -> None:
        import torch

        _apply_bitmask_torch(scores, torch.from_numpy(bitmask))


class OutlinesLib:
    name = "outlines (outlines-core)"

    def __init__(self, tokenizer: Any, vocab_size: int, schema: str) -> None:
        from outlines_core import Index, Vocabulary
        from outlines_core.json_schema import build_regex_from_schema
        from outlines_core.kernels import torch as kernels

        self.kernels = kernels
        self.Guide = __import__("outlines_core").Guide
        started = time.perf_counter()
        eos = tokenizer.eos_token_id
        vocabulary: dict[str, list[int]] = {}
        for token, token_id in tokenizer.get_vocab().items():
            if token_id == eos:
                continue
            text = tokenizer.convert_tokens_to_string([token])
            vocabulary.setdefault(text, []).append(token_id)
        self.vocabulary = Vocabulary(eos, vocabulary)
        self.index_seconds = time.perf_counter() - started
        started = time.perf_counter()
        self.index = Index(build_regex_from_schema(schema), self.vocabulary)
        self.compile_seconds = time.perf_counter() - started
        self.vocab_size = vocab_size

    def new_matcher(self) -> Any:
        return self.Guide(self.index)

    def allocate(self, batch: int) -> Any:
        import torch

        return torch.full((batch, (self.vocab_size + 31) // 32), -1, dtype=torch.int32)

    def accept(self, guide: Any, token: int) -> None:
        if not guide.is_finished() or guide.accepts_tokens([token]):
            guide.advance(token_id=token, return_tokens=False)

    def fill(self, guide: Any, bitmask: Any, index: int) -> None:
        self.kernels.fill_next_token_bitmask(guide, bitmask[index : index + 1])

    def apply(self, scores: Any, bitmask: Any) -> None:
        _apply_bitmask_torch(scores, bitmask)


def _apply_bitmask_torch(scores: Any, bitmask: Any) -> None:
    """Mask ``scores`` (batch, vocab) with a packed int32 bitmask, in place (plain torch)."""
    import torch

    bits = torch.arange(32, dtype=torch.int32)
    allowed = ((bitmask.unsqueeze(-1) >> bits) & 1).bool().reshape(bitmask.shape[0], -1)
    vocab = scores.shape[1]
    scores.masked_fill_(~allowed[:, :vocab], float("-inf"))


LIBS: list[Callable[..., Any]] = [XGrammarLib, LLGuidanceLib, OutlinesLib]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--max-new-tokens", type=int, default=64)
    args = parser.parse_args()

    import torch

    from distilabel_transformers import TransformersLLM

    llm = TransformersLLM(model="smollm2-135m-instruct", device="cpu")
    llm.load()
    model, tokenizer = llm._model, llm._tokenizer
    assert model is not None and tokenizer is not None
    vocab_size = int(model.config.vocab_size)
    schema = json.dumps(Character.model_json_schema())
    prompts = [
        tokenizer.apply_chat_template(
            [{"role": "user", "content": p}], tokenize=False, add_generation_prompt=True
        )
        for p in (PROMPTS * ((args.batch + len(PROMPTS) - 1) // len(PROMPTS)))[: args.batch]
    ]
    encoded = tokenizer(prompts, return_tensors="pt", padding=True, padding_side="left",
                        add_special_tokens=False)
    ends = {tokenizer.eos_token_id, tokenizer.pad_token_id}

    def run(processor: Optional[Processor]) -> tuple[float, int, int, list[str]]:
        started = time.perf_counter()
        with torch.inference_mode():
            output = model.generate(
                **encoded, max_new_tokens=args.max_new_tokens, do_sample=False,
                temperature=None, top_p=None, top_k=None,
                pad_token_id=tokenizer.pad_token_id,
                logits_processor=[processor] if processor is not None else None,
            )
        seconds = time.perf_counter() - started
        tokens, texts = 0, []
        generated = output[:, encoded["input_ids"].shape[1]:]
        for row in generated.tolist():
            length = next((i for i, t in enumerate(row) if t in ends), len(row))
            tokens += length
            texts.append(tokenizer.decode(row[:length], skip_special_tokens=True))
        return seconds, tokens, int(generated.shape[1]), texts

    libs = []
    for factory in LIBS:
        try:
            libs.append(factory(tokenizer, vocab_size, schema))
        except ImportError as exc:
            print(f"{factory.name}: not installed ({exc}); skipped")
    run(None)  # warm up
    rates: dict[str, list[float]] = {"unconstrained": []}
    step_ms: dict[str, list[float]] = {"unconstrained": []}
    mask_ms: dict[str, list[float]] = {}
    valid: dict[str, int] = {}
    for lib in libs:
        rates[lib.name] = []
        step_ms[lib.name] = []
        mask_ms[lib.name] = []
    for _ in range(args.rounds):
        seconds, tokens, steps, _texts = run(None)
        rates["unconstrained"].append(tokens / seconds)
        step_ms["unconstrained"].append(1000 * seconds / steps)
        for lib in libs:
            processor = Processor(lib, len(prompts))
            seconds, tokens, steps, texts = run(processor)
            mask_ms[lib.name].append(1000 * processor.seconds / max(1, processor.calls))
            rates[lib.name].append(tokens / seconds)
            step_ms[lib.name].append(1000 * seconds / steps)
            ok = 0
            for text in texts:
                try:
                    Character.model_validate_json(text)
                    ok += 1
                except ValidationError:
                    pass
            valid[lib.name] = ok
    base = statistics.median(rates["unconstrained"])
    base_ms = statistics.median(step_ms["unconstrained"])
    print(f"transformers {model.config.model_type}, batch {len(prompts)}, greedy,"
          f" max_new_tokens {args.max_new_tokens}, torch threads {torch.get_num_threads()}")
    print(f"{'library':26} {'index s':>8} {'compile s':>9} {'mask ms':>8} {'ms/step':>8}"
          f" {'x cost':>7} {'tok/s':>7} {'valid':>6}")
    print(f"{'unconstrained':26} {'':>8} {'':>9} {'':>8} {base_ms:8.1f} {1.0:7.2f} {base:7.1f}")
    for lib in libs:
        rate = statistics.median(rates[lib.name])
        ms = statistics.median(step_ms[lib.name])
        masking = statistics.median(mask_ms[lib.name])
        print(f"{lib.name:26} {lib.index_seconds:8.2f} {lib.compile_seconds:9.3f}"
              f" {masking:8.2f} {ms:8.1f}"
              f" {ms / base_ms:7.2f} {rate:7.1f} {valid[lib.name]:>3}/{len(prompts)}")
    llm.unload()


if __name__ == "__main__":
    main()
