"""``InferenceEndpointsLLM``: Hugging Face inference through ``huggingface_hub``."""

from __future__ import annotations

import os
from typing import Any, Optional

from pydantic import Field, PrivateAttr, SecretStr, model_validator

from distilabel.errors import DistilabelUserError
from distilabel.llms import (
    Generation,
    HostedLLM,
    chat_completion_generations,
    generate_separately,
    join_generations,
    sdk_retrier,
)
from distilabel.llms.typing import GenerateOutput
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.typing import FormattedInput

__all__ = ["InferenceEndpointsLLM"]


def _hf_token() -> Optional[SecretStr]:
    value = os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN")
    return SecretStr(value) if value else None


class InferenceEndpointsLLM(HostedLLM):
    """Hugging Face inference: the serverless API, Inference Endpoints, or any TGI or
    OpenAI-compatible server.

    Say where the model runs with exactly one of:

    - ``model_id``: the serverless Inference API (or an inference ``provider``);
    - ``endpoint_name`` (and ``endpoint_namespace``): a dedicated Inference Endpoint, whose
      URL ``load()`` looks up;
    - ``base_url``: any Text Generation Inference or OpenAI-compatible server (with
      ``model_id`` too, that model is asked for, as a server with several models needs).

    Conversations go to the chat completions route. With ``tokenizer_id`` (a Hub id or a
    local directory; needs ``transformers``), they are rendered with that tokenizer's chat
    template instead and sent to the text-generation route as raw prompts, as Magpie-style
    tasks need. Chat: ``num_generations`` is sent as ``n``; text generation has no ``n``, so
    that many requests go out concurrently.

    Example:
        >>> llm = InferenceEndpointsLLM(model_id="meta-llama/Llama-3.1-8B-Instruct")
        >>> llm.load()  # HF_TOKEN from the environment
        >>> llm.generate(inputs=[[{"role": "user", "content": "Hello!"}]])
    """

    model_id: Optional[str] = Field(
        default=None, description="The Hub model id for the serverless Inference API."
    )
    endpoint_name: Optional[RuntimeParameter[str]] = Field(
        default=None, description="The name of a dedicated Inference Endpoint."
    )
    endpoint_namespace: Optional[RuntimeParameter[str]] = Field(
        default=None, description="The namespace (user or organisation) of endpoint_name;"
        " None for the token's own."
    )
    base_url: Optional[RuntimeParameter[str]] = Field(
        default=None, description="The URL of a TGI or OpenAI-compatible server."
    )
    provider: Optional[RuntimeParameter[str]] = Field(
        default=None, description="With model_id: the inference provider (e.g. 'together',"
        " 'hf-inference'); None for the Hub's default."
    )
    tokenizer_id: Optional[str] = Field(
        default=None, description="A tokenizer (Hub id or local directory) whose chat template"
        " renders conversations into raw prompts for the text-generation route."
    )
    model_display_name: Optional[str] = Field(
        default=None, description="The name recorded as model_name; defaults to the model id,"
        " the endpoint name or the base URL."
    )
    api_key: Optional[RuntimeParameter[SecretStr]] = Field(
        default_factory=_hf_token,
        description="The Hugging Face token; defaults to $HF_TOKEN. Never dumped or logged.",
    )

    _tokenizer: Any = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _one_location(self) -> InferenceEndpointsLLM:
        if self.endpoint_name and (self.model_id or self.base_url):
            given = [n for n in ("model_id", "base_url") if getattr(self, n)]
            raise ValueError(
                f"InferenceEndpointsLLM: endpoint_name names where the model runs; drop"
                f" {' and '.join(given)} (or drop endpoint_name)."
            )
        return self

    @property
    def model_name(self) -> str:
        """``model_display_name``, else the model id, the endpoint name or the base URL."""
        return (self.model_display_name or self.model_id or self.endpoint_name
                or self.base_url or "")

    def load(self) -> None:
        """Create the ``huggingface_hub`` async client (and load the tokenizer).

        Raises:
            DistilabelUserError: none of model_id, endpoint_name and base_url is set, or
                ``huggingface_hub`` is in offline mode (``HF_HUB_OFFLINE``), in which it
                refuses every request, those to a ``base_url`` too.
        """
        from huggingface_hub import AsyncInferenceClient, constants

        if constants.HF_HUB_OFFLINE:
            raise DistilabelUserError(
                "InferenceEndpointsLLM cannot send requests: huggingface_hub is in offline"
                " mode (HF_HUB_OFFLINE is set), in which it refuses every request, those to"
                " a base_url on your own machine too. Unset HF_HUB_OFFLINE (or set it to 0)"
                " for this run, or, for an OpenAI-compatible server, use"
                " OpenAILLM(base_url=...) instead."
            )

        token = self.api_key.get_secret_value() if self.api_key else None
        if self.base_url:
            url = self.base_url
            self._client = AsyncInferenceClient(base_url=self.base_url, token=token,
                                                timeout=self.timeout)
        elif self.endpoint_name:
            url = self._endpoint_url(token)
            self._client = AsyncInferenceClient(model=url, token=token, timeout=self.timeout)
        elif self.model_id:
            url = f"https://router.huggingface.co ({self.model_id})"
            provider: Any = self.provider  # a name the installed huggingface_hub knows, or None
            self._client = AsyncInferenceClient(model=self.model_id, provider=provider,
                                                token=token, timeout=self.timeout)
        else:
            raise DistilabelUserError(
                "InferenceEndpointsLLM needs to know where the model runs: set model_id (the"
                " serverless API), endpoint_name (an Inference Endpoint) or base_url (a TGI or"
                " OpenAI-compatible server)."
            )
        self._retrier = sdk_retrier(self, url, self.api_key, "HF_TOKEN")
        if self.tokenizer_id:
            from transformers import AutoTokenizer

            self._tokenizer = AutoTokenizer.from_pretrained(self.tokenizer_id)

    def _endpoint_url(self, token: Optional[str]) -> str:
        from huggingface_hub import get_inference_endpoint

        endpoint = get_inference_endpoint(
            self.endpoint_name or "", namespace=self.endpoint_namespace, token=token
        )
        if not endpoint.url:
            raise DistilabelUserError(
                f"Inference Endpoint '{self.endpoint_name}' has no URL (status"
                f" '{endpoint.status}'); resume it or wait until it is running."
            )
        return str(endpoint.url)

    def unload(self) -> None:
        """Close the client's connections and drop the tokenizer."""
        self._tokenizer = None
        super().unload()

    async def agenerate(  # type: ignore[override]
        self,
        input: FormattedInput,
        num_generations: int = 1,
        max_new_tokens: int = 128,
        temperature: float = 1.0,
        top_p: Optional[float] = None,
        top_k: Optional[int] = None,
        frequency_penalty: Optional[float] = None,
        presence_penalty: Optional[float] = None,
        repetition_penalty: Optional[float] = None,
        stop_sequences: Optional[list[str]] = None,
        seed: Optional[int] = None,
        do_sample: bool = False,
    ) -> GenerateOutput:
        """Generate ``num_generations`` answers to one conversation.

        Args:
            input: the conversation.
            num_generations: how many answers (``n`` for chat; separate requests for raw
                prompts).
            max_new_tokens: the most tokens to generate per answer.
            temperature: sampling temperature; 0 for greedy decoding.
            top_p: nucleus sampling probability mass.
            top_k: with tokenizer_id (text generation): sample from the top_k tokens only.
            frequency_penalty: chat only: penalty on tokens by how often they appeared.
            presence_penalty: chat only: penalty on tokens that appeared at all.
            repetition_penalty: with tokenizer_id (text generation): penalty on repeats.
            stop_sequences: strings that end generation.
            seed: a seed for deterministic sampling.
            do_sample: with tokenizer_id (text generation): sample instead of greedy
                decoding (TGI's own switch; chat always samples at temperature > 0).

        Returns:
            The texts and, per answer, ``input_tokens`` and ``output_tokens``.
        """
        messages = self.conversation(input)
        if self._tokenizer is not None:
            prompt = self._tokenizer.apply_chat_template(
                messages, tokenize=False, add_generation_prompt=True
            )
            request: dict[str, Any] = {
                "prompt": prompt, "max_new_tokens": max_new_tokens, "details": True,
                "do_sample": do_sample,
            }
            optional: dict[str, Any] = {
                "temperature": temperature if temperature > 0 else None, "top_p": top_p,
                "top_k": top_k, "repetition_penalty": repetition_penalty,
                "stop": stop_sequences, "seed": seed,
            }
            request.update({k: v for k, v in optional.items() if v is not None})
            input_tokens = len(self._tokenizer(prompt, add_special_tokens=False)["input_ids"])

            async def one() -> list[Generation]:
                return [await self._text_generation(request, input_tokens)]

            return await generate_separately(one, num_generations)
        chat: dict[str, Any] = {"messages": messages, "max_tokens": max_new_tokens,
                                "temperature": temperature}
        if self.base_url and self.model_id:
            chat["model"] = self.model_id
        optional = {"top_p": top_p, "frequency_penalty": frequency_penalty,
                    "presence_penalty": presence_penalty, "stop": stop_sequences,
                    "seed": seed, "n": num_generations if num_generations > 1 else None}
        chat.update({k: v for k, v in optional.items() if v is not None})
        return join_generations(await self._chat(chat), num_generations)

    async def _chat(self, request: dict[str, Any]) -> list[Generation]:
        """One chat completion request; with ``_text_generation`` the only SDK calls."""
        client = self._client
        response = await self.send(lambda: client.chat_completion(**request))
        return chat_completion_generations(response)

    async def _text_generation(self, request: dict[str, Any], input_tokens: int) -> Generation:
        client = self._client
        response = await self.send(lambda: client.text_generation(**request))
        details = getattr(response, "details", None)
        generated = getattr(details, "generated_tokens", None) if details else None
        return Generation(
            text=response.generated_text, input_tokens=input_tokens,
            output_tokens=int(generated or 0),
        )
