"""WebSocket connections: Responses WebSocket mode and the Realtime API (see `_connection`)."""
