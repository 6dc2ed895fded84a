"""Test helpers: an embedded OpenAI-compatible mock server.

``MockOpenAI`` answers ``/chat/completions``, ``/responses``, ``/embeddings`` and ``/models``
like the real API (shapes, SSE framing, errors, headers), with deterministic content so tests
can assert on it. It needs no network and no API key; ``python -m oxide mock`` serves it.
"""

from ._server import APIError, MockOpenAI, RecordedRequest, ThreadedMockOpenAI, create_app

__all__ = ["APIError", "MockOpenAI", "RecordedRequest", "ThreadedMockOpenAI", "create_app"]
