# Stub for the compiled twin; it must match oxide/_speedups/_sse_py.py (the specification).

__all__ = ("SSEDecoder", "ServerSentEvent")

class ServerSentEvent:
    event: str | None
    data: str
    id: str | None
    retry: int | None
    def __init__(
        self,
        *,
        event: str | None = None,
        data: str = "",
        id: str | None = None,
        retry: int | None = None,
    ) -> None: ...
    def __eq__(self, other: object, /) -> bool: ...

class SSEDecoder:
    def __init__(self) -> None: ...
    @property
    def last_event_id(self) -> str: ...
    @property
    def retry(self) -> int | None: ...
    @property
    def buffered(self) -> int: ...
    def feed(self, chunk: bytes) -> list[ServerSentEvent]: ...
    def flush(self) -> list[ServerSentEvent]: ...
