"""The Responses API stream helper with a structured output (the official
examples/responses/streaming.py)."""

from pydantic import BaseModel

from oxide.compat import OpenAI


class Step(BaseModel):
    explanation: str
    output: str


class MathResponse(BaseModel):
    steps: list[Step]
    final_answer: str


client = OpenAI()

with client.responses.stream(
    input="solve 8x + 31 = 2",
    model="gpt-4o-2024-08-06",
    text_format=MathResponse,
) as stream:
    kinds = set()
    for event in stream:
        kinds.add(event.type)

response = stream.get_final_response()
print(sorted(k for k in kinds if "output_text" in k))
print("parsed:", type(response.output_parsed).__name__)
