"""Constrained decoding for ``TransformersLLM``, with llguidance.

Why llguidance (measured with ``benchmarks/bench_structured_libs.py`` on the embedded
model, see docs/prompts-and-structured-output.md): xgrammar, llguidance and outlines all
mask a decoding step of a batch of 8 in 1.3-3 ms (1-2% of the step; 1.10-1.15x per step
in all, within noise) and all gave 8/8 valid answers; llguidance compiles a schema
fastest (4 ms against xgrammar's 13 ms and outlines' 142 ms, which a per-row
``structured_output`` column pays per new schema), and it is one small wheel with no
dependencies (xgrammar pulls triton, about 1 GB, and outlines a dozen packages). It is
maintained by guidance-ai and is the engine behind llama.cpp's and vLLM's grammar support.

One ``ConstrainedLogits`` processor serves a whole padded batch: every row has its own
matcher (or none, for free-text rows), each step it consumes the row's last token and
masks the row's logits to the tokens the grammar allows next.
"""

from __future__ import annotations

import functools
import json
import threading
from typing import Any, Optional

from distilabel.errors import LLMCapabilityError
from distilabel.llms import StructuredOutput

__all__ = ["ConstrainedLogits", "GrammarCompiler"]


def _import_llguidance() -> Any:
    try:
        import llguidance
    except ImportError as exc:  # pragma: no cover - a dependency of the plugin
        raise ImportError(
            "TransformersLLM needs llguidance for structured output: `pip install"
            " distilabel-transformers` (or `pip install llguidance`)."
        ) from exc
    return llguidance


@functools.lru_cache(maxsize=256)
def _grammar(spec: StructuredOutput) -> str:
    llguidance = _import_llguidance()
    if spec.format == "regex":
        assert spec.pattern is not None
        return str(llguidance.LLMatcher.grammar_from_regex(spec.pattern))
    options: dict[str, Any] = {}
    if spec.whitespace_pattern is not None:
        options["whitespace_pattern"] = spec.whitespace_pattern
    schema = spec.json_schema if spec.json_schema is not None else {"type": "object"}
    return str(llguidance.LLMatcher.grammar_from_json_schema(
        json.dumps(schema), overrides=options or None
    ))


class GrammarCompiler:
    """Grammars of structured-output requests for one tokenizer.

    The llguidance tokenizer is built on first use (about half a second) and kept;
    grammars are compiled once per request.
    """

    def __init__(self, tokenizer: Any, vocab_size: int, eos_ids: list[int]) -> None:
        self._hf_tokenizer = tokenizer
        self._vocab_size = vocab_size
        self._eos_ids = eos_ids
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self._checked: set[str] = set()

    @property
    def vocab_size(self) -> int:
        return self._vocab_size

    def tokenizer(self) -> Any:
        """The llguidance tokenizer (built on first call)."""
        with self._lock:
            if self._tokenizer is None:
                _import_llguidance()
                from llguidance.hf import from_tokenizer

                self._tokenizer = from_tokenizer(
                    self._hf_tokenizer, n_vocab=self._vocab_size,
                    eos_token=self._eos_ids or None,
                )
            return self._tokenizer

    def matcher(self, spec: StructuredOutput) -> Any:
        """A fresh matcher for one answer following ``spec``.

        Raises:
            LLMCapabilityError: llguidance rejects the schema or pattern (the message
                says why).
        """
        llguidance = _import_llguidance()
        grammar = _grammar(spec)
        tokenizer = self.tokenizer()
        if spec.key not in self._checked:
            error = llguidance.LLMatcher.validate_grammar(grammar, tokenizer)
            if error and not error.startswith("WARNING"):
                raise LLMCapabilityError(
                    f"TransformersLLM cannot constrain output to this {spec.format}"
                    f" request: {error}"
                )
            self._checked.add(spec.key)
        return llguidance.LLMatcher(tokenizer, grammar, log_level=0)


class ConstrainedLogits:
    """A transformers logits processor: one optional matcher per batch row."""

    def __init__(self, matchers: list[Optional[Any]], vocab_size: int) -> None:
        import numpy as np

        self.matchers: list[Any] = matchers
        self.vocab_size = vocab_size
        self.rows = [i for i, m in enumerate(matchers) if m is not None]
        words = (vocab_size + 31) // 32
        self.bitmask = np.full((len(matchers), words), -1, dtype=np.int32)
        self.started = False

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import numpy as np
        import torch

        if not self.rows:
            return scores
        matchers = self.matchers
        if self.started:
            last = input_ids[:, -1].tolist()
            for row in self.rows:
                matcher = matchers[row]
                if not matcher.is_stopped() and not matcher.is_error():
                    matcher.consume_token(last[row])
        self.started = True
        live: list[int] = []
        for row in self.rows:
            matcher = matchers[row]
            if matcher.is_error():
                continue
            # A stopped matcher (its grammar is complete) allows only end-of-sequence.
            view = self.bitmask[row]
            matcher.unsafe_compute_mask_ptr(view.ctypes.data, view.nbytes)
            live.append(row)
        if not live:
            return scores
        bits = np.unpackbits(self.bitmask[live].view(np.uint8), axis=1, bitorder="little")
        allowed = torch.from_numpy(bits[:, : scores.shape[1]].astype(bool))
        if allowed.shape[1] < scores.shape[1]:  # logits wider than the tokenizer's vocabulary
            pad = torch.zeros(len(live), scores.shape[1] - allowed.shape[1], dtype=torch.bool)
            allowed = torch.cat([allowed, pad], dim=1)
        index = torch.tensor(live)
        rows = scores[index]
        rows.masked_fill_(~allowed.to(rows.device), float("-inf"))
        scores[index] = rows
        return scores
