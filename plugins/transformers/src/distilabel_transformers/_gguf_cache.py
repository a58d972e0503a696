"""A cache of GGUF files converted to transformers' own format (safetensors).

transformers reads a GGUF by dequantizing every tensor and rebuilding the tokenizer
from the GGUF vocabulary: about 30 s for a 135M model on two cores. The converted model
reloads in under a second, so the first load converts once and saves the result; later
loads (in any process) read the saved copy.

The cache lives in ``$DISTILABEL_CACHE_DIR/models`` (default ``~/.cache/distilabel/models``),
one directory per GGUF file, keyed by the file's path, size and modification time and
the transformers version. A directory appears atomically (written aside, then renamed),
so an interrupted conversion leaves nothing half-written behind.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from distilabel.logging import get_logger

__all__ = ["converted_model_dir", "ensure_converted", "models_cache_dir"]

_logger = get_logger(__name__)


def models_cache_dir() -> Path:
    """The directory converted models are kept in (``$DISTILABEL_CACHE_DIR/models``).

    Models are loaded from local files, so when ``DISTILABEL_CACHE_DIR`` is a URL (a run
    directory on object storage) they go to ``~/.cache/distilabel/models`` instead.
    """
    base = os.environ.get("DISTILABEL_CACHE_DIR")
    if base and ("://" in base or "::" in base):
        base = None
    root = Path(base).expanduser() if base else Path.home() / ".cache" / "distilabel"
    return root / "models"


def converted_model_dir(gguf_path: Path) -> Path:
    """Where the converted copy of ``gguf_path`` lives (whether or not it exists yet)."""
    import transformers

    resolved = gguf_path.resolve()
    stat = resolved.stat()
    key = f"{resolved}|{stat.st_size}|{stat.st_mtime_ns}|{transformers.__version__}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return models_cache_dir() / f"{resolved.stem}-{digest}"


def ensure_converted(gguf_path: Path, trust_remote_code: bool = False) -> Path:
    """Return a directory holding ``gguf_path`` converted to safetensors plus its tokenizer.

    Converts on the first call for a given file (slow) and reuses the result afterwards.

    Raises:
        OSError: the cache directory cannot be written; set ``DISTILABEL_CACHE_DIR`` to a
            writable place.
    """
    target = converted_model_dir(gguf_path)
    if (target / "config.json").is_file():
        return target
    from transformers import AutoModelForCausalLM, AutoTokenizer

    _logger.warning(
        "Converting %s to safetensors once (dequantizing takes a while); later loads read"
        " the converted copy in %s.", gguf_path.name, target,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    folder, name = str(gguf_path.parent), gguf_path.name
    tokenizer = AutoTokenizer.from_pretrained(
        folder, gguf_file=name, trust_remote_code=trust_remote_code
    )
    model = AutoModelForCausalLM.from_pretrained(
        folder, gguf_file=name, trust_remote_code=trust_remote_code
    )
    # A GGUF-loaded model carries a quantizer marker and save_pretrained refuses it;
    # its weights are already dequantized, so dropping the marker saves them plainly.
    model.hf_quantizer = None  # type: ignore[assignment]
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.is_quantized = False  # type: ignore[assignment]
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        try:
            staging.rename(target)
        except OSError:
            if not (target / "config.json").is_file():
                raise
            # another process finished the same conversion first: keep theirs
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    del model
    return target
