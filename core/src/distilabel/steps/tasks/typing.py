"""Types used by tasks, at the import path the original docs use."""

from distilabel.typing import ChatItem, ChatType, FormattedInput, StructuredInput

__all__ = ["ChatItem", "ChatType", "FormattedInput", "StructuredInput"]
