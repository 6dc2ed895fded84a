"""Responses WebSocket mode: a tool loop on one socket (the official
examples/responses/websocket.py, shortened)."""

import json

from oxide.compat import OpenAI

client = OpenAI()

tools = [
    {
        "type": "function",
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    }
]

with client.responses.connect() as connection:
    connection.response.create(model="gpt-4o-mini", input="Weather in Paris?", tools=tools)
    previous = None
    turns = 0
    while turns < 3:
        turns += 1
        for event in connection:
            if event.type == "error":
                raise SystemExit(event.error.message)
            if event.type == "response.completed":
                previous = event.response
                break
        calls = [item for item in previous.output if item.type == "function_call"]
        if not calls:
            break
        outputs = [
            {
                "type": "function_call_output",
                "call_id": call.call_id,
                "output": json.dumps({"city": json.loads(call.arguments)["city"], "sky": "sunny"}),
            }
            for call in calls
        ]
        connection.response.create(
            model="gpt-4o-mini", previous_response_id=previous.id, input=outputs, tools=tools
        )

print("turns:", turns)
print(previous.output_text[:60])
