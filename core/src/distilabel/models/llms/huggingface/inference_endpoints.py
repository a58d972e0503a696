"""``distilabel.models.llms.huggingface.inference_endpoints``:
the distilabel 1.5 path of ``InferenceEndpointsLLM``.

An alias of ``distilabel.llms.huggingface.inference_endpoints``;
names resolve through the installed plugin.
"""

from __future__ import annotations

from distilabel.llms.huggingface.inference_endpoints import __all__ as __all__
from distilabel.llms.huggingface.inference_endpoints import __getattr__ as __getattr__
