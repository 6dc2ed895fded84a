"""Routed `stream_id` lanes and final-response collection on an open
`client.responses.connect()` connection: the SDK's `openai.lib.responses_websocket`, on oxide's
connection and Structs. See the SDK module's README for the full contract; oxide's
differences are in `_session.py`'s docstring."""

from ._accumulator import (
    ResponsesWebSocketAccumulator,
    ResponsesWebSocketOutput,
    ResponsesWebSocketSnapshot,
)
from ._router import (
    ResponsesWebSocketBufferError,
    ResponsesWebSocketError,
    ResponsesWebSocketLimits,
)
from ._session import (
    AsyncResponsesWebSocketLane,
    AsyncResponsesWebSocketSession,
    ResponsesWebSocketLane,
    ResponsesWebSocketSession,
)

__all__ = [
    "AsyncResponsesWebSocketLane",
    "AsyncResponsesWebSocketSession",
    "ResponsesWebSocketAccumulator",
    "ResponsesWebSocketBufferError",
    "ResponsesWebSocketError",
    "ResponsesWebSocketLane",
    "ResponsesWebSocketLimits",
    "ResponsesWebSocketOutput",
    "ResponsesWebSocketSession",
    "ResponsesWebSocketSnapshot",
]
