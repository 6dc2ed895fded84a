"""The SDK's convenience properties on Responses API objects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["ParsedResponseMixin", "ResponseMixin"]


class ResponseMixin:
    """`Response.output_text` (`openai/types/responses/response.py`)."""

    __slots__ = ()

    if TYPE_CHECKING:
        output: Any

    @property
    def output_text(self) -> str:
        """Convenience property that aggregates all `output_text` items from the `output` list.

        If no `output_text` content blocks exist, then an empty string is returned.
        """
        texts: list[str] = []
        for output in self.output:
            if output.type == "message":
                for content in output.content:
                    if content.type == "output_text":
                        texts.append(content.text)
        return "".join(texts)


class ParsedResponseMixin:
    """`ParsedResponse.output_parsed` (`openai/types/responses/parsed_response.py`)."""

    __slots__ = ()

    if TYPE_CHECKING:
        output: Any

    @property
    def output_parsed(self) -> Any:
        for output in self.output:
            if output.type == "message":
                for content in output.content:
                    if content.type == "output_text" and content.parsed:
                        return content.parsed
        return None
