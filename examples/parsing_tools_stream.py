"""Parallel tool calls from a stream, parsed into a type (the official
examples/parsing_tools_stream.py)."""

from pydantic import BaseModel

import oxide.compat as openai
from oxide.compat import OpenAI


class GetWeather(BaseModel):
    city: str
    country: str


client = OpenAI()

with client.chat.completions.stream(
    model="gpt-4o-2024-08-06",
    messages=[{"role": "user", "content": "What's the weather like in SF and New York?"}],
    tools=[openai.pydantic_function_tool(GetWeather, name="get_weather")],
    parallel_tool_calls=True,
) as stream:
    for event in stream:
        if event.type == "tool_calls.function.arguments.done":
            print(event.type, event.name, type(event.parsed_arguments).__name__)

completion = stream.get_final_completion()
print("tool calls:", len(completion.choices[0].message.tool_calls or []))
