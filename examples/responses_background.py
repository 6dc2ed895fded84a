"""A background response, streamed, interrupted and resumed from its sequence number (the
official examples/responses/background.py)."""

from oxide.compat import OpenAI

client = OpenAI()
response_id = None
seen = 0

with client.responses.create(
    input="solve 8x + 31 = 2",
    model="gpt-4o-2024-08-06",
    background=True,
    stream=True,
) as stream:
    for event in stream:
        if event.type == "response.created":
            response_id = event.response.id
        seen = event.sequence_number
        if event.sequence_number == 10:
            break

print("Interrupted. Continuing...")
assert response_id is not None
with client.responses.retrieve(response_id=response_id, stream=True, starting_after=seen) as stream:
    for event in stream:
        if event.type == "response.completed":
            print("completed:", event.response.output_text[:40])
