"""Grammar-constrained sampling that checks shortlists before the whole vocabulary.

llama-cpp-python puts llama.cpp's grammar sampler in front of every other sampler, so at
each step the grammar is matched against every token of the vocabulary (49,152 for the
embedded SmolLM2): on a small model that costs as much as the decoding step itself. The
answer can be found by matching far fewer: the token greedy decoding picks under the
grammar is the most likely token the grammar allows, and when one of the ``k`` most
likely tokens is allowed, no token outside those ``k`` can beat it. The same holds for
``top_k`` sampling when the shortlist holds at least ``top_k`` allowed tokens. Shortlists
grow tier by tier (``SHORTLISTS``: the single most likely token, then 64, 1,024 and 8,192)
and only when the largest falls short is the whole vocabulary matched, exactly as
llama.cpp would, so the choice is always the one the native grammar sampler makes.

Measured on the embedded model answering 32 JSON prompts greedily
(``benchmarks/bench_structured_output.py``, 826 steps): the most likely token was allowed
at 78% of the steps, 64 tokens settled 15% more, 1,024 and 8,192 all but 2 of the rest.
Matching costs about 0.02 ms for one token, 0.3 ms for 1,024 and 11 ms for the whole
vocabulary, so the grammar's share of the run fell from 0.75 s (one tier of 64) to 0.11 s.

``GrammarShortlist`` is a llama-cpp-python logits processor (it runs first in the
sampler chain): it sets the logits of the tokens the grammar forbids to ``-inf`` and
feeds the grammar each token generated since its first step (the ids it is given then
are the prompt's). One instance serves one answer.
"""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np

__all__ = ["GrammarShortlist"]

SHORTLISTS = (1, 64, 1024, 8192)
"""How many of the most likely tokens are matched, tier by tier, before the whole vocabulary."""


class _Candidates:
    """A ``llama_token_data_array`` of ``size`` tokens with a numpy view of its data."""

    def __init__(self, llama_cpp: Any, size: int) -> None:
        self.data = (llama_cpp.llama_token_data * size)()
        self.view = np.frombuffer(
            self.data, dtype=np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)])
        )
        self.array = llama_cpp.llama_token_data_array(
            data=ctypes.cast(self.data, llama_cpp.llama_token_data_p),
            size=size, selected=-1, sorted=False,
        )
        self.pointer = ctypes.pointer(self.array)
        self.size = size

    def fill(self, ids: np.ndarray, logits: np.ndarray) -> None:
        count = len(ids)
        self.view["id"][:count] = ids
        self.view["logit"][:count] = logits
        self.view["p"][:count] = 0.0
        self.array.size = count
        self.array.selected = -1
        self.array.sorted = False


class GrammarShortlist:
    """A logits processor enforcing a llama.cpp grammar, matching a shortlist first.

    Args:
        llama_cpp: the ``llama_cpp`` module.
        vocab: the model's vocabulary (``Llama._model.vocab``).
        gbnf: the grammar's text.
        n_vocab: the vocabulary's size.
        need: how many allowed tokens the shortlist must hold (1 for greedy decoding,
            ``top_k`` for top-k sampling); 0 matches the whole vocabulary every step.
    """

    def __init__(self, llama_cpp: Any, vocab: Any, gbnf: str, n_vocab: int, need: int) -> None:
        self._lib = llama_cpp
        self._sampler = llama_cpp.llama_sampler_init_grammar(
            vocab, gbnf.encode("utf-8"), b"root"
        )
        if not self._sampler:
            raise ValueError("llama.cpp could not parse the grammar")
        self._need = need
        self._fed = -1
        sizes = sorted({min(size, n_vocab) for size in (need, *SHORTLISTS) if size > 0})
        self._tiers = [_Candidates(llama_cpp, size) for size in sizes if size >= need > 0]
        self._full = _Candidates(llama_cpp, n_vocab)
        self._all_ids = np.arange(n_vocab, dtype=np.intc)
        self.full_matches = 0
        """Steps at which the whole vocabulary had to be matched (for benchmarks)."""

    def close(self) -> None:
        """Free the grammar."""
        if self._sampler:
            self._lib.llama_sampler_free(self._sampler)
            self._sampler = None

    def __del__(self) -> None:
        self.close()

    def _feed(self, input_ids: np.ndarray) -> None:
        """Advance the grammar over the tokens generated since the last step."""
        if self._fed < 0:  # the first step: the ids are the prompt
            self._fed = len(input_ids)
            return
        for token in input_ids[self._fed:]:
            self._lib.llama_sampler_accept(self._sampler, int(token))
        self._fed = len(input_ids)

    def __call__(self, input_ids: np.ndarray, scores: np.ndarray) -> np.ndarray:
        self._feed(input_ids)
        out = np.full_like(scores, -np.inf)
        for candidates in self._tiers:
            size = candidates.size
            if size == 1:
                top = np.array([int(scores.argmax())], dtype=np.intc)
            else:
                top = np.argpartition(scores, -size)[-size:].astype(np.intc)
            candidates.fill(top, scores[top])
            self._lib.llama_sampler_apply(self._sampler, candidates.pointer)
            kept = candidates.view[: candidates.array.size]
            allowed = kept[np.isfinite(kept["logit"])]
            if len(allowed) >= self._need:
                out[allowed["id"]] = allowed["logit"]
                return out
        self.full_matches += 1
        self._full.fill(self._all_ids, scores)
        self._lib.llama_sampler_apply(self._sampler, self._full.pointer)
        kept = self._full.view[: self._full.array.size]
        out[kept["id"]] = kept["logit"]
        return out
