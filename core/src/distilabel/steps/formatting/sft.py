"""``distilabel.steps.formatting.sft``, the distilabel 1.x path of the SFT formatters
(an alias)."""

from distilabel.steps._formatting import FormatChatGenerationSFT, FormatTextGenerationSFT

__all__ = ["FormatChatGenerationSFT", "FormatTextGenerationSFT"]
