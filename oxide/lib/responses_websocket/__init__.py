"""Routed `stream_id` lanes and final-response collection on an open
`client.responses.connect()` connection: the SDK's `openai.lib.responses_websocket`, on oxide's
connection and Structs. See the SDK module's README for the full contract; oxide's
differences are in `_session.py`'s docstring."""

from ._accumulator import (
    ResponsesWebSocketAccumulator as ResponsesWebSocketAccumulator,
)
from ._accumulator import (
    ResponsesWebSocketOutput as ResponsesWebSocketOutput,
)
from ._accumulator import (
    ResponsesWebSocketSnapshot as ResponsesWebSocketSnapshot,
)
from ._router import (
    ResponsesWebSocketBufferError as ResponsesWebSocketBufferError,
)
from ._router import (
    ResponsesWebSocketError as ResponsesWebSocketError,
)
from ._router import (
    ResponsesWebSocketLimits as ResponsesWebSocketLimits,
)
from ._session import (
    AsyncResponsesWebSocketLane as AsyncResponsesWebSocketLane,
)
from ._session import (
    AsyncResponsesWebSocketSession as AsyncResponsesWebSocketSession,
)
from ._session import (
    ResponsesWebSocketLane as ResponsesWebSocketLane,
)
from ._session import (
    ResponsesWebSocketSession as ResponsesWebSocketSession,
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
