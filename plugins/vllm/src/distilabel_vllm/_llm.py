"""``vLLM``: the vLLM engine in this process, on CUDA GPUs."""

from __future__ import annotations

import uuid
from typing import Any, Optional, Union

from pydantic import Field, PositiveInt, PrivateAttr, confloat

from distilabel.llms import LLM
from distilabel.llms.typing import GenerateOutput
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.typing import FormattedInput
from distilabel_vllm._placement import LEDGER, CudaDevicePlacementError, CudaDevices

__all__ = ["vLLM"]


class vLLM(LLM):
    """A model run by the vLLM engine in this process (``pip install
    './plugins/vllm[engine]'``; needs CUDA GPUs).

    Each ``generate`` call sends its whole batch to the engine at once (vLLM batches
    continuously). Conversations are rendered with the tokenizer's chat template (or
    ``chat_template``); ``num_generations`` is vLLM's ``n``; token counts are the prompt's and
    each output's token ids.

    GPU placement: ``tensor_parallel_size`` GPUs per engine. With ``cuda_devices="auto"``
    each engine of the process gets the first free ones (two vLLM steps of a pipeline never
    share a GPU by accident); a list of device ids pins it. The engine is built with
    ``CUDA_VISIBLE_DEVICES`` set to those devices. ``disable_cuda_device_placement=True``
    leaves ``CUDA_VISIBLE_DEVICES`` alone.

    Example:
        >>> llm = vLLM(model="Qwen/Qwen2.5-0.5B-Instruct", tensor_parallel_size=1)
        >>> llm.load()
        >>> llm.generate(inputs=[[{"role": "user", "content": "Hello!"}]])
    """

    model: str = Field(description="A model id or local directory vLLM can load.")
    dtype: str = Field(default="auto", description="The weights' dtype ('auto', 'bfloat16'...).")
    trust_remote_code: bool = Field(
        default=False, description="Run the model repository's own code (only if trusted)."
    )
    quantization: Optional[str] = Field(
        default=None, description="The quantization method ('awq', 'gptq', 'fp8', ...)."
    )
    revision: Optional[str] = Field(default=None, description="The model revision.")
    tokenizer: Optional[str] = Field(
        default=None, description="Another tokenizer (id or directory); default: the model's."
    )
    tokenizer_mode: str = Field(default="auto", description="'auto', 'slow' or 'mistral'.")
    tokenizer_revision: Optional[str] = Field(default=None, description="The tokenizer revision.")
    chat_template: Optional[str] = Field(
        default=None, description="A Jinja chat template instead of the tokenizer's."
    )
    seed: int = Field(default=0, description="The engine's random seed.")
    tensor_parallel_size: PositiveInt = Field(
        default=1, description="GPUs the model is split across (tensor parallelism)."
    )
    gpu_memory_utilization: confloat(gt=0, le=1) = Field(  # type: ignore[valid-type]
        default=0.9, description="The share of each GPU's memory the engine may use."
    )
    max_model_len: Optional[PositiveInt] = Field(
        default=None, description="The longest prompt + output in tokens; default: the model's."
    )
    cuda_devices: RuntimeParameter[CudaDevices] = Field(
        default="auto", description="CUDA device ids for this engine, or 'auto' (the first"
        " tensor_parallel_size free ones)."
    )
    disable_cuda_device_placement: RuntimeParameter[bool] = Field(
        default=False, description="Leave CUDA_VISIBLE_DEVICES as it is (no placement)."
    )
    extra_kwargs: Optional[RuntimeParameter[dict[str, Any]]] = Field(
        default_factory=dict, description="More keyword arguments for `vllm.LLM(...)`."
    )

    _engine: Any = PrivateAttr(default=None)
    _tokenizer: Any = PrivateAttr(default=None)
    _owner: str = PrivateAttr(default_factory=lambda: f"vLLM-{uuid.uuid4().hex[:8]}")
    _devices: list[int] = PrivateAttr(default_factory=list)

    @property
    def model_name(self) -> str:
        """The model the engine runs."""
        return self.model

    @property
    def devices(self) -> list[int]:
        """The CUDA device ids the loaded engine was given (empty without placement)."""
        return list(self._devices)

    def load(self) -> None:
        """Place the engine on its GPUs and build it.

        Raises:
            ImportError: vLLM is not installed (the message says how to install it).
            CudaDevicePlacementError: no CUDA device, or not enough free ones.
        """
        try:
            import vllm
        except ImportError as exc:
            raise ImportError(
                "vLLM needs the vllm package (CUDA GPUs): pip install './plugins/vllm[engine]'"
                " from a checkout of the distilabel repository. For a vLLM server use"
                " ClientvLLM instead."
            ) from exc
        kwargs: dict[str, Any] = {
            "model": self.model, "dtype": self.dtype, "trust_remote_code": self.trust_remote_code,
            "quantization": self.quantization, "revision": self.revision,
            "tokenizer": self.tokenizer, "tokenizer_mode": self.tokenizer_mode,
            "tokenizer_revision": self.tokenizer_revision, "seed": self.seed,
            "tensor_parallel_size": self.tensor_parallel_size,
            "gpu_memory_utilization": self.gpu_memory_utilization,
            "max_model_len": self.max_model_len, **(self.extra_kwargs or {}),
        }
        if self.disable_cuda_device_placement:
            self._engine = vllm.LLM(**kwargs)
        else:
            self._devices = self._claim_devices()
            try:
                with LEDGER.visible(self._devices):
                    self._engine = vllm.LLM(**kwargs)
            except BaseException:
                LEDGER.release(self._owner)
                self._devices = []
                raise
        self._tokenizer = self._engine.get_tokenizer()

    def _claim_devices(self) -> list[int]:
        import torch

        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if count == 0:
            raise CudaDevicePlacementError(
                "vLLM needs a CUDA GPU and this machine has none visible to torch. Use"
                " ClientvLLM with a vLLM server elsewhere, or another LLM."
            )
        from distilabel_vllm._placement import visible_devices

        return LEDGER.claim(self._owner, self.cuda_devices or "auto",
                            self.tensor_parallel_size or 1, visible_devices(count))

    def unload(self) -> None:
        """Drop the engine and give its GPUs back."""
        self._engine = None
        self._tokenizer = None
        LEDGER.release(self._owner)
        self._devices = []

    def _prompt(self, input: FormattedInput) -> str:
        messages = input[0] if isinstance(input, tuple) else input
        if isinstance(messages, str):
            return messages
        return str(self._tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=True,
            chat_template=self.chat_template,
        ))

    def generate(  # type: ignore[override]
        self,
        inputs: list[FormattedInput],
        num_generations: int = 1,
        max_new_tokens: int = 128,
        temperature: float = 1.0,
        top_p: float = 1.0,
        top_k: int = -1,
        min_p: float = 0.0,
        presence_penalty: float = 0.0,
        frequency_penalty: float = 0.0,
        repetition_penalty: float = 1.0,
        stop: Optional[Union[str, list[str]]] = None,
        stop_token_ids: Optional[list[int]] = None,
        include_stop_str_in_output: bool = False,
        skip_special_tokens: bool = True,
        seed: Optional[int] = None,
        extra_sampling_params: Optional[dict[str, Any]] = None,
    ) -> list[GenerateOutput]:
        """Generate ``num_generations`` texts for each input, the whole batch at once.

        Args:
            inputs: the conversations (or raw prompt strings), one result each.
            num_generations: how many texts per input (vLLM's ``n``).
            max_new_tokens: the most tokens to generate per text.
            temperature: sampling temperature; 0 for greedy decoding.
            top_p: nucleus sampling probability mass.
            top_k: sample from the ``top_k`` most likely tokens; -1 for all.
            min_p: drop tokens less likely than ``min_p`` times the most likely one.
            presence_penalty: penalty on tokens that appeared at all.
            frequency_penalty: penalty on tokens by how often they appeared.
            repetition_penalty: multiplicative penalty on repeated tokens (1 for none).
            stop: strings that end generation.
            stop_token_ids: token ids that end generation.
            include_stop_str_in_output: keep the stop string in the text.
            skip_special_tokens: leave special tokens out of the text.
            seed: a per-request seed for reproducible sampling.
            extra_sampling_params: more ``vllm.SamplingParams`` fields.

        Returns:
            Per input: the texts and ``input_tokens`` / ``output_tokens`` per text.
        """
        from vllm import SamplingParams

        params = SamplingParams(
            n=num_generations, max_tokens=max_new_tokens, temperature=temperature,
            top_p=top_p, top_k=top_k, min_p=min_p, presence_penalty=presence_penalty,
            frequency_penalty=frequency_penalty, repetition_penalty=repetition_penalty,
            stop=stop, stop_token_ids=stop_token_ids,
            include_stop_str_in_output=include_stop_str_in_output,
            skip_special_tokens=skip_special_tokens, seed=seed,
            **(extra_sampling_params or {}),
        )
        prompts = [self._prompt(i) for i in inputs]
        results = self._engine.generate(prompts, params, use_tqdm=False)
        outputs: list[GenerateOutput] = []
        for result in results:
            prompt_tokens = len(result.prompt_token_ids or [])
            texts = [o.text for o in result.outputs]
            outputs.append({
                "generations": list(texts),
                "statistics": {
                    "input_tokens": [prompt_tokens] * len(texts),
                    "output_tokens": [len(o.token_ids) for o in result.outputs],
                },
            })
        return outputs
