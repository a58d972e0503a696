"""``distilabel.steps.formatting``, the distilabel 1.x package of the SFT and DPO
formatters (an alias)."""

from distilabel.steps._formatting import (
    FormatChatGenerationDPO,
    FormatChatGenerationSFT,
    FormatTextGenerationDPO,
    FormatTextGenerationSFT,
)

__all__ = [
    "FormatChatGenerationDPO",
    "FormatChatGenerationSFT",
    "FormatTextGenerationDPO",
    "FormatTextGenerationSFT",
]
