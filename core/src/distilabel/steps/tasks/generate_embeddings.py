"""``GenerateEmbeddings``: one vector per row from an LLM's last hidden state."""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import Field

from distilabel.llms.typing import HiddenState
from distilabel.steps.tasks._base import METADATA_COLUMN, Task
from distilabel.steps.typing import Row, StepColumns, StepInput, StepOutput
from distilabel.typing import ChatType, FormattedInput

__all__ = ["GenerateEmbeddings"]


class GenerateEmbeddings(Task):
    """Embed the ``text`` column with an LLM's last hidden state.

    Each row's text (a string, or a conversation as a list of ``{"role", "content"}``
    dicts) is formatted with the LLM's chat template and run through the model; the
    final layer's activations ``(num_tokens, hidden_size)`` are pooled into one vector
    (``mean`` over tokens by default, or the ``last`` token's) and L2-normalised unless
    ``normalize=False``. The LLM must implement ``get_last_hidden_state``
    (``TransformersLLM``, ``LlamaCppLLM``).

    Output columns: ``embedding`` (a list of floats) and ``model_name``; the number of
    tokens embedded goes to ``distilabel_metadata`` (``statistics_<step name>``). A row
    that fails gets ``embedding=None`` and its error in ``distilabel_metadata``.

    Example::

        GenerateEmbeddings(llm=TransformersLLM(model="smollm2-135m-instruct"))
    """

    pooling: Literal["mean", "last"] = Field(
        default="mean",
        description="How token states become one vector: 'mean' over all tokens, or the"
        " 'last' token's state.",
    )
    normalize: bool = Field(default=True, description="Scale each embedding to unit L2 norm.")

    @property
    def inputs(self) -> StepColumns:
        return ["text"]

    @property
    def outputs(self) -> StepColumns:
        return ["embedding", "model_name"]

    def load(self) -> None:
        """Load the LLM after checking it can return hidden states.

        Raises:
            TypeError: the LLM does not implement ``get_last_hidden_state``.
        """
        if not type(self.llm).supports_hidden_state():
            raise TypeError(
                f"Step '{self.name}': GenerateEmbeddings needs an LLM with"
                f" `get_last_hidden_state`; {type(self.llm).__name__} has none. Use"
                " TransformersLLM or LlamaCppLLM."
            )
        super().load()

    def format_input(self, input: Row) -> FormattedInput:
        """The row's ``text`` as a one-message conversation (or the conversation given)."""
        text = input.get("text")
        if isinstance(text, str):
            if not text.strip():
                raise ValueError(f"Step '{self.name}': column 'text' is empty.")
            conversation: ChatType = [{"role": "user", "content": text}]
            return conversation
        if isinstance(text, list) and text and all(
            isinstance(m, dict) and "role" in m and "content" in m for m in text
        ):
            return text  # type: ignore[return-value]
        raise ValueError(
            f"Step '{self.name}': column 'text' must be a non-empty string or a list of"
            f" {{'role', 'content'}} messages, got {type(text).__name__}."
        )

    def format_output(self, output: Optional[str], input: Optional[Row] = None) -> dict[str, Any]:
        """Not used: embeddings come from hidden states, not generated text."""
        return {"embedding": None}

    def pool(self, state: HiddenState) -> list[float]:
        """Pool one ``(num_tokens, hidden_size)`` state into a (normalised) vector."""
        import numpy as np

        array = np.asarray(state, dtype=np.float64)
        vector = array.mean(axis=0) if self.pooling == "mean" else array[-1]
        if self.normalize:
            norm = float(np.linalg.norm(vector))
            if norm > 0.0:
                vector = vector / norm
        return [float(v) for v in vector]

    def _states(
        self, formatted: list[FormattedInput]
    ) -> list[Union[HiddenState, Exception]]:
        try:
            return list(self.llm.get_last_hidden_state(formatted))
        except Exception as exc:
            if len(formatted) == 1:
                return [exc]
        results: list[Union[HiddenState, Exception]] = []
        for single in formatted:  # isolate the failing rows; the others still embed
            try:
                results.append(self.llm.get_last_hidden_state([single])[0])
            except Exception as exc:
                results.append(exc)
        return results

    def process(self, inputs: StepInput) -> StepOutput:  # type: ignore[override]
        """Embed every row of the batch (in one hidden-state call) and yield the rows."""
        formatted = [self.format_row(row) for row in inputs]
        ok = [i for i, f in enumerate(formatted) if not isinstance(f, Exception)]
        results: list[Union[HiddenState, Exception]] = [
            f if isinstance(f, Exception) else ValueError("not embedded") for f in formatted
        ]
        if ok:
            states = self._states([formatted[i] for i in ok])  # type: ignore[misc]
            for index, state in zip(ok, states, strict=True):
                results[index] = state
        model_name = self.llm.model_name
        rows: list[Row] = []
        for row, result in zip(inputs, results, strict=True):
            new = dict(row)
            previous = row.get(METADATA_COLUMN)
            meta: dict[str, Any] = dict(previous) if isinstance(previous, dict) else {}
            if isinstance(result, Exception):
                self._log_error(result)
                new["embedding"] = None
                meta[f"error_{self.name}"] = f"{type(result).__name__}: {result}"
            else:
                new["embedding"] = self.pool(result)
                meta[f"statistics_{self.name}"] = {"input_tokens": len(result)}
            new["model_name"] = model_name
            new[METADATA_COLUMN] = meta
            rows.append(new)
        yield rows
