"""Constants shared by the client; values match openai==3.3.1 (`openai/_constants.py`)."""

from __future__ import annotations

from ._types import Timeout

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_TIMEOUT = Timeout(timeout=600, connect=5.0)
DEFAULT_MAX_RETRIES = 2

# The official SDK's httpx limits are (max_connections=1000, max_keepalive=100). aiohttp has one
# pool limit; keep-alive sockets are bounded by it too.
DEFAULT_CONNECTION_LIMIT = 1000
DEFAULT_CONNECTION_LIMIT_PER_HOST = 0  # 0 = no per-host cap, as httpx
DEFAULT_KEEPALIVE_TIMEOUT = 60.0  # seconds an idle pooled socket is kept
DEFAULT_DNS_TTL = 300  # seconds the connector caches DNS answers

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER_DELAY = 2 * 60

# Bytes of a non-JSON error body kept on the exception (a proxy's HTML page can be large).
MAX_ERROR_BODY = 1 << 20
