"""Constants shared by the client; values match openai==3.3.1 (`openai/_constants.py`)."""

from __future__ import annotations

from ._types import Timeout

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_TIMEOUT = Timeout(timeout=600, connect=5.0)
DEFAULT_MAX_RETRIES = 2

# The official SDK's httpx limits are (max_connections=1000, max_keepalive=100).
DEFAULT_CONNECTION_LIMIT = 1000
DEFAULT_CONNECTION_LIMIT_PER_HOST = 0  # 0 = no per-host cap, as httpx
# Idle keep-alive sockets kept per pool (aiohttp alone keeps every socket a burst opened). An
# agent farm runs hundreds of sessions whose calls are separated by tool runs of a few seconds:
# closing sockets between turns would make each turn pay a new TCP + TLS handshake, so the cap
# is well above the SDK's 100. It stays well under the common 1024 file-descriptor limit, which
# 1000 idle sockets (aiohttp's behaviour, and oxide's before) nearly exhaust on their own.
DEFAULT_MAX_IDLE_CONNECTIONS = 256
# Seconds an idle pooled socket is kept. Below the idle timeouts of the proxies in front of
# most servers (AWS ALB 60 s, nginx 75 s), so the client drops a socket before the server does
# and a request rarely lands on a connection the server is closing.
DEFAULT_KEEPALIVE_TIMEOUT = 30.0
DEFAULT_DNS_TTL = 300  # seconds the connector caches DNS answers

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER_DELAY = 2 * 60

# Bytes of a non-JSON error body kept on the exception (a proxy's HTML page can be large).
MAX_ERROR_BODY = 1 << 20

# The send queue of a Live API WebSocket connection (openai 3.63 `_constants.py`): audio queued
# while a Live socket opens or reconnects outgrows the 1 MiB other WebSocket modes allow.
DEFAULT_LIVE_SEND_QUEUE_MAX_BYTES = 2_097_152
