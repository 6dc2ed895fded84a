"""`realtime.calls.create`: an SDP offer sent as `application/sdp`, or with a session config
(or other fields) as multipart parts with their own content types (the SDK's
`_multipart.encode_multipart`, which the generator does not mirror)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ... import _legacy_response
from ..._options import make_request_options
from ..._types import Body, Headers, NotGiven, Omit, Query, Timeout, not_given, omit
from ..._utils import maybe_transform

if TYPE_CHECKING:
    from ...types.realtime.realtime_session_create_request_param import (
        RealtimeSessionCreateRequestParam,
    )

__all__ = ["AsyncCallsMixin", "CallsMixin"]

if TYPE_CHECKING:  # the resource base the mixin is attached to, for the type checker only
    from ..._resource import AsyncAPIResource as _AsyncBase
    from ..._resource import SyncAPIResource as _SyncBase
else:
    _AsyncBase = _SyncBase = object


def _create_args(
    sdp: str, session: Any, extra_headers: Any, extra_query: Any, extra_body: Any, timeout: Any
) -> dict[str, Any]:
    # The raw SDP body only when nothing else would be lost (the SDK's rule).
    if isinstance(session, Omit) and not extra_body:
        headers = {"Accept": "application/sdp", "Content-Type": "application/sdp"}
        return {
            "content": sdp.encode("utf-8"),
            "options": make_request_options(
                extra_headers={**headers, **(extra_headers or {})},
                extra_query=extra_query,
                timeout=timeout,
            ),
            "cast_to": _legacy_response.HttpxBinaryResponseContent,
        }
    headers = {"Accept": "application/sdp", "Content-Type": "multipart/form-data"}
    files = [
        ("sdp", (None, sdp.encode("utf-8"), "application/sdp")),
        (
            "session",
            (None, json.dumps(maybe_transform(session)).encode("utf-8"), "application/json"),
        ),
    ]
    return {
        "files": files,
        "options": make_request_options(
            extra_headers={**headers, **(extra_headers or {})},
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        ),
        "cast_to": _legacy_response.HttpxBinaryResponseContent,
    }


class CallsMixin(_SyncBase):
    def create(
        self,
        *,
        sdp: str,
        session: RealtimeSessionCreateRequestParam | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = not_given,
    ) -> _legacy_response.HttpxBinaryResponseContent:
        """Create a new Realtime API call over WebRTC and receive the SDP answer needed to
        complete the peer connection."""
        args = _create_args(sdp, session, extra_headers, extra_query, extra_body, timeout)
        return self._post("/realtime/calls", **args)  # type: ignore[no-any-return]


class AsyncCallsMixin(_AsyncBase):
    async def create(
        self,
        *,
        sdp: str,
        session: RealtimeSessionCreateRequestParam | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = not_given,
    ) -> _legacy_response.HttpxBinaryResponseContent:
        """Create a new Realtime API call over WebRTC and receive the SDP answer needed to
        complete the peer connection."""
        args = _create_args(sdp, session, extra_headers, extra_query, extra_body, timeout)
        return await self._post("/realtime/calls", **args)
