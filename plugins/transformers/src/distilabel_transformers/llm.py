"""``TransformersLLM``: local Hugging Face transformers models, batched, with hidden states."""

from __future__ import annotations

import gc
import os
import threading
from typing import TYPE_CHECKING, Any, ClassVar, Optional, Union

from pydantic import Field, PrivateAttr

from distilabel.errors import DistilabelUserError
from distilabel.llms import LLM, LLMInput
from distilabel.llms.typing import GenerateOutput, HiddenState
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.typing import ChatType, FormattedInput
from distilabel_transformers._constrained import ConstrainedLogits, GrammarCompiler
from distilabel_transformers._gguf_cache import ensure_converted
from distilabel_transformers._source import resolve_source

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

__all__ = ["CHATML_TEMPLATE", "TransformersLLM"]

CHATML_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n'"
    " + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
"""The chat template used when neither the tokenizer nor ``chat_template`` provides one."""


class TransformersLLM(LLM):
    """An LLM running a Hugging Face transformers model in process (CPU or GPU).

    ``model`` is a hub id (``"HuggingFaceTB/SmolLM2-135M-Instruct"``), a local directory,
    a ``.gguf`` file (or a directory / hub id plus ``gguf_file``), or
    ``"smollm2-135m-instruct"`` for the embedded default model. A GGUF is dequantized
    once and the result cached (``$DISTILABEL_CACHE_DIR/models``), so later loads are fast.

    ``generate`` formats each conversation with the chat template and generates for the
    whole list in one left-padded batch; ``get_last_hidden_state`` returns each input's
    final-layer activations (for embeddings). Raw prompt strings are tokenized as they
    are, and Magpie pre-query templates come from the tokenizer's chat template.

    Structured output (``structured_output={"format": "json" | "regex", "schema": ...}``
    or per input) is enforced while decoding with llguidance: each row's logits are
    masked to the tokens its schema or pattern allows.

    Example:
        >>> llm = TransformersLLM(model="smollm2-135m-instruct")
        >>> llm.load()
        >>> llm.generate([[{"role": "user", "content": "Say hi"}]], max_new_tokens=16)
    """

    model: str = Field(
        description="Hub id, local directory, .gguf file, or 'smollm2-135m-instruct'."
    )
    revision: str = Field(default="main", description="Hub revision (branch, tag or commit).")
    gguf_file: Optional[str] = Field(
        default=None, description="GGUF file inside the `model` directory or hub repository."
    )
    tokenizer: Optional[str] = Field(
        default=None, description="Hub id or directory of the tokenizer, if not `model`'s."
    )
    device: Optional[RuntimeParameter[str]] = Field(
        default=None,
        description="Device to run on ('cpu', 'cuda', 'cuda:1', 'mps'); None picks CUDA when"
        " available, else CPU. Ignored when `device_map` is set.",
    )
    device_map: Optional[RuntimeParameter[Union[str, dict[str, Any]]]] = Field(
        default=None,
        description="accelerate device map ('auto', 'balanced', or a dict) to spread the"
        " model over devices.",
    )
    torch_dtype: RuntimeParameter[str] = Field(
        default="auto",
        description="Weights dtype: 'auto' (the checkpoint's), 'float32', 'bfloat16' or"
        " 'float16'.",
    )
    trust_remote_code: RuntimeParameter[bool] = Field(
        default=False, description="Allow model code from the hub repository to run."
    )
    chat_template: Optional[RuntimeParameter[str]] = Field(
        default=None,
        description="Jinja chat template overriding the tokenizer's (ChatML when neither).",
    )
    model_kwargs: Optional[RuntimeParameter[dict[str, Any]]] = Field(
        default_factory=dict,
        description="Further keyword arguments for `AutoModelForCausalLM.from_pretrained`.",
    )
    cpu_threads: Optional[RuntimeParameter[int]] = Field(
        default=None,
        description="torch CPU threads (process-wide, set at load on CPU); None uses half"
        " the cores, which is measurably faster than torch's default on small VMs.",
    )

    supports_raw_prompts: ClassVar[bool] = True
    structured_output_formats: ClassVar[Optional[frozenset[str]]] = frozenset({"json", "regex"})

    _model: Optional[PreTrainedModel] = PrivateAttr(default=None)
    _tokenizer: Optional[PreTrainedTokenizerBase] = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _grammars: Optional[GrammarCompiler] = PrivateAttr(default=None)
    _bos_text: str = PrivateAttr(default="")

    # -- life cycle ------------------------------------------------------------------------

    def load(self) -> None:
        """Load the tokenizer and model (converting and caching a GGUF on first use).

        Raises:
            EmbeddedModelNotInstalledError: the embedded model was asked for but is missing.
            DistilabelUserError: a named GGUF file does not exist.
            ImportError: torch or transformers is not installed.
            OSError: the model is not found locally (offline) or on the hub.
        """
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError as exc:
            raise ImportError(
                "TransformersLLM needs torch and transformers: `pip install"
                " distilabel-transformers`."
            ) from exc
        source = resolve_source(self.model, self.gguf_file, self.revision)
        location = source.location
        revision: Optional[str] = self.revision
        if source.gguf is not None:
            converted = ensure_converted(source.gguf, bool(self.trust_remote_code))
            location, revision = str(converted), None
        device = self._device(torch)
        if device.startswith("cpu") and self.device_map is None:
            torch.set_num_threads(self.cpu_threads or max(1, (os.cpu_count() or 2) // 2))
        tokenizer = AutoTokenizer.from_pretrained(
            self.tokenizer or location,
            revision=revision if self.tokenizer is None else None,
            trust_remote_code=self.trust_remote_code,
        )
        if self.chat_template is not None:
            tokenizer.chat_template = self.chat_template
        elif not getattr(tokenizer, "chat_template", None):
            tokenizer.chat_template = CHATML_TEMPLATE
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        kwargs: dict[str, Any] = {
            "revision": revision,
            "trust_remote_code": self.trust_remote_code,
            "dtype": self._dtype(torch),
            **(self.model_kwargs or {}),
        }
        if self.device_map is not None:
            kwargs["device_map"] = self.device_map
        model = AutoModelForCausalLM.from_pretrained(location, **kwargs)
        if self.device_map is None:
            model = model.to(device)  # type: ignore[arg-type]
        model.eval()
        self._tokenizer, self._model = tokenizer, model
        self._bos_text = self._added_bos(tokenizer)
        self._grammars = None

    def _dtype(self, torch: Any) -> Any:
        name = self.torch_dtype or "auto"
        if name == "auto":
            return name
        dtype = getattr(torch, name.removeprefix("torch."), None)
        if not isinstance(dtype, torch.dtype):
            raise DistilabelUserError(
                f"TransformersLLM: torch_dtype '{name}' is not a torch dtype; use 'auto',"
                " 'float32', 'bfloat16' or 'float16'."
            )
        return dtype

    def _device(self, torch: Any) -> str:
        if self.device is not None:
            return self.device
        return "cuda" if torch.cuda.is_available() else "cpu"

    def unload(self) -> None:
        """Drop the model and tokenizer and return their memory (CPU and GPU)."""
        with self._lock:
            on_cuda = self._model is not None and self._model.device.type == "cuda"
            self._model = None
            self._tokenizer = None
            self._grammars = None
            gc.collect()
            if on_cuda:
                import torch

                torch.cuda.empty_cache()

    @property
    def model_name(self) -> str:
        """The ``model`` argument (hub id, path or alias)."""
        return self.model

    # -- prompts ---------------------------------------------------------------------------

    @staticmethod
    def _added_bos(tokenizer: Any) -> str:
        """The beginning-of-sequence text the tokenizer adds on its own, if any.

        Chat templates write it themselves; a raw prompt gets it prepended (unless it
        already starts with it), as tokenizing with special tokens would.
        """
        bos_id = getattr(tokenizer, "bos_token_id", None)
        bos = getattr(tokenizer, "bos_token", None)
        if bos_id is None or not bos:
            return ""
        ids = tokenizer("a", add_special_tokens=True)["input_ids"]
        return str(bos) if ids and ids[0] == bos_id else ""

    def _render(self, messages: ChatType, add_generation_prompt: bool) -> str:
        """Apply the tokenizer's chat template (or ``chat_template``) to ``messages``."""
        assert self._tokenizer is not None
        prompt = self._tokenizer.apply_chat_template(
            messages,  # type: ignore[arg-type]
            tokenize=False,
            add_generation_prompt=add_generation_prompt,
        )
        return str(prompt)

    def _prompt_of(self, prepared: LLMInput) -> str:
        text = prepared.text(self._render)
        if prepared.prompt is not None and self._bos_text and not text.startswith(
            self._bos_text
        ):
            return self._bos_text + text
        return text

    def _prompt(self, item: FormattedInput) -> str:
        return self._prompt_of(self.prepare_input(item))

    def _encode(self, prompts: list[str], padding_side: str) -> Any:
        assert self._tokenizer is not None and self._model is not None
        encoded = self._tokenizer(
            prompts,
            return_tensors="pt",
            padding=True,
            padding_side=padding_side,
            add_special_tokens=False,
        )
        return encoded.to(self._model.device)

    # -- generation ------------------------------------------------------------------------

    def generate(  # type: ignore[override]
        self,
        inputs: list[FormattedInput],
        num_generations: int = 1,
        max_new_tokens: int = 128,
        do_sample: bool = True,
        temperature: float = 0.7,
        top_p: float = 0.95,
        top_k: int = 50,
        repetition_penalty: float = 1.0,
        stop_strings: Optional[list[str]] = None,
    ) -> list[GenerateOutput]:
        """Generate ``num_generations`` answers per conversation, all in one padded batch.

        Args:
            inputs: conversations (formatted with the chat template) or raw prompt
                strings, each optionally paired with a structured-output request.
            num_generations: how many answers to generate per input.
            max_new_tokens: the most tokens generated per answer.
            do_sample: sample (True) or decode greedily (False, deterministic).
            temperature: sampling temperature (used when do_sample is True).
            top_p: nucleus sampling probability mass (used when do_sample is True).
            top_k: sample among the k most likely tokens (used when do_sample is True).
            repetition_penalty: penalty on tokens already in the text (1.0 disables it).
            stop_strings: strings that end an answer when generated (not included).

        Returns:
            Per input, the generations plus prompt and generated token counts.
        """
        import torch

        if not inputs:
            return []
        prepared = [self.prepare_input(item) for item in inputs]
        prompts = [self._prompt_of(p) for p in prepared]
        # greedy decoding gives every copy the same text: generate it once per input
        copies = num_generations if do_sample else 1
        expanded = [p for p in prompts for _ in range(copies)]
        specs = [p.structured_output for p in prepared for _ in range(copies)]
        kwargs: dict[str, Any] = {
            "max_new_tokens": max_new_tokens,
            "do_sample": do_sample,
            "repetition_penalty": repetition_penalty,
        }
        if do_sample:
            kwargs.update(temperature=temperature, top_p=top_p, top_k=top_k)
        else:  # explicit, so a checkpoint's sampling defaults cannot leak into greedy runs
            kwargs.update(temperature=None, top_p=None, top_k=None)
        if stop_strings:
            kwargs.update(stop_strings=list(stop_strings), tokenizer=self._tokenizer)
        with self._lock:
            assert self._model is not None and self._tokenizer is not None
            if any(spec is not None for spec in specs):
                grammars = self._grammar_compiler()
                matchers = [grammars.matcher(spec) if spec else None for spec in specs]
                kwargs["logits_processor"] = [ConstrainedLogits(matchers, grammars.vocab_size)]
            encoded = self._encode(expanded, "left")
            with torch.inference_mode():
                output = self._model.generate(  # type: ignore[operator]
                    **encoded, pad_token_id=self._tokenizer.pad_token_id, **kwargs
                )
            texts, counts = self._decode(output[:, encoded["input_ids"].shape[1] :], stop_strings)
        prompt_tokens = encoded["attention_mask"].sum(dim=1).tolist()
        results: list[GenerateOutput] = []
        repeat = num_generations // copies
        for i in range(len(inputs)):
            span = slice(i * copies, (i + 1) * copies)
            results.append(
                {
                    "generations": list(texts[span]) * repeat,
                    "statistics": {
                        "input_tokens": [int(n) for n in prompt_tokens[span]] * repeat,
                        "output_tokens": counts[span] * repeat,
                    },
                }
            )
        return results

    def _grammar_compiler(self) -> GrammarCompiler:
        assert self._model is not None and self._tokenizer is not None
        if self._grammars is None:
            self._grammars = GrammarCompiler(
                self._tokenizer, int(self._model.config.vocab_size), sorted(self._eos_ids())
            )
        return self._grammars

    def _eos_ids(self) -> set[int]:
        assert self._model is not None and self._tokenizer is not None
        ids: set[int] = set()
        configured = self._model.generation_config.eos_token_id
        if isinstance(configured, int):
            ids.add(configured)
        elif configured:
            ids.update(int(i) for i in configured)
        if self._tokenizer.eos_token_id is not None:
            ids.add(int(self._tokenizer.eos_token_id))
        return ids

    def _decode(
        self, generated: torch.Tensor, stop_strings: Optional[list[str]]
    ) -> tuple[list[Optional[str]], list[int]]:
        """Texts and token counts of each generated row.

        A row ends at its first end-of-sequence or padding token, which is not counted
        (as llama.cpp and OpenAI-compatible servers count completion tokens).
        """
        assert self._tokenizer is not None
        ends = self._eos_ids() | {self._tokenizer.pad_token_id}
        texts: list[Optional[str]] = []
        counts: list[int] = []
        for row in generated.tolist():
            length = next((i for i, token in enumerate(row) if token in ends), len(row))
            text = str(self._tokenizer.decode(row[:length], skip_special_tokens=True))
            texts.append(_cut_at_stop(text, stop_strings))
            counts.append(length)
        return texts, counts

    # -- hidden states ---------------------------------------------------------------------

    def get_last_hidden_state(self, inputs: list[FormattedInput]) -> list[HiddenState]:
        """Return each input's last hidden state, ``(num_tokens, hidden_size)`` float32.

        The conversation is formatted as for ``generate`` (generation prompt included) and
        run in one right-padded batch; padding rows are dropped from each result.
        """
        import torch

        if not inputs:
            return []
        prompts = [self._prompt(item) for item in inputs]
        with self._lock:
            assert self._model is not None
            encoded = self._encode(prompts, "right")
            with torch.inference_mode():
                output = self._model(**encoded, output_hidden_states=True)  # type: ignore[operator]
            last = output.hidden_states[-1].float().cpu().numpy()
        lengths = encoded["attention_mask"].sum(dim=1).tolist()
        return [last[i, : int(n)].copy() for i, n in enumerate(lengths)]


def _cut_at_stop(text: str, stop_strings: Optional[list[str]]) -> str:
    if not stop_strings:
        return text
    positions = [text.find(s) for s in stop_strings if s]
    found = [p for p in positions if p >= 0]
    return text[: min(found)] if found else text
