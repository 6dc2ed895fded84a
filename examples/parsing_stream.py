"""Structured outputs while streaming (the official examples/parsing_stream.py)."""

from pydantic import BaseModel

from oxide.compat import OpenAI


class Step(BaseModel):
    explanation: str
    output: str


class MathResponse(BaseModel):
    steps: list[Step]
    final_answer: str


client = OpenAI()

with client.chat.completions.stream(
    model="gpt-4o-2024-08-06",
    messages=[
        {"role": "system", "content": "You are a helpful math tutor."},
        {"role": "user", "content": "solve 8x + 31 = 2"},
    ],
    response_format=MathResponse,
) as stream:
    deltas = 0
    for event in stream:
        if event.type == "content.delta":
            deltas += 1
            if event.parsed is not None:
                last = event.parsed  # the partial object parsed so far

completion = stream.get_final_completion()
print(deltas, "content deltas")
print("final answer:", completion.choices[0].message.parsed.final_answer)
