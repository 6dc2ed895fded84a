"""Structured outputs with a pydantic model (the official examples/parsing.py)."""

from pydantic import BaseModel

from oxide.compat import OpenAI


class Step(BaseModel):
    explanation: str
    output: str


class MathResponse(BaseModel):
    steps: list[Step]
    final_answer: str


client = OpenAI()

completion = client.chat.completions.parse(
    model="gpt-4o-2024-08-06",
    messages=[
        {"role": "system", "content": "You are a helpful math tutor."},
        {"role": "user", "content": "solve 8x + 31 = 2"},
    ],
    response_format=MathResponse,
)

message = completion.choices[0].message
if message.parsed:
    print(type(message.parsed).__name__, len(message.parsed.steps), "steps")
    print("answer:", message.parsed.final_answer)
else:
    print(message.refusal)
