"""Responses WebSocket lanes: two conversations at once on one socket, each collected as
its final response (the official openai.lib.responses_websocket, through oxide.compat; the
module itself is oxide.lib.responses_websocket)."""

import threading

from oxide.compat.lib.responses_websocket import (
    ResponsesWebSocketLimits,
    ResponsesWebSocketSession,
)
from oxide.compat.types.responses import Response

from oxide.compat import OpenAI

# Application budgets for what the session may buffer, not server limits.
limits = ResponsesWebSocketLimits(
    max_lanes=4,  # includes the default lane
    max_events_per_lane=256,
    max_events=1024,
    max_bytes_per_lane=16 * 1024 * 1024,
    max_bytes=32 * 1024 * 1024,
)

client = OpenAI()
with client.responses.connect() as connection:
    with ResponsesWebSocketSession(connection, limits=limits) as session:
        lanes = {name: session.lane(name) for name in ("poem", "joke")}
        for name, lane in lanes.items():
            lane.send({"type": "response.create", "model": "gpt-4o-mini", "input": f"A {name}"})

        results: dict[str, Response] = {}

        def collect(name: str) -> None:
            results[name] = lanes[name].get_final_response(timeout=60)

        threads = [threading.Thread(target=collect, args=(name,)) for name in lanes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

for name, response in sorted(results.items()):
    print(name, response.status, response.output_text[:40])
