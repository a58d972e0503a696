"""echo_engine: the "backend SDK" behind distilabel-echo.

It stands in for a real client library (``openai``, ``llama_cpp``...): slow to import in
real life, so the plugin imports it only inside ``load()``. The "model" answers with the
words of the prompt, optionally reversed, and counts words as tokens. Deterministic.
"""

from __future__ import annotations

import asyncio
import hashlib

__all__ = ["Engine"]

HIDDEN_SIZE = 8


class Engine:
    """A loaded echo model.

    Args:
        model: the model's name; part of every answer's seed.
        seed: changes every hidden-state value (answers are always the echo).
    """

    def __init__(self, model: str, seed: int = 0) -> None:
        self.model = model
        self.seed = seed
        self.closed = False

    def tokenize(self, text: str) -> list[str]:
        """Split ``text`` into tokens (words)."""
        return text.split()

    def complete(self, prompt: str, max_new_tokens: int, reverse: bool = False) -> str:
        """Answer ``prompt`` with its own words, at most ``max_new_tokens`` of them."""
        if self.closed:
            raise RuntimeError("Engine is closed")
        words = self.tokenize(prompt)
        if reverse:
            words = words[::-1]
        return " ".join(words[:max_new_tokens])

    async def acomplete(self, prompt: str, max_new_tokens: int, reverse: bool = False) -> str:
        """``complete`` as a coroutine, the way an HTTP client answers."""
        await asyncio.sleep(0)
        return self.complete(prompt, max_new_tokens, reverse)

    def hidden_states(self, prompt: str) -> list[list[float]]:
        """One vector of ``HIDDEN_SIZE`` floats in [0, 1) per token of ``prompt``."""
        vectors = []
        for token in self.tokenize(prompt) or [""]:
            digest = hashlib.sha256(f"{self.model}:{self.seed}:{token}".encode()).digest()
            vectors.append([byte / 256 for byte in digest[:HIDDEN_SIZE]])
        return vectors

    def close(self) -> None:
        """Release the engine; further calls fail."""
        self.closed = True
