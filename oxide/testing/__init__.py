"""Test helpers: an embedded OpenAI-compatible mock server.

``MockOpenAI`` answers like the real API (shapes, SSE framing, errors, headers), with deterministic
content so tests can assert on it. It needs no network and no API key; ``python -m oxide mock``
serves it. Every route is served at the root and under ``/v1``; objects live in memory
(``MockOpenAI.store``) for the server's lifetime.

Endpoints, by module:

* ``_server``: ``POST /chat/completions`` (plain/stream; ``store=true`` keeps it),
  ``POST /responses`` (plain/stream/``background``; kept unless ``store=false``),
  ``POST /embeddings``, ``GET|DELETE /models[/{id}]``.
* ``_routes_responses``: ``GET /responses/{id}`` (``?stream=true&starting_after=N`` replays the
  events after N), ``DELETE``, ``POST .../cancel`` (background only), ``GET .../input_items``,
  ``POST /responses/input_tokens``, ``POST /responses/compact``.
* ``_routes_chat``: ``GET /chat/completions`` (cursor pages, ``model``/``metadata`` filters),
  ``GET|POST|DELETE /chat/completions/{id}``, ``GET .../messages``.
* ``_routes_files``: ``POST /files`` (multipart, streamed), ``GET /files`` (``after``/``limit``/
  ``order``/``purpose``), ``GET|DELETE /files/{id}``, ``GET .../content``; ``/uploads`` with
  parts, ``complete`` (makes the file) and ``cancel``.
* ``_routes_images``: generations/edits/variations as ``b64_json`` (a real PNG) or ``url``
  (served by the mock, without auth).
* ``_routes_audio``: speech (valid WAV/PCM/MP3 silence; opus/aac/flac: magic bytes + silence),
  transcriptions/translations (``json``, ``text``, ``verbose_json``, ``srt``, ``vtt``).
* ``_routes_batches``: ``validating`` → ``in_progress`` → ``finalizing`` → ``completed``, one step
  per ``GET /batches/{id}``, with a JSONL output file; list, cancel (``cancelling`` → ``cancelled``).
* ``_routes_vector_stores``: stores, files, file batches, search, file content; files complete
  on the next retrieval (``openai-poll-after-ms: 5``), so the ``*_and_poll`` helpers finish.
* ``_routes_fine_tuning``: jobs (one status step per retrieval up to ``succeeded``), list, cancel,
  pause/resume, events, checkpoints.
* ``_routes_conversations``, ``_routes_containers`` (with files and content), ``_routes_legacy``
  (moderations: "kill"/"attack" flag violence; legacy completions, plain and stream),
  ``_routes_videos`` (``queued`` → ``in_progress`` → ``completed``, content, remix).

WebSockets (same auth, answered with an HTTP 401 before the upgrade; a GET without
``Upgrade: websocket`` keeps its 405/404):

* ``_ws_responses``: ``GET /responses``, Responses WebSocket mode. Each ``response.create`` frame
  streams the events ``POST /responses`` with ``stream: true`` would; ``previous_response_id``
  resolves from the connection's memory (``store: false`` works) or from stored responses, else
  an ``error`` with ``previous_response_not_found``; one response in flight without
  ``stream_id``, FIFO lanes with it; ``websocket_connection_limit_reached`` after ``ws_max_age``.
* ``_ws_realtime``: ``GET /realtime?model=...`` (or ``call_id``), GA events, or the beta ones with
  ``OpenAI-Beta: realtime=v1``: session, input audio buffer, conversation items, responses (text
  or audio), cancel.
* ``_ws_faults``: switches per connection in the handshake query (``mock_ws_fault=close``,
  ``abort``, ``no_pong``, ``oversize``, ``burst``, ``restart``, ``reject``, ``redirect``, with
  ``mock_ws_after``/``code``/``status``/``location``/``size``/``count``; knobs
  ``mock_ws_setup_ms``, ``mock_ws_latency_ms``, ``mock_ws_max_msg_size``, ``mock_ws_max_age``), or
  on the server with ``ws_fault_next(kind, times, **options)`` / ``ws_fault_every(kind)``.
* ``ws_connections`` records each accepted socket (:class:`RecordedWebSocket`: ``received`` client
  messages, ``sent`` event types, ``close_code``, ``query``, ``headers``); ``ws_accepted`` counts.

Scripted replies, for tests of agent code (``_script``): ``queue_reply(text, chunks=...)``,
``queue_tool_call(name, arguments)``, ``queue_tool_calls(ToolCall(...), ...)`` and
``queue_error(status)`` decide what the next model calls answer, in order (chat completions,
Responses over HTTP or WebSocket, Realtime turns; streamed or not as each request asks);
``pending_replies`` lists what is left. The pytest plugin (``oxide.testing.pytest_plugin``,
enabled with ``pytest_plugins = ["oxide.testing.pytest_plugin"]`` in a conftest) gives tests
an ``openai_mock`` fixture.

Anything else gets the API's 404 (``Invalid URL (GET /path)``). Switches, on every route:
``fail_next(status, times)`` (a WebSocket handshake consumes one too), the request headers
``x-mock-error: <status>`` and ``x-mock-stream-error-after: <n>`` (streams), ``require_auth``,
``stream_delay`` (also between WebSocket events), ``state_load_delay`` (``POST /responses`` with
``previous_response_id``); ``requests`` records what was received (multipart bodies are streamed
to their handler: recorded empty).
"""

from ._script import Reply, ToolCall
from ._server import APIError, MockOpenAI, RecordedRequest, ThreadedMockOpenAI, create_app
from ._ws_faults import WsFault
from ._ws_session import RecordedWebSocket

__all__ = [
    "APIError",
    "MockOpenAI",
    "RecordedRequest",
    "RecordedWebSocket",
    "Reply",
    "ThreadedMockOpenAI",
    "ToolCall",
    "WsFault",
    "create_app",
]
