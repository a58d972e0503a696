"""``distilabel.steps.formatting.dpo``, the distilabel 1.x path of the DPO formatters
(an alias)."""

from distilabel.steps._formatting import FormatChatGenerationDPO, FormatTextGenerationDPO

__all__ = ["FormatChatGenerationDPO", "FormatTextGenerationDPO"]
