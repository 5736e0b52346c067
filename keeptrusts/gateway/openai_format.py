"""Small helpers for OpenAI's request shapes, shared by the gateway and the mock upstream."""

from __future__ import annotations


def estimate_tokens(text: str) -> int:
    """~4 characters a token, what real tokenizers average on English text."""
    return max(1, (len(text) + 3) // 4)


def message_text(message: dict) -> str:
    """The text of a chat message: a string, or the text parts of a content-part list."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # [{"type": "text", "text": …}, {"type": "image_url", …}]
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict) and part.get("type") == "text")
    return ""
