"""Last hidden states from llama.cpp: a second context in embedding mode, without pooling.

llama.cpp exposes the final layer's activations (after the output norm, what
transformers calls ``hidden_states[-1]``) only on a context created with
``embedding=True``. ``Llama.embed`` tokenizes without parsing special tokens (so a chat
prompt's ``<|im_start|>`` would become plain text) and mis-offsets several sequences in
one batch, so this module decodes one prompt at a time with special tokens parsed.
It relies on llama-cpp-python's internal context and batch objects (pinned 0.3.36).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from distilabel.errors import DistilabelUserError
from distilabel_llamacpp._loading import create_llama

if TYPE_CHECKING:
    import numpy as np

__all__ = ["HiddenStateReader"]


class HiddenStateReader:
    """Owns an embedding-mode ``llama_cpp.Llama`` and returns per-token last hidden states."""

    def __init__(
        self, llama_kwargs: dict[str, Any], owner: str, *, model_has_pooling: bool
    ) -> None:
        """Create the embedding context.

        Args:
            llama_kwargs: the generation model's ``llama_cpp.Llama`` arguments.
            owner: the LLM's name, for error messages.
            model_has_pooling: the GGUF declares a pooling type (an embedding model); it is
                then overridden with "none" (chat models default to none already, and
                llama.cpp warns on stderr when told so explicitly).
        """
        import llama_cpp

        self._owner = owner
        n_ctx = int(llama_kwargs.get("n_ctx") or 2048)
        kwargs = {**llama_kwargs, "embedding": True, "n_batch": n_ctx, "n_ubatch": n_ctx}
        if model_has_pooling:
            kwargs["pooling_type"] = llama_cpp.LLAMA_POOLING_TYPE_NONE
        self._llama = create_llama(**kwargs)
        if self._llama.pooling_type() != llama_cpp.LLAMA_POOLING_TYPE_NONE:
            self._llama.close()
            raise RuntimeError(
                f"{owner}: llama.cpp pooled the embedding context; per-token hidden states"
                " need pooling_type NONE."
            )
        self._n_ctx = self._llama.n_ctx()
        self._n_embd = self._llama.n_embd()
        self._lock = threading.Lock()

    def hidden_state(self, prompt: str) -> np.ndarray:
        """Return the ``(num_tokens, hidden_size)`` float32 array of ``prompt``.

        Raises:
            DistilabelUserError: the prompt is longer than the context window.
        """
        import llama_cpp

        llama = self._llama
        with self._lock:
            tokens = llama.tokenize(prompt.encode("utf-8"), add_bos=True, special=True)
            if len(tokens) > self._n_ctx:
                raise DistilabelUserError(
                    f"{self._owner}.get_last_hidden_state: the input has {len(tokens)} tokens,"
                    f" more than n_ctx={self._n_ctx}. Raise `n_ctx` or shorten the input."
                )
            llama._ctx.kv_cache_clear()
            llama._batch.reset()
            llama._batch.add_sequence(tokens, 0, True)
            llama._ctx.decode(llama._batch)
            pointer = llama_cpp.llama_get_embeddings(llama._ctx.ctx)
            import numpy as np  # lazily: discovering the plugin must not import numpy

            flat = np.ctypeslib.as_array(pointer, shape=(len(tokens) * self._n_embd,))
            state = flat.reshape(len(tokens), self._n_embd).astype(np.float32, copy=True)
            llama._batch.reset()
        return state

    def close(self) -> None:
        """Free the embedding context."""
        self._llama.close()
