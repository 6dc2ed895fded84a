"""Opening a WebSocket with aiohttp, and turning what aiohttp reports into oxide's exceptions.

The official SDK uses the `websockets` package; oxide uses aiohttp, already its transport, so
WebSockets share the client's connector (DNS cache, TLS context, proxies from the environment).
Two aiohttp defaults differ from what a long-lived API socket needs, and are set here:

* no heartbeat: aiohttp never pings unless told to, so a half-open TCP connection hangs a
  reader forever. oxide pings every 20 s (the `websockets` default the SDK relies on) and
  treats a pong missing for 10 s as a dropped connection (1006);
* a 4 MiB inbound limit: Realtime items carrying audio exceed it (and the `websockets` 1 MiB
  that the SDK inherits has bitten users), so oxide's default is 16 MiB.

`websocket_connection_options` takes the SDK's (`websockets`) option names and oxide's own
(aiohttp's), see `connect_options`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import aiohttp
from aiohttp import WSMsgType
from yarl import URL

from ..._exceptions import (
    OpenAIError,
    WebSocketConnectionClosedError,
    WebSocketMessageTooLargeError,
)

__all__ = [
    "DEFAULT_HEARTBEAT",
    "DEFAULT_MAX_MESSAGE_SIZE",
    "CrossOriginRedirectError",
    "closed_error",
    "connect_options",
    "open_websocket",
    "websocket_url",
]

log = logging.getLogger("oxide")

DEFAULT_HEARTBEAT = 20.0  # seconds between pings; a pong is awaited for half of it
DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024
DEFAULT_OPEN_TIMEOUT = 10.0  # the `websockets` default the SDK inherits
DEFAULT_CLOSE_TIMEOUT = 10.0


class CrossOriginRedirectError(OpenAIError):
    """The WebSocket handshake was redirected to another origin: refused, since the request
    carries credentials (as the SDK's `process_redirect`)."""


def websocket_url(
    base_url: str, websocket_base_url: str | None, path: str, query: Mapping[str, object]
) -> URL:
    """`websocket_base_url`, else `base_url` with a ws/wss scheme, plus `path` and `query`
    (the base URL's own query first, as the SDK)."""
    if websocket_base_url is not None:
        base = URL(websocket_base_url)
    else:
        base = URL(base_url)
        base = base.with_scheme("ws" if base.scheme == "http" else "wss")
    url = base.with_path(base.path.rstrip("/") + "/" + path.lstrip("/"))
    params: dict[str, str | list[str]] = dict(base.query)
    for key, value in query.items():
        # As the SDK's WebSocket query: a sequence repeats its key, None is an empty value.
        if isinstance(value, (list, tuple)):
            params[key] = [_query_value(item) for item in value]
        else:
            params[key] = _query_value(value)
    return url.with_query(params) if params else url


def _query_value(value: object) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    return str(value)


# websockets' option -> what oxide does with it. Accepted and ignored where aiohttp has no
# equivalent knob: flow control there works on the socket, not on a frame count.
_IGNORED_OPTIONS = frozenset({"extensions", "max_queue", "write_limit", "ping_timeout"})


def connect_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """aiohttp `ws_connect` keywords (plus `open_timeout`) for `websocket_connection_options`.

    SDK (`websockets`) names: `max_size` (None: no limit), `compression` ("deflate" or None),
    `subprotocols`, `ping_interval` (None: no pings), `open_timeout`, `close_timeout`,
    `additional_headers`, `user_agent_header`; `extensions`, `max_queue`, `write_limit` and
    `ping_timeout` are accepted and have no effect (a pong is awaited for half the ping
    interval). oxide (aiohttp) names: `heartbeat`, `max_msg_size`, `compress`, `autoping`."""
    out: dict[str, Any] = {
        "heartbeat": DEFAULT_HEARTBEAT,
        "max_msg_size": DEFAULT_MAX_MESSAGE_SIZE,
        "open_timeout": DEFAULT_OPEN_TIMEOUT,
        "close_timeout": DEFAULT_CLOSE_TIMEOUT,
        "headers": {},
    }
    for key, value in options.items():
        if key == "max_size" or key == "max_msg_size":
            out["max_msg_size"] = 0 if value is None else int(value)
        elif key == "compression":
            if value not in (None, "deflate"):
                raise ValueError(f"compression must be 'deflate' or None, not {value!r}")
            out["compress"] = 15 if value == "deflate" else 0
        elif key == "compress":
            out["compress"] = int(value)
        elif key == "subprotocols":
            out["protocols"] = tuple(value or ())
        elif key == "ping_interval" or key == "heartbeat":
            out["heartbeat"] = None if value is None else float(value)
        elif key in ("open_timeout", "close_timeout"):
            out[key] = None if value is None else float(value)
        elif key == "additional_headers":
            out["headers"].update(dict(value or {}))
        elif key == "user_agent_header":
            if value is not None:
                out["headers"]["User-Agent"] = str(value)
        elif key == "autoping":
            out["autoping"] = bool(value)
        elif key not in _IGNORED_OPTIONS:
            raise TypeError(f"unknown websocket_connection_options key: {key!r}")
    return out


async def _refuse_cross_origin(
    session: aiohttp.ClientSession, ctx: Any, params: aiohttp.TraceRequestRedirectParams
) -> None:
    response = params.response
    location = response.headers.get("Location") or response.headers.get("URI")
    target = params.url.join(URL(location)) if location else None
    if target is None or target.origin() != params.url.origin():
        response.close()
        raise CrossOriginRedirectError(
            f"refused a WebSocket redirect from {params.url.origin()} to "
            f"{target.origin() if target is not None else '(no location)'}: "
            "the request carries credentials"
        )


_trace = aiohttp.TraceConfig()
_trace.on_request_redirect.append(_refuse_cross_origin)
_trace.freeze()


async def open_websocket(
    connector: aiohttp.BaseConnector,
    url: URL,
    headers: Mapping[str, str],
    options: Mapping[str, Any],
) -> aiohttp.ClientWebSocketResponse[Any]:
    """The handshake, on the client's connector; handshake failures become the API's status
    errors (401 -> `AuthenticationError`, ...) and transport failures `APIConnectionError`."""
    from ..._decode import status_error
    from ..._exceptions import APIConnectionError, APITimeoutError
    from ..._http import Request, Response

    kwargs = dict(options)
    open_timeout = kwargs.pop("open_timeout", DEFAULT_OPEN_TIMEOUT)
    close_timeout = kwargs.pop("close_timeout", DEFAULT_CLOSE_TIMEOUT)
    all_headers = {**headers, **kwargs.pop("headers", {})}
    # A session of its own for the redirect rule (a trace hook on the client's session would
    # cost every HTTP call), sharing the client's connector; closing it leaves the connector.
    session = aiohttp.ClientSession(
        connector=connector, connector_owner=False, trace_configs=[_trace]
    )
    request = Request("GET", str(url), all_headers)
    try:
        coro: Any = session.ws_connect(
            url,
            headers=all_headers,
            timeout=aiohttp.ClientWSTimeout(ws_close=close_timeout),
            decode_text=False,
            **kwargs,
        )
        ws: aiohttp.ClientWebSocketResponse[Any] = (
            await asyncio.wait_for(coro, open_timeout) if open_timeout else await coro
        )
        return ws
    except aiohttp.WSServerHandshakeError as exc:
        response = Response(exc.status, dict(exc.headers or {}), b"", request)
        raise status_error(exc.status, b"", response) from exc
    except CrossOriginRedirectError:
        raise
    except asyncio.TimeoutError as exc:
        raise APITimeoutError(request) from exc
    except (aiohttp.ClientError, OSError) as exc:
        raise APIConnectionError(request=request) from exc
    finally:
        await session.close()


def closed_error(
    ws: aiohttp.ClientWebSocketResponse[Any], msg: aiohttp.WSMessage
) -> WebSocketConnectionClosedError:
    """What a CLOSE / CLOSING / CLOSED / ERROR message means, as an exception."""
    if msg.type is WSMsgType.CLOSE:
        code: int | None = msg.data
        reason = msg.extra or ""
    else:
        code = ws.close_code
        reason = ""
        if msg.type is WSMsgType.ERROR and msg.data is not None:
            reason = str(msg.data)
    if code is None:
        code = 1006
    if code == 1009:
        return WebSocketMessageTooLargeError(
            f"WebSocket closed: message too large (1009){': ' + reason if reason else ''}",
            code=code,
            reason=reason,
        )
    return WebSocketConnectionClosedError(
        f"WebSocket closed with code {code}{': ' + reason if reason else ''}",
        code=code,
        reason=reason,
    )
