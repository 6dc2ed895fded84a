"""Counting input tokens before a call (the official examples/responses_input_tokens.py)."""

from oxide.compat import OpenAI

client = OpenAI()

count = client.responses.input_tokens.count(
    model="gpt-4o-mini",
    input="Tell me a joke about programming.",
    instructions="Be brief.",
)
print("input tokens:", count.input_tokens > 0)
