"""Types used by tasks, at the import path the original docs use."""

from distilabel.typing import (
    ChatItem,
    ChatType,
    FormattedInput,
    OutlinesStructuredOutputType,
    StandardInput,
    StructuredInput,
    StructuredOutputType,
)

__all__ = [
    "ChatItem",
    "ChatType",
    "FormattedInput",
    "OutlinesStructuredOutputType",
    "StandardInput",
    "StructuredInput",
    "StructuredOutputType",
]
