"""Agent frameworks given an `oxide.official` client, against the embedded mock (real sockets).

Each test runs an operation the framework runs with the official client and checks both its
result and that the request went through oxide's engine (oxide names itself in the
`X-Stainless-Package-Version` header; frameworks replace the User-Agent)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import oxide
from oxide.testing import MockOpenAI, ThreadedMockOpenAI


@pytest.fixture
def mock() -> Iterator[ThreadedMockOpenAI]:
    server = ThreadedMockOpenAI(MockOpenAI())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def served_by_oxide(server: ThreadedMockOpenAI) -> bool:
    requests = list(server.mock.requests)
    assert requests, "the framework sent nothing"
    return all(
        any(
            k.lower() == "x-stainless-package-version" and v == oxide.__version__
            for k, v in r.headers.items()
        )
        for r in requests
    )
